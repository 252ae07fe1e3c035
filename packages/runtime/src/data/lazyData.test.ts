import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const generated = /\.generated\.ts$/;

/** Outputs reachable from `start` through static imports only (what `import '@dlf/runtime'` loads). */
function staticClosure(outputs: Metafile['outputs'], start: string): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external && !seen.has(imp.path)) {
        seen.add(imp.path);
        stack.push(imp.path);
      }
    }
  }
  return seen;
}

describe('shipped datasets are lazy', () => {
  it('bundling the runtime entry puts the digits and MNIST data only in chunks reached by dynamic import()', async () => {
    // The same bundler and settings (ESM, code splitting) tsup uses to build dist/.
    const result = await build({
      absWorkingDir: packageRoot,
      entryPoints: ['src/index.ts'],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'neutral',
      packages: 'external',
      outdir: 'out',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const { outputs } = result.metafile;
    const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint === 'src/index.ts');
    expect(entry).toBeDefined();
    const eager = staticClosure(outputs, entry as string);
    const eagerInputs = [...eager].flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}));
    expect(eagerInputs).toContain('src/data/loadMnist.ts');
    expect(eagerInputs.filter((input) => generated.test(input))).toEqual([]);
    // Each data module sits in a chunk of its own that the code imports dynamically.
    for (const data of ['src/data/digitsData.generated.ts', 'src/data/mnistData.generated.ts']) {
      const chunk = Object.keys(outputs).find((file) => data in (outputs[file]?.inputs ?? {}));
      expect(chunk).toBeDefined();
      expect(eager.has(chunk as string)).toBe(false);
      const dynamicallyImported = [...eager].some((file) =>
        outputs[file]?.imports.some((imp) => imp.kind === 'dynamic-import' && imp.path === chunk),
      );
      expect(dynamicallyImported).toBe(true);
    }
    // The eager part stays small next to the MNIST chunk (about 2 MB).
    const eagerBytes = [...eager].reduce((s, file) => s + (outputs[file]?.bytes ?? 0), 0);
    const mnistChunk = Object.keys(outputs).find(
      (file) => 'src/data/mnistData.generated.ts' in (outputs[file]?.inputs ?? {}),
    );
    expect(outputs[mnistChunk as string]?.bytes).toBeGreaterThan(2_000_000);
    expect(eagerBytes).toBeLessThan(1_000_000);
  });
});
