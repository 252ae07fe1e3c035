import { assertInteger, DlfError, throwIfAborted } from '@dlf/runtime';
import { balance, type CostMatrix, positiveMass, toMatrix, toRows, toVector } from './inputs.js';

/** Options of {@link emd}. */
export interface EmdOptions {
  /**
   * Most simplex pivots. Default: `max(100000, 50 (n + m))`. When reached, the current (feasible,
   * not necessarily optimal) plan is returned with `converged: false`.
   */
  maxIter?: number;
  /** Stops the solver: it throws `DlfError('ABORTED')` (checked every 256 pivots). */
  signal?: AbortSignal;
}

/** What {@link emd} returns. */
export interface EmdResult {
  /** The optimal plan P (`n x m`, rows of `number`): `P 1 = a`, `P^T 1 = b`, P >= 0. */
  plan: number[][];
  /** The optimal cost `<P, M> = sum_ij P_ij M_ij`. */
  cost: number;
  /**
   * Dual potentials (Kantorovich): `u_i + v_j <= M_ij` for all i, j, with equality wherever
   * `P_ij > 0`, and `sum_i a_i u_i + sum_j b_j v_j = cost`. Centred as POT does
   * (`sum a u = sum b v`); potentials are unique only up to this shift when the plan's support is
   * connected.
   */
  u: number[];
  /** Dual potentials of the columns; see `u`. */
  v: number[];
  /** Number of simplex pivots. */
  iterations: number;
  /** False when `maxIter` stopped the solver before optimality was proved. */
  converged: boolean;
}

/**
 * Exact optimal transport between discrete measures (the earth mover's distance):
 * `min_P <P, M>` over `P >= 0` with `P 1 = a`, `P^T 1 = b`, solved by the network simplex method
 * on the bipartite transport graph (the transportation simplex: spanning-tree bases, potentials
 * `u_i + v_j = M_ij` on the tree, block pricing). Degenerate pivots cannot cycle: supplies are
 * perturbed lexicographically (`a_i + eps`, `b_m + n eps`, Charnes 1952), so every basis is
 * non-degenerate; the returned plan is the unperturbed basic solution, computed from the final
 * tree. Float64 throughout. The call shape is POT's `ot.emd(a, b, M)`.
 *
 * @param a - source weights (n, non-negative).
 * @param b - target weights (m, non-negative), same total mass as `a` (relative tolerance 1e-8;
 *   `b` is rescaled to match exactly).
 * @param M - cost matrix, `n` rows of `m` finite numbers.
 * @returns `{ plan, cost, u, v, iterations, converged }`.
 * @throws DlfError `INVALID_ARGUMENT` (negative weights, unequal masses), `INVALID_SHAPE`,
 *   `NON_FINITE`, `ABORTED`.
 * @example
 * ```ts
 * const { plan, cost } = emd([0.5, 0.5], [0.5, 0.5], [[0, 1], [1, 0]]);
 * // plan = [[0.5, 0], [0, 0.5]], cost = 0
 * ```
 */
export function emd(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: CostMatrix,
  options: EmdOptions = {},
): EmdResult {
  const av = toVector('a', a, { nonNegative: true });
  const bRaw = toVector('b', b, { nonNegative: true });
  const n = av.length;
  const m = bRaw.length;
  const cost = toMatrix('M', M, n, m);
  const bv = balance(bRaw, positiveMass('a', av), positiveMass('b', bRaw));
  const maxIter = options.maxIter ?? Math.max(100_000, 50 * (n + m));
  assertInteger('maxIter', maxIter, { min: 0 });
  return solveTransport(av, bv, cost, n, m, maxIter, options.signal);
}

/** Lexicographic comparison of perturbed quantities `x0 + x1 eps` (x0 compared with a tolerance). */
function lexCompare(x0: number, x1: number, y0: number, y1: number, tol: number): number {
  const d = x0 - y0;
  if (d > tol) return 1;
  if (d < -tol) return -1;
  return x1 === y1 ? 0 : x1 > y1 ? 1 : -1;
}

