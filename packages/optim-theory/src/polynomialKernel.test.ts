import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelRidge } from './kernelRidge.js';
import { polynomialFeatures, polynomialKernel } from './polynomialKernel.js';

beforeAll(async () => {
  await setupTestBackend();
});

const rng = createRng(12);
const rows = (n: number, d: number) =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
const binom = (n: number, k: number) => {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
};

describe('polynomialFeatures and polynomialKernel', () => {
  it("phi(x).phi(x') = (x.x' + c)^k for every degree, with C(d + k, k) features", () => {
    const X = rows(5, 3);
    for (const [degree, c] of [
      [1, 1],
      [2, 1],
      [3, 0.5],
      [4, 2],
    ] as const) {
      const F = polynomialFeatures(X, { degree, c });
      expect(F[0]).toHaveLength(binom(3 + degree, degree));
      const K = polynomialKernel(X, X, { degree, c });
      F.forEach((fi, i) => {
        F.forEach((fj, j) => {
          expect(fi.reduce((s, v, a) => s + v * fj[a]!, 0)).toBeCloseTo(K[i]![j]!, 9);
        });
      });
    }
    // c = 0 keeps only the degree-k monomials: x1^2, sqrt(2) x1 x2, x2^2.
    expect(polynomialFeatures([[1, 2]], { degree: 2, c: 0 })[0]).toEqual(
      [1, 2 * Math.SQRT2, 4].map((v) => expect.closeTo(v, 12)),
    );
  });

  it('kernel ridge gives the same predictions through the kernel trick and through the explicit features', () => {
    const X = rows(30, 4);
    const Xt = rows(7, 4);
    const y = X.map((x) => Math.sin(x[0]!) + x[1]! * x[2]!);
    const opts = { degree: 3, c: 1 };
    const lambda = 0.1;
    const viaKernel = kernelRidge({ kernel: (A, B) => polynomialKernel(A, B, opts), X }, y, { lambda });
    // Explicit: ridge on phi(X) in the dual, with the linear kernel of the features.
    const F = polynomialFeatures(X, opts);
    const Ft = polynomialFeatures(Xt, opts);
    const viaFeatures = kernelRidge(
      { kernel: (A, B) => A.map((a) => B.map((b) => a.reduce((s, v, i) => s + v * b[i]!, 0))), X: F },
      y,
      {
        lambda,
      },
    );
    const p1 = viaKernel.predict(Xt);
    const p2 = viaFeatures.predict(Ft);
    p1.forEach((v, i) => {
      expect(v).toBeCloseTo(p2[i]!, 7);
    });
  });

  it('validates input and leaks no tensors', async () => {
    expect(() => polynomialKernel([[1, 2]], [[1]])).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE' }),
    );
    expect(() => polynomialFeatures([[1]], { degree: 0 })).toThrow(
      expect.objectContaining({ param: 'degree' }),
    );
    expect(() => polynomialKernel([[1]], undefined, { c: -1 })).toThrow(
      expect.objectContaining({ param: 'c' }),
    );
    const t = tf.tensor2d([[1, 2]]);
    await expectNoLeaks(() => polynomialKernel(t, t));
    await expectNoLeaks(() => polynomialFeatures(t));
    t.dispose();
  });
});
