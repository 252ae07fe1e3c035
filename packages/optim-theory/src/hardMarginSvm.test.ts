import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import refs from '../data/svm-refs.json';
import { hardMarginSvm } from './hardMarginSvm.js';

beforeAll(async () => {
  await setupTestBackend();
});

/**
 * Independent brute force: the optimum is the min-norm solution of A_S w = 1 for some set S of at
 * most d linearly independent active constraints (rows a_i = y_i x_i); enumerate all such S and
 * keep the feasible candidate of smallest norm.
 */
function bruteForceSvm(X: number[][], y: number[]): number[] {
  const A = X.map((x, i) => x.map((v) => v * y[i]!));
  const n = A.length;
  const d = A[0]!.length;
  let best: number[] | null = null;
  let bestNorm = Number.POSITIVE_INFINITY;
  const visit = (S: number[]) => {
    // w = A_S^T (A_S A_S^T)^{-1} 1 via Gaussian elimination.
    const k = S.length;
    const G = S.map((i) => S.map((j) => A[i]!.reduce((s, v, c) => s + v * A[j]![c]!, 0)));
    const b = new Array(k).fill(1);
    for (let c = 0; c < k; c++) {
      let p = c;
      for (let r = c + 1; r < k; r++) if (Math.abs(G[r]![c]!) > Math.abs(G[p]![c]!)) p = r;
      if (Math.abs(G[p]![c]!) < 1e-12) return;
      [G[c], G[p]] = [G[p]!, G[c]!];
      [b[c], b[p]] = [b[p], b[c]];
      for (let r = 0; r < k; r++) {
        if (r === c) continue;
        const f = G[r]![c]! / G[c]![c]!;
        for (let j = c; j < k; j++) G[r]![j]! -= f * G[c]![j]!;
        b[r] -= f * b[c];
      }
    }
    const mu = b.map((v, i) => v / G[i]![i]!);
    const w = Array.from({ length: d }, (_, c) => S.reduce((s, i, j) => s + mu[j]! * A[i]![c]!, 0));
    const feasible = A.every((a) => a.reduce((s, v, c) => s + v * w[c]!, 0) >= 1 - 1e-9);
    const nw = Math.hypot(...w);
    if (feasible && nw < bestNorm) {
      bestNorm = nw;
      best = w;
    }
  };
  const rec = (start: number, S: number[]) => {
    if (S.length > 0) visit(S);
    if (S.length === d) return;
    for (let i = start; i < n; i++) rec(i + 1, [...S, i]);
  };
  rec(0, []);
  if (!best) throw new Error('no feasible candidate');
  return best;
}

function randomSeparable(seed: number, n: number, d: number) {
  const rng = createRng(seed);
  const dir = Array.from({ length: d }, () => rng.normal());
  const X: number[][] = [];
  const y: number[] = [];
  while (X.length < n) {
    const x = Array.from({ length: d }, () => rng.normal());
    const s = x.reduce((a, v, i) => a + v * dir[i]!, 0);
    if (Math.abs(s) < 0.05) continue;
    X.push(x);
    y.push(Math.sign(s));
  }
  return { X, y };
}

describe('hardMarginSvm', () => {
  it('matches brute force over all support sets on small random problems', () => {
    for (const [seed, n, d] of [
      [1, 8, 2],
      [2, 10, 3],
      [3, 9, 4],
      [4, 12, 3],
      [5, 5, 5],
      [6, 3, 6],
    ] as const) {
      const { X, y } = randomSeparable(seed, n, d);
      const svm = hardMarginSvm(X, y);
      const ref = bruteForceSvm(X, y);
      svm.w.forEach((v, i) => {
        expect(v).toBeCloseTo(ref[i]!, 7);
      });
      expect(svm.margin).toBeCloseTo(1 / Math.hypot(...ref), 9);
      expect(svm.kktResidual).toBeLessThan(1e-8);
    }
  });

  it('matches sklearn SVC (mirrored data, C = 1e10) and SLSQP on the committed reference cases', () => {
    for (const c of refs.cases) {
      const svm = hardMarginSvm(c.X, c.y);
      svm.w.forEach((v, i) => {
        expect(Math.abs(v - c.wSlsqp[i]!)).toBeLessThan(1e-6 * (1 + Math.abs(c.wSlsqp[i]!)));
        expect(Math.abs(v - c.wSklearn[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(c.wSklearn[i]!)));
      });
      expect(svm.margin).toBeCloseTo(c.margin, 7);
      // sklearn reports every point with alpha > 0 (up to its tolerance); ours are a subset on the margin.
      for (const i of svm.support) expect(c.supportSklearn).toContain(i);
    }
  });

  it('satisfies w = sum alpha_i y_i x_i, margin 1 on the support vectors and >= 1 elsewhere', () => {
    const { X, y } = randomSeparable(9, 30, 4);
    const svm = hardMarginSvm(X, y);
    const recon = X[0]!.map((_, c) => X.reduce((s, x, i) => s + svm.alpha[i]! * y[i]! * x[c]!, 0));
    recon.forEach((v, c) => {
      expect(v).toBeCloseTo(svm.w[c]!, 9);
    });
    X.forEach((x, i) => {
      const m = y[i]! * x.reduce((s, v, c) => s + v * svm.w[c]!, 0);
      if (svm.support.includes(i)) expect(m).toBeCloseTo(1, 9);
      else expect(m).toBeGreaterThanOrEqual(1 - 1e-9);
    });
    expect(Math.hypot(...svm.direction)).toBeCloseTo(1, 12);
    expect(svm.supportVectors).toEqual(svm.support.map((i) => X[i]));
  });

  it('handles a single point, duplicated points and a 2-D textbook case exactly', () => {
    // One point: w = x / ||x||^2.
    expect(hardMarginSvm([[3, 4]], [1]).w).toEqual([3 / 25, 4 / 25].map((v) => expect.closeTo(v, 12)));
    // Points (1, 1) and (1, -1) labelled +1 and their mirror images: w = (1, 0), margin 1.
    const svm = hardMarginSvm(
      [
        [1, 1],
        [1, -1],
        [1, 1],
        [-1, -1],
        [3, 0],
      ],
      [1, 1, 1, -1, 1],
    );
    expect(svm.w[0]).toBeCloseTo(1, 10);
    expect(svm.w[1]).toBeCloseTo(0, 10);
    expect(svm.margin).toBeCloseTo(1, 10);
  });

  it('throws INVALID_DATA when the data are not separable through the origin and validates labels', () => {
    expect(() =>
      hardMarginSvm(
        [
          [1, 0],
          [2, 0],
        ],
        [1, -1],
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    expect(() => hardMarginSvm([[1, 0]], [0])).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', param: 'y' }),
    );
    expect(() => hardMarginSvm([[1, 0]], [1, 1])).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() => hardMarginSvm([[1, Number.NaN]], [1])).toThrow(
      expect.objectContaining({ code: 'NON_FINITE' }),
    );
  });

  it('accepts tensors and leaks none', async () => {
    const { X, y } = randomSeparable(3, 10, 3);
    const Xt = tf.tensor2d(X);
    const yt = tf.tensor1d(y);
    const svm = await expectNoLeaks(() => hardMarginSvm(Xt, yt));
    expect(svm.w).toEqual(hardMarginSvm(Xt.arraySync(), y).w); // the tensor holds float32 copies of X
    Xt.dispose();
    yt.dispose();
  });
});
