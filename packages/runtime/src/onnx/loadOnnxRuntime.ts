import { DlfError, describeValue } from '../DlfError.js';
import { isNode } from '../setupBackend.js';

/** The onnxruntime JavaScript API (onnxruntime-web and onnxruntime-node share it). */
export type OrtModule = typeof import('onnxruntime-web');

/** Which onnxruntime package runs a session. */
export type OnnxRuntimeName = 'onnxruntime-web' | 'onnxruntime-node';

/** Where onnxruntime-web finds its `.wasm`/`.mjs` files: a URL prefix ending in '/', or one URL per file. */
export type WasmPaths = string | { wasm?: string; mjs?: string };

const loaded = new Map<OnnxRuntimeName, Promise<OrtModule>>();

/**
 * Imports an onnxruntime package once. onnxruntime-node is optional (its native binaries do not
 * install everywhere), so it is imported by a computed name that bundlers leave alone.
 */
export function importRuntime(name: OnnxRuntimeName): Promise<OrtModule> {
  let promise = loaded.get(name);
  if (!promise) {
    promise =
      name === 'onnxruntime-web'
        ? import('onnxruntime-web')
        : import(/* @vite-ignore */ /* webpackIgnore: true */ nodeRuntimeSpecifier());
    promise = promise.then((m) => unwrapDefault(m));
    loaded.set(name, promise);
    promise.catch(() => loaded.delete(name));
  }
  return promise;
}

function nodeRuntimeSpecifier(): string {
  return ['onnxruntime', 'node'].join('-');
}

function unwrapDefault(m: OrtModule): OrtModule {
  // A CommonJS build imported from ESM may put the API under `default`.
  const candidate = m as OrtModule & { default?: OrtModule };
  if (typeof candidate.InferenceSession?.create === 'function') return candidate;
  if (candidate.default && typeof candidate.default.InferenceSession?.create === 'function')
    return candidate.default;
  return candidate;
}

/** The runtime `createSession` picks, and why it did not pick onnxruntime-node when it did not. */
export async function resolveRuntime(
  requested: 'auto' | OnnxRuntimeName,
): Promise<{ name: OnnxRuntimeName; ort: OrtModule; notes: string[] }> {
  if (requested !== 'auto' && requested !== 'onnxruntime-web' && requested !== 'onnxruntime-node') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `runtime must be 'auto', 'onnxruntime-web' or 'onnxruntime-node', received ${describeValue(requested)}`,
      { param: 'runtime' },
    );
  }
  const notes: string[] = [];
  const order: OnnxRuntimeName[] =
    requested === 'auto'
      ? isNode()
        ? ['onnxruntime-node', 'onnxruntime-web']
        : ['onnxruntime-web']
      : [requested];
  for (const name of order) {
    try {
      return { name, ort: await importRuntime(name), notes };
    } catch (error) {
      notes.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  throw new DlfError('BACKEND_UNAVAILABLE', `no onnxruntime package could be loaded (${notes.join('; ')})`, {
    param: 'runtime',
  });
}

let chain: Promise<unknown> = Promise.resolve();

/**
 * Runs `task` after every task queued before it has settled. onnxruntime-web initialises its
 * WebAssembly module (and WebGPU device) on the first session and fails when two initialisations
 * overlap, so every session creation goes through this one module-level queue.
 */
export function serialised<T>(task: () => Promise<T>): Promise<T> {
  const result = chain.then(task, task);
  chain = result.catch(() => undefined);
  return result;
}

interface AppliedEnv {
  wasmPaths: string | undefined;
  numThreads: number | undefined;
}

const applied = new Map<OrtModule, AppliedEnv>();

function pathsKey(paths: WasmPaths | undefined): string | undefined {
  return paths === undefined ? undefined : JSON.stringify(paths);
}

/**
 * Sets onnxruntime-web's global wasm settings before its first session; afterwards the wasm
 * module is fixed, so asking for different settings fails instead of being silently ignored.
 */
export function configureWasm(
  ort: OrtModule,
  { wasmPaths, numThreads }: { wasmPaths?: WasmPaths; numThreads?: number },
): void {
  const previous = applied.get(ort);
  const next: AppliedEnv = { wasmPaths: pathsKey(wasmPaths), numThreads };
  if (previous) {
    for (const key of ['wasmPaths', 'numThreads'] as const) {
      if (next[key] !== undefined && next[key] !== previous[key]) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `${key} is fixed once onnxruntime-web has initialised: received ${String(next[key])}, it was ${String(previous[key])}`,
          { param: key },
        );
      }
    }
    return;
  }
  const wasm = ort.env?.wasm;
  if (wasm) {
    if (wasmPaths !== undefined) wasm.wasmPaths = wasmPaths;
    if (numThreads !== undefined) wasm.numThreads = numThreads;
  }
}

/** Records the settings used by the first successful session of a runtime. */
export function markInitialised(
  ort: OrtModule,
  settings: { wasmPaths?: WasmPaths; numThreads?: number },
): void {
  if (!applied.has(ort)) {
    applied.set(ort, { wasmPaths: pathsKey(settings.wasmPaths), numThreads: settings.numThreads });
  }
}
