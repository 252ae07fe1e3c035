import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels.js';
import { setupBackend } from './setupBackend.js';
import { setupTestBackend } from './testing.js';

// These kernels only exist for the wasm backend: the reference for each is the cpu backend's own
// (independent) implementation of the same kernel, on the same inputs.

let testBackend = 'wasm';
beforeAll(async () => {
  testBackend = await setupTestBackend();
  await setupBackend({ prefer: 'wasm', strict: true });
  registerWasmTrainingKernels();
});
afterAll(async () => {
  await setupBackend({ prefer: testBackend as 'wasm' | 'cpu', strict: true });
});

/** Runs `f` on wasm and on cpu with the same input values; returns both outputs. */
async function onBoth(
  inputs: tf.Tensor[],
  f: (...xs: tf.Tensor[]) => tf.Tensor,
): Promise<[Float32Array, Float32Array]> {
  const values = inputs.map((t) => ({ data: t.dataSync().slice(), shape: t.shape, dtype: t.dtype }));
  const run = () =>
    tf.tidy(() => f(...values.map((v) => tf.tensor(v.data, v.shape, v.dtype))).dataSync() as Float32Array);
  await setupBackend({ prefer: 'wasm', strict: true });
  const wasm = run();
  await setupBackend({ prefer: 'cpu', strict: true });
  const cpu = run();
  await setupBackend({ prefer: 'wasm', strict: true });
  return [wasm, cpu];
}

function expectClose(a: Float32Array, b: Float32Array, rel = 1e-5): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / (1 + Math.abs(b[i] as number)));
  }
  expect(worst).toBeLessThan(rel);
}

type ConvCase = [number[], number[], number | [number, number], 'same' | 'valid'];
const CONV_CASES: ConvCase[] = [
  [[2, 7, 9, 3], [3, 3, 3, 4], 1, 'same'],
  [[2, 7, 9, 3], [3, 2, 3, 4], 2, 'same'],
  [[1, 8, 8, 2], [3, 3, 2, 5], 2, 'valid'],
  [[3, 5, 5, 1], [1, 1, 1, 2], 1, 'valid'],
  [[2, 6, 7, 2], [2, 3, 2, 3], [2, 1], 'same'],
  [[2, 14, 14, 4], [5, 5, 4, 3], 2, 'same'],
  [[2, 9, 9, 2], [1, 1, 2, 3], 2, 'valid'],
  [[2, 11, 10, 3], [3, 3, 3, 8], 3, 'same'],
];

