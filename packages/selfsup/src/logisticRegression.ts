import {
  assertInteger,
  assertLabeledData,
  assertNonNegative,
  assertPositive,
  DlfError,
  type LabeledData,
} from '@dlf/runtime';

/** Options of {@link logisticRegression}. */
export interface LogisticRegressionOptions {
  /** L2 penalty lambda on the weights (not the biases). Default: 1e-4. */
  l2?: number;
  /** L-BFGS iterations at most. Default: 500. */
  maxIterations?: number;
  /** Stop when the largest gradient entry is below this. Default: 1e-6. */
  tolerance?: number;
  /** Number of classes. Default: `data.numClasses`, else the largest label + 1. */
  numClasses?: number;
}

/** A fitted multinomial logistic regression. */
export interface LogisticRegressionModel {
  /** Weights `[d, C]`, row-major (`scores = x W + b`). */
  weights: Float64Array;
  /** Biases `[C]`. */
  bias: Float64Array;
  dim: number;
  numClasses: number;
  /** Final value of the objective. */
  loss: number;
  /** Largest absolute entry of the objective's gradient at the solution. */
  gradientNorm: number;
  iterations: number;
  converged: boolean;
  /** Predicted class of each row of `x` (`[n, d]` row-major). */
  predict(x: ArrayLike<number>): Int32Array;
}

/** @internal Objective and gradient of the penalised multinomial logistic loss, in float64. */
export function logisticObjective(
  theta: Float64Array,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  d: number,
  C: number,
  l2: number,
): { value: number; gradient: Float64Array } {
  const g = new Float64Array(theta.length);
  let value = 0;
  const z = new Float64Array(C);
  const biasOffset = d * C;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) z[c] = theta[biasOffset + c] as number;
    for (let j = 0; j < d; j++) {
      const xij = x[i * d + j] as number;
      if (xij === 0) continue;
      for (let c = 0; c < C; c++) z[c] = (z[c] as number) + xij * (theta[j * C + c] as number);
    }
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) m = Math.max(m, z[c] as number);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp((z[c] as number) - m);
    const lse = m + Math.log(s);
    const yi = y[i] as number;
    value += lse - (z[yi] as number);
    for (let c = 0; c < C; c++) {
      const r = (Math.exp((z[c] as number) - lse) - (c === yi ? 1 : 0)) / n;
      g[biasOffset + c] = (g[biasOffset + c] as number) + r;
      for (let j = 0; j < d; j++) g[j * C + c] = (g[j * C + c] as number) + r * (x[i * d + j] as number);
    }
  }
  value /= n;
  for (let k = 0; k < biasOffset; k++) {
    const t = theta[k] as number;
    value += 0.5 * l2 * t * t;
    g[k] = (g[k] as number) + l2 * t;
  }
  return { value, gradient: g };
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};
const maxAbs = (a: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
};

/**
 * Multinomial logistic regression by L-BFGS (Nocedal 1980; memory 10, Armijo backtracking) in
 * float64 on the CPU: minimises the strictly convex (for `l2 > 0`)
 * `(1/n) sum_i [log sum_c exp(s_ic) - s_i,y_i] + (l2 / 2) ||W||^2`, `s_i = x_i W + b`, until the
 * largest gradient entry is below `tolerance`.
 *
 * @param data - features `[n, d]` (`shape: [d]`) with class labels.
 * @example
 * ```ts
 * const clf = logisticRegression(embed(encoder, params, train), { l2: 1e-3 });
 * const predicted = clf.predict(testFeatures.x);
 * ```
 */
