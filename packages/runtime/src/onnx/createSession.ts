import { DlfError, describeValue } from '../DlfError.js';
import { isNode } from '../setupBackend.js';
import { assertInteger } from '../validate.js';
import type { OnnxRuntimeName, OrtModule, WasmPaths } from './loadOnnxRuntime.js';
import { configureWasm, markInitialised, resolveRuntime, serialised } from './loadOnnxRuntime.js';
import type { OnnxOutput, OnnxSessionInput, OnnxTypedArray, OnnxValueInfo } from './sessionIo.js';
import { checkDims, coerceData, namedInputs, readInput, wrapOutput } from './sessionIo.js';

/** Options of `createSession`. */
export interface CreateSessionOptions {
  /**
   * Execution providers to try, in order; the first that creates the session wins. Default 'auto':
   * `['webgpu', 'wasm']` in a browser with WebGPU (`['wasm']` without), `['wasm']` for
   * onnxruntime-web in Node, `['cpu']` for onnxruntime-node.
   */
  executionProviders?: 'auto' | readonly string[];
  /**
   * Which onnxruntime package to use. Default 'auto': onnxruntime-node in Node when it is
   * installed, else onnxruntime-web (the only one in browsers).
   */
  runtime?: 'auto' | OnnxRuntimeName;
  /**
   * Where onnxruntime-web loads its `.wasm`/`.mjs` files from (a URL prefix ending in '/', or
   * `{ wasm, mjs }` URLs), for sites that host them themselves. Default: next to onnxruntime-web's
   * script. Global to the page: it must be set by (or agree with) the first session created.
   */
  wasmPaths?: WasmPaths;
  /** WebAssembly threads of onnxruntime-web (1 = no workers). Default: onnxruntime's choice. Global like wasmPaths. */
  numThreads?: number;
}

/** A loaded ONNX model; see `createSession`. */
export interface OnnxSession {
  /** The onnxruntime package running it. */
  readonly runtime: OnnxRuntimeName;
  /** The execution provider the session was created with ('webgpu', 'wasm', 'cpu', ...). */
  readonly provider: string;
  /** Why preferred runtimes or providers were skipped, one line each (empty when the first choice worked). */
  readonly fallbacks: readonly string[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** True after `dispose()`. */
  readonly disposed: boolean;
  /**
   * Runs the model. `input` is a tf.Tensor or `{ data, dims }` for a one-input model, or a record
   * `{ [inputName]: tf.Tensor | { data, dims } }`. Numbers are converted to the element type the
   * model declares (e.g. a float32 tf.Tensor for an int64 input). Returns
   * `{ [outputName]: { data, dims, type, toTensor() } }`. Runs of one session are queued.
   */
  run(input: OnnxSessionInput): Promise<Record<string, OnnxOutput>>;
  /** Releases onnxruntime's resources; later `run` calls throw. Idempotent. */
  dispose(): Promise<void>;
}

type OrtSession = Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;

const TYPE_OF_ARRAY: [new (n: number) => OnnxTypedArray, string][] = [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [Int32Array, 'int32'],
  [BigInt64Array, 'int64'],
  [Uint8Array, 'uint8'],
  [Int8Array, 'int8'],
  [Uint16Array, 'uint16'],
  [Int16Array, 'int16'],
  [Uint32Array, 'uint32'],
  [BigUint64Array, 'uint64'],
];

function typeOfArray(data: OnnxTypedArray): string {
  for (const [Ctor, type] of TYPE_OF_ARRAY) if (data instanceof Ctor) return type;
  return 'float32';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** onnxruntime's errors that mean the model itself is unusable (bad bytes, bad graph), not the provider. */
function isModelError(text: string): boolean {
  return /protobuf|invalid model|invalid graph|ERROR_CODE: (2|4|7|10)\b|Load model|model_load|opset|Type Error|ShapeInferenceError|not a registered function|No Op registered/i.test(
    text,
  );
}

async function readSource(source: unknown): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  let url: URL | undefined;
  if (source instanceof URL) {
    url = source;
  } else if (typeof source === 'string' && source.length > 0) {
    const hasScheme = /^[a-z][a-z0-9+.-]+:/i.test(source);
    if (hasScheme) url = new URL(source);
    else if (!isNode()) url = new URL(source, (globalThis as { location?: { href: string } }).location?.href);
    else return readFileBytes(source, source);
  } else {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `source must be the model bytes (Uint8Array), a URL or a path, received ${describeValue(source)}`,
      { param: 'source' },
    );
  }
  if (url.protocol === 'file:' && isNode()) return readFileBytes(url, url.href);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DlfError('INVALID_ARGUMENT', `source ${url.href} could not be fetched: ${message(error)}`, {
      param: 'source',
      cause: error,
    });
  }
  if (!response.ok) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `source ${url.href} could not be fetched: HTTP ${response.status}`,
      {
        param: 'source',
      },
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function readFileBytes(path: string | URL, shown: string): Promise<Uint8Array> {
  // A computed specifier keeps browser bundlers from trying to resolve Node's fs.
  const fs = (await import(/* @vite-ignore */ ['node', 'fs/promises'].join(':'))) as {
    readFile(p: string | URL): Promise<Uint8Array>;
  };
  try {
    const buffer = await fs.readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new DlfError('INVALID_ARGUMENT', `source ${shown} could not be read: ${message(error)}`, {
      param: 'source',
      cause: error,
    });
  }
}

