import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { jacobian64, makeProblem, relativeError } from '../test/float64Mlp.js';
import { DlfError } from './DlfError.js';
import { jacobian, modelJacobian } from './jacobian.js';
import { mlp } from './mlp.js';
import type { ParamModel } from './ParamModel.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

function setup() {
  const { net64, sizes, xs, ys } = makeProblem();
  const net = mlp({ sizes, activation: ['tanh', 'sigmoid', 'softplus'], biasScale: 0.3, initScale: 1.5 });
  return { net64, net, xs, ys };
}

describe('jacobian', () => {
  it('agrees with a float64 finite-difference reference to 1e-4 on a tanh/sigmoid/softplus MLP (jacobian, modelJacobian)', () => {
    const { net64, net, xs } = setup();
    const w = net.init(2);
    const x = tf.tensor2d(xs);
    const ref = jacobian64(net64, Float64Array.from(w.dataSync()), xs).flat();
    const n = xs.length * net.outputSize;
    const results = [
      jacobian((v) => net.apply(v, x), w),
      modelJacobian(net, w, x),
      modelJacobian(net, w, x, { batchSize: 4 }),
    ];
    for (const J of results) {
      expect(J.shape).toEqual([n, net.numParams]);
      const got = J.dataSync();
      expect(relativeError(got, ref)).toBeLessThan(1e-4);
      const scale = Math.max(...ref.map(Math.abs));
      for (let i = 0; i < ref.length; i++)
        expect(Math.abs((got[i] as number) - (ref[i] as number))).toBeLessThan(1e-4 * scale);
    }
    tf.dispose([w, x, ...results]);
  });

  it('matches the closed form diag(1 - tanh^2(A w)) A in every mode, tall and wide', () => {
    tf.tidy(() => {
      for (const [rows, cols] of [
        [40, 3],
        [2, 9],
      ] as const) {
        const A = tf.randomNormal([rows, cols], 0, 0.5, 'float32', rows);
        const w = tf.randomNormal([cols], 0, 1, 'float32', cols) as tf.Tensor1D;
        const f = (v: tf.Tensor1D) => tf.tanh(tf.squeeze(tf.matMul(A, tf.reshape(v, [cols, 1]))));
        const t = tf.tanh(tf.squeeze(tf.matMul(A, tf.reshape(w, [cols, 1]))));
        const exact = tf.mul(tf.reshape(tf.sub(1, tf.square(t)), [rows, 1]), A).dataSync();
        for (const mode of ['auto', 'rows', 'columns'] as const) {
          const J = jacobian(f, w, { mode });
          expect(J.shape).toEqual([rows, cols]);
          expect(relativeError(J.dataSync(), exact)).toBeLessThan(1e-6);
        }
      }
      // A scalar output is one row.
      const w = tf.tensor1d([1, 2]);
      expect(jacobian((v) => tf.sum(tf.square(v)), w).arraySync()).toEqual([[2, 4]]);
    });
  });

  it('column mode (double-VJP forward mode) equals row mode on an MLP', () => {
    const net = mlp({ sizes: [3, 4, 2], activation: 'softplus', biasScale: 0.5 });
    tf.tidy(() => {
      const w = net.init(1);
      const x = tf.randomNormal([3, 3], 0, 1, 'float32', 2);
      const rows = jacobian((v) => net.apply(v, x), w, { mode: 'rows' });
      const cols = jacobian((v) => net.apply(v, x), w, { mode: 'columns', batchSize: 7 });
      expect(cols.shape).toEqual([6, net.numParams]);
      expect(relativeError(cols.dataSync(), rows.dataSync())).toBeLessThan(1e-6);
    });
  });

  it('modelJacobian falls back to rows for models without applyPerExample', () => {
    const { net, xs } = setup();
    const plain: ParamModel = {
      numParams: net.numParams,
      inputShape: net.inputShape,
      outputSize: net.outputSize,
      init: (s) => net.init(s),
      apply: (w, x) => net.apply(w, x),
    };
    tf.tidy(() => {
      const w = net.init(5);
      const x = tf.tensor2d(xs);
      const a = modelJacobian(plain, w, x).dataSync();
      const b = modelJacobian(net, w, x).dataSync();
      expect(relativeError(a, b)).toBeLessThan(1e-6);
    });
  });

  it('rejects bad arguments with DlfError', () => {
    const { net, xs } = setup();
    const x = tf.tensor2d(xs);
    const w = net.init(0);
    const short = tf.zeros([3]) as tf.Tensor1D;
    const check = (fn: () => unknown, code: string, message: RegExp) => {
      try {
        fn();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DlfError);
        expect((e as DlfError).code).toBe(code);
        expect((e as DlfError).message).toMatch(message);
      }
    };
    check(
      () => modelJacobian(net, short, x),
      'INVALID_SHAPE',
      /w must be a parameter vector of shape \[\d+\], received shape \[3\]/,
    );
    check(() => modelJacobian(net, w, tf.zeros([2, 5])), 'INVALID_SHAPE', /x must have shape \[batch, 4\]/);
    check(
      () => jacobian((v) => v, tf.zeros([2, 2]) as unknown as tf.Tensor1D),
      'INVALID_SHAPE',
      /shape \[m\]/,
    );
    check(
      () => jacobian((v) => v, short, { mode: 'forward' as never }),
      'INVALID_ARGUMENT',
      /mode must be one of/,
    );
    check(
      () => jacobian((v) => v, short, { batchSize: 0 }),
      'INVALID_ARGUMENT',
      /batchSize must be an integer >= 1/,
    );
    check(() => jacobian((() => [1]) as never, short), 'INVALID_ARGUMENT', /f must return a tf.Tensor/);
    check(() => modelJacobian({} as never, w, x), 'INVALID_ARGUMENT', /model must be a ParamModel/);
    tf.dispose([x, w, short]);
  });

  it('leaves no tensors behind', async () => {
    const net = mlp({ sizes: [3, 4, 2], activation: 'tanh' });
    const w = net.init(0);
    const x = tf.randomNormal([3, 3], 0, 1, 'float32', 1);
    await expectNoLeaks(() => jacobian((v) => net.apply(v, x), w, { mode: 'rows', batchSize: 4 }));
    await expectNoLeaks(() => jacobian((v) => net.apply(v, x), w, { mode: 'columns', batchSize: 5 }));
    await expectNoLeaks(() => modelJacobian(net, w, x, { batchSize: 2 }));
    tf.dispose([w, x]);
  });
});
