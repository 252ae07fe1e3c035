import { assertInteger, DlfError } from '@dlf/runtime';
import { type KernelInput, resolveKernel } from './kernelInput.js';
import { type MatrixLike, matVec, solve, toVec, type VectorLike, zeros } from './linalg.js';

/** Options of {@link kernelSvm}. */
export interface KernelSvmOptions {
  /** Box constraint C > 0 of the soft margin; Infinity for the hard margin. Default: 1. */
  C?: number;
  /** KKT tolerance of the SMO iterations (on the maximal violating pair). Default: 1e-10. */
  tolerance?: number;
  /** Iteration cap. Default: 100000. */
  maxIterations?: number;
}

/** A fitted kernel SVM. */
export interface KernelSvmModel {
  /** Dual coefficients alpha_i in [0, C]. */
  alpha: number[];
  /** The intercept b. */
  bias: number;
  /** Indices with alpha_i > 0. */
  support: number[];
  /** Decision values f(x_i) on the training inputs. */
  decision: number[];
  /** The dual objective sum alpha - (1/2) sum_ij alpha_i alpha_j y_i y_j K_ij at the solution. */
  dualObjective: number;
  /** The largest KKT violation left (0 when the exact active-set polish succeeded). */
  kktViolation: number;
  /** SMO iterations. */
  iterations: number;
  /** f(x) = sum_i alpha_i y_i K(x, x_i) + b for new inputs (or K(new, train) with a Gram input). */
  decisionFunction(newInputs: MatrixLike): number[];
  /** sign(f(x)). */
  predict(newInputs: MatrixLike): number[];
}

/**
 * The kernel support vector machine in its dual form, max sum alpha - (1/2) alpha^T Q alpha with
 * Q_ij = y_i y_j K_ij, subject to sum alpha_i y_i = 0 and 0 <= alpha_i <= C (C = Infinity: hard
 * margin). Solved by SMO with second-order working-set selection (Platt 1998; Fan, Chen and Lin
 * 2005) to a tight KKT tolerance, then made exact where possible: with the free support vectors
 * identified, the KKT equalities y_i f(x_i) = 1 and sum alpha_i y_i = 0 are solved as a linear system
 * and accepted if the result is feasible and satisfies every KKT condition. Any kernel function or
 * Gram matrix works (NTK, polynomial, ...).
 *
 * @param input - `{ kernel, X }` or `{ gram }`; `y` - labels in {-1, +1}.
 * @param options - `C` (1), `tolerance` (1e-10), `maxIterations` (1e5).
 * @returns `{ alpha, bias, support, decision, dualObjective, kktViolation, iterations, decisionFunction, predict }`.
 * @throws `DlfError('INVALID_DATA')` for a hard margin on data the kernel cannot separate.
 * @example
 * ```ts
 * const svm = kernelSvm({ kernel: (A, B) => polynomialKernel(A, B, { degree: 2 }), X }, y, { C: 10 });
 * svm.predict(Xtest);
 * ```
 */