describe('registerWasmTrainingKernels', () => {
  it('is idempotent: a second call changes nothing', () => {
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it.each(CONV_CASES)(
    'conv2d filter and input gradients match the cpu backend (x %j, filter %j, stride %j, %s)',
    async (xs, fs, strides, pad) => {
      const x = tf.randomNormal(xs, 0, 1, 'float32', 1);
      const filter = tf.randomNormal(fs, 0, 1, 'float32', 2);
      const outShape = tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, pad).shape;
      const dy = tf.randomNormal(outShape, 0, 1, 'float32', 3);
      const loss = (xx: tf.Tensor, ff: tf.Tensor, g: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, strides, pad), g));
      const [dwWasm, dwCpu] = await onBoth([x, filter, dy], (xx, ff, g) =>
        tf.grad((f2: tf.Tensor) => loss(xx as tf.Tensor, f2, g as tf.Tensor))(ff as tf.Tensor),
      );
      expectClose(dwWasm, dwCpu);
      const [dxWasm, dxCpu] = await onBoth([x, filter, dy], (xx, ff, g) =>
        tf.grad((x2: tf.Tensor) => loss(x2, ff as tf.Tensor, g as tf.Tensor))(xx as tf.Tensor),
      );
      expectClose(dxWasm, dxCpu);
      tf.dispose([x, filter, dy]);
    },
  );

  it.each([
    [[3, 8, 6, 4], 2, 2, 'valid'],
    [[2, 12, 12, 3], 2, 2, 'same'],
    [[2, 9, 9, 2], 3, 3, 'valid'],
  ] as [number[], number, number, 'same' | 'valid'][])(
    'max-pool gradients match the cpu backend, ties included (x %j, pool %i, stride %i, %s)',
    async (xs, pool, stride, pad) => {
      // Rounded ReLU outputs: many windows hold several equal maxima (often zeros).
      const x = tf.relu(tf.round(tf.randomNormal(xs, 0, 1.5, 'float32', 13)));
      const outShape = tf.maxPool(x as tf.Tensor4D, pool, stride, pad).shape;
      const dy = tf.randomNormal(outShape, 0, 1, 'float32', 14);
      const [a, b] = await onBoth([x, dy], (xx, g) =>
        tf.grad((x2: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(x2 as tf.Tensor4D, pool, stride, pad), g as tf.Tensor)),
        )(xx as tf.Tensor),
      );
      expect(Array.from(a)).toEqual(Array.from(b));
      tf.dispose([x, dy]);
    },
  );

  it('unsorted segment sum (the gradient of gather / Embedding) matches the cpu backend, dropping out-of-range ids', async () => {
    const x = tf.randomNormal([6, 3, 2], 0, 1, 'float32', 4);
    const ids = tf.tensor1d([4, 0, 4, -1, 2, 5], 'int32');
    const [a, b] = await onBoth([x, ids], (xx, ii) =>
      tf.unsortedSegmentSum(xx as tf.Tensor, ii as tf.Tensor1D, 5),
    );
    expect(Array.from(a)).toEqual(Array.from(b));
    const table = tf.randomNormal([7, 4], 0, 1, 'float32', 5);
    const idx = tf.tensor2d(
      [
        [1, 3, 3],
        [6, 1, 0],
      ],
      [2, 3],
      'int32',
    );
    const weights = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 6);
    const [ga, gb] = await onBoth([table, idx, weights], (t, i, w) =>
      tf.grad((tt: tf.Tensor) => tf.sum(tf.mul(tf.gather(tt, i as tf.Tensor), w as tf.Tensor)))(
        t as tf.Tensor,
      ),
    );
    expectClose(ga, gb, 1e-6);
    tf.dispose([x, ids, table, idx, weights]);
  });

  it('transposed matrix products give the same numbers as the cpu backend (batched and broadcast too)', async () => {
    const p = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 7);
    const q = tf.randomNormal([3, 6, 4], 0, 1, 'float32', 8);
    const r = tf.randomNormal([3, 5, 6], 0, 1, 'float32', 9);
    const s = tf.randomNormal([3, 6, 5], 0, 1, 'float32', 10);
    const b1 = tf.randomNormal([1, 6, 4], 0, 1, 'float32', 11);
    const cases: [tf.Tensor, tf.Tensor, boolean, boolean][] = [
      [p, q, false, true],
      [p, r, true, false],
      [p, s, true, true],
      [p, b1, false, true],
    ];
    for (const [a, b, ta, tb] of cases) {
      const [x, y] = await onBoth([a, b], (u, v) => tf.matMul(u as tf.Tensor3D, v as tf.Tensor3D, ta, tb));
      expectClose(x, y);
    }
    const bias = tf.randomNormal([6], 0, 1, 'float32', 12);
    const [fw, fc] = await onBoth([p, q, bias], (u, v, c) =>
      tf.fused.matMul({
        a: tf.reshape(u as tf.Tensor, [15, 4]) as tf.Tensor2D,
        b: tf.reshape(v as tf.Tensor, [18, 4]).slice(0, 6) as tf.Tensor2D,
        transposeB: true,
        bias: c as tf.Tensor1D,
        activation: 'relu',
      }),
    );
    expectClose(fw, fc);
    tf.dispose([p, q, r, s, b1, bias]);
  });

  it('frees every intermediate buffer (no wasm-side leak)', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.randomNormal([2, 8, 8, 3]);
    const f = tf.randomNormal([3, 3, 3, 4]);
    const a = tf.randomNormal([5, 4]);
    const ids = tf.tensor1d([0, 2, 1, 0, 2], 'int32');
    const step = () =>
      tf.tidy(() => {
        tf.grad((ff: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, ff as tf.Tensor4D, 2, 'same')))(f);
        tf.grad((xx: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')))(x);
        tf.grad((xx: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, f as tf.Tensor4D, 1, 'same')))(x);
        tf.matMul(a, a, true, false);
        tf.unsortedSegmentSum(a, ids, 3);
        tf.grad((xx: tf.Tensor) => tf.sum(tf.maxPool(xx as tf.Tensor4D, 2, 2, 'valid')))(x);
      });
    step();
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([x, f, a, ids]);
  });
});
