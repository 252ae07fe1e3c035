import { assertInteger, assertOneOf, DlfError, throwIfAborted } from '@dlf/runtime';
import { type HardMarginSvmResult, hardMarginSvm, signedRows } from './hardMarginSvm.js';
import { dot, type MatrixLike, norm, row, singularValues, toVec, type VectorLike } from './linalg.js';
import { adagradRule } from './optimizers/adagrad.js';
import { adamRule } from './optimizers/adam.js';
import { gdRule } from './optimizers/gd.js';
import type { LearningRate, UpdateRule } from './optimizers/runOptimizer.js';

/** Options of {@link implicitBias}. */
export interface ImplicitBiasOptions {
  /** The loss l(z) of the margin z = y w.x: 'exponential' e^{-z} or 'logistic' log(1 + e^{-z}). Default: 'exponential'. */
  loss?: 'logistic' | 'exponential';
  /** The optimiser, with the update rules of {@link gd}, {@link adam} and {@link adagrad}. Default: 'gd'. */
  optimizer?: 'gd' | 'adam' | 'adagrad';
  /**
   * Step size (constant or schedule). Default: for 'gd', 1 / lambda_max(X^T X / n) (the smoothness
   * constant of the mean loss at w = 0 is at most that for both losses); 0.01 for 'adam'; 0.1 for 'adagrad'.
   */
  learningRate?: LearningRate;
  /** Number of steps T. Default: 100000. */
  steps?: number;
  /** Number of log-spaced times in [1, T] at which the trajectory is recorded (plus t = 0). Default: 200. */
  records?: number;
  /** Starting point. Default: 0. */
  w0?: VectorLike;
  /** Adam's beta1, beta2, epsilon (defaults 0.9, 0.999, 1e-7) and AdaGrad's initialAccumulatorValue, epsilon (0.1, 1e-7). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  initialAccumulatorValue?: number;
  /** Called at each recorded time. */
  onProgress?: (progress: { step: number; steps: number; angle: number }) => void;
  /** Aborts the run: throws `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}

/** The trajectory of {@link implicitBias}, sampled at log-spaced steps. */
export interface ImplicitBiasResult {
  /** The recorded step indices t (0 first, then log-spaced up to the last step). */
  t: number[];
  /** ||w(t)||_2. */
  norm: number[];
  /** The normalised margin min_i y_i x_i.w(t) / ||w(t)|| (NaN at w = 0). */
  margin: number[];
  /** The angle in radians between w(t) and the SVM direction (NaN at w = 0). */
  angle: number[];
  /** The mean training loss L(w(t)). */
  loss: number[];
  /** The final iterate. */
  w: number[];
  /** The hard-margin SVM of the data, whose direction the angles refer to. */
  svm: HardMarginSvmResult;
  /**
   * For 'adagrad' and 'adam': the final diagonal preconditioner, i.e. the per-coordinate factor the
   * step applies to the (momentum) gradient: 1 / sqrt(G_T + eps) for AdaGrad, 1 / (sqrt(v_hat_T) + eps) for Adam.
   */
  preconditioner?: number[];
  /** 'steps', or 'diverged' if the loss or the iterate became non-finite. */
  stoppedBy: 'steps' | 'diverged';
}

/** Angle between two vectors, accurate for tiny angles: 2 atan2(||a' - b'||, ||a' + b'||) on unit vectors. */
export function angleBetween(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = norm(a);
  const nb = norm(b);
  if (!(na > 0) || !(nb > 0)) return Number.NaN;
  let diff = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const u = (a[i] as number) / na;
    const v = (b[i] as number) / nb;
    diff += (u - v) ** 2;
    sum += (u + v) ** 2;
  }
  return 2 * Math.atan2(Math.sqrt(diff), Math.sqrt(sum));
}