function defaultProviders(runtime: OnnxRuntimeName): string[] {
  if (runtime === 'onnxruntime-node') return ['cpu'];
  if (isNode()) return ['wasm'];
  const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
  return gpu ? ['webgpu', 'wasm'] : ['wasm'];
}

function metadata(session: OrtSession, which: 'input' | 'output'): OnnxValueInfo[] {
  const names = which === 'input' ? session.inputNames : session.outputNames;
  const meta = (which === 'input' ? session.inputMetadata : session.outputMetadata) as
    | readonly { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] }[]
    | undefined;
  return names.map((name, k) => {
    const m = meta?.[k];
    return {
      name,
      type: m?.isTensor ? m.type : undefined,
      shape: m?.isTensor && m.shape ? [...m.shape] : [],
    };
  });
}

/**
 * Loads an ONNX model into onnxruntime and returns a session to run it. In a browser it uses
 * onnxruntime-web with the providers `['webgpu', 'wasm']` (the first that works wins:
 * `session.provider` says which, `session.fallbacks` why others were skipped); in Node it uses
 * onnxruntime-node when installed, else onnxruntime-web's wasm. Session creation is serialised
 * inside the module, so concurrent `createSession` calls on one page are safe.
 *
 * @param source The `.onnx` bytes, or a URL / path (fetched in browsers, read from disk in Node).
 * @param options `executionProviders` ('auto'), `runtime` ('auto'), `wasmPaths`, `numThreads`.
 * @returns An `OnnxSession`; dispose it when done. Malformed model bytes throw `DlfError('INVALID_DATA')`.
 * @example
 * ```ts
 * const session = await createSession(exportOnnx(model));
 * const { output } = await session.run(x);      // x: tf.Tensor of the model's input shape
 * const y = output.toTensor();                  // or output.data / output.dims
 * await session.dispose();
 * ```
 */
