import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from './DlfError.js';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels.js';

/** tfjs backends dlf knows how to load. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

const ALL_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface SetupBackendOptions {
  /**
   * A backend, or backends in order of preference, to try before the environment's default order
   * (browser: webgpu > webgl > wasm > cpu; Node: wasm > cpu). The first that initialises wins.
   */
  prefer?: BackendName | readonly BackendName[];
  /**
   * Only try the backends in `prefer` (fail with `BACKEND_UNAVAILABLE` if none works) instead of
   * falling back to the default order. Default: false.
   */
  strict?: boolean;
  /**
   * Where the wasm backend's `.wasm` files are served from (a URL prefix ending in `/`), for sites
   * that host them themselves. Default: next to the bundled backend script.
   */
  wasmPaths?: string;
}

/** True in Node.js (and other server runtimes), false in browsers and workers. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return (
    typeof p?.versions?.node === 'string' &&
    typeof (globalThis as { window?: unknown }).window === 'undefined'
  );
}

/** The environment's default backend order. */
export function defaultBackendOrder(): BackendName[] {
  return isNode() ? ['wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
}

let wasmPathsSet: string | undefined;

async function register(name: BackendName, wasmPaths: string | undefined): Promise<boolean> {
  if (name === 'cpu' || name === 'webgl') {
    // Both ship with @tensorflow/tfjs; webgl needs a WebGL context to initialise.
    if (name === 'webgl' && isNode()) return false;
    return true;
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasmPaths !== undefined && wasmPaths !== wasmPathsSet) {
      wasm.setWasmPaths(wasmPaths);
      wasmPathsSet = wasmPaths;
    }
    return true;
  }
  if (name === 'webgpu') {
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
    if (!nav?.gpu) return false;
    await import('@tensorflow/tfjs-backend-webgpu');
    return true;
  }
  return false;
}

/**
 * Picks the best tfjs backend available here, loads it lazily (the wasm and webgpu backends are
 * only imported when tried), makes it the active backend and returns its name. On wasm it also
 * registers the training kernels stock tfjs-backend-wasm lacks (see `registerWasmTrainingKernels`). Works without a GPU:
 * the last resort is `cpu`.
 *
 * @example
 * ```ts
 * const backend = await setupBackend();            // 'wasm' in Node
 * await setupBackend({ prefer: 'cpu', strict: true }); // bitwise-reproducible runs
 * ```
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendName> {
  const { strict = false, wasmPaths } = options;
  const preferred =
    options.prefer === undefined ? [] : Array.isArray(options.prefer) ? options.prefer : [options.prefer];
  for (const p of preferred) {
    if (!ALL_BACKENDS.includes(p as BackendName)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `prefer must name backends among ${ALL_BACKENDS.join(', ')}, received ${describeValue(p)}`,
        { param: 'prefer' },
      );
    }
  }
  const order = strict ? [...preferred] : [...new Set([...preferred, ...defaultBackendOrder()])];
  if (order.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'prefer must name at least one backend when strict is true', {
      param: 'prefer',
    });
  }
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (tf.getBackend() === name) {
        await tf.ready();
        return name;
      }
      if (!(await register(name, wasmPaths))) {
        failures.push(`${name}: not available in this environment`);
        continue;
      }
      if (name === 'cpu' && isNode()) quietCpuGreeting();
      if (await tf.setBackend(name)) {
        await tf.ready();
        // Stock tfjs-backend-wasm cannot differentiate Conv2D or Embedding layers; add the kernels.
        if (name === 'wasm') registerWasmTrainingKernels();
        return name;
      }
      failures.push(`${name}: failed to initialise`);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new DlfError('BACKEND_UNAVAILABLE', `no tfjs backend could be initialised (${failures.join('; ')})`, {
    param: 'prefer',
  });
}

/**
 * The cpu backend prints an advertisement for tfjs-node on first use in Node; tfjs-node cannot be
 * installed everywhere, so dlf silences it when the user explicitly chose cpu.
 */
function quietCpuGreeting(): void {
  const backend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (backend) backend.firstUse = false;
}
