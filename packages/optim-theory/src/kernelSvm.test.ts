import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import refs from '../data/kernel-svm-refs.json';
import { hardMarginSvm } from './hardMarginSvm.js';
import { kernelSvm } from './kernelSvm.js';
import { polynomialKernel } from './polynomialKernel.js';

const kernel = (A: number[][], B: number[][]) => polynomialKernel(A, B, { degree: refs.degree, c: refs.c });

describe('kernelSvm', () => {
  it('matches libsvm (sklearn SVC, precomputed polynomial kernel) for C = 1 and C = 100', () => {
    for (const ref of refs.cases) {
      const svm = kernelSvm({ kernel, X: refs.X }, refs.y, { C: ref.C });
      // libsvm stops with KKT residual ref.kktViolation (a few 1e-6); ours is polished to ~1e-12, so the
      // two agree to within a small multiple of libsvm's residual.
      const tol = 10 * ref.kktViolation;
      expect(Math.abs(svm.dualObjective - ref.dualObjective)).toBeLessThan(tol * (1 + ref.dualObjective));
      expect(Math.abs(svm.bias - ref.intercept)).toBeLessThan(tol * (1 + Math.abs(ref.intercept)));
      svm.decision.forEach((v, i) => {
        expect(Math.abs(v - ref.decisionTrain[i]!)).toBeLessThan(tol * (1 + Math.abs(v)));
      });
      svm.decisionFunction(refs.Xtest).forEach((v, i) => {
        expect(Math.abs(v - ref.decisionTest[i]!)).toBeLessThan(tol * (1 + Math.abs(v)));
      });
      // (alpha itself is not unique here: the cubic kernel on R^2 has rank 10 < n = 40.)
      expect(svm.kktViolation).toBeLessThan(1e-8);
    }
  });

  it('hard margin with a linear kernel and mirrored data (bias 0) equals hardMarginSvm', () => {
    const X = [
      [2, 0.5],
      [0.3, 1.5],
      [3, 3],
      [4, 1.5],
    ];
    const Xm = [...X, ...X.map((x) => x.map((v) => -v))];
    const y = [1, 1, 1, 1, -1, -1, -1, -1];
    const linear = (A: number[][], B: number[][]) =>
      A.map((a) => B.map((b) => a[0]! * b[0]! + a[1]! * b[1]!));
    const svm = kernelSvm({ kernel: linear, X: Xm }, y, { C: Number.POSITIVE_INFINITY });
    const ref = hardMarginSvm(X, [1, 1, 1, 1]);
    expect(svm.bias).toBeCloseTo(0, 8);
    // w = sum alpha_i y_i x_i, compared coordinate-wise with the no-bias SVM.
    const w = [0, 1].map((c) => Xm.reduce((s, x, i) => s + svm.alpha[i]! * y[i]! * x[c]!, 0));
    expect(w[0]).toBeCloseTo(ref.w[0]!, 8);
    expect(w[1]).toBeCloseTo(ref.w[1]!, 8);
    svm.decision.forEach((v, i) => {
      expect(y[i]! * v).toBeGreaterThanOrEqual(1 - 1e-8);
    });
  });

  it('rejects one-class labels, inseparable hard-margin data and bad C', () => {
    const gram = [
      [1, 0],
      [0, 1],
    ];
    expect(() => kernelSvm({ gram }, [1, 1])).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    expect(() => kernelSvm({ gram }, [1, 0])).toThrow(expect.objectContaining({ param: 'y' }));
    expect(() => kernelSvm({ gram }, [1, -1], { C: 0 })).toThrow(expect.objectContaining({ param: 'C' }));
    // Identical inputs with opposite labels: no separating function exists.
    const same = [
      [1, 1],
      [1, 1],
    ];
    expect(() => kernelSvm({ gram: same }, [1, -1], { C: Number.POSITIVE_INFINITY })).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    );
  });

  it('reads tensor Gram matrices without leaking', async () => {
    await setupTestBackend();
    const g = tf.tensor2d([
      [2, 0.5],
      [0.5, 1],
    ]);
    await expectNoLeaks(() => kernelSvm({ gram: g }, [1, -1]).predict(g));
    g.dispose();
  });
});
