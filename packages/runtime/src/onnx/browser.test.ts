import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../createRng.js';
import { setupTestBackend } from '../testing.js';
import { exportOnnx } from './exportOnnx.js';

// Real Chromium (Debian's, headless) loads a page bundling `@dlf/runtime/onnx` from source, served
// from 127.0.0.1 together with onnxruntime-web's .wasm files (found through `wasmPaths`). The page
// creates sessions for an exported CNN concurrently with the 'webgpu' provider (a SwiftShader
// software adapter under --enable-unsafe-webgpu), 'wasm' and 'auto', runs them, and the outputs
// are compared here with tfjs's model.predict in Node.

const CHROMIUM = process.env.DLF_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ORT_DIST = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
const ORT_FILES = new Set(readdirSync(ORT_DIST));
const MIME: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
};

interface PageResult {
  requested: string;
  provider?: string;
  fallbacks?: string[];
  dims?: number[];
  data?: number[];
  error?: string;
}

let server: http.Server | undefined;
let browser: Browser | undefined;
let baseUrl = '';
const served: string[] = [];

async function bundlePage(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "import { createSession } from './index.ts';\n(globalThis).dlfOnnx = { createSession };\n",
      resolveDir: dirname(fileURLToPath(import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@dlf/source'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

function startServer(routes: Record<string, { type: string; body: string | Uint8Array }>): Promise<string> {
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    served.push(path);
    const route = routes[path];
    if (route) {
      res.writeHead(200, { 'content-type': route.type });
      res.end(route.body);
      return;
    }
    const file = path.startsWith('/ort/') ? path.slice('/ort/'.length) : '';
    if (ORT_FILES.has(file)) {
      res.writeHead(200, {
        'content-type': MIME[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
      });
      res.end(readFileSync(join(ORT_DIST, file)));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const srv = server;
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`));
  });
}

function smallCnn(): tf.LayersModel {
  const L = tf.layers;
  const model = tf.sequential({
    layers: [
      L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 2] }),
      L.batchNormalization({}),
      L.maxPooling2d({ poolSize: 2 }),
      L.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'tanh' }),
      L.flatten(),
      L.dense({ units: 6 }),
      L.layerNormalization({}),
      L.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  const rng = createRng(7);
  const values = model.weights.map((w) => {
    const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
    const data = /variance/.test(w.originalName)
      ? rng.uniformArray(size, 0.5, 2)
      : rng.normalArray(size, 0, 0.5);
    return tf.tensor(data, w.shape as number[]);
  });
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

describe('@dlf/runtime/onnx in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set DLF_CHROMIUM`,
      );
    }
    await setupTestBackend();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('creates webgpu, wasm and auto sessions concurrently; each computes model.predict', async () => {
    const model = smallCnn();
    const x = tf.tensor(createRng(8).normalArray(3 * 8 * 8 * 2), [3, 8, 8, 2]);
    const want = (model.predict(x) as tf.Tensor).dataSync();
    const bytes = exportOnnx(model);
    baseUrl = await startServer({
      '/': {
        type: 'text/html',
        body: '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>',
      },
      '/page.js': { type: 'text/javascript', body: await bundlePage() },
      '/model.onnx': { type: 'application/octet-stream', body: bytes },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(`${baseUrl}/`);
    await page.waitForFunction(() => 'dlfOnnx' in globalThis);

    const { adapter, results } = await page.evaluate(
      async ({ input, dims }) => {
        type Api = {
          createSession(
            src: string | Uint8Array,
            o: object,
          ): Promise<{
            provider: string;
            fallbacks: string[];
            run(i: unknown): Promise<Record<string, { data: Float32Array; dims: number[] }>>;
            dispose(): Promise<void>;
          }>;
        };
        const api = (globalThis as unknown as { dlfOnnx: Api }).dlfOnnx;
        const gpu = (
          navigator as unknown as {
            gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> };
          }
        ).gpu;
        const found = gpu ? await gpu.requestAdapter() : null;
        const adapter = found ? (found.info?.architecture ?? 'unknown') : null;
        const requests: (string[] | 'auto')[] = [['webgpu'], ['wasm'], 'auto', ['wasm'], ['webgpu']];
        // All at once: the runtime must serialise onnxruntime-web's initialisation itself.
        const settled = await Promise.allSettled(
          requests.map((executionProviders) =>
            api.createSession('/model.onnx', { executionProviders, wasmPaths: '/ort/' }),
          ),
        );
        const results: PageResult[] = [];
        for (const [k, s] of settled.entries()) {
          const requested = JSON.stringify(requests[k]);
          if (s.status === 'rejected') {
            const e = s.reason as { code?: string; message?: string };
            results.push({ requested, error: `${e.code}: ${e.message}` });
            continue;
          }
          const out = await s.value.run({ data: Float32Array.from(input), dims });
          const output = out.output as { data: Float32Array; dims: number[] };
          results.push({
            requested,
            provider: s.value.provider,
            fallbacks: s.value.fallbacks,
            dims: output.dims,
            data: Array.from(output.data),
          });
          await s.value.dispose();
        }
        return { adapter, results };
      },
      { input: Array.from(x.dataSync()), dims: x.shape },
    );

    const context = `page results ${JSON.stringify(results.map((r) => ({ ...r, data: undefined })))}\nlogs:\n${logs.join('\n')}`;
    if (adapter === null) {
      console.warn(
        'WebGPU: Chromium exposed no adapter here, so only the wasm provider was checked in the browser',
      );
    }
    for (const r of results) {
      const wantsGpu = r.requested === '["webgpu"]' || r.requested === '"auto"';
      const expectedProvider = wantsGpu && adapter !== null ? 'webgpu' : 'wasm';
      if (r.requested === '["webgpu"]' && adapter === null) {
        expect(r.error, context).toMatch(/^BACKEND_UNAVAILABLE/);
        continue;
      }
      expect(r.error, context).toBeUndefined();
      expect(r.provider, context).toBe(expectedProvider);
      expect(r.dims).toEqual([3, 3]);
      const worst = Math.max(...(r.data ?? []).map((v, i) => Math.abs(v - (want[i] as number))));
      expect(worst, `${r.requested} -> ${r.provider}`).toBeLessThan(1e-4);
    }
    // wasmPaths was honoured: the runtime's .wasm came from /ort/ on this server.
    expect(
      served.some((p) => p.startsWith('/ort/') && p.endsWith('.wasm')),
      served.join(', '),
    ).toBe(true);
    tf.dispose([x]);
    model.dispose();
  });
});
