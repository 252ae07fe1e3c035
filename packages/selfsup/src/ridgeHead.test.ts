import { createRng, grad } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ridgeHead } from './ridgeHead.js';
import { choleskySolve, solveSpd } from './solveSpd.js';

beforeAll(async () => {
  await setupTestBackend();
});

type Mat = number[][];
const T = (A: Mat): Mat => A[0]!.map((_, j) => A.map((r) => r[j]!));
const mul = (A: Mat, B: Mat): Mat =>
  A.map((r) => B[0]!.map((_, j) => r.reduce((s, a, k) => s + a * B[k]![j]!, 0)));

/** Gauss-Jordan inverse (float64), independent of the Cholesky code under test. */
function inverse(A: Mat): Mat {
  const n = A.length;
  const M = A.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]!;
    for (let k = 0; k < 2 * n; k++) M[c]![k]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]!;
      for (let k = 0; k < 2 * n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((r) => r.slice(n));
}

/** The primal ridge solution (X^T X + lambda I)^-1 X^T Y, a d x d system. */
function primal(X: Mat, Y: Mat, lambda: number): Mat {
  const G = mul(T(X), X).map((r, i) => r.map((v, j) => v + (i === j ? lambda : 0)));
  return mul(inverse(G), mul(T(X), Y));
}

const rand = (rng: ReturnType<typeof createRng>, n: number, m: number): Mat =>
  Array.from({ length: n }, () => Array.from({ length: m }, () => rng.normal()));

describe('solveSpd', () => {
  it('choleskySolve solves A X = B for an SPD matrix and rejects an indefinite one', () => {
    const rng = createRng(1);
    const R = rand(rng, 4, 4);
    const A = mul(R, T(R)).map((r, i) => r.map((v, j) => v + (i === j ? 0.5 : 0)));
    const B = rand(rng, 4, 2);
    const X = choleskySolve(A.flat(), B.flat(), 4, 2);
    const ref = mul(inverse(A), B).flat();
    ref.forEach((v, i) => {
      expect(X[i]).toBeCloseTo(v, 10);
    });
    expect(() => choleskySolve([1, 2, 2, 1], [1, 1], 2, 1)).toThrow(/positive definite/);
  });
});

