import { assertInteger, assertNonNegative, assertPositive, throwIfAborted } from '@dlf/runtime';
import { balance, type CostMatrix, positiveMass, toMatrix, toRows, toVector } from './inputs.js';

/** Options of {@link sinkhorn}. */
export interface SinkhornOptions {
  /** Entropic regularisation epsilon, in the units of `M`. Required, > 0. */
  reg: number;
  /** Most iterations (one iteration updates both potentials). Default: 1000. */
  maxIter?: number;
  /**
   * Stop when the L1 marginal error `sum_j |(P^T 1)_j - b_j|` (the row marginals are exact after
   * each update) is at most `tol`. Default: 1e-9.
   */
  tol?: number;
  /**
   * Epsilon scaling (annealing): solve with `reg_k = max(reg, max|M| * 2^-k)`, k = 0, 1, ...,
   * warm-starting each stage from the previous potentials. Much faster for small `reg`.
   * Default: false.
   */
  epsilonScaling?: boolean;
  /** Called every `progressEvery` iterations with the current state. */
  onProgress?: (progress: { iteration: number; marginalError: number; reg: number }) => void;
  /** How often `onProgress` is called, in iterations. Default: 10. */
  progressEvery?: number;
  /** Stops the solver: it throws `DlfError('ABORTED')` (checked every iteration). */
  signal?: AbortSignal;
}

/** What {@link sinkhorn} returns. */
export interface SinkhornResult {
  /** The entropic plan `P_ij = a_i b_j exp((f_i + g_j - M_ij) / reg)`, n rows of m numbers. */
  plan: number[][];
  /** The transport cost of the plan, `<P, M>` (what POT's `sinkhorn2` returns). */
  cost: number;
  /** The regularised objective `<P, M> + reg KL(P || a b^T)`. */
  objective: number;
  /**
   * Dual potentials (Sinkhorn potentials relative to `a b^T`), in the units of `M`. As reg -> 0
   * they converge to Kantorovich potentials; at convergence `objective = sum a f + sum b g`.
   */
  f: number[];
  /** Dual potentials of the columns; see `f`. */
  g: number[];
  /** Iterations run (all stages together with `epsilonScaling`). */
  iterations: number;
  /** Whether the marginal error reached `tol` before `maxIter`. */
  converged: boolean;
  /** The final L1 marginal error `||P^T 1 - b||_1 + ||P 1 - a||_1`. */
  marginalError: number;
}

/**
 * Entropy-regularised optimal transport (Cuturi 2013): `min_P <P, M> + reg KL(P || a b^T)` over
 * couplings of `a` and `b`, by Sinkhorn's alternating projections in the log domain:
 * `f_i = -reg LSE_j(log b_j + (g_j - M_ij) / reg)`, `g_j = -reg LSE_i(log a_i + (f_i - M_ij) / reg)`,
 * each log-sum-exp shifted by its maximum, so no `reg` > 0 overflows or produces NaN (small `reg`
 * only makes convergence slow: use `epsilonScaling`). Zero weights are allowed (their rows or
 * columns of P are 0). Float64. Call shape of POT's `ot.sinkhorn(a, b, M, reg)`.
 *
 * @param a - source weights (n, non-negative).
 * @param b - target weights (m, non-negative), same total mass as `a` (relative tolerance 1e-8).
 * @param M - cost matrix, n rows of m finite numbers.
 * @returns `{ plan, cost, objective, f, g, iterations, converged, marginalError }`.
 * @throws DlfError `INVALID_ARGUMENT`, `INVALID_SHAPE`, `NON_FINITE`, `ABORTED`.
 * @example
 * ```ts
 * const { plan, cost, converged } = sinkhorn([0.5, 0.5], [0.5, 0.5], [[0, 1], [1, 0]], { reg: 0.05 });
 * ```
 */
