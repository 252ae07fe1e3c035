import { DlfError, describeValue } from '../errors.js';

/**
 * One evaluated checkpoint of one training run, as DomainBed records it. Every environment's data is
 * split once into a larger "in" part (used for training when the environment is a training one) and a
 * smaller "out" part (held out for validation); the record holds the checkpoint's accuracy on both
 * parts of every environment, indexed by environment.
 */
export interface SelectionRecord {
  /** Names the hyper-parameter setting: records with equal `hparams` come from the same setting. */
  hparams: string;
  /** Checkpoint (training step or epoch) at which the accuracies were measured. */
  step: number;
  /**
   * For leave-one-domain-out: the training environment this run also left out (it trained on every
   * environment except the test one and this one). Absent for a run on all training environments.
   */
  heldOut?: number;
  /** Accuracy on the "in" part of each environment. */
  inAccuracy: readonly number[];
  /** Accuracy on the "out" (validation) part of each environment. */
  outAccuracy: readonly number[];
}

export interface SelectionOptions {
  /** Index of the test environment (never trained on). */
  testEnvironment: number;
}

/** The checkpoint a rule picked for one hyper-parameter setting. */
export interface SelectionCandidate {
  hparams: string;
  step: number;
  /** The number the rule maximised. */
  validationAccuracy: number;
  /** Accuracy of the picked checkpoint on the test environment's "in" part (what DomainBed reports). */
  testAccuracy: number;
}

/** The outcome of a selection rule: the winning setting and checkpoint, and each setting's best. */
export interface SelectionResult extends SelectionCandidate {
  /** One entry per hyper-parameter setting that the rule could score, in first-seen order. */
  candidates: SelectionCandidate[];
}

function checkRecords(records: readonly SelectionRecord[], testEnvironment: number): number {
  if (!Array.isArray(records) || records.length === 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `records must be a non-empty array of selection records, received ${describeValue(records)}`,
      { param: 'records' },
    );
  }
  const numEnvs = records[0]?.inAccuracy?.length ?? 0;
  if (!Number.isInteger(testEnvironment) || testEnvironment < 0 || testEnvironment >= numEnvs) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `testEnvironment must be an environment index in [0, ${numEnvs - 1}], received ${describeValue(testEnvironment)}`,
      { param: 'testEnvironment' },
    );
  }
  records.forEach((r, i) => {
    const ok =
      r != null &&
      typeof r.hparams === 'string' &&
      Number.isFinite(r.step) &&
      Array.isArray(r.inAccuracy) &&
      Array.isArray(r.outAccuracy) &&
      r.inAccuracy.length === numEnvs &&
      r.outAccuracy.length === numEnvs &&
      [...r.inAccuracy, ...r.outAccuracy].every((a) => Number.isFinite(a)) &&
      (r.heldOut === undefined ||
        (Number.isInteger(r.heldOut) &&
          r.heldOut >= 0 &&
          r.heldOut < numEnvs &&
          r.heldOut !== testEnvironment));
    if (!ok) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `records[${i}] must be { hparams: string, step, inAccuracy, outAccuracy } with ${numEnvs} finite accuracies each and heldOut (if any) a training environment, received ${describeValue(r)}`,
        { param: `records[${i}]` },
      );
    }
  });
  return numEnvs;
}

/** Groups records by hyper-parameter setting, keeping first-seen order. */
function bySetting(records: readonly SelectionRecord[]): Map<string, SelectionRecord[]> {
  const groups = new Map<string, SelectionRecord[]>();
  for (const r of records) {
    const g = groups.get(r.hparams);
    if (g) g.push(r);
    else groups.set(r.hparams, [r]);
  }
  return groups;
}

/** Highest validation accuracy; ties go to the earlier candidate (the earlier checkpoint / setting). */
function argmax<T extends { validationAccuracy: number }>(items: T[]): T | undefined {
  let best: T | undefined;
  for (const c of items) if (best === undefined || c.validationAccuracy > best.validationAccuracy) best = c;
  return best;
}

function finish(candidates: SelectionCandidate[], rule: string): SelectionResult {
  const best = argmax(candidates);
  if (!best) {
    throw new DlfError('INVALID_ARGUMENT', `no hyper-parameter setting has the records ${rule} needs`, {
      param: 'records',
    });
  }
  return { ...best, candidates };
}

/** Records of runs on all training environments (no extra held-out one), sorted by step. */
function fullRuns(group: SelectionRecord[]): SelectionRecord[] {
  return group.filter((r) => r.heldOut === undefined).sort((a, b) => a.step - b.step);
}