export function logisticRegression(
  data: LabeledData,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  assertLabeledData('data', data);
  if (!(data.y instanceof Int32Array)) {
    throw new DlfError(
      'INVALID_DATA',
      'data: y must be an Int32Array of class labels, received real targets',
      {
        param: 'data',
      },
    );
  }
  const { l2 = 1e-4, maxIterations = 500, tolerance = 1e-6 } = options;
  assertNonNegative('l2', l2);
  assertInteger('maxIterations', maxIterations, { min: 0 });
  assertPositive('tolerance', tolerance);
  const n = data.n;
  if (n < 1) throw new DlfError('INVALID_DATA', 'data must hold at least one example', { param: 'data' });
  const d = data.x.length / n;
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    const c = data.y[i] as number;
    if (c < 0)
      throw new DlfError('INVALID_DATA', `data: y[${i}] = ${c} is not a class index`, { param: 'data' });
    maxLabel = Math.max(maxLabel, c);
  }
  const C = options.numClasses ?? data.numClasses ?? maxLabel + 1;
  assertInteger('numClasses', C, { min: Math.max(2, maxLabel + 1) });
  const x = data.x;
  const y = data.y;
  const f = (t: Float64Array) => logisticObjective(t, x, y, n, d, C, l2);

  let theta = new Float64Array(d * C + C);
  let { value, gradient } = f(theta);
  const memory = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let iterations = 0;
  while (maxAbs(gradient) > tolerance && iterations < maxIterations) {
    // Two-loop recursion: direction = -H gradient.
    const q = Float64Array.from(gradient);
    const alphas: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const rho = 1 / dot(Y[k] as Float64Array, S[k] as Float64Array);
      const a = rho * dot(S[k] as Float64Array, q);
      alphas[k] = a;
      for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) - a * ((Y[k] as Float64Array)[i] as number);
    }
    const last = S.length - 1;
    const gamma =
      last >= 0
        ? dot(S[last] as Float64Array, Y[last] as Float64Array) /
          dot(Y[last] as Float64Array, Y[last] as Float64Array)
        : 1;
    for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) * gamma;
    for (let k = 0; k < S.length; k++) {
      const rho = 1 / dot(Y[k] as Float64Array, S[k] as Float64Array);
      const b = rho * dot(Y[k] as Float64Array, q);
      for (let i = 0; i < q.length; i++)
        q[i] = (q[i] as number) + ((S[k] as Float64Array)[i] as number) * ((alphas[k] as number) - b);
    }
    let dir = q.map((v) => -v);
    let slope = dot(dir, gradient);
    if (!(slope < 0)) {
      dir = gradient.map((v) => -v);
      slope = dot(dir, gradient);
      S.length = 0;
      Y.length = 0;
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(gradient), 1e-12)) : 1;
    let next = f(theta.map((t, i) => t + step * (dir[i] as number)));
    let tries = 0;
    while (!(next.value <= value + 1e-4 * step * slope) && tries < 50) {
      step /= 2;
      next = f(theta.map((t, i) => t + step * (dir[i] as number)));
      tries++;
    }
    const newTheta = theta.map((t, i) => t + step * (dir[i] as number));
    const s = newTheta.map((t, i) => t - (theta[i] as number));
    const yk = next.gradient.map((g, i) => g - (gradient[i] as number));
    if (dot(s, yk) > 1e-12) {
      S.push(s);
      Y.push(yk);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    const stalled = next.value >= value && tries >= 50;
    theta = newTheta;
    value = next.value;
    gradient = next.gradient;
    iterations++;
    if (stalled) break;
  }
  const weights = theta.slice(0, d * C);
  const bias = theta.slice(d * C);
  const gradientNorm = maxAbs(gradient);
  return {
    weights,
    bias,
    dim: d,
    numClasses: C,
    loss: value,
    gradientNorm,
    iterations,
    converged: gradientNorm <= tolerance,
    predict(features: ArrayLike<number>): Int32Array {
      if (features.length % d !== 0) {
        throw new DlfError(
          'INVALID_SHAPE',
          `features must have a multiple of ${d} values, received ${features.length}`,
          {
            param: 'features',
          },
        );
      }
      const m = features.length / d;
      const out = new Int32Array(m);
      for (let i = 0; i < m; i++) {
        let best = 0;
        let bestScore = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < C; c++) {
          let s = bias[c] as number;
          for (let j = 0; j < d; j++) s += (features[i * d + j] as number) * (weights[j * C + c] as number);
          if (s > bestScore) {
            bestScore = s;
            best = c;
          }
        }
        out[i] = best;
      }
      return out;
    },
  };
}
