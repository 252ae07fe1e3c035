import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

// esbuild follows every static and literal dynamic import from an entry; its metafile lists each
// module reached and how it was imported. That is the module graph a bundler or Node would load.

async function moduleGraph(
  entry: string,
): Promise<{ files: string[]; imports: { path: string; kind: string }[] }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, new URL('..', import.meta.url)))],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    packages: 'external',
    conditions: ['@dlf/source'],
    logLevel: 'silent',
  });
  const meta = result.metafile as Metafile;
  return {
    files: Object.keys(meta.inputs),
    imports: Object.values(meta.inputs).flatMap((i) =>
      i.imports.map((imp) => ({ path: imp.path, kind: imp.kind })),
    ),
  };
}

describe('@dlf/runtime entry points and onnxruntime', () => {
  it('the main entry reaches no ONNX module, onnxruntime or onnx-proto', async () => {
    const { files, imports } = await moduleGraph('index.ts');
    expect(files.length).toBeGreaterThan(3);
    expect(files.filter((f) => f.includes('onnx'))).toEqual([]);
    expect(imports.filter((i) => /onnx/.test(i.path))).toEqual([]);
  });

  it('the onnx entry imports onnxruntime-web only lazily and never names onnxruntime-node statically', async () => {
    const { imports } = await moduleGraph('onnx/index.ts');
    const ortWeb = imports.filter((i) => i.path === 'onnxruntime-web');
    expect(ortWeb.length).toBeGreaterThan(0);
    expect(ortWeb.every((i) => i.kind === 'dynamic-import')).toBe(true);
    expect(imports.filter((i) => i.path.includes('onnxruntime-node'))).toEqual([]);
  });
});
