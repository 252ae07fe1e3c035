import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { hessian } from './hessian.js';
import { losses } from './losses.js';
import { mlp } from './mlp.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';
import { topHessianEigenvalues, tridiagonalEigen } from './topHessianEigenvalues.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** Cyclic Jacobi eigenvalue algorithm for a symmetric matrix (float64): independent reference. */
function jacobiEigen(matrix: number[][]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((r) => [...r]);
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p]?.[q] as number) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]?.[q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((a[q]?.[q] as number) - (a[p]?.[p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]?.[p] as number;
          const akq = a[k]?.[q] as number;
          (a[k] as number[])[p] = c * akp - s * akq;
          (a[k] as number[])[q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]?.[k] as number;
          const aqk = a[q]?.[k] as number;
          (a[p] as number[])[k] = c * apk - s * aqk;
          (a[q] as number[])[k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]?.[p] as number;
          const vkq = v[k]?.[q] as number;
          (v[k] as number[])[p] = c * vkp - s * vkq;
          (v[k] as number[])[q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return {
    values: a.map((r, i) => r[i] as number),
    vectors: Array.from({ length: n }, (_, j) => v.map((r) => r[j] as number)),
  };
}

const diagQuadratic = (d: number[]) => {
  const dt = tf.tensor1d(d);
  return {
    loss: (w: tf.Tensor1D) => tf.mul(0.5, tf.sum(tf.mul(dt, tf.square(w)))),
    dispose: () => dt.dispose(),
  };
};

describe('tridiagonalEigen', () => {
  it('agrees with Jacobi on random symmetric tridiagonal matrices', () => {
    const rng = createRng(1);
    for (const n of [1, 2, 5, 30]) {
      const diag = Array.from({ length: n }, () => rng.normal());
      const off = Array.from({ length: n - 1 }, () => rng.normal());
      const dense = Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) =>
          i === j ? (diag[i] as number) : Math.abs(i - j) === 1 ? (off[Math.min(i, j)] as number) : 0,
        ),
      );
      const ours = tridiagonalEigen(diag, off);
      const ref = jacobiEigen(dense).values.sort((a, b) => a - b);
      expect(Math.max(...ref.map((r, i) => Math.abs(r - (ours.values[i] as number))))).toBeLessThan(1e-10);
      // T y = lambda y for every returned pair, with |y| = 1.
      let residual = 0;
      ours.vectors.forEach((y, i) => {
        const lam = ours.values[i] as number;
        expect(Math.hypot(...y)).toBeCloseTo(1, 12);
        dense.forEach((row, r) => {
          const ty = row.reduce((acc, t, c) => acc + t * (y[c] as number), 0);
          residual = Math.max(residual, Math.abs(ty - lam * (y[r] as number)));
        });
      });
      expect(residual).toBeLessThan(1e-10);
    }
  });
});

