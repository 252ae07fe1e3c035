import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, DlfError, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend, staticValueImports } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedIndices, takeRows } from './draw.js';
import * as examplesModule from './index.js';
import { mlpRows } from './mlpRows.js';
import { pca2 } from './pca2.js';

beforeAll(async () => {
  await setupTestBackend();
});

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

describe('@dlf/selfsup/examples', () => {
  const { examples } = examplesModule;

  it('lists every example defined in the folder, under its own name, with a selfsup/<name> id and defaults', () => {
    expect(definedNames.sort()).toEqual(['mamlSinusoid', 'protoNetDrawn', 'simclrClusters']);
    expect(Object.keys(examples).sort()).toEqual(definedNames);
    for (const [key, example] of Object.entries(examples)) {
      expect(example.name).toBe(key);
      expect(example.id).toBe(`selfsup/${key}`);
      expect(example.title.length).toBeGreaterThan(0);
      expect(example.description.length).toBeGreaterThan(0);
      expect(typeof example.mount).toBe('function');
      expect(typeof example.defaults).toBe('object');
      expect((example.defaults as { seed?: unknown }).seed).toBe(0);
    }
  });

  it('exports each example by name, the same object as in the record', () => {
    const named = Object.entries(examplesModule).filter(
      ([key, value]) => key !== 'examples' && typeof (value as { mount?: unknown })?.mount === 'function',
    );
    expect(named.map(([key]) => key).sort()).toEqual(Object.keys(examples).sort());
    for (const [key, value] of named) expect(value).toBe(examples[key]);
    expect(Object.isFrozen(examples)).toBe(true);
  });

  it('loads nothing heavy at module level: no static import of tfjs, the main entry or package code', () => {
    expect(sources.length).toBeGreaterThan(3);
    for (const { file, source } of sources) {
      // `import type` is erased; value imports must be `import()` inside run().
      const staticImports = staticValueImports(source);
      for (const spec of staticImports) {
        expect(spec, `${file} imports ${spec} statically`).not.toMatch(
          /^@tensorflow\/|^onnxruntime|^@dlf\/selfsup$|^\.\.\/.*\.js$|^@dlf\/runtime$/,
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

  it('pca2 recovers the principal axes and variances of a known anisotropic cloud', () => {
    // Points on the axes of R^3 at +-3 (first axis), +-1 (second), +-0.1 (third), in a rotated basis:
    // the covariance has eigenvalues 9/3, 1/3, 0.01/3 along the rotated axes.
    const c = Math.cos(0.7);
    const s = Math.sin(0.7);
    const basis = [
      [c, s, 0],
      [-s, c, 0],
      [0, 0, 1],
    ];
    const radii = [3, 1, 0.1];
    const rows: number[] = [];
    for (let k = 0; k < 3; k++)
      for (const sign of [1, -1])
        for (let j = 0; j < 3; j++) rows.push(sign * (radii[k] as number) * (basis[k]?.[j] as number));
    const { coords, variance } = pca2(rows, 6, 3);
    expect(variance[0]).toBeCloseTo(9 / 3, 10);
    expect(variance[1]).toBeCloseTo(1 / 3, 10);
    // The first point lies on the first axis: coordinates (+-3, 0).
    expect(Math.abs(coords[0] as number)).toBeCloseTo(3, 8);
    expect(coords[1] as number).toBeCloseTo(0, 8);
    // With the previous coordinates negated, both axes flip to match them.
    const flipped = pca2(
      rows,
      6,
      3,
      coords.map((v) => -v),
    ).coords;
    for (let i = 0; i < coords.length; i++) expect(flipped[i]).toBeCloseTo(-(coords[i] as number), 10);
  });

  it('mlpRows (the plain-JS forward pass used after training) equals the model applied by tfjs', async () => {
    const model = mlp({ sizes: [64, 128, 32], activation: 'relu', initScale: Math.SQRT2 });
    const w = model.init(3);
    const x = Float32Array.from(createRng(4).normalArray(5 * 64));
    const reference = await expectNoLeaks(async () => {
      const out = tf.tidy(() => model.apply(w, tf.tensor2d(x, [5, 64])));
      const values = Float32Array.from(await out.data());
      out.dispose();
      return values;
    });
    const layers = model.layers.map((l) => ({ ...l, relu: l.activation === 'relu' }));
    const mine = mlpRows(layers, await w.data(), x, 5);
    expect(mine.length).toBe(5 * 32);
    for (let i = 0; i < mine.length; i++) expect(mine[i]).toBeCloseTo(reference[i] as number, 4);
    w.dispose();
  });

  it('balancedIndices takes perClass examples of each class; takeRows copies those rows', () => {
    const y = Int32Array.from({ length: 40 }, (_, i) => i % 4);
    const picked = balancedIndices({ y, n: 40 }, 3, 4, (a) => createRng(0).shuffle(a));
    expect(picked).toHaveLength(12);
    expect(new Set(picked).size).toBe(12);
    expect(picked.map((i) => y[i])).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    const x = Float32Array.from({ length: 80 }, (_, i) => i);
    expect(Array.from(takeRows(x, 2, [3, 0]))).toEqual([6, 7, 0, 1]);
  });
});