export function sinkhorn(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: CostMatrix,
  options: SinkhornOptions,
): SinkhornResult {
  const {
    reg,
    maxIter = 1000,
    tol = 1e-9,
    epsilonScaling = false,
    onProgress,
    progressEvery = 10,
    signal,
  } = options ?? ({} as SinkhornOptions);
  assertPositive('reg', reg);
  assertInteger('maxIter', maxIter, { min: 1 });
  assertNonNegative('tol', tol);
  assertInteger('progressEvery', progressEvery, { min: 1 });
  const av = toVector('a', a, { nonNegative: true });
  const bRaw = toVector('b', b, { nonNegative: true });
  const n = av.length;
  const m = bRaw.length;
  const cost = toMatrix('M', M, n, m);
  const sa = positiveMass('a', av);
  const bv = balance(bRaw, sa, positiveMass('b', bRaw));
  const logA = av.map(Math.log); // -Infinity for zero weights: those terms drop out of every LSE
  const logB = bv.map(Math.log);

  const f = new Float64Array(n);
  const g = new Float64Array(m);
  let maxAbs = 0;
  for (let k = 0; k < cost.length; k++) maxAbs = Math.max(maxAbs, Math.abs(cost[k] as number));
  const stages: number[] = [];
  if (epsilonScaling && maxAbs > reg) {
    for (let e = maxAbs; e > reg; e /= 2) stages.push(e);
  }
  stages.push(reg);

  const gNew = new Float64Array(m);
  const kernel = new Float64Array(n * m); // -M / eps of the current stage
  const rowTerms = new Float64Array(m);
  const colMax = new Float64Array(m);
  const colSum = new Float64Array(m);
  const fa = new Float64Array(n); // logA + f / eps
  const gb = new Float64Array(m); // logB + g / eps
  let iterations = 0;
  let converged = false;
  let marginalError = Number.POSITIVE_INFINITY;
  // With scaling, intermediate stages stop at a looser tolerance: only the last one must be exact.
  for (let s = 0; s < stages.length; s++) {
    const eps = stages[s] as number;
    const last = s === stages.length - 1;
    const stageTol = last ? tol : Math.max(tol, 1e-3 * sa);
    for (let k = 0; k < kernel.length; k++) kernel[k] = -(cost[k] as number) / eps;
    converged = false;
    while (iterations < maxIter) {
      throwIfAborted(signal, 'sinkhorn');
      iterations++;
      // f-update (rows become exact): f_i = -eps LSE_j(log b_j + g_j / eps - M_ij / eps).
      for (let j = 0; j < m; j++) gb[j] = (logB[j] as number) + (g[j] as number) / eps;
      for (let i = 0; i < n; i++) {
        const row = i * m;
        let mx = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < m; j++) {
          const t = (gb[j] as number) + (kernel[row + j] as number);
          rowTerms[j] = t;
          if (t > mx) mx = t;
        }
        let sum = 0;
        for (let j = 0; j < m; j++) sum += Math.exp((rowTerms[j] as number) - mx);
        f[i] = -eps * (mx + Math.log(sum));
      }
      // The next g-update, row-major in two passes (column maxima, then sums); the column marginals
      // of the current plan are b_j exp((g_j - gNew_j) / eps).
      for (let i = 0; i < n; i++) fa[i] = (logA[i] as number) + (f[i] as number) / eps;
      colMax.fill(Number.NEGATIVE_INFINITY);
      colSum.fill(0);
      for (let i = 0; i < n; i++) {
        const row = i * m;
        const fi = fa[i] as number;
        for (let j = 0; j < m; j++) {
          const t = fi + (kernel[row + j] as number);
          if (t > (colMax[j] as number)) colMax[j] = t;
        }
      }
      for (let i = 0; i < n; i++) {
        const row = i * m;
        const fi = fa[i] as number;
        if (fi === Number.NEGATIVE_INFINITY) continue;
        for (let j = 0; j < m; j++)
          colSum[j] =
            (colSum[j] as number) + Math.exp(fi + (kernel[row + j] as number) - (colMax[j] as number));
      }
      marginalError = 0;
      for (let j = 0; j < m; j++) {
        gNew[j] = -eps * ((colMax[j] as number) + Math.log(colSum[j] as number));
        const bj = bv[j] as number;
        if (bj > 0)
          marginalError += bj * Math.abs(Math.expm1(((g[j] as number) - (gNew[j] as number)) / eps));
      }
      const done = marginalError <= stageTol;
      if (onProgress && iterations % progressEvery === 0)
        onProgress({ iteration: iterations, marginalError, reg: eps });
      if (done) {
        converged = true;
        break;
      }
      g.set(gNew);
    }
    if (!converged) break;
  }

  // Plan and objective from the final potentials (f was updated last: rows are exact).
  const plan = new Float64Array(n * m);
  let transport = 0;
  let kl = 0;
  let rowErr = 0;
  const colSums = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      const logRatio = ((f[i] as number) + (g[j] as number) - (cost[k] as number)) / reg;
      const base = (av[i] as number) * (bv[j] as number);
      const p = base > 0 ? base * Math.exp(logRatio) : 0;
      plan[k] = p;
      transport += p * (cost[k] as number);
      if (p > 0) kl += p * logRatio - p + base;
      else kl += base;
      rowSum += p;
      colSums[j] = (colSums[j] as number) + p;
    }
    rowErr += Math.abs(rowSum - (av[i] as number));
  }
  let colErr = 0;
  for (let j = 0; j < m; j++) colErr += Math.abs((colSums[j] as number) - (bv[j] as number));
  return {
    plan: toRows(plan, n, m),
    cost: transport,
    objective: transport + reg * kl,
    f: Array.from(f),
    g: Array.from(g),
    iterations,
    converged,
    marginalError: rowErr + colErr,
  };
}

/**
 * The transport cost `<P, M>` of the entropic plan of {@link sinkhorn} (POT's `ot.sinkhorn2`).
 *
 * @example
 * ```ts
 * sinkhorn2([0.5, 0.5], [0.5, 0.5], [[0, 1], [1, 0]], { reg: 0.01 }); // close to 0
 * ```
 */
export function sinkhorn2(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: CostMatrix,
  options: SinkhornOptions,
): number {
  return sinkhorn(a, b, M, options).cost;
}
