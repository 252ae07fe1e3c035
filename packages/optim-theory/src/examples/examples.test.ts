import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { staticValueImports } from '@dlf/runtime/testing';
import { describe, expect, it } from 'vitest';
import {
  bpttGradients,
  doubleDescent,
  examples,
  gdaVsOgda,
  implicitBias,
  kernelTrick,
  ntkWidth,
  plBound,
  randomLabels,
} from './index.js';

const dir = join(import.meta.dirname, '.');
const NAMES = [
  'bpttGradients',
  'doubleDescent',
  'gdaVsOgda',
  'implicitBias',
  'kernelTrick',
  'ntkWidth',
  'plBound',
  'randomLabels',
];

describe('@dlf/optim-theory/examples', () => {
  it('lists every exported example under its own name, with an optim-theory/<name> id and defaults', () => {
    expect(Object.keys(examples).sort()).toEqual(NAMES);
    for (const [key, example] of Object.entries(examples)) {
      expect(example.name).toBe(key);
      expect(example.id).toBe(`optim-theory/${key}`);
      expect(example.title.length).toBeGreaterThan(0);
      expect(example.description.length).toBeGreaterThan(0);
      expect(typeof example.mount).toBe('function');
      expect(Object.keys(example.defaults).length).toBeGreaterThan(0);
    }
    const named = [
      bpttGradients,
      doubleDescent,
      gdaVsOgda,
      implicitBias,
      kernelTrick,
      ntkWidth,
      plBound,
      randomLabels,
    ];
    expect(named).toEqual(expect.arrayContaining(Object.values(examples) as unknown[]));
    expect(named).toHaveLength(Object.keys(examples).length);
  });

  it('has one source file per example, each defining the example of its name', () => {
    const files = readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !['index.ts', 'chart.ts'].includes(f),
    );
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(NAMES);
    for (const file of files) {
      const source = readFileSync(join(dir, file), 'utf8');
      expect(source).toContain(`name: '${file.replace(/\.ts$/, '')}'`);
      expect(source).toContain("package: 'optim-theory'");
    }
  });

  it('loads nothing heavy at module level: no static import of tfjs, the runtime main entry or package code', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const source = readFileSync(join(dir, file), 'utf8');
      // `import type` is erased; package code must be loaded with `import()` inside run().
      const staticImports = staticValueImports(source);
      for (const spec of staticImports) {
        expect(spec, `${file} imports ${spec} statically`).toMatch(
          /^@dlf\/runtime\/examples$|^\.\/[\w]+\.js$/,
        );
      }
      // Lazy imports reach only this package's own modules.
      for (const m of source.matchAll(/import\('([^']+)'\)/g)) {
        expect(m[1], `${file} lazily imports ${m[1]}`).toMatch(/^\.\.\/[\w/]+\.js$/);
      }
    }
  });

  it('mount rejects a non-element with DlfError INVALID_ARGUMENT naming the parameter', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    for (const example of Object.values(examples)) {
      expect(err(() => example.mount({} as HTMLElement))).toMatchObject({
        name: 'DlfError',
        code: 'INVALID_ARGUMENT',
        param: 'element',
      });
    }
  });
});