export async function createSession(
  source: Uint8Array | URL | string,
  options: CreateSessionOptions = {},
): Promise<OnnxSession> {
  const { executionProviders = 'auto', runtime = 'auto', wasmPaths, numThreads } = options;
  if (
    executionProviders !== 'auto' &&
    (!Array.isArray(executionProviders) ||
      executionProviders.length === 0 ||
      executionProviders.some((p) => typeof p !== 'string' || p.length === 0))
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `executionProviders must be 'auto' or a non-empty array of provider names, received ${describeValue(executionProviders)}`,
      { param: 'executionProviders' },
    );
  }
  if (numThreads !== undefined) assertInteger('numThreads', numThreads, { min: 0 });
  if (
    wasmPaths !== undefined &&
    typeof wasmPaths !== 'string' &&
    (typeof wasmPaths !== 'object' || wasmPaths === null)
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `wasmPaths must be a URL prefix or { wasm, mjs }, received ${describeValue(wasmPaths)}`,
      {
        param: 'wasmPaths',
      },
    );
  }
  const bytes = await readSource(source);
  if (bytes.length === 0) {
    throw new DlfError('INVALID_DATA', 'source is empty (0 bytes); expected an ONNX model', {
      param: 'source',
    });
  }
  return serialised(async () => {
    const { name, ort, notes } = await resolveRuntime(runtime);
    const fallbacks = [...notes];
    if (name === 'onnxruntime-web') configureWasm(ort, { wasmPaths, numThreads });
    const providers = executionProviders === 'auto' ? defaultProviders(name) : [...executionProviders];
    const errors: unknown[] = [];
    for (const provider of providers) {
      let session: OrtSession;
      try {
        session = await ort.InferenceSession.create(bytes, { executionProviders: [provider] });
      } catch (error) {
        errors.push(error);
        fallbacks.push(`${provider}: ${message(error).split('\n')[0]}`);
        continue;
      } finally {
        // onnxruntime-web initialises its wasm module once, on the first attempt, with these settings.
        if (name === 'onnxruntime-web') markInitialised(ort, { wasmPaths, numThreads });
      }
      return new Session(ort, session, name, provider, fallbacks);
    }
    // Every provider failed: a model problem if onnxruntime said so, otherwise no usable provider.
    const modelError = errors.find((e) => isModelError(message(e)));
    if (modelError !== undefined) {
      throw new DlfError(
        'INVALID_DATA',
        `source is not a valid ONNX model for ${name}: ${message(modelError)}`,
        {
          param: 'source',
          cause: modelError,
        },
      );
    }
    throw new DlfError(
      'BACKEND_UNAVAILABLE',
      `no execution provider of ${name} could create the session (${fallbacks.join('; ')})`,
      { param: 'executionProviders', cause: errors[0] },
    );
  });
}

class Session implements OnnxSession {
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private queue: Promise<unknown> = Promise.resolve();
  private released = false;

  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    readonly runtime: OnnxRuntimeName,
    readonly provider: string,
    readonly fallbacks: readonly string[],
  ) {
    this.inputs = metadata(session, 'input');
    this.outputs = metadata(session, 'output');
    this.inputNames = this.inputs.map((i) => i.name);
    this.outputNames = this.outputs.map((o) => o.name);
  }

  get disposed(): boolean {
    return this.released;
  }

  private checkAlive(): void {
    if (this.released) {
      throw new DlfError('INVALID_ARGUMENT', 'session.run was called after session.dispose()', {
        param: 'session',
      });
    }
  }

  async run(input: OnnxSessionInput): Promise<Record<string, OnnxOutput>> {
    this.checkAlive();
    const named = namedInputs(input, this.inputs);
    const feeds: Record<string, InstanceType<OrtModule['Tensor']>> = {};
    for (const info of this.inputs) {
      const value = named.get(info.name);
      if (value === undefined) continue;
      const { data, dims } = await readInput(info.name, value);
      checkDims(info.name, dims, info);
      const typed = coerceData(info.name, data, info.type);
      const type = info.type ?? typeOfArray(typed);
      feeds[info.name] = new this.ort.Tensor(type as 'float32', typed as Float32Array, dims);
    }
    const task = async () => {
      this.checkAlive();
      try {
        return await this.session.run(feeds);
      } catch (error) {
        throw new DlfError(
          'INVALID_DATA',
          `onnxruntime (${this.provider}) could not run the model: ${message(error)}`,
          {
            cause: error,
          },
        );
      }
    };
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    const raw = await result;
    const out: Record<string, OnnxOutput> = {};
    for (const [name, t] of Object.entries(raw)) {
      out[name] = wrapOutput(name, t as unknown as { data: unknown; dims: readonly number[]; type: string });
    }
    return out;
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.queue;
    await this.session.release();
  }
}
