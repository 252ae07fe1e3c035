import * as tf from '@tensorflow/tfjs';
import { DlfError } from './DlfError.js';

/** What `checkLeaks` measured. */
export interface LeakReport<T> {
  result: T;
  /** Tensors alive after the call minus before it (0 means no leak). */
  leaked: number;
  before: number;
  after: number;
}

/**
 * Runs `fn` and counts the tfjs tensors it left alive (`tf.memory().numTensors` after minus before).
 * Tensors that `fn` returns are disposed first when `disposeResult` is true (the default), so that a
 * function whose result is a tensor is not counted as leaking it.
 */
export async function checkLeaks<T>(
  fn: () => T | Promise<T>,
  { disposeResult = true }: { disposeResult?: boolean } = {},
): Promise<LeakReport<T>> {
  const before = tf.memory().numTensors;
  const result = await fn();
  if (disposeResult) disposeAll(result);
  const after = tf.memory().numTensors;
  return { result, leaked: after - before, before, after };
}

/**
 * Runs `fn` and throws `DlfError('TENSOR_LEAK')` if it leaves tensors alive. Use in every package's
 * tests: `await expectNoLeaks(() => hvp(loss, w, v))`. Returned tensors are disposed before the
 * count (set `disposeResult: false` to keep them and count them as leaks).
 */
export async function expectNoLeaks<T>(
  fn: () => T | Promise<T>,
  options: { disposeResult?: boolean } = {},
): Promise<T> {
  const { result, leaked, before, after } = await checkLeaks(fn, options);
  if (leaked !== 0) {
    throw new DlfError(
      'TENSOR_LEAK',
      `expected no tensor leak, but ${leaked} tensor(s) were left alive (${before} before, ${after} after)`,
    );
  }
  return result;
}

/** Disposes every tf.Tensor found in a value (nested arrays and plain objects), ignoring the rest. */
export function disposeAll(value: unknown, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof tf.Tensor) {
    if (!value.isDisposed) value.dispose();
    return;
  }
  if (value instanceof tf.Variable) return;
  if (ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const v of value) disposeAll(v, seen);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value as Record<string, unknown>)) disposeAll(v, seen);
  }
}

/**
 * Sets up the backend tests run on: `DLF_TEST_BACKEND` from the environment ('wasm' by default in
 * Node, which is ~35x faster than 'cpu'), strictly, so a missing backend fails loudly.
 */
export async function setupTestBackend(): Promise<string> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const name = (env?.DLF_TEST_BACKEND ?? 'wasm') as 'wasm' | 'cpu';
  const { setupBackend } = await import('./setupBackend.js');
  return setupBackend({ prefer: name, strict: true });
}

/**
 * The module specifiers of a source file's static value imports (`import x from '...'`,
 * `import { a } from '...'`), leaving out `import type`, which is erased at build time, and
 * dynamic `import()`. Example tests use it to check that nothing heavy loads at module level.
 *
 * @example
 * ```ts
 * staticValueImports("import type { A } from 'a';\nimport { b } from 'b';"); // ['b']
 * ```
 */
export function staticValueImports(source: string): string[] {
  return [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1] as string);
}
