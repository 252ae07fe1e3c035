import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { staticValueImports } from '../testing.js';
import {
  defineExample,
  exactHvp,
  examples,
  mnistCnn,
  onnxRoundTrip,
  seededNormals,
  twoMoons,
} from './index.js';

const dir = join(import.meta.dirname, '.');

describe('@dlf/runtime/examples', () => {
  it('lists every exported example under its own name, with a runtime/<name> id and defaults', () => {
    expect(Object.keys(examples).sort()).toEqual([
      'exactHvp',
      'mnistCnn',
      'onnxRoundTrip',
      'seededNormals',
      'twoMoons',
    ]);
    for (const [key, example] of Object.entries(examples)) {
      expect(example.name).toBe(key);
      expect(example.id).toBe(`runtime/${key}`);
      expect(example.title.length).toBeGreaterThan(0);
      expect(example.description.length).toBeGreaterThan(0);
      expect(typeof example.mount).toBe('function');
    }
    expect([exactHvp, mnistCnn, onnxRoundTrip, seededNormals, twoMoons]).toEqual(
      expect.arrayContaining(Object.values(examples) as unknown[]),
    );
  });

  it('loads nothing heavy at module level: no static import of tfjs, onnxruntime or the main entry', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const source = readFileSync(join(dir, file), 'utf8');
      // `import type` is erased; value imports must be `import()` inside run().
      const staticImports = staticValueImports(source);
      for (const spec of staticImports) {
        expect(spec, `${file} imports ${spec} statically`).not.toMatch(
          /^@tensorflow\/|^onnxruntime|^\.\.\/index\.js$|^\.\.\/onnx\//,
        );
      }
    }
  });

  // Unknown options and bad start modes are checked in a real browser by the docs' tests.
  it('mount rejects a non-element with DlfError INVALID_ARGUMENT naming the parameter', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const notElement = err(() => twoMoons.mount({} as HTMLElement));
    expect(notElement).toBeInstanceOf(DlfError);
    expect(notElement).toMatchObject({ code: 'INVALID_ARGUMENT', param: 'element' });
    expect((notElement as Error).message).toMatch(/HTMLElement, received/);
  });

  it('defineExample builds the id from package and name and keeps the defaults', () => {
    const example = defineExample({
      package: 'mypkg',
      name: 'hello',
      title: 'Hello',
      description: 'Says hello.',
      defaults: { greeting: 'hi' },
      run: async ({ options }) => options.greeting,
    });
    expect(example.id).toBe('mypkg/hello');
    expect(example.defaults).toEqual({ greeting: 'hi' });
  });
});
