// Runs one package's live examples in Chromium straight from its TypeScript sources, without building
// the docs site: bundles `@dlf/<pkg>/examples` (the `@dlf/source` condition) with esbuild into a
// temporary folder, serves it on 127.0.0.1, starts every example (or the ones named) one after the
// other and reports each one's final state, backend, wall time and any console error. Screenshots go
// to <out>/shots/. Meant for authors of examples; the docs' own tests run everything from the build.
//
//   node docs/scripts/try-examples.mjs <pkg> [name ...] [--out DIR] [--timeout SECONDS] [--backend B]
//                                                       [--options JSON]
//
// Exits 1 when an example does not reach `done` or logs a console error.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { siteDir } from './packages.mjs';
import { startServer } from './serve.mjs';

const require = createRequire(join(siteDir, 'package.json'));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const out = flag('--out', undefined);
const timeoutS = Number(flag('--timeout', '120'));
const backend = flag('--backend', undefined);
const extraOptions = JSON.parse(flag('--options', '{}'));
const [pkg, ...only] = args;
if (!pkg) {
  console.error('usage: node docs/scripts/try-examples.mjs <pkg> [name ...] [--out DIR] [--timeout S]');
  process.exit(2);
}
const dir = out ?? join('/tmp', `dlf-try-${pkg}-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'shots'), { recursive: true });

const esbuild = await import('esbuild');
const t0 = performance.now();
await esbuild.build({
  stdin: {
    contents: [
      `export * from '@dlf/${pkg}/examples';`,
      `import { configureExamples } from '@dlf/runtime/examples';`,
      `configureExamples({ wasmPaths: new URL('./', import.meta.url).href });`,
    ].join('\n'),
    resolveDir: siteDir,
    sourcefile: 'try-entry.js',
  },
  conditions: ['@dlf/source'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: dir,
  entryNames: 'examples',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  logOverride: { 'ignored-bare-import': 'silent' },
});
const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) {
  copyFileSync(join(wasmDist, f), join(dir, f));
}
const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
const ortWasm = new Set(
  readFileSync(join(ortDist, 'ort.bundle.min.mjs'), 'utf8').match(/ort-wasm[\w.-]*\.wasm/g),
);
for (const f of ortWasm) copyFileSync(join(ortDist, f), join(dir, f));
writeFileSync(join(dir, '404.html'), 'not found');
writeFileSync(
  join(dir, 'index.html'),
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>
<body style="max-width:760px;margin:1rem auto"><main id="root"></main>
<script type="module">
import { examples } from './examples.js';
window.dlfExamples = examples;
window.dlfReady = true;
</script></body></html>`,
);
console.log(
  `[try-examples] bundled @dlf/${pkg}/examples in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${dir}`,
);

const { chromium } = await import('playwright-core');
const server = await startServer({ root: dir });
const browser = await chromium.launch({
  executablePath: process.env.DLF_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--enable-unsafe-webgpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
let failures = 0;
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.dlfReady === true, null, { timeout: 30_000 });
  const names = await page.evaluate(() => Object.keys(window.dlfExamples));
  const selected = only.length > 0 ? only : names;
  for (const name of selected) {
    if (!names.includes(name)) {
      console.log(`✗ ${name}: not exported (have: ${names.join(', ')})`);
      failures++;
      continue;
    }
    errors.length = 0;
    const started = performance.now();
    await page.evaluate(
      ({ name, backend, extraOptions }) => {
        const root = document.getElementById('root');
        root.replaceChildren();
        const el = document.createElement('div');
        root.append(el);
        window.dlfHandle?.destroy();
        window.dlfHandle = window.dlfExamples[name].mount(el, {
          start: 'immediate',
          onStateChange: (state, message) => {
            window.dlfMessage = message ? `${state}: ${message}` : state;
          },
          ...(backend ? { backend } : {}),
          ...extraOptions,
        });
      },
      { name, backend, extraOptions },
    );
    let state = 'timeout';
    try {
      await page.waitForFunction(
        () =>
          ['done', 'error', 'stopped'].includes(
            document.querySelector('[data-dlf-state]')?.getAttribute('data-dlf-state'),
          ),
        null,
        { timeout: timeoutS * 1000, polling: 100 },
      );
      state = await page.evaluate(() =>
        document.querySelector('[data-dlf-state]').getAttribute('data-dlf-state'),
      );
    } catch {}
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const info = await page.evaluate(() => {
      const el = document.querySelector('[data-dlf-state]');
      return {
        backend: el?.getAttribute('data-dlf-backend'),
        error: el?.getAttribute('data-dlf-error'),
        text: window.dlfMessage,
      };
    });
    await page.screenshot({ path: join(dir, 'shots', `${name}.png`), fullPage: true });
    const ok = state === 'done' && errors.length === 0;
    if (!ok) failures++;
    console.log(
      `${ok ? '✓' : '✗'} ${name}: ${state} in ${seconds} s on ${info.backend}${info.error ? ` — ${info.error}` : ''}`,
    );
    console.log(`    message: ${info.text ?? ''}`);
    for (const e of errors) console.log(`    console: ${e}`);
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`[try-examples] screenshots in ${join(dir, 'shots')}`);
process.exit(failures > 0 ? 1 : 0);
