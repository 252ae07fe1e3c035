import type { SeedLike } from '@dlf/runtime';
import { assertInRange, assertInteger, assertNonNegative, throwIfAborted } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Bounds, Labels } from './attackCore.js';
import {
  checkBounds,
  checkEps,
  cleanForward,
  objectiveGradient,
  prepareInputs,
  prepareLabels,
} from './attackCore.js';
import type { AttackResult } from './attackResult.js';
import type { Classifier } from './classifier.js';
import { toLogitsFn } from './classifier.js';
import { DlfError } from './errors.js';
import { fgsm } from './fgsm.js';
import { pgd } from './pgd.js';
import { spsa } from './spsa.js';

export interface GradientMaskingOptions {
  /** L-inf budget of the bounded attacks. Default 8/255. */
  eps?: number;
  /** Input range. Default [0, 1]. */
  bounds?: Bounds;
  /** PGD iterations (white-box, budget sweep and unbounded attack). Default 20. */
  steps?: number;
  /** Budgets of the growth check. Default [eps/4, eps/2, eps, 2 eps]. */
  epsilons?: readonly number[];
  /** SPSA iterations and directions per step. Defaults 20 and 32. */
  spsa?: { steps?: number; samples?: number; delta?: number; learningRate?: number };
  /** A separately trained model: PGD adversarials made on it are also tried on `model` (transfer attack). */
  surrogate?: Classifier;
  /**
   * Slack (in success rate) before a comparison counts as a symptom. Default max(0.02, 2 / m) with m
   * the number of correctly classified examples: a difference of one example is not a symptom.
   */
  tolerance?: number;
  /** An example's gradient counts as zero when its largest entry is at most this. Default 1e-12. */
  zeroGradientTolerance?: number;
  seed?: SeedLike;
  /** Called after each measurement. */
  onProgress?: (progress: { stage: string; done: number; total: number }) => void;
  signal?: AbortSignal;
}

/** One measured symptom. */
export interface MaskingCheck {
  flagged: boolean;
  /** The numbers behind the verdict, in words. */
  detail: string;
}

export interface GradientMaskingReport {
  /** Clean accuracy; attack success rates below are over the correctly classified examples only. */
  cleanAccuracy: number;
  fgsmSuccessRate: number;
  pgdSuccessRate: number;
  /** Best of SPSA (score-based) and, when a surrogate is given, the transfer attack. */
  blackBoxSuccessRate: number;
  spsaSuccessRate: number;
  transferSuccessRate: number | undefined;
  /** PGD with eps = the whole input range: should reach 100%. */
  unboundedSuccessRate: number;
  /** Independent PGD runs at each budget. */
  budget: { epsilons: number[]; successRate: number[] };
  gradients: {
    /** Fraction of examples whose input gradient of the cross-entropy has a NaN or infinite entry. */
    nonFiniteFraction: number;
    /** Fraction whose input gradient is (numerically) zero. */
    zeroFraction: number;
  };
  checks: {
    /** Athalye et al. (2018) symptom 1: one-step attacks beat iterative ones. */
    oneStepBeatsIterative: MaskingCheck;
    /** Symptom 2: black-box attacks beat white-box ones. */
    blackBoxBeatsWhiteBox: MaskingCheck;
    /** Symptom 3: an unbounded attack does not reach 100% success. */
    unboundedBelowFull: MaskingCheck;
    /** Symptom 4: success does not grow with the budget. */
    noGrowthWithBudget: MaskingCheck;
    /** NaN or zero input gradients. */
    brokenGradients: MaskingCheck;
  };
  /** True when any check is flagged. */
  suspicious: boolean;
}

