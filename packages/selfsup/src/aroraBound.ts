import {
  assertInteger,
  assertLabeledData,
  assertOneOf,
  DlfError,
  type LabeledData,
  type SeedLike,
  toRng,
} from '@dlf/runtime';

/** Options of {@link aroraBound}. */
export interface AroraBoundOptions {
  /** The convex loss l: logistic `log(1 + e^-v)` or hinge `max(0, 1 - v)`. Default: 'logistic'. */
  loss?: 'logistic' | 'hinge';
  /**
   * Monte-Carlo triples `(x, x+, x-)` for the unsupervised loss. Default: 0, which computes it
   * exactly (a sum over all triples: `sum_c n_c^2 * n` terms) when that is at most 5e7 terms and
   * with 200,000 samples otherwise.
   */
  samples?: number;
  /** Seed of the Monte-Carlo triples. Default: 0. */
  seed?: SeedLike;
}

/** What {@link aroraBound} returns. */
export interface AroraBoundResult {
  /** Collision probability `tau = sum_c rho_c^2` of the class distribution rho. */
  tau: number;
  /** `l(0)`: log 2 (logistic) or 1 (hinge). */
  lossAtZero: number;
  /** The contrastive loss `L_un = E l(f(x).(f(x+) - f(x-)))`, `x, x+` same class, `x-` any. */
  unsupervisedLoss: number;
  /** The averaged binary mean-classifier loss `L_sup^mu` (see {@link aroraBound}). */
  meanClassifierLoss: number;
  /** `(L_un - tau l(0)) / (1 - tau)`, an upper bound on `L_sup^mu`. */
  bound: number;
  /** Whether `L_un` was computed exactly (else by Monte Carlo with `samples` triples). */
  exact: boolean;
  /** Class means `mu_c` of the features, `[numClasses, d]` row-major. */
  classMeans: Float64Array;
}

/**
 * Evaluates the bound of Arora, Khandeparkar, Khodak, Plevrakis and Saunshi (2019, Lemma 4.3) for
 * an encoder's features `f(x)` on a labelled set, with rho the empirical class distribution and
 * `D_c` the uniform distribution on class c's examples:
 *
 * - `L_un = E_{c+, c- ~ rho^2} E_{x, x+ ~ D_c+, x- ~ D_c-} l(f(x).(f(x+) - f(x-)))`;
 * - `L_sup^mu = E_{(c+, c-) ~ rho^2 | c+ != c-} E_{x ~ D_c+} l(f(x).(mu_c+ - mu_c-))`, the loss of
 *   the mean classifier (class means as weights) on the binary tasks;
 * - by Jensen's inequality (l convex), `L_un >= (1 - tau) L_sup^mu + tau l(0)`, so
 *   `L_sup^mu <= (L_un - tau l(0)) / (1 - tau)`, with equality when each class's features are
 *   constant.
 *
 * @param features - features `[n, d]` (for example from `embed`) with class labels.
 * @example
 * ```ts
 * const r = aroraBound(embed(encoder, params, test));
 * console.log(r.meanClassifierLoss, '<=', r.bound);
 * ```
 */
export function aroraBound(features: LabeledData, options: AroraBoundOptions = {}): AroraBoundResult {
  assertLabeledData('features', features);
  if (!(features.y instanceof Int32Array)) {
    throw new DlfError('INVALID_DATA', 'features: y must be an Int32Array of class labels', {
      param: 'features',
    });
  }
  const { loss = 'logistic', samples = 0 } = options;
  assertOneOf('loss', loss, ['logistic', 'hinge'] as const);
  assertInteger('samples', samples, { min: 0 });
  const n = features.n;
  const y = features.y;
  const x = features.x;
  if (n < 2)
    throw new DlfError('INVALID_DATA', 'features must hold at least 2 examples', { param: 'features' });
  const d = x.length / n;
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = y[i] as number;
    if (c < 0)
      throw new DlfError('INVALID_DATA', `features: y[${i}] = ${c} is not a class index`, {
        param: 'features',
      });
    const list = members.get(c);
    if (list) list.push(i);
    else members.set(c, [i]);
  }
  const classes = [...members.keys()].sort((a, b) => a - b);
  if (classes.length < 2) {
    throw new DlfError('INVALID_DATA', 'features must hold at least 2 classes', { param: 'features' });
  }
  const ell =
    loss === 'logistic'
      ? (v: number) => (v > 0 ? Math.log1p(Math.exp(-v)) : -v + Math.log1p(Math.exp(v)))
      : (v: number) => Math.max(0, 1 - v);
  const lossAtZero = ell(0);
  const rho = classes.map((c) => (members.get(c) as number[]).length / n);
  const tau = rho.reduce((s, r) => s + r * r, 0);
  const K = classes.length;
  const means = new Float64Array(K * d);
  classes.forEach((c, k) => {
    const list = members.get(c) as number[];
    for (const i of list)
      for (let j = 0; j < d; j++)
        means[k * d + j] = (means[k * d + j] as number) + (x[i * d + j] as number) / list.length;
  });
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (x[i * d + t] as number) * (x[j * d + t] as number);
    return s;
  };

  // L_sup^mu: ordered pairs of distinct classes weighted rho_a rho_b / (1 - tau).
  let sup = 0;
  classes.forEach((a, ka) => {
    const list = members.get(a) as number[];
    // f(x).mu_k for every x in class a and every class k.
    const proj = list.map((i) =>
      Array.from({ length: K }, (_, k) => {
        let s = 0;
        for (let t = 0; t < d; t++) s += (x[i * d + t] as number) * (means[k * d + t] as number);
        return s;
      }),
    );
    for (let kb = 0; kb < K; kb++) {
      if (kb === ka) continue;
      let avg = 0;
      for (const p of proj) avg += ell((p[ka] as number) - (p[kb] as number));
      sup += ((rho[ka] as number) * (rho[kb] as number) * avg) / list.length;
    }
  });
  sup /= 1 - tau;

  // L_un = (1/n^2) sum_x (1/n_c(x)) sum_{x+ in c(x)} sum_{x-} l(f(x).f(x+) - f(x).f(x-)).
  const work = classes.reduce((s, c) => s + (members.get(c) as number[]).length ** 2, 0) * n;
  const exact = samples === 0 && work <= 5e7;
  let un = 0;
  if (exact) {
    const row = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) row[j] = dot(i, j);
      const same = members.get(y[i] as number) as number[];
      let s = 0;
      for (const p of same) {
        const fp = row[p] as number;
        for (let m = 0; m < n; m++) s += ell(fp - (row[m] as number));
      }
      un += s / same.length;
    }
    un /= n * n;
  } else {
    const rng = toRng(options.seed);
    const count = samples === 0 ? 200_000 : samples;
    for (let t = 0; t < count; t++) {
      const i = rng.int(0, n);
      const same = members.get(y[i] as number) as number[];
      const p = same[rng.int(0, same.length)] as number;
      const m = rng.int(0, n);
      un += ell(dot(i, p) - dot(i, m));
    }
    un /= count;
  }
  return {
    tau,
    lossAtZero,
    unsupervisedLoss: un,
    meanClassifierLoss: sup,
    bound: (un - tau * lossAtZero) / (1 - tau),
    exact,
    classMeans: means,
  };
}