/**
 * Training-domain validation (DomainBed's `IIDAccuracySelectionMethod`, Gulrajani and Lopez-Paz
 * 2021): the validation accuracy of a checkpoint is the mean accuracy on the "out" parts of the
 * training environments; within each hyper-parameter setting the best checkpoint is kept, then the
 * setting whose best is highest wins. Uses only runs on all training environments (`heldOut` absent).
 *
 * @param records - every evaluated checkpoint of every run.
 * @param options.testEnvironment - index of the test environment.
 * @returns the winning `{ hparams, step, validationAccuracy, testAccuracy }` and each setting's best.
 * @example
 * ```ts
 * const pick = trainingDomainValidation(records, { testEnvironment: 2 });
 * console.log(pick.hparams, pick.step, pick.testAccuracy);
 * ```
 */
export function trainingDomainValidation(
  records: readonly SelectionRecord[],
  options: SelectionOptions,
): SelectionResult {
  const test = options?.testEnvironment;
  const numEnvs = checkRecords(records, test);
  const candidates: SelectionCandidate[] = [];
  for (const [hparams, group] of bySetting(records)) {
    const scored = fullRuns(group).map((r) => {
      let sum = 0;
      for (let e = 0; e < numEnvs; e++) if (e !== test) sum += r.outAccuracy[e] as number;
      return {
        hparams,
        step: r.step,
        validationAccuracy: sum / (numEnvs - 1),
        testAccuracy: r.inAccuracy[test] as number,
      };
    });
    const best = argmax(scored);
    if (best) candidates.push(best);
  }
  return finish(candidates, 'training-domain validation');
}

/**
 * Leave-one-domain-out cross-validation (DomainBed's `LeaveOneOutSelectionMethod`): for each
 * hyper-parameter setting there is one run per training environment d that trains on every training
 * environment except d (`heldOut: d`), and one run on all training environments (`heldOut` absent).
 * The validation accuracy at a checkpoint is the mean, over the training environments d, of the
 * accuracy of the run without d on d's "in" part; the test accuracy is that of the full run at the same
 * checkpoint. The best checkpoint of each setting is kept, then the best setting. Checkpoints missing
 * any of these runs are skipped.
 *
 * @returns the winning `{ hparams, step, validationAccuracy, testAccuracy }` and each setting's best.
 * @example
 * ```ts
 * const pick = leaveOneDomainOut(records, { testEnvironment: 2 });
 * ```
 */
export function leaveOneDomainOut(
  records: readonly SelectionRecord[],
  options: SelectionOptions,
): SelectionResult {
  const test = options?.testEnvironment;
  const numEnvs = checkRecords(records, test);
  const candidates: SelectionCandidate[] = [];
  for (const [hparams, group] of bySetting(records)) {
    const scored: SelectionCandidate[] = [];
    for (const full of fullRuns(group)) {
      let sum = 0;
      let complete = true;
      for (let d = 0; d < numEnvs && complete; d++) {
        if (d === test) continue;
        const run = group.find((r) => r.heldOut === d && r.step === full.step);
        if (run) sum += run.inAccuracy[d] as number;
        else complete = false;
      }
      if (!complete) continue;
      scored.push({
        hparams,
        step: full.step,
        validationAccuracy: sum / (numEnvs - 1),
        testAccuracy: full.inAccuracy[test] as number,
      });
    }
    const best = argmax(scored);
    if (best) candidates.push(best);
  }
  return finish(candidates, 'leave-one-domain-out');
}

/**
 * Test-domain validation, the "oracle" (DomainBed's `OracleSelectionMethod`): a setting is scored by
 * its final checkpoint's accuracy on the test environment's "out" part (no early stopping), and the
 * best setting wins. It uses test-domain labels, so it is an upper reference, not a fair method.
 *
 * @returns the winning `{ hparams, step, validationAccuracy, testAccuracy }` and each setting's last checkpoint.
 * @example
 * ```ts
 * const pick = oracleSelection(records, { testEnvironment: 2 });
 * ```
 */
export function oracleSelection(
  records: readonly SelectionRecord[],
  options: SelectionOptions,
): SelectionResult {
  const test = options?.testEnvironment;
  checkRecords(records, test);
  const candidates: SelectionCandidate[] = [];
  for (const [hparams, group] of bySetting(records)) {
    const last = fullRuns(group).at(-1);
    if (!last) continue;
    candidates.push({
      hparams,
      step: last.step,
      validationAccuracy: last.outAccuracy[test] as number,
      testAccuracy: last.inAccuracy[test] as number,
    });
  }
  return finish(candidates, 'oracle selection');
}
