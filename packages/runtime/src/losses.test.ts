import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DlfError } from './DlfError.js';
import { type LossName, losses, resolveLoss } from './losses.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-6, atol = 1e-7): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      throw new Error(`entry ${i}: ${a} vs expected ${b} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

const Y = [1, -1, 1, -1, 1, -1];
const S = [2.5, 0.3, -0.7, -4, 0.999, 12];
const N = Y.length;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const softplus64 = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** Value, gradient and the diagonal of the Hessian (the losses are separable) in the scores. */
function derivs(name: LossName, y: number[], s: number[]) {
  return tf.tidy(() => {
    const yt = tf.tensor1d(y);
    const st = tf.tensor1d(s);
    const f = (u: tf.Tensor) => losses[name](yt, u);
    const g = tf.grad(f);
    const diag = tf.grad((u: tf.Tensor) => tf.sum(g(u)))(st); // separable: row sums of H = diag(H)
    return {
      value: f(st).dataSync()[0] as number,
      grad: Array.from(g(st).dataSync()),
      hessDiag: Array.from(diag.dataSync()),
    };
  });
}

describe('losses', () => {
  it('quadratic is half the mean squared error, with Hessian I / N', () => {
    const target = [0.5, -1, 2, 0, 3, -2];
    const { value, grad, hessDiag } = derivs('quadratic', target, S);
    expect(value).toBeCloseTo(0.5 * mean(S.map((s, i) => (s - (target[i] as number)) ** 2)), 5);
    expectClose(
      grad,
      S.map((s, i) => (s - (target[i] as number)) / N),
      1e-6,
    );
    expectClose(
      hessDiag,
      S.map(() => 1 / N),
      1e-6,
    );
    const yt = tf.tensor2d([target.slice(0, 3), target.slice(3)]);
    const st = tf.tensor2d([S.slice(0, 3), S.slice(3)]);
    const mse = tf.losses.meanSquaredError(yt, st);
    expectClose(losses.quadratic(yt, st).dataSync(), [0.5 * (mse.dataSync()[0] as number)]);
    tf.dispose([yt, st, mse]);
  });

  it('hinge is mean(max(0, 1 - y s)) with gradient -y [ys < 1] / N and zero curvature', () => {
    const { value, grad, hessDiag } = derivs('hinge', Y, S);
    const m = S.map((s, i) => s * (Y[i] as number));
    expect(value).toBeCloseTo(mean(m.map((v) => Math.max(0, 1 - v))), 6);
    expectClose(
      grad,
      m.map((v, i) => (v < 1 ? -(Y[i] as number) / N : 0)),
      1e-6,
    );
    expectClose(
      hessDiag,
      S.map(() => 0),
      0,
      0,
    );
  });

  it('logistic is mean(softplus(-y s)) with exact first and second derivatives, finite for huge margins', () => {
    const { value, grad, hessDiag } = derivs('logistic', Y, S);
    const m = S.map((s, i) => s * (Y[i] as number));
    expect(value).toBeCloseTo(mean(m.map((v) => softplus64(-v))), 6);
    expectClose(
      grad,
      m.map((v, i) => (-(Y[i] as number) * sig(-v)) / N),
      1e-5,
      1e-8,
    );
    expectClose(
      hessDiag,
      m.map((v) => (sig(v) * sig(-v)) / N),
      1e-5,
      1e-8,
    );
    const huge = derivs('logistic', [1, -1], [-200, -200]);
    expectClose([huge.value], [mean([200, softplus64(-200)])], 1e-6);
    for (const v of [...huge.grad, ...huge.hessDiag]) expect(Number.isFinite(v)).toBe(true);
  });

  it('exponential is mean(exp(-y s)) with second derivative exp(-y s) / N', () => {
    const { value, grad, hessDiag } = derivs('exponential', Y, S);
    const m = S.map((s, i) => s * (Y[i] as number));
    expectClose([value], [mean(m.map((v) => Math.exp(-v)))], 1e-6);
    expectClose(
      grad,
      m.map((v, i) => (-(Y[i] as number) * Math.exp(-v)) / N),
      1e-5,
      1e-8,
    );
    expectClose(
      hessDiag,
      m.map((v) => Math.exp(-v) / N),
      1e-5,
      1e-8,
    );
  });

  it('softmaxCrossEntropy equals tfjs and a float64 computation, and stays finite for extreme logits', () => {
    const logits = [
      [2, -1, 0.5],
      [100, -100, 0],
      [0.1, 0.2, 0.3],
    ];
    const labels = [
      [0, 0, 1],
      [0, 1, 0],
      [0.2, 0.3, 0.5],
    ];
    const expected = mean(
      logits.map((row, i) => {
        const mx = Math.max(...row);
        const lse = mx + Math.log(row.reduce((a, z) => a + Math.exp(z - mx), 0));
        return -row.reduce((a, z, c) => a + (labels[i]?.[c] as number) * (z - lse), 0);
      }),
    );
    const z = tf.tensor2d(logits);
    const y = tf.tensor2d(labels);
    const ours = losses.softmaxCrossEntropy(y, z);
    expectClose(ours.dataSync(), [expected], 1e-6);
    const theirs = tf.losses.softmaxCrossEntropy(y, z);
    expectClose(ours.dataSync(), theirs.dataSync(), 1e-6);
    tf.dispose([z, y, ours, theirs]);
  });

  it('every loss of a batch is the mean of the losses of its examples', () => {
    const cases: [LossName, number[][], number[][]][] = [
      [
        'quadratic',
        [
          [0.5, 1],
          [2, -1],
          [0, 0],
        ],
        [
          [1, 1],
          [0, -2],
          [3, 1],
        ],
      ],
      ['hinge', [[1], [-1], [1]], [[0.3], [0.2], [2]]],
      ['logistic', [[1], [-1], [1]], [[0.3], [0.2], [-2]]],
      ['exponential', [[1], [-1], [1]], [[0.3], [0.2], [-2]]],
      [
        'softmaxCrossEntropy',
        [
          [1, 0],
          [0, 1],
          [0.3, 0.7],
        ],
        [
          [1, 2],
          [0, -3],
          [0.5, 0.5],
        ],
      ],
    ];
    for (const [name, labels, preds] of cases) {
      tf.tidy(() => {
        const batch = losses[name](tf.tensor2d(labels), tf.tensor2d(preds)).dataSync()[0] as number;
        const single = labels.map(
          (row, i) =>
            losses[name](tf.tensor2d([row]), tf.tensor2d([preds[i] as number[]])).dataSync()[0] as number,
        );
        expect(batch, name).toBeCloseTo(mean(single), 6);
      });
    }
  });

  it('rejects mismatched shapes and non-tensors with DlfError, and resolves names', () => {
    const a = tf.tensor2d([[1, 2]]);
    const b = tf.tensor1d([1, 2]);
    for (const name of Object.keys(losses) as LossName[]) {
      try {
        losses[name](a, b);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DlfError);
        expect((e as DlfError).code).toBe('INVALID_SHAPE');
        expect((e as DlfError).message).toMatch(/labels \[1, 2\] and predictions \[2\]/);
      }
      expect(() => losses[name]([1, 2] as unknown as tf.Tensor, b)).toThrow(/must be a tf.Tensor/);
    }
    expect(resolveLoss('hinge')).toBe(losses.hinge);
    const custom = (y: tf.Tensor, p: tf.Tensor) => tf.sum(tf.sub(y, p));
    expect(resolveLoss(custom)).toBe(custom);
    expect(() => resolveLoss('mse' as LossName)).toThrow(/loss must be a function or one of 'quadratic'/);
    tf.dispose([a, b]);
  });

  it('leaves no tensors behind, forward and through double backprop', async () => {
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const s = tf.tensor2d([
      [0.5, -1],
      [2, 0.1],
    ]);
    const yi = tf.tensor2d(
      [
        [1, 0],
        [0, 1],
      ],
      undefined,
      'int32',
    );
    for (const name of Object.keys(losses) as LossName[]) {
      const f = losses[name];
      await expectNoLeaks(() => f(y, s));
      await expectNoLeaks(() => f(yi, s));
      await expectNoLeaks(() => {
        const g = tf.grad((u: tf.Tensor) => f(y, u));
        return tf.grad((u: tf.Tensor) => tf.sum(tf.mul(g(u), u)))(s);
      });
    }
    tf.dispose([y, s, yi]);
  });
});
