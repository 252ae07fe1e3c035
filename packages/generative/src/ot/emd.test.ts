import { createRng, DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import refs from '../../data/ot-refs.json';
import { emd } from './emd.js';
import { wasserstein1d } from './wasserstein1d.js';

function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s;
}

/** Primal feasibility, dual feasibility and equal objectives: a certificate that the plan is optimal. */
function expectOptimalityCertificate(a: number[], b: number[], M: number[][], tol = 1e-9): void {
  const res = emd(a, b, M);
  expect(res.converged).toBe(true);
  const { plan, u, v, cost } = res;
  const scale = Math.max(1, ...M.map((r) => Math.max(...r.map(Math.abs))));
  let rowErr = 0;
  let negative = 0;
  let dualViolation = 0;
  let slacknessViolation = 0;
  plan.forEach((row, i) => {
    rowErr = Math.max(rowErr, Math.abs(sum(row) - (a[i] as number)));
    row.forEach((p, j) => {
      negative = Math.min(negative, p);
      const slack = (M[i] as number[])[j]! - (u[i] as number) - (v[j] as number);
      dualViolation = Math.max(dualViolation, -slack);
      if (p > 1e-12) slacknessViolation = Math.max(slacknessViolation, Math.abs(slack));
    });
  });
  const colErr = Math.max(...b.map((bj, j) => Math.abs(sum(plan.map((r) => r[j] as number)) - bj)));
  expect(Math.max(rowErr, colErr)).toBeLessThan(1e-12);
  expect(negative).toBe(0);
  expect(dualViolation).toBeLessThan(tol * scale);
  expect(slacknessViolation).toBeLessThan(tol * scale);
  const dual =
    a.reduce((s, ai, i) => s + ai * (u[i] as number), 0) +
    b.reduce((s, bj, j) => s + bj * (v[j] as number), 0);
  expect(Math.abs(dual - cost)).toBeLessThan(tol * scale);
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]),
  );
}

describe('emd', () => {
  it('matches POT ot.emd: cost and plan (random costs, point clouds, zero weights, rectangular)', () => {
    for (const c of refs.emd) {
      const res = emd(c.a, c.b, c.M);
      expect(res.converged).toBe(true);
      expect(res.cost).toBeCloseTo(c.cost, 10);
      let maxDiff = 0;
      res.plan.forEach((row, i) => {
        row.forEach((p, j) => {
          maxDiff = Math.max(maxDiff, Math.abs(p - (c.plan[i] as number[])[j]!));
        });
      });
      expect(maxDiff).toBeLessThan(1e-10);
    }
  });

  it('returns a Kantorovich certificate: feasible potentials, complementary slackness, primal = dual', () => {
    for (const c of refs.emd) expectOptimalityCertificate(c.a, c.b, c.M);
    // Highly degenerate: uniform weights and integer costs with many ties.
    const rng = createRng(5);
    const n = 30;
    const M = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.int(0, 4)));
    expectOptimalityCertificate(new Array(n).fill(1 / n), new Array(n).fill(1 / n), M);
    // All-zero cost: every coupling is optimal.
    expectOptimalityCertificate(
      [0.2, 0.8],
      [0.5, 0.25, 0.25],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
    );
  });

  it('on uniform n-to-n problems equals the best of all n! assignments', () => {
    const rng = createRng(8);
    for (let t = 0; t < 3; t++) {
      const n = 6;
      const M = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.uniform(0, 1)));
      let best = Number.POSITIVE_INFINITY;
      for (const perm of permutations(n))
        best = Math.min(best, perm.reduce((s, j, i) => s + (M[i] as number[])[j]!, 0) / n);
      const w = new Array(n).fill(1 / n);
      expect(emd(w, w, M).cost).toBeCloseTo(best, 12);
    }
  });

  it('on the line with cost |x - y|^p equals wasserstein1d^p (an independent algorithm)', () => {
    const rng = createRng(9);
    const x = Array.from({ length: 12 }, () => rng.normal());
    const y = Array.from({ length: 9 }, () => rng.normal(1, 2));
    const a = x.map(() => rng.uniform(0.1, 1));
    const b = y.map(() => rng.uniform(0.1, 1));
    const sa = sum(a);
    const sb = sum(b);
    const an = a.map((w) => w / sa);
    const bn = b.map((w) => w / sb);
    for (const p of [1, 2, 3]) {
      const M = x.map((xi) => y.map((yj) => Math.abs(xi - yj) ** p));
      expect(emd(an, bn, M).cost).toBeCloseTo(wasserstein1d(x, y, { p, uWeights: a, vWeights: b }) ** p, 11);
    }
  });

  it('returns a feasible plan with converged: false when maxIter stops it, and throws ABORTED on abort', () => {
    const c = refs.emd[3] as (typeof refs.emd)[number];
    const res = emd(c.a, c.b, c.M, { maxIter: 1 });
    expect(res.converged).toBe(false);
    expect(res.iterations).toBe(1);
    expect(res.cost).toBeGreaterThan(c.cost - 1e-12);
    res.plan.forEach((row, i) => {
      expect(sum(row)).toBeCloseTo(c.a[i] as number, 12);
    });
    const controller = new AbortController();
    controller.abort();
    expect(() => emd(c.a, c.b, c.M, { signal: controller.signal })).toThrow(
      expect.objectContaining({ code: 'ABORTED' }),
    );
  });

  it('rejects bad input with DlfError codes', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof DlfError ? e.code : 'other';
      }
      return undefined;
    };
    expect(
      code(() =>
        emd(
          [0.5, 0.5],
          [0.3, 0.3],
          [
            [0, 1],
            [1, 0],
          ],
        ),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(
      code(() =>
        emd(
          [0.5, 0.5],
          [1],
          [
            [0, 1],
            [1, 0],
          ],
        ),
      ),
    ).toBe('INVALID_SHAPE');
    expect(code(() => emd([0.5, 0.5], [1], [[0], [Number.POSITIVE_INFINITY]]))).toBe('NON_FINITE');
    expect(code(() => emd([1.5, -0.5], [1], [[0], [1]]))).toBe('INVALID_ARGUMENT');
    expect(code(() => emd([0, 0], [0], [[0], [1]]))).toBe('INVALID_ARGUMENT');
    expect(code(() => emd([1], [1], [[0]], { maxIter: -1 }))).toBe('INVALID_ARGUMENT');
  });
});