describe('topHessianEigenvalues', () => {
  it('finds the known spectrum of a diagonal quadratic (largest, smallest, magnitude) with unit-vector eigenvectors', async () => {
    const d = [10, 7, 5, 3, 1, 0.5, 0.25, -1, -2, -12, 0.1, 2, 4, 6, 8, 9];
    const { loss, dispose } = diagQuadratic(d);
    const w = tf.randomNormal([d.length], 0, 1, 'float32', 1) as tf.Tensor1D;
    const top = await topHessianEigenvalues(loss, w, { k: 3, seed: 2 });
    expect(top.converged).toBe(true);
    expect(top.iterations).toBeLessThanOrEqual(d.length);
    top.values.forEach((v, i) => {
      expect(v).toBeCloseTo([10, 9, 8][i] as number, 4);
    });
    expect(top.vectors.shape).toEqual([3, d.length]);
    const vecs = top.vectors.arraySync();
    [0, 15, 14].forEach((idx, row) => {
      expect(vecs[row]?.[idx]).toBeCloseTo(1, 4);
    });
    const bottom = await topHessianEigenvalues(loss, w, { k: 2, which: 'smallest', seed: 2 });
    bottom.values.forEach((v, i) => {
      expect(v).toBeCloseTo([-12, -2][i] as number, 4);
    });
    const mag = await topHessianEigenvalues(loss, w, { k: 2, which: 'magnitude', seed: 2 });
    mag.values.forEach((v, i) => {
      expect(v).toBeCloseTo([-12, 10][i] as number, 4);
    });
    tf.dispose([w, top.vectors, bottom.vectors, mag.vectors]);
    dispose();
  });

  it('finds repeated eigenvalues with their multiplicity (restart after an invariant Krylov space)', async () => {
    const { loss, dispose } = diagQuadratic([5, 1, 5, 3, 0, 0, 0, 0]);
    const w = tf.zeros([8]) as tf.Tensor1D;
    const { values, vectors, converged } = await topHessianEigenvalues(loss, w, { k: 3, seed: 5 });
    expect(converged).toBe(true);
    values.forEach((v, i) => {
      expect(v).toBeCloseTo([5, 5, 3][i] as number, 4);
    });
    // The two eigenvectors for 5 span {e0, e2}.
    const V = vectors.arraySync();
    for (const row of V.slice(0, 2))
      expect((row[0] as number) ** 2 + (row[2] as number) ** 2).toBeCloseTo(1, 4);
    tf.dispose([w, vectors]);
    dispose();
  });

  it('matches the Jacobi eigen-decomposition of the explicit Hessian of an MLP loss', async () => {
    const net = mlp({ sizes: [3, 4, 3], activation: 'tanh', biasScale: 0.4, initScale: 1.5 });
    const rng = createRng(9);
    const x = tf.tensor2d(Array.from({ length: 5 }, () => Array.from(rng.normalArray(3))));
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
    const w = net.init(4);
    const loss = (p: tf.Tensor1D) => losses.softmaxCrossEntropy(y, net.apply(p, x));
    const H = hessian(loss, w);
    const ref = jacobiEigen(H.arraySync());
    const order = ref.values
      .map((_, i) => i)
      .sort((a, b) => (ref.values[b] as number) - (ref.values[a] as number));
    const res = await topHessianEigenvalues(loss, w, { k: 3, seed: 1, tolerance: 1e-6 });
    const lmax = ref.values[order[0] as number] as number;
    res.values.forEach((v, i) => {
      expect(Math.abs(v - (ref.values[order[i] as number] as number))).toBeLessThan(1e-4 * lmax);
    });
    // Eigenvectors: |<y, y_ref>| ~ 1.
    const vecs = res.vectors.arraySync();
    vecs.forEach((yv, i) => {
      const r = ref.vectors[order[i] as number] as number[];
      const overlap = Math.abs(yv.reduce((a, t, j) => a + t * (r[j] as number), 0));
      expect(overlap).toBeGreaterThan(1 - 1e-3);
    });
    const smallest = await topHessianEigenvalues(loss, w, { k: 1, which: 'smallest', seed: 1 });
    expect(Math.abs((smallest.values[0] as number) - Math.min(...ref.values))).toBeLessThan(1e-4 * lmax);
    // Same seed, same answer.
    const again = await topHessianEigenvalues(loss, w, { k: 3, seed: 1, tolerance: 1e-6 });
    expect(again.values).toEqual(res.values);
    tf.dispose([x, y, w, H, res.vectors, smallest.vectors, again.vectors]);
  });

  it('validates options, honours abort signals and leaves no tensors behind', async () => {
    const { loss, dispose } = diagQuadratic([3, 2, 1]);
    const w = tf.ones([3]) as tf.Tensor1D;
    const bad: [object, RegExp][] = [
      [{ k: 4 }, /k must be an integer in \[1, 3\]/],
      [{ k: 2, iterations: 1 }, /iterations must be an integer >= 2/],
      [{ tolerance: 0 }, /tolerance must be > 0/],
      [{ which: 'top' }, /which must be one of/],
    ];
    for (const [options, message] of bad) {
      await expect(topHessianEigenvalues(loss, w, options)).rejects.toThrow(message);
    }
    await expect(topHessianEigenvalues(loss, tf.ones([2, 2]) as never)).rejects.toThrow(DlfError);
    const controller = new AbortController();
    controller.abort();
    await expect(topHessianEigenvalues(loss, w, { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    await expectNoLeaks(() => topHessianEigenvalues(loss, w, { k: 2 }));
    // Out of iterations before convergence: converged is false, best estimates returned.
    const d = Array.from({ length: 40 }, (_, i) => 1 + i / 39);
    const slow = diagQuadratic(d);
    const w40 = tf.ones([40]) as tf.Tensor1D;
    const partial = await topHessianEigenvalues(slow.loss, w40, { k: 1, iterations: 3 });
    expect(partial.converged).toBe(false);
    expect(partial.iterations).toBe(3);
    expect(partial.values[0]).toBeLessThanOrEqual(2 + 1e-6);
    tf.dispose([w, w40, partial.vectors]);
    dispose();
    slow.dispose();
  });
});
