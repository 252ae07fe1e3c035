import { createRng, DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import refs from '../../data/ot-refs.json';
import { dist } from './dist.js';
import { emd } from './emd.js';
import { sinkhorn, sinkhorn2 } from './sinkhorn.js';

function entropy(w: number[]): number {
  return -w.reduce((s, x) => (x > 0 ? s + x * Math.log(x) : s), 0);
}

function cloud(seed: number, n: number, shift: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => [rng.normal(shift, 1), rng.normal(0, 1)]);
}

function maxAbsDiff(p: number[][], q: number[][]): number {
  let d = 0;
  p.forEach((row, i) => {
    row.forEach((x, j) => {
      d = Math.max(d, Math.abs(x - (q[i] as number[])[j]!));
    });
  });
  return d;
}

describe('sinkhorn', () => {
  it('matches POT ot.sinkhorn (sinkhorn_log) plans for reg in {0.5, 0.1, 0.02}', () => {
    for (const c of refs.sinkhorn) {
      const res = sinkhorn(c.a, c.b, c.M, { reg: c.reg, maxIter: 20_000, tol: 1e-13 });
      expect(res.converged).toBe(true);
      expect(maxAbsDiff(res.plan, c.plan)).toBeLessThan(1e-10);
      expect(res.cost).toBeCloseTo(c.cost, 10);
    }
  });

  it('satisfies entropic duality: objective = sum a f + sum b g at convergence', () => {
    const c = refs.sinkhorn[1] as (typeof refs.sinkhorn)[number];
    const res = sinkhorn(c.a, c.b, c.M, { reg: c.reg, tol: 1e-12, maxIter: 20_000 });
    const dual =
      c.a.reduce((s, ai, i) => s + ai * (res.f[i] as number), 0) +
      c.b.reduce((s, bj, j) => s + bj * (res.g[j] as number), 0);
    expect(res.objective).toBeCloseTo(dual, 9);
    expect(res.marginalError).toBeLessThan(1e-11);
  });

  it('converges to the exact EMD as reg -> 0 within the bound 0 <= cost - emd <= reg min(H(a), H(b))', () => {
    const rng = createRng(2);
    const n = 12;
    const m = 10;
    const x = cloud(1, n, 0);
    const y = cloud(2, m, 1);
    const M = dist(x, y);
    const scale = Math.max(...M.flat());
    const Mn = M.map((r) => r.map((c) => c / scale)); // cost scale 1
    const a = Array.from({ length: n }, () => rng.uniform(0.2, 1));
    const b = Array.from({ length: m }, () => rng.uniform(0.2, 1));
    const sa = a.reduce((s, v) => s + v, 0);
    const sb = b.reduce((s, v) => s + v, 0);
    const an = a.map((v) => v / sa);
    const bn = b.map((v) => v / sb);
    const exact = emd(an, bn, Mn);
    const bound = Math.min(entropy(an), entropy(bn));
    let prevPlanErr = Number.POSITIVE_INFINITY;
    for (const reg of [1, 0.1, 0.01, 0.001, 0.0001]) {
      const res = sinkhorn(an, bn, Mn, { reg, tol: 1e-10, maxIter: 100_000, epsilonScaling: true });
      expect(res.converged).toBe(true);
      const gap = res.cost - exact.cost;
      expect(gap).toBeGreaterThan(-1e-9);
      expect(gap).toBeLessThanOrEqual(reg * bound + 1e-9);
      const planErr = maxAbsDiff(res.plan, exact.plan);
      expect(planErr).toBeLessThan(prevPlanErr);
      prevPlanErr = planErr;
    }
    // Below the optimum's cost gap the plan error decays like exp(-gap / reg).
    expect(prevPlanErr).toBeLessThan(1e-5);
  });

  it('never returns NaN or Inf for reg = 1e-4 of the cost scale, with and without epsilon scaling', () => {
    const x = cloud(3, 20, 0);
    const y = cloud(4, 20, 3);
    const M = dist(x, y);
    const scale = Math.max(...M.flat());
    const w = new Array(20).fill(1 / 20);
    const exact = emd(w, w, M);
    for (const epsilonScaling of [false, true]) {
      const res = sinkhorn(w, w, M, { reg: 1e-4 * scale, maxIter: 3000, epsilonScaling });
      for (const v of [res.cost, res.objective, res.marginalError, ...res.f, ...res.g, ...res.plan.flat()]) {
        expect(Number.isFinite(v)).toBe(true);
      }
      expect(res.iterations).toBe(3000); // tol 1e-9 is out of reach in 3000 iterations at this reg
      expect(res.converged).toBe(false);
      if (epsilonScaling) {
        // Annealing gets close anyway: small marginal error, cost near the exact optimum.
        expect(res.marginalError).toBeLessThan(1e-4);
        expect(Math.abs(res.cost - exact.cost)).toBeLessThan(1e-3 * exact.cost);
      }
    }
  });

  it('gives zero rows and columns for zero weights, reports non-convergence at maxIter, and sinkhorn2 is the cost', () => {
    const M = [
      [0, 1, 4],
      [1, 0, 1],
      [4, 1, 0],
    ];
    const res = sinkhorn([0.5, 0, 0.5], [0.25, 0.5, 0.25], M, { reg: 0.1 });
    expect(res.plan[1]).toEqual([0, 0, 0]);
    expect(res.converged).toBe(true);
    const zeroCol = sinkhorn(
      [0.5, 0.5],
      [0, 1],
      [
        [0, 1],
        [1, 0],
      ],
      { reg: 0.05 },
    );
    expect(zeroCol.plan.map((r) => r[0])).toEqual([0, 0]);
    const short = sinkhorn([0.5, 0, 0.5], [0.25, 0.5, 0.25], M, { reg: 0.01, maxIter: 2, tol: 0 });
    expect(short.converged).toBe(false);
    expect(short.iterations).toBe(2);
    expect(sinkhorn2([0.5, 0, 0.5], [0.25, 0.5, 0.25], M, { reg: 0.1 })).toBe(res.cost);
  });

  it('reports progress and throws ABORTED when aborted', () => {
    const c = refs.sinkhorn[2] as (typeof refs.sinkhorn)[number];
    const controller = new AbortController();
    const seen: number[] = [];
    expect(() =>
      sinkhorn(c.a, c.b, c.M, {
        reg: 1e-3,
        tol: 0,
        onProgress: ({ iteration }) => {
          seen.push(iteration);
          if (iteration >= 30) controller.abort();
        },
        signal: controller.signal,
      }),
    ).toThrow(expect.objectContaining({ code: 'ABORTED' }));
    expect(seen).toEqual([10, 20, 30]);
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
    const M = [
      [0, 1],
      [1, 0],
    ];
    expect(code(() => sinkhorn([0.5, 0.5], [0.5, 0.5], M, { reg: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => sinkhorn([0.5, 0.5], [0.5, 0.5], M, { reg: Number.NaN }))).toBe('INVALID_ARGUMENT');
    expect(code(() => sinkhorn([0.5, 0.5], [0.5, 0.4], M, { reg: 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => sinkhorn([0.5, 0.5], [0.5, 0.5], [[0, 1]], { reg: 1 }))).toBe('INVALID_SHAPE');
    expect(code(() => sinkhorn([0.5, 0.5], [0.5, 0.5], M, { reg: 1, maxIter: 0 }))).toBe('INVALID_ARGUMENT');
  });
});