describe('ridgeHead (R2-D2 closed form)', () => {
  it('the dual (Woodbury) solution equals the primal (X^T X + lambda I)^-1 X^T Y', async () => {
    const rng = createRng(2);
    for (const [n, d, lambda] of [
      [5, 8, 0.5],
      [9, 3, 2],
    ] as const) {
      const X = rand(rng, n, d);
      const Y = rand(rng, n, 3);
      const W = ridgeHead(tf.tensor2d(X), tf.tensor2d(Y), lambda);
      expect(W.shape).toEqual([d, 3]);
      const ref = primal(
        X.map((r) => r.map((v) => Math.fround(v))),
        Y.map((r) => r.map((v) => Math.fround(v))),
        lambda,
      );
      ((await W.array()) as Mat).forEach((row, i) => {
        row.forEach((v, j) => {
          expect(v).toBeCloseTo(ref[i]![j]!, 4);
        });
      });
      W.dispose();
    }
  });

  it('its gradient with respect to X and Y matches central differences of the primal solution', async () => {
    const rng = createRng(3);
    const n = 4;
    const d = 6;
    const lambda = 0.7;
    const X = rand(rng, n, d).map((r) => r.map((v) => Math.fround(v)));
    const Y = rand(rng, n, 2).map((r) => r.map((v) => Math.fround(v)));
    const R = rand(rng, d, 2); // objective sum(W * R)
    const objective = (Xv: Mat, Yv: Mat) =>
      primal(Xv, Yv, lambda).reduce((s, row, i) => s + row.reduce((t, v, j) => t + v * R[i]![j]!, 0), 0);
    const Rt = tf.tensor2d(R);
    const Yt = tf.tensor2d(Y);
    const Xt = tf.tensor2d(X);
    const gX = (await grad(
      (x: tf.Tensor2D) => tf.sum(tf.mul(ridgeHead(x, Yt, lambda), Rt)),
      Xt,
    ).array()) as Mat;
    const gY = (await grad(
      (y: tf.Tensor2D) => tf.sum(tf.mul(ridgeHead(Xt, y, lambda), Rt)),
      Yt,
    ).array()) as Mat;
    const h = 1e-6;
    const fd = (M: Mat, which: 'X' | 'Y') =>
      M.map((row, i) =>
        row.map((_, j) => {
          const plus = M.map((r) => [...r]);
          const minus = M.map((r) => [...r]);
          plus[i]![j]! += h;
          minus[i]![j]! -= h;
          const f = (m: Mat) => (which === 'X' ? objective(m, Y) : objective(X, m));
          return (f(plus) - f(minus)) / (2 * h);
        }),
      );
    for (const [got, ref] of [
      [gX, fd(X, 'X')],
      [gY, fd(Y, 'Y')],
    ] as const) {
      const err = Math.sqrt(got.flat().reduce((s, v, k) => s + (v - ref.flat()[k]!) ** 2, 0));
      const size = Math.sqrt(ref.flat().reduce((s, v) => s + v * v, 0));
      expect(err / size).toBeLessThan(1e-4);
    }
    tf.dispose([Rt, Yt, Xt]);
  });

  it('is differentiable twice: the Hessian-vector product of a ridge objective equals the closed form 2 M^T M v', async () => {
    // y -> sum((X W(y))^2) with W = X^T (X X^T + lambda I)^-1 y is a quadratic in y: its Hessian is 2 M^T M with
    // M = X X^T (X X^T + lambda I)^-1, so grad(grad . v) = 2 M^T M v exactly.
    const rng = createRng(4);
    const X = rand(rng, 3, 5).map((r) => r.map((v) => Math.fround(v)));
    const lambda = 0.9;
    const K = mul(X, T(X));
    const M = mul(K, inverse(K.map((r, i) => r.map((v, j) => v + (i === j ? lambda : 0)))));
    const v = [[0.3], [-1.2], [0.8]];
    const expected = mul(mul(T(M), M), v).map((r) => 2 * r[0]!);
    const Xt = tf.tensor2d(X);
    const vt = tf.tensor2d(v);
    const y0 = tf.tensor2d([[0.1], [0.2], [-0.4]]);
    const hv = grad(
      (y: tf.Tensor2D) =>
        tf.sum(
          tf.mul(
            grad((z: tf.Tensor2D) => tf.sum(tf.square(tf.matMul(Xt, ridgeHead(Xt, z, lambda)))), y),
            vt,
          ),
        ),
      y0,
    );
    Array.from(await hv.data()).forEach((g, i) => {
      expect(g).toBeCloseTo(expected[i]!, 4);
    });
    tf.dispose([Xt, vt, y0, hv]);
  });

  it('leaves no tensors behind and rejects bad input', async () => {
    const x = tf.randomNormal([4, 3]) as tf.Tensor2D;
    const y = tf.randomNormal([4, 2]) as tf.Tensor2D;
    await expectNoLeaks(() => ridgeHead(x, y, 1));
    await expectNoLeaks(() => grad((a: tf.Tensor2D) => tf.sum(ridgeHead(a, y, 1)), x));
    const a = tf.eye(2) as tf.Tensor2D;
    const b = tf.ones([2, 1]) as tf.Tensor2D;
    await expectNoLeaks(() => solveSpd(a, b));
    await expectNoLeaks(() => grad((m: tf.Tensor2D) => tf.sum(solveSpd(m, b)), a));
    tf.dispose([a, b]);
    expect(() => ridgeHead(x, y, 0)).toThrow(/lambda must be > 0, received 0/);
    expect(() => ridgeHead(x, tf.zeros([3, 2]) as tf.Tensor2D, 1)).toThrow(/same number of rows/);
    tf.dispose([x, y]);
  });
});