/** @internal The solver behind {@link emd}, on validated float64 inputs with equal masses. */
export function solveTransport(
  a: Float64Array,
  b: Float64Array,
  M: Float64Array,
  n: number,
  m: number,
  maxIter: number,
  signal?: AbortSignal,
): EmdResult {
  const nodes = n + m;
  const K = nodes - 1; // basis size
  let mass = 0;
  for (let i = 0; i < n; i++) mass += a[i] as number;
  let maxAbsCost = 0;
  for (let k = 0; k < M.length; k++) maxAbsCost = Math.max(maxAbsCost, Math.abs(M[k] as number));
  const massTol = 1e-13 * mass;
  const costTol = 1e-11 * maxAbsCost;

  // Basis: K cells (row, col) with perturbed flows f0 + f1 eps; adjacency of the spanning tree.
  const cellRow = new Int32Array(K);
  const cellCol = new Int32Array(K);
  const f0 = new Float64Array(K);
  const f1 = new Float64Array(K);
  const adj: number[][] = Array.from({ length: nodes }, () => []);
  const addCell = (k: number, i: number, j: number, x0: number, x1: number): void => {
    cellRow[k] = i;
    cellCol[k] = j;
    f0[k] = x0;
    f1[k] = x1;
    (adj[i] as number[]).push(k);
    (adj[n + j] as number[]).push(k);
  };
  const removeFromAdj = (node: number, k: number): void => {
    const list = adj[node] as number[];
    const idx = list.indexOf(k);
    list[idx] = list[list.length - 1] as number;
    list.pop();
  };

  // Initial basis: the least-cost rule on the perturbed problem (supplies a_i + eps, demands b_j,
  // the last demand b_m + n eps). Each assignment exhausts exactly one line, so the n + m - 1
  // cells form a spanning tree.
  {
    const s0 = Float64Array.from(a);
    const s1 = new Float64Array(n).fill(1);
    const d0 = Float64Array.from(b);
    const d1 = new Float64Array(m);
    d1[m - 1] = n;
    const order = new Uint32Array(n * m);
    for (let k = 0; k < order.length; k++) order[k] = k;
    order.sort((p, q) => (M[p] as number) - (M[q] as number));
    const rowOpen = new Uint8Array(n).fill(1);
    const colOpen = new Uint8Array(m).fill(1);
    let openRows = n;
    let openCols = m;
    let k = 0;
    for (let t = 0; t < order.length && k < K; t++) {
      const cell = order[t] as number;
      const i = Math.floor(cell / m);
      const j = cell - i * m;
      if (!rowOpen[i] || !colOpen[j]) continue;
      const c = lexCompare(s0[i] as number, s1[i] as number, d0[j] as number, d1[j] as number, massTol);
      // Which line is exhausted: the smaller one; forced when only one row or one column is left.
      const closeRow = openCols === 1 ? true : openRows === 1 ? false : c <= 0;
      const x0 = closeRow ? (s0[i] as number) : (d0[j] as number);
      const x1 = closeRow ? (s1[i] as number) : (d1[j] as number);
      addCell(k++, i, j, x0, x1);
      s0[i] = (s0[i] as number) - x0;
      s1[i] = (s1[i] as number) - x1;
      d0[j] = (d0[j] as number) - x0;
      d1[j] = (d1[j] as number) - x1;
      if (closeRow) {
        rowOpen[i] = 0;
        openRows--;
      } else {
        colOpen[j] = 0;
        openCols--;
      }
    }
    if (k !== K)
      throw new DlfError(
        'INVALID_DATA',
        `emd: internal error building the initial basis (${k} of ${K} cells)`,
      );
  }

  const u = new Float64Array(n);
  const v = new Float64Array(m);
  const seen = new Uint8Array(nodes);
  const stack = new Int32Array(nodes);
  const parentCell = new Int32Array(nodes);

  /** Potentials with u_0 = 0 and u_i + v_j = M_ij on every basic cell (a traversal of the tree). */
  const computePotentials = (): void => {
    seen.fill(0);
    let top = 0;
    stack[top++] = 0;
    seen[0] = 1;
    u[0] = 0;
    while (top > 0) {
      const node = stack[--top] as number;
      for (const k of adj[node] as number[]) {
        const i = cellRow[k] as number;
        const j = cellCol[k] as number;
        if (node < n) {
          if (seen[n + j]) continue;
          v[j] = (M[i * m + j] as number) - (u[i] as number);
          seen[n + j] = 1;
          stack[top++] = n + j;
        } else {
          if (seen[i]) continue;
          u[i] = (M[i * m + j] as number) - (v[j] as number);
          seen[i] = 1;
          stack[top++] = i;
        }
      }
    }
  };

  const cells = n * m;
  const block = Math.min(cells, Math.max(64, Math.ceil(Math.sqrt(cells))));
  let cursor = 0;
  /** Block pricing: the most negative reduced cost within the first block that has one. */
  const findEntering = (): number => {
    let best = -costTol;
    let bestCell = -1;
    let inBlock = 0;
    let i = Math.floor(cursor / m);
    let j = cursor - i * m;
    for (let scanned = 0; scanned < cells; scanned++) {
      const r = (M[i * m + j] as number) - (u[i] as number) - (v[j] as number);
      if (r < best) {
        best = r;
        bestCell = i * m + j;
      }
      if (++j === m) {
        j = 0;
        if (++i === n) i = 0;
      }
      if (++inBlock === block) {
        if (bestCell >= 0) break;
        inBlock = 0;
      }
    }
    cursor = i * m + j;
    return bestCell;
  };

  const path: number[] = [];
  let iterations = 0;
  let converged = false;
  computePotentials();
  while (true) {
    const entering = findEntering();
    if (entering < 0) {
      converged = true;
      break;
    }
    if (iterations >= maxIter) break;
    if ((iterations & 255) === 0) throwIfAborted(signal, 'emd');
    iterations++;
    const ei = Math.floor(entering / m);
    const ej = entering - ei * m;
    // Path in the tree from row ei to column ej (depth-first, parents recorded).
    seen.fill(0);
    let top = 0;
    stack[top++] = ei;
    seen[ei] = 1;
    const target = n + ej;
    while (top > 0 && !seen[target]) {
      const node = stack[--top] as number;
      for (const k of adj[node] as number[]) {
        const other = node < n ? n + (cellCol[k] as number) : (cellRow[k] as number);
        if (seen[other]) continue;
        seen[other] = 1;
        parentCell[other] = k;
        stack[top++] = other;
      }
    }
    path.length = 0;
    for (let node = target; node !== ei; ) {
      const k = parentCell[node] as number;
      path.push(k);
      node = node < n ? n + (cellCol[k] as number) : (cellRow[k] as number);
    }
    // Walking back from column ej, the cycle's cells alternate -, +, -, ... (the entering cell is +).
    let leavePos = -1;
    let t0 = 0;
    let t1 = 0;
    for (let p = 0; p < path.length; p += 2) {
      const k = path[p] as number;
      if (leavePos < 0 || lexCompare(f0[k] as number, f1[k] as number, t0, t1, massTol) < 0) {
        leavePos = p;
        t0 = f0[k] as number;
        t1 = f1[k] as number;
      }
    }
    for (let p = 0; p < path.length; p++) {
      const k = path[p] as number;
      const sign = p % 2 === 0 ? -1 : 1;
      f0[k] = (f0[k] as number) + sign * t0;
      f1[k] = (f1[k] as number) + sign * t1;
    }
    const leaving = path[leavePos] as number;
    removeFromAdj(cellRow[leaving] as number, leaving);
    removeFromAdj(n + (cellCol[leaving] as number), leaving);
    addCell(leaving, ei, ej, t0, t1);
    computePotentials();
  }

  // The plan: the unperturbed basic solution of the final tree, by peeling leaves.
  const plan = new Float64Array(n * m);
  {
    const rem = new Float64Array(nodes);
    rem.set(a, 0);
    rem.set(b, n);
    const degree = new Int32Array(nodes);
    for (let node = 0; node < nodes; node++) degree[node] = (adj[node] as number[]).length;
    const used = new Uint8Array(K);
    const queue: number[] = [];
    for (let node = 0; node < nodes; node++) if (degree[node] === 1) queue.push(node);
    while (queue.length > 0) {
      const node = queue.pop() as number;
      if (degree[node] !== 1) continue;
      const k = (adj[node] as number[]).find((c) => !used[c]) as number;
      used[k] = 1;
      const i = cellRow[k] as number;
      const j = cellCol[k] as number;
      const other = node < n ? n + j : i;
      const flow = Math.max(0, rem[node] as number);
      plan[i * m + j] = flow;
      rem[other] = (rem[other] as number) - flow;
      rem[node] = 0;
      degree[node] = 0;
      degree[other] = (degree[other] as number) - 1;
      if (degree[other] === 1) queue.push(other);
    }
  }
  let total = 0;
  for (let k = 0; k < plan.length; k++) total += (plan[k] as number) * (M[k] as number);
  // Centre the potentials as POT's center_ot_dual: shift c so that sum a u = sum b v.
  let au = 0;
  let bvSum = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    au += (a[i] as number) * (u[i] as number);
    sa += a[i] as number;
  }
  for (let j = 0; j < m; j++) {
    bvSum += (b[j] as number) * (v[j] as number);
    sb += b[j] as number;
  }
  const shift = (bvSum - au) / (sa + sb);
  return {
    plan: toRows(plan, n, m),
    cost: total,
    u: Array.from(u, (x) => x + shift),
    v: Array.from(v, (x) => x - shift),
    iterations,
    converged,
  };
}
