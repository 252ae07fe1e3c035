/**
 * Special functions and exact binomial statistics behind the smoothing certificates: normal CDF and
 * quantile, log-gamma and log-beta, the regularised incomplete beta function and its inverse,
 * Clopper-Pearson bounds and the exact two-sided binomial test. Double precision throughout.
 */
import { assertInRange, assertInteger, assertPositive } from '@dlf/runtime';
import { DlfError } from '../errors.js';

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * log Gamma(x) for x > 0 (Lanczos, g = 7; Stirling with its series tail for x >= 10).
 *
 * @example
 * ```ts
 * logGamma(5); // log 24
 * ```
 */
export function logGamma(x: number): number {
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log Gamma(x) - ((x - 1/2) log x - x + log sqrt(2 pi)), the Stirling series, for x >= 10. */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  // 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + 1/(1188x^9) - 691/(360360x^11) + 1/(156x^13)
  return (
    (1 / 12 +
      x2 *
        (-1 / 360 + x2 * (1 / 1260 + x2 * (-1 / 1680 + x2 * (1 / 1188 + x2 * (-691 / 360360 + x2 / 156)))))) /
    x
  );
}

/**
 * log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b), without cancellation for large
 * arguments (the formulation of R's lbeta).
 *
 * @example
 * ```ts
 * logBeta(1e6, 1e6); // -1386300.0033629...
 * ```
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return (
      -0.5 * Math.log(q) +
      LN_SQRT_2PI +
      corr +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  const maxIter = 10000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) return h;
  }
  throw new DlfError(
    'NOT_CONVERGED',
    `incomplete beta continued fraction did not converge for x=${x}, a=${a}, b=${b}`,
  );
}

/**
 * Regularised incomplete beta I_x(a, b) = P(Beta(a, b) <= x), by the continued fraction (modified
 * Lentz) on the side of the mean where it converges fast.
 *
 * @example
 * ```ts
 * regularizedBeta(0.5, 3, 3); // 0.5
 * ```
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The p-quantile of Beta(a, b): the x with I_x(a, b) = p, by Newton steps safeguarded with
 * bisection. The tail beyond 1/2 is computed on the mirrored distribution for accuracy.
 *
 * @example
 * ```ts
 * betaQuantile(0.05, 10, 2); // 0.6127..., scipy.stats.beta.ppf(0.05, 10, 2)
 * ```
 */
export function betaQuantile(p: number, a: number, b: number): number {
  assertInRange('p', p, 0, 1);
  assertPositive('a', a);
  assertPositive('b', b);
  if (p === 0) return 0;
  if (p === 1) return 1;
  if (p > 0.5) return 1 - betaQuantile(1 - p, b, a);
  const lb = logBeta(a, b);
  let lo = 0;
  let hi = 1;
  // Start from the normal approximation of the mean and spread, clamped into (0, 1).
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  let x = Math.min(Math.max(mean + sd * normalQuantile(p), 1e-300), 1 - 1e-16);
  for (let iter = 0; iter < 400; iter++) {
    const f = regularizedBeta(x, a, b) - p;
    if (f === 0) return x;
    if (f > 0) hi = x;
    else lo = x;
    const logDensity = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lb;
    let next = x - f / Math.exp(logDensity);
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = lo > 0 ? Math.sqrt(lo * hi) : hi / 2;
    if (lo > 0 && next - lo < 1e-300) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(x, 1e-300)) return next;
    if (hi - lo <= 1e-16 * hi) return (lo + hi) / 2;
    x = next;
  }
  return x;
}

/** Regularised upper incomplete gamma Q(a, x), used for the normal tail. */
function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(logFront);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(logFront) * h;
}

/**
 * Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2, with erfc from the regularised incomplete
 * gamma function, accurate (relative) in both tails.
 *
 * @example
 * ```ts
 * normalCdf(-8); // 6.22e-16
 * ```
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  // erfc(z) = Q(1/2, z^2) for z >= 0.
  const tail = 0.5 * regularizedGammaQ(0.5, (x * x) / 2);
  return x < 0 ? tail : 1 - tail;
}

const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function poly(coef: readonly number[], x: number): number {
  let s = 0;
  for (const c of coef) s = s * x + c;
  return s;
}

/**
 * Standard normal quantile Phi^-1(p): Acklam's rational approximation refined by Halley steps on
 * the accurate CDF. Returns -Infinity at 0 and Infinity at 1.
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  assertInRange('p', p, 0, 1);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = poly(ACKLAM_C, q) / (poly(ACKLAM_D, q) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = (poly(ACKLAM_A, r) * q) / (poly(ACKLAM_B, r) * r + 1);
  }
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    const step = u / (1 + (x * u) / 2);
    x -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(x)) break;
  }
  return x;
}

function checkCounts(k: number, n: number, alpha: number): void {
  assertInteger('n', n, { min: 1 });
  assertInteger('k', k, { min: 0, max: n });
  assertInRange('alpha', alpha, 0, 1, { minInclusive: false, maxInclusive: false });
}

/**
 * One-sided Clopper-Pearson bounds for a binomial proportion at confidence 1 - alpha each:
 * lower = Beta quantile alpha of Beta(k, n - k + 1) (0 when k = 0), upper = quantile 1 - alpha of
 * Beta(k + 1, n - k) (1 when k = n). P(p >= lower) >= 1 - alpha for every true p.
 *
 * @example
 * ```ts
 * clopperPearson(990, 1000, 0.001).lower; // 0.9779..., scipy.stats.beta.ppf(0.001, 990, 11)
 * ```
 */
export function clopperPearson(k: number, n: number, alpha: number): { lower: number; upper: number } {
  checkCounts(k, n, alpha);
  return {
    lower: k === 0 ? 0 : betaQuantile(alpha, k, n - k + 1),
    upper: k === n ? 1 : betaQuantile(1 - alpha, k + 1, n - k),
  };
}

/**
 * Exact two-sided binomial test of H0: p = 1/2 for k successes in n trials (scipy's binomtest with
 * p = 0.5): min(1, 2 P(X >= max(k, n - k))), and 1 when k = n / 2.
 *
 * @example
 * ```ts
 * binomialTestHalf(60, 100); // 0.0569
 * ```
 */
export function binomialTestHalf(k: number, n: number): number {
  assertInteger('n', n, { min: 1 });
  assertInteger('k', k, { min: 0, max: n });
  const m = Math.max(k, n - k);
  if (2 * m === n) return 1;
  // P(X >= m) = I_{1/2}(m, n - m + 1)
  return Math.min(1, 2 * regularizedBeta(0.5, m, n - m + 1));
}