function rate(result: AttackResult, among: boolean[]): number {
  let hit = 0;
  let total = 0;
  result.success.forEach((s, i) => {
    if (!among[i]) return;
    total++;
    if (s) hit++;
  });
  return total === 0 ? 0 : hit / total;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/**
 * Measures the four behaviours that Athalye, Carlini and Wagner (2018) list as signs of obfuscated
 * gradients, plus NaN and zero input gradients: (1) FGSM beats PGD, (2) a black-box attack (SPSA, and
 * a transfer attack from `surrogate` if given) beats PGD, (3) PGD with an unbounded budget stays
 * below 100%, (4) success does not grow with the budget. Attack success is measured on the correctly
 * classified examples. A clean report is not a proof of robustness; a flagged one means the white-box
 * numbers cannot be trusted (try `bpda`, `eot`, or the margin loss).
 *
 * @param data - `{ x, y }`: a batch of inputs in `bounds` and their labels.
 * @returns measured rates, the budget curve, gradient statistics and one `{ flagged, detail }` per check.
 * @example
 * ```ts
 * const report = await gradientMaskingReport(model, { x, y }, { eps: 0.1, seed: 0 });
 * if (report.suspicious) console.log(report.checks);
 * ```
 */
export async function gradientMaskingReport(
  model: Classifier,
  data: { x: tf.Tensor; y: Labels },
  options: GradientMaskingOptions = {},
): Promise<GradientMaskingReport> {
  if (data === null || typeof data !== 'object' || !(data.x instanceof tf.Tensor)) {
    throw new DlfError('INVALID_ARGUMENT', 'data must be { x: tf.Tensor, y: labels }', { param: 'data' });
  }
  const { x, y } = data;
  const eps = checkEps(options.eps ?? 8 / 255);
  const bounds = checkBounds(options.bounds ?? [0, 1]);
  const steps = options.steps ?? 20;
  assertInteger('steps', steps, { min: 1 });
  if (options.tolerance !== undefined) assertInRange('tolerance', options.tolerance, 0, 1);
  const zeroTol = options.zeroGradientTolerance ?? 1e-12;
  assertNonNegative('zeroGradientTolerance', zeroTol);
  const epsilons = (options.epsilons ?? [eps / 4, eps / 2, eps, 2 * eps]).map((e, i) =>
    checkEps(e, `epsilons[${i}]`),
  );
  const seed = options.seed ?? 0;
  const { signal, onProgress } = options;
  const f = toLogitsFn(model);
  const inputs = prepareInputs(x, bounds);
  const { pred, numClasses } = cleanForward(f, x);
  const labels = prepareLabels(y, inputs.n, numClasses);
  const correct = Array.from(pred, (p, i) => p === labels[i]);
  const nCorrect = correct.filter(Boolean).length;
  if (nCorrect === 0) {
    throw new DlfError(
      'INVALID_DATA',
      'the model classifies no example of data correctly; nothing to attack',
      {
        param: 'data',
      },
    );
  }
  const tolerance = options.tolerance ?? Math.max(0.02, 2 / nCorrect);
  const total = 5 + epsilons.length + (options.surrogate ? 1 : 0);
  let done = 0;
  const step = (stage: string) => {
    done++;
    onProgress?.({ stage, done, total });
    throwIfAborted(signal, 'gradientMaskingReport');
  };
  const run = async (p: Promise<AttackResult>): Promise<number> => {
    const r = await p;
    r.adversarial.dispose();
    return rate(r, correct);
  };
  throwIfAborted(signal, 'gradientMaskingReport');

  // Gradient statistics.
  const grads = tf.tidy(() => {
    const cls = tf.tensor1d(labels, 'int32');
    const { grad } = objectiveGradient(f, x, cls, 'ce', false);
    return grad.dataSync() as Float32Array;
  });
  let nonFinite = 0;
  let zero = 0;
  const d = inputs.d;
  for (let i = 0; i < inputs.n; i++) {
    let bad = false;
    let max = 0;
    for (let j = i * d; j < (i + 1) * d; j++) {
      const g = grads[j] as number;
      if (!Number.isFinite(g)) bad = true;
      else max = Math.max(max, Math.abs(g));
    }
    if (bad) nonFinite++;
    else if (max <= zeroTol) zero++;
  }
  step('gradients');

  const common = { bounds, seed };
  const fgsmRate = await run(fgsm(model, x, y, { ...common, eps }));
  step('fgsm');
  const pgdRate = await run(pgd(model, x, y, { ...common, eps, steps, signal }));
  step('pgd');
  const spsaRate = await run(
    spsa(model, x, y, {
      ...common,
      eps,
      steps: options.spsa?.steps ?? 20,
      samples: options.spsa?.samples ?? 32,
      delta: options.spsa?.delta ?? 0.01,
      learningRate: options.spsa?.learningRate ?? Math.max(eps / 4, 1e-4),
      signal,
    }),
  );
  step('spsa');
  let transferRate: number | undefined;
  if (options.surrogate) {
    const made = await pgd(options.surrogate, x, y, { ...common, eps, steps, signal });
    const { pred: onTarget } = tf.tidy(() => cleanForward(f, made.adversarial));
    made.adversarial.dispose();
    let hit = 0;
    onTarget.forEach((p, i) => {
      if (correct[i] && p !== labels[i]) hit++;
    });
    transferRate = hit / nCorrect;
    step('transfer');
  }
  const range = bounds[1] - bounds[0];
  const bigEps = Number.isFinite(range) ? range : 1e6;
  const unboundedRate = await run(pgd(model, x, y, { ...common, eps: bigEps, steps: 2 * steps, signal }));
  step('unbounded');
  const curve: number[] = [];
  for (const e of epsilons) {
    curve.push(await run(pgd(model, x, y, { ...common, eps: e, steps, signal })));
    step(`budget ${e}`);
  }

  const blackBox = Math.max(spsaRate, transferRate ?? 0);
  let maxDrop = 0;
  for (let i = 1; i < curve.length; i++)
    maxDrop = Math.max(maxDrop, (curve[i - 1] as number) - (curve[i] as number));
  const first = curve[0] as number;
  const last = curve[curve.length - 1] as number;
  const flat = curve.length > 1 && last - first <= tolerance && last < 1 - tolerance;
  const checks: GradientMaskingReport['checks'] = {
    oneStepBeatsIterative: {
      flagged: fgsmRate > pgdRate + tolerance,
      detail: `FGSM ${pct(fgsmRate)} vs PGD ${pct(pgdRate)} at eps ${eps}`,
    },
    blackBoxBeatsWhiteBox: {
      flagged: blackBox > pgdRate + tolerance,
      detail: `black-box ${pct(blackBox)} (SPSA ${pct(spsaRate)}${transferRate === undefined ? '' : `, transfer ${pct(transferRate)}`}) vs PGD ${pct(pgdRate)}`,
    },
    unboundedBelowFull: {
      flagged: unboundedRate < 1 - tolerance,
      detail: `PGD with eps ${bigEps} (the whole input range) reaches ${pct(unboundedRate)}`,
    },
    noGrowthWithBudget: {
      flagged: maxDrop > tolerance || flat,
      detail: `PGD success ${curve.map(pct).join(' -> ')} for eps ${epsilons.join(', ')}`,
    },
    brokenGradients: {
      flagged: nonFinite > 0 || zero > 0,
      detail: `${nonFinite} of ${inputs.n} examples have non-finite and ${zero} have zero input gradients`,
    },
  };
  return {
    cleanAccuracy: nCorrect / inputs.n,
    fgsmSuccessRate: fgsmRate,
    pgdSuccessRate: pgdRate,
    blackBoxSuccessRate: blackBox,
    spsaSuccessRate: spsaRate,
    transferSuccessRate: transferRate,
    unboundedSuccessRate: unboundedRate,
    budget: { epsilons, successRate: curve },
    gradients: { nonFiniteFraction: nonFinite / inputs.n, zeroFraction: zero / inputs.n },
    checks,
    suspicious: Object.values(checks).some((c) => c.flagged),
  };
}
