import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelPca } from './kernelPca.js';
import { symmetricEigen } from './linalg.js';
import { polynomialFeatures, polynomialKernel } from './polynomialKernel.js';

const rng = createRng(14);
const X = Array.from({ length: 25 }, () => [rng.normal(0, 3), rng.normal(0, 1), rng.normal(0, 0.3)]);
const linear = (A: number[][], B: number[][]) =>
  A.map((a) => B.map((b) => a.reduce((s, v, i) => s + v * b[i]!, 0)));

/** Ordinary PCA: eigen-decomposition of the scatter matrix of the centred data. */
function pca(rows: number[][]) {
  const n = rows.length;
  const d = rows[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const Z = rows.map((r) => r.map((v, j) => v - mean[j]!));
  const S = { rows: d, cols: d, data: new Float64Array(d * d) };
  for (const z of Z)
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) S.data[a * d + b]! += z[a]! * z[b]!;
  const { values, vectors } = symmetricEigen(S);
  const proj = Z.map((z) =>
    [d - 1, d - 2].map((k) => z.reduce((s, v, a) => s + v * vectors.data[a * d + k]!, 0)),
  );
  return { values: [values[d - 1]!, values[d - 2]!], proj, mean, vectors, d };
}

describe('kernelPca', () => {
  it('with the linear kernel equals ordinary PCA (eigenvalues of the scatter matrix, projections up to sign)', () => {
    const kp = kernelPca({ kernel: linear, X }, { components: 2 });
    const ref = pca(X);
    kp.eigenvalues.forEach((v, k) => {
      expect(v).toBeCloseTo(ref.values[k]!, 8);
    });
    for (let k = 0; k < 2; k++) {
      const sign = Math.sign(kp.projections[0]![k]! * ref.proj[0]![k]!);
      kp.projections.forEach((p, i) => {
        expect(p[k]!).toBeCloseTo(sign * ref.proj[i]![k]!, 7);
      });
    }
    // transform() of the training inputs reproduces the training projections.
    const again = kp.transform(X);
    again.forEach((p, i) => {
      p.forEach((v, k) => {
        expect(v).toBeCloseTo(kp.projections[i]![k]!, 7);
      });
    });
    expect(kp.explainedVarianceRatio[0]!).toBeGreaterThan(0.85);
  });

  it('with a polynomial kernel equals PCA on the explicit polynomial features', () => {
    const opts = { degree: 2, c: 1 };
    const kp = kernelPca({ kernel: (A, B) => polynomialKernel(A, B, opts), X }, { components: 2 });
    const ref = pca(polynomialFeatures(X, opts));
    kp.eigenvalues.forEach((v, k) => {
      expect(v / ref.values[k]!).toBeCloseTo(1, 8);
    });
  });

  it('validates the number of components', () => {
    expect(() => kernelPca({ kernel: linear, X }, { components: 26 })).toThrow(
      expect.objectContaining({ param: 'components' }),
    );
  });

  it('reads tensor Gram matrices without leaking', async () => {
    await setupTestBackend();
    const g = tf.tensor2d([
      [2, 0.5],
      [0.5, 1],
    ]);
    await expectNoLeaks(() => kernelPca({ gram: g }, { components: 1 }).transform(g));
    g.dispose();
  });
});
