import { assertFiniteNumber, DlfError } from '@dlf/runtime';

/** What {@link plConstantAlongPath} returns. */
export interface PlConstantResult {
  /** mu_hat = min_t ||grad L(w_t)||^2 / (2 (L(w_t) - L*)) over the steps with L(w_t) > L*. */
  mu: number;
  /** The ratio at each step (NaN where L(w_t) <= L*). */
  perStep: number[];
  /** The step where the minimum is attained. */
  argmin: number;
}

/**
 * The Polyak-Lojasiewicz constant observed along an optimisation path: the smallest
 * ||grad L(w_t)||^2 / (2 (L(w_t) - L*)) over the iterates (Polyak 1963; Karimi, Nutini and Schmidt
 * 2016; for over-parameterised nets Liu, Zhu and Belkin 2022). It is the mu for which
 * L(w_t) - L* <= (1 - eta mu)^t (L(w_0) - L*) can be checked on that path.
 *
 * @param run - a trajectory with `losses` and `gradNorms` (what {@link gd} and the other optimisers return).
 * @param options - `minLoss` L* (default 0, e.g. an interpolating model under the square loss).
 * @returns `{ mu, perStep, argmin }`.
 * @example
 * ```ts
 * const run = await gd(loss, w0, { learningRate: 0.1, steps: 200 });
 * plConstantAlongPath(run).mu;
 * ```
 */
export function plConstantAlongPath(
  run: { losses: readonly number[]; gradNorms: readonly number[] },
  { minLoss = 0 }: { minLoss?: number } = {},
): PlConstantResult {
  if (run == null || !Array.isArray(run.losses) || !Array.isArray(run.gradNorms)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      'run must have arrays losses and gradNorms (an optimiser result)',
      {
        param: 'run',
      },
    );
  }
  if (run.losses.length !== run.gradNorms.length || run.losses.length === 0) {
    throw new DlfError(
      'INVALID_SHAPE',
      `run.losses and run.gradNorms must be non-empty and of equal length, received ${run.losses.length} and ${run.gradNorms.length}`,
      { param: 'run' },
    );
  }
  assertFiniteNumber('minLoss', minLoss);
  let mu = Number.POSITIVE_INFINITY;
  let argmin = -1;
  const perStep = run.losses.map((l, t) => {
    const gap = l - minLoss;
    if (!(gap > 0)) return Number.NaN;
    const r = run.gradNorms[t]! ** 2 / (2 * gap);
    if (r < mu) {
      mu = r;
      argmin = t;
    }
    return r;
  });
  return { mu, perStep, argmin };
}
