import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlfError, mlp } from '@dlf/runtime';
import { setupTestBackend, staticValueImports } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as examplesModule from './index.js';
import { pointRng } from './seededPoints.js';
import { jsDecoder } from './vaeLatentGrid.js';

const dir = import.meta.dirname;
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((file) => ({ file, source: readFileSync(join(dir, file), 'utf8') }));

/** Names given to `defineExample({ name: '...' })` in the folder's files. */
const definedNames = sources.flatMap(({ source }) =>
  [...source.matchAll(/defineExample(?:<[^>]*>)?\(\{[\s\S]*?\bname:\s*'([^']+)'/g)].map(
    (m) => m[1] as string,
  ),
);

describe('@dlf/generative/examples', () => {
  const { examples } = examplesModule;

  beforeAll(async () => {
    await setupTestBackend();
  });

  it('lists the four examples of the issue, each defined in the folder, with a generative/<name> id', () => {
    expect(Object.keys(examples).sort()).toEqual(['flowMoons', 'ganMixture', 'otPlan', 'vaeLatentGrid']);
    expect([...definedNames].sort()).toEqual(Object.keys(examples).sort());
    for (const [key, example] of Object.entries(examples)) {
      expect(example.name).toBe(key);
      expect(example.id).toBe(`generative/${key}`);
      expect(example.title.length).toBeGreaterThan(0);
      expect(example.description.length).toBeGreaterThan(0);
      expect(typeof example.mount).toBe('function');
      // Every example is seeded: a `seed` option with a default.
      expect(example.defaults).toHaveProperty('seed', 0);
    }
  });

  it('exports each example by name, the same object as in the frozen record', () => {
    const named = Object.entries(examplesModule).filter(
      ([key, value]) => key !== 'examples' && typeof (value as { mount?: unknown })?.mount === 'function',
    );
    expect(named.map(([key]) => key).sort()).toEqual(Object.keys(examples).sort());
    for (const [key, value] of named) expect(value).toBe(examples[key]);
    expect(Object.isFrozen(examples)).toBe(true);
  });

  it('loads nothing heavy at module level: no static import of tfjs, onnxruntime, the runtime or package code', () => {
    expect(sources.length).toBeGreaterThan(4);
    for (const { file, source } of sources) {
      // `import type` is erased; value imports of package code must be `import()` inside run().
      const staticImports = staticValueImports(source);
      for (const spec of staticImports) {
        expect(spec, `${file} imports ${spec} statically`).not.toMatch(
          /^@tensorflow\/|^onnxruntime|^@dlf\/generative$|^@dlf\/runtime$|^\.\.\//,
        );
      }
    }
  });

  it('mount rejects a non-element with DlfError INVALID_ARGUMENT naming the parameter', () => {
    for (const example of Object.values(examples)) {
      let caught: unknown;
      try {
        example.mount({} as HTMLElement);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DlfError);
      expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', param: 'element' });
    }
  });

  it('the idle views draw seeded data: the same seed gives the same points, normals with mean 0 and variance 1', () => {
    const a = pointRng(3);
    const b = pointRng(3);
    const xs = Array.from({ length: 4000 }, () => a.normal());
    expect(Array.from({ length: 4000 }, () => b.normal())).toEqual(xs);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1);
    // Standard errors for n = 4000: 1/sqrt(n) = 0.016 for the mean, sqrt(2/n) = 0.022 for the variance.
    expect(Math.abs(mean)).toBeLessThan(4 * 0.016);
    expect(Math.abs(variance - 1)).toBeLessThan(4 * 0.022);
    expect(pointRng(4).normal()).not.toBe(xs[0]);
  });

  it("vaeLatentGrid's plain-JavaScript decoder equals sigmoid of the runtime mlp's forward pass", async () => {
    // Two hidden layers with different activations, so that the layout and every activation are used.
    const decoder = mlp({ sizes: [2, 16, 12, 784], activation: ['tanh', 'relu'] });
    const params = decoder.init(5);
    const decode = jsDecoder(params.dataSync() as Float32Array, decoder.layers);
    const points = [
      [0, 0],
      [1.5, -0.7],
      [-2.2, 2.9],
    ];
    const expected = tf.tidy(() => tf.sigmoid(decoder.apply(params, tf.tensor2d(points))));
    const rows = (await expected.array()) as number[][];
    tf.dispose([params, expected]);
    points.forEach(([z0, z1], i) => {
      const js = decode(z0 as number, z1 as number);
      expect(js.length).toBe(784);
      const reference = rows[i] as number[];
      let worst = 0;
      for (let j = 0; j < 784; j++)
        worst = Math.max(worst, Math.abs((js[j] as number) - (reference[j] as number)));
      // float32 on both sides, sums of at most 16 terms: agreement to a few ulps of values in (0, 1).
      expect(worst).toBeLessThan(1e-5);
    });
  });
});