/** Log-spaced integer times 1..T (unique, ascending), about `count` of them, with 0 in front. */
export function logTimes(T: number, count: number): number[] {
  const out = new Set<number>([0]);
  if (T >= 1) {
    for (let k = 0; k < count; k++) out.add(Math.round(T ** (count === 1 ? 1 : k / (count - 1))));
    out.add(T);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Implicit bias of first-order methods on linearly separable data (Soudry, Hoffer, Nacson,
 * Gunasekar and Srebro 2018): trains the linear model x -> w.x on the mean loss
 * L(w) = (1/n) sum_i l(y_i w.x_i) with exponential or logistic l, and records ||w(t)||, the
 * normalised margin min_i y_i w.x_i / ||w|| and the angle to the hard-margin SVM direction at
 * log-spaced times. For GD the theory predicts w(t) = w_svm log t + w~ + o(1), so the angle falls
 * like 1/log t while ||w(t)|| grows like ||w_svm|| log t; Adam and AdaGrad follow other geometries.
 * Runs in float64 on the CPU (a linear model needs no tensors, and the effect needs 1e4-1e6 steps).
 *
 * @param X - n x d inputs, linearly separable through the origin; `y` - labels in {-1, +1}.
 * @param options - `loss` ('exponential'), `optimizer` ('gd'), `learningRate` (see
 *   {@link ImplicitBiasOptions}), `steps` (1e5), `records` (200), `w0` (0), optimiser constants.
 * @returns `{ t, norm, margin, angle, loss, w, svm, stoppedBy }`.
 * @example
 * ```ts
 * const X = [[2, 0.5], [0.3, 1.5], [-1, -2]];
 * const run = implicitBias(X, [1, 1, -1], { steps: 20000 });
 * run.angle.at(-1); // small, and shrinking like 1 / log t
 * ```
 */
export function implicitBias(
  X: MatrixLike,
  y: VectorLike,
  options: ImplicitBiasOptions = {},
): ImplicitBiasResult {
  const {
    loss = 'exponential',
    optimizer = 'gd',
    steps = 100_000,
    records = 200,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = 1e-7,
    initialAccumulatorValue = 0.1,
    onProgress,
    signal,
  } = options;
  assertOneOf('loss', loss, ['logistic', 'exponential']);
  assertOneOf('optimizer', optimizer, ['gd', 'adam', 'adagrad']);
  assertInteger('steps', steps, { min: 1 });
  assertInteger('records', records, { min: 1 });
  const svm = hardMarginSvm(X, y);
  const { P } = signedRows(X, y);
  const n = P.rows;
  const d = P.cols;
  let learningRate = options.learningRate;
  if (learningRate === undefined) {
    if (optimizer === 'gd') {
      const s = singularValues(P)[0]!;
      learningRate = n / (s * s);
    } else learningRate = optimizer === 'adam' ? 0.01 : 0.1;
  }
  if (typeof learningRate === 'number' && !(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `learningRate must be a finite number > 0, received ${learningRate}`,
      {
        param: 'learningRate',
      },
    );
  }
  const lrAt = typeof learningRate === 'function' ? learningRate : () => learningRate as number;
  const rule: UpdateRule =
    optimizer === 'gd'
      ? gdRule()
      : optimizer === 'adam'
        ? adamRule(beta1, beta2, epsilon, d)
        : adagradRule(initialAccumulatorValue, epsilon, d);
  const w = options.w0 === undefined ? new Float64Array(d) : toVec('w0', options.w0, d);
  const times = logTimes(steps, records);
  const result: ImplicitBiasResult = {
    t: [],
    norm: [],
    margin: [],
    angle: [],
    loss: [],
    w: [],
    svm,
    stoppedBy: 'steps',
  };
  const g = new Float64Array(d);
  const evaluate = (): number => {
    // Mean loss and its gradient -(1/n) sum_i phi(z_i) p_i with phi = -l'(z).
    g.fill(0);
    let L = 0;
    for (let i = 0; i < n; i++) {
      const p = row(P, i);
      const z = dot(p, w);
      let phi: number;
      if (loss === 'exponential') {
        phi = Math.exp(-z);
        L += phi;
      } else {
        // log(1 + e^{-z}) and 1 / (1 + e^z), computed without overflow.
        L += z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
        phi = z > 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      }
      for (let c = 0; c < d; c++) g[c]! -= (phi * p[c]!) / n;
    }
    return L / n;
  };
  const record = (t: number, L: number) => {
    const nw = norm(w);
    let minMargin = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) minMargin = Math.min(minMargin, dot(row(P, i), w));
    const angle = angleBetween(w, svm.direction);
    result.t.push(t);
    result.norm.push(nw);
    result.margin.push(nw > 0 ? minMargin / nw : Number.NaN);
    result.angle.push(angle);
    result.loss.push(L);
    onProgress?.({ step: t, steps, angle });
  };
  let next = 0;
  for (let t = 0; t <= steps; t++) {
    const L = evaluate();
    if (!Number.isFinite(L) || !w.every(Number.isFinite)) {
      result.stoppedBy = 'diverged';
      record(t, L);
      break;
    }
    if (t === times[next]) {
      throwIfAborted(signal, 'implicitBias');
      record(t, L);
      next++;
    }
    if (t === steps) break;
    const lr = lrAt(t);
    if (!(lr > 0) || !Number.isFinite(lr)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `learningRate(${t}) must be a finite number > 0, received ${lr}`,
        {
          param: 'learningRate',
        },
      );
    }
    rule.step(w, g, t, lr);
  }
  result.w = Array.from(w);
  if (rule.preconditioner) result.preconditioner = Array.from(rule.preconditioner());
  return result;
}
