import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlfError } from '@dlf/runtime';
import { staticValueImports } from '@dlf/runtime/testing';
import { describe, expect, it } from 'vitest';
import * as examplesModule from './index.js';

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

describe('@dlf/robustness/examples', () => {
  const { examples } = examplesModule;

  it('lists every example defined in the folder, under its own name, with a robustness/<name> id', () => {
    expect(definedNames.length).toBeGreaterThan(0);
    expect(Object.keys(examples).sort()).toEqual([...definedNames].sort());
    for (const [key, example] of Object.entries(examples)) {
      expect(example.name).toBe(key);
      expect(example.id).toBe(`robustness/${key}`);
      expect(example.title.length).toBeGreaterThan(0);
      expect(example.description.length).toBeGreaterThan(0);
      expect(typeof example.mount).toBe('function');
      expect(typeof example.defaults).toBe('object');
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

  it('loads nothing heavy at module level: no static import of tfjs, onnxruntime or the main entry', () => {
    expect(sources.length).toBeGreaterThan(0);
    for (const { file, source } of sources) {
      // `import type` is erased; value imports must be `import()` inside run().
      const staticImports = staticValueImports(source);
      for (const spec of staticImports) {
        expect(spec, `${file} imports ${spec} statically`).not.toMatch(
          /^@tensorflow\/|^onnxruntime|^@dlf\/robustness$|^\.\.\/index\.js$|^\.\.\/.*\.js$|^@dlf\/runtime$/,
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
});