export function kernelSvm(input: KernelInput, y: VectorLike, options: KernelSvmOptions = {}): KernelSvmModel {
  const { C = 1, tolerance = 1e-10, maxIterations = 100_000 } = options;
  if (!(C > 0))
    throw new DlfError('INVALID_ARGUMENT', `C must be > 0 (or Infinity), received ${C}`, { param: 'C' });
  if (!(tolerance > 0)) {
    throw new DlfError('INVALID_ARGUMENT', `tolerance must be > 0, received ${tolerance}`, {
      param: 'tolerance',
    });
  }
  assertInteger('maxIterations', maxIterations, { min: 1 });
  const { K, cross } = resolveKernel(input);
  const n = K.rows;
  const yv = toVec('y', y, n);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (yv[i] !== 1 && yv[i] !== -1) {
      throw new DlfError('INVALID_DATA', `y must hold labels -1 or +1, received ${yv[i]} at index ${i}`, {
        param: 'y',
      });
    }
    if (yv[i] === 1) pos++;
  }
  if (pos === 0 || pos === n) {
    throw new DlfError('INVALID_DATA', 'y must contain both classes, received only one', { param: 'y' });
  }
  const Kd = K.data;
  const alpha = new Float64Array(n);
  const G = new Float64Array(n).fill(-1); // gradient of (1/2) a^T Q a - 1^T a at a = 0
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(Kd[i * n + i]!));
  const tau = 1e-12 * Math.max(scale, 1);
  const inUp = (t: number) => (yv[t] === 1 ? alpha[t]! < C : alpha[t]! > 0);
  const inLow = (t: number) => (yv[t] === 1 ? alpha[t]! > 0 : alpha[t]! < C);
  let iterations = 0;
  let gap = Number.POSITIVE_INFINITY;
  for (; iterations < maxIterations; iterations++) {
    let i = -1;
    let mUp = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      if (inUp(t) && -yv[t]! * G[t]! > mUp) {
        mUp = -yv[t]! * G[t]!;
        i = t;
      }
    }
    let mLow = Number.POSITIVE_INFINITY;
    let j = -1;
    let best = Number.POSITIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      if (!inLow(t)) continue;
      const v = -yv[t]! * G[t]!;
      mLow = Math.min(mLow, v);
      const b = mUp - v;
      if (b > 0 && i >= 0) {
        let a = Kd[i * n + i]! + Kd[t * n + t]! - 2 * Kd[i * n + t]!;
        if (a <= 0) a = tau;
        if (-(b * b) / a < best) {
          best = -(b * b) / a;
          j = t;
        }
      }
    }
    gap = mUp - mLow;
    if (i < 0 || j < 0 || gap < tolerance * Math.max(1, scale)) break;
    const curvature = Kd[i * n + i]! + Kd[j * n + j]! - 2 * Kd[i * n + j]!;
    const a = Math.max(curvature, tau);
    const b = -yv[i]! * G[i]! + yv[j]! * G[j]!;
    const cap = Math.min(yv[i] === 1 ? C - alpha[i]! : alpha[i]!, yv[j] === 1 ? alpha[j]! : C - alpha[j]!);
    const delta = Math.min(b / a, cap);
    if (!Number.isFinite(delta) || (curvature <= tau && cap === Number.POSITIVE_INFINITY)) {
      // Zero curvature and no bound along an ascent direction of the dual.
      throw new DlfError(
        'INVALID_DATA',
        'the hard-margin dual is unbounded: the kernel cannot separate the classes (use a finite C)',
        { param: 'C' },
      );
    }
    alpha[i]! += yv[i]! * delta;
    alpha[j]! -= yv[j]! * delta;
    // Snap to the bounds to keep the sets clean.
    for (const t of [i, j]) {
      if (alpha[t]! < 1e-14 * Math.max(1, Math.abs(delta))) alpha[t] = 0;
      if (C !== Number.POSITIVE_INFINITY && alpha[t]! > C * (1 - 1e-14)) alpha[t] = C;
    }
    for (let t = 0; t < n; t++) G[t]! += yv[t]! * delta * (Kd[t * n + i]! - Kd[t * n + j]!);
  }
  if (iterations >= maxIterations) {
    throw new DlfError(
      'NOT_CONVERGED',
      `kernelSvm: SMO did not reach the tolerance in ${maxIterations} iterations (gap ${gap})`,
      {
        param: 'maxIterations',
      },
    );
  }
  // f_i without bias: sum_j alpha_j y_j K_ij = y_i (G_i + 1).
  const biasFrom = (a: Float64Array): { b: number; violation: number } => {
    const f = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[j]! * yv[j]! * Kd[i * n + j]!;
      return s;
    });
    let lo = Number.NEGATIVE_INFINITY;
    let hi = Number.POSITIVE_INFINITY;
    let sum = 0;
    let free = 0;
    const tolA = 1e-9 * (C === Number.POSITIVE_INFINITY ? Math.max(...a, 1) : C);
    for (let i = 0; i < n; i++) {
      const target = yv[i]! - f[i]!; // b with y_i f(x_i) = 1
      if (a[i]! > tolA && a[i]! < C - tolA) {
        sum += target;
        free++;
      } else if (a[i]! <= tolA) {
        // y_i (f_i + b) >= 1
        if (yv[i] === 1) lo = Math.max(lo, target);
        else hi = Math.min(hi, target);
      } else if (yv[i] === 1) hi = Math.min(hi, target);
      else lo = Math.max(lo, target);
    }
    const b =
      free > 0
        ? sum / free
        : Number.isFinite(lo) && Number.isFinite(hi)
          ? (lo + hi) / 2
          : Number.isFinite(lo)
            ? lo
            : hi;
    let violation = 0;
    let eq = 0;
    for (let i = 0; i < n; i++) {
      const m = yv[i]! * (f[i]! + b) - 1;
      eq += a[i]! * yv[i]!;
      if (a[i]! < -tolA || a[i]! > C + tolA) violation = Math.max(violation, Math.abs(a[i]!));
      if (a[i]! <= tolA) violation = Math.max(violation, -m);
      else if (a[i]! >= C - tolA) violation = Math.max(violation, m);
      else violation = Math.max(violation, Math.abs(m));
    }
    return { b, violation: Math.max(violation, Math.abs(eq)) };
  };
  let { b: bias, violation } = biasFrom(alpha);
  // Exact polish: solve the KKT equalities on the free set with the bound alphas fixed.
  const tolA = 1e-9 * (C === Number.POSITIVE_INFINITY ? Math.max(...alpha, 1) : C);
  const free: number[] = [];
  for (let i = 0; i < n; i++) if (alpha[i]! > tolA && alpha[i]! < C - tolA) free.push(i);
  if (free.length > 0) {
    const f = free.length;
    const M = zeros(f + 1, f + 1);
    const rhs = new Float64Array(f + 1);
    free.forEach((i, r) => {
      free.forEach((j, c) => {
        M.data[r * (f + 1) + c] = yv[j]! * Kd[i * n + j]!;
      });
      M.data[r * (f + 1) + f] = 1;
      let fixed = 0;
      for (let j = 0; j < n; j++) if (!free.includes(j)) fixed += alpha[j]! * yv[j]! * Kd[i * n + j]!;
      rhs[r] = yv[i]! - fixed;
    });
    let eqFixed = 0;
    for (let j = 0; j < n; j++) if (!free.includes(j)) eqFixed += alpha[j]! * yv[j]!;
    free.forEach((j, c) => {
      M.data[f * (f + 1) + c] = yv[j]!;
    });
    rhs[f] = -eqFixed;
    const sol = solve(M, rhs, 1e-12);
    if (sol && free.every((_, c) => sol[c]! >= 0 && sol[c]! <= C)) {
      const trial = Float64Array.from(alpha);
      free.forEach((j, c) => {
        trial[j] = sol[c]!;
      });
      const check = biasFrom(trial);
      if (check.violation <= Math.max(violation, 1e-9)) {
        alpha.set(trial);
        bias = sol[f]!;
        violation = biasFrom(alpha).violation;
      }
    }
  }
  const coef = Float64Array.from(alpha, (a, i) => a * yv[i]!);
  const decision = Array.from(matVec(K, coef), (v) => v + bias);
  let quad = 0;
  let lin = 0;
  for (let i = 0; i < n; i++) {
    lin += alpha[i]!;
    quad += coef[i]! * (decision[i]! - bias);
  }
  const support: number[] = [];
  alpha.forEach((a, i) => {
    if (a > 0) support.push(i);
  });
  const decisionFunction = (newInputs: MatrixLike) =>
    Array.from(matVec(cross(newInputs), coef), (v) => v + bias);
  return {
    alpha: Array.from(alpha),
    bias,
    support,
    decision,
    dualObjective: lin - 0.5 * quad,
    kktViolation: violation,
    iterations,
    decisionFunction,
    predict: (newInputs) => decisionFunction(newInputs).map((v) => (v >= 0 ? 1 : -1)),
  };
}
