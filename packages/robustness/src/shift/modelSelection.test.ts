import { describe, expect, it } from 'vitest';
import type { SelectionRecord } from './modelSelection.js';
import { leaveOneDomainOut, oracleSelection, trainingDomainValidation } from './modelSelection.js';

/**
 * Three environments, the test one is 2. Two settings, three checkpoints each, built so that the
 * three rules disagree and each answer is known by hand:
 * - training-domain validation (mean out-accuracy of envs 0 and 1): A peaks at step 2 with 0.9,
 *   B at step 1 with 0.85 -> A at step 2 (test accuracy 0.50);
 * - leave-one-domain-out (mean of the held-out runs' in-accuracy on their held-out env): A's best is
 *   0.6 at step 1, B's 0.7 at step 3 -> B at step 3, test accuracy from B's full run at step 3 (0.66);
 * - oracle (last checkpoint, test env's out-accuracy): A 0.55, B 0.8 -> B at step 3 (0.66).
 */
function records(): SelectionRecord[] {
  const full = (hparams: string, step: number, out01: [number, number], test: [number, number]) => ({
    hparams,
    step,
    inAccuracy: [0.99, 0.99, test[0]],
    outAccuracy: [out01[0], out01[1], test[1]],
  });
  const lodo = (hparams: string, step: number, heldOut: number, acc: number): SelectionRecord => {
    const inAccuracy = [0.99, 0.99, 0.1];
    inAccuracy[heldOut] = acc;
    return { hparams, step, heldOut, inAccuracy, outAccuracy: [0.99, 0.99, 0.1] };
  };
  return [
    full('A', 1, [0.8, 0.8], [0.4, 0.41]),
    full('A', 2, [0.9, 0.9], [0.5, 0.52]),
    full('A', 3, [0.85, 0.85], [0.55, 0.55]),
    full('B', 1, [0.85, 0.85], [0.6, 0.6]),
    full('B', 2, [0.8, 0.8], [0.62, 0.7]),
    full('B', 3, [0.7, 0.8], [0.66, 0.8]),
    lodo('A', 1, 0, 0.5),
    lodo('A', 1, 1, 0.7),
    lodo('A', 2, 0, 0.5),
    lodo('A', 2, 1, 0.5),
    lodo('A', 3, 0, 0.4),
    lodo('A', 3, 1, 0.4),
    lodo('B', 1, 0, 0.5),
    lodo('B', 1, 1, 0.5),
    lodo('B', 2, 0, 0.6),
    lodo('B', 2, 1, 0.6),
    lodo('B', 3, 0, 0.9),
    lodo('B', 3, 1, 0.5),
    // A checkpoint without its leave-one-out partner runs is skipped by LODO.
    full('B', 4, [0.1, 0.1], [0.1, 0.1]),
    lodo('B', 4, 0, 1),
  ];
}

describe('model selection (DomainBed definitions)', () => {
  it('training-domain validation picks the checkpoint and setting with the best mean training-domain out-accuracy', () => {
    const pick = trainingDomainValidation(records(), { testEnvironment: 2 });
    expect(pick).toMatchObject({ hparams: 'A', step: 2, testAccuracy: 0.5 });
    expect(pick.validationAccuracy).toBeCloseTo(0.9, 12);
    expect(pick.candidates.map((c) => [c.hparams, c.step])).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
  });

  it('leave-one-domain-out averages the held-out runs and reports the full run at the same checkpoint', () => {
    const pick = leaveOneDomainOut(records(), { testEnvironment: 2 });
    expect(pick).toMatchObject({ hparams: 'B', step: 3, testAccuracy: 0.66 });
    expect(pick.validationAccuracy).toBeCloseTo(0.7, 12);
    const a = pick.candidates.find((c) => c.hparams === 'A');
    expect(a?.step).toBe(1);
    expect(a?.validationAccuracy).toBeCloseTo(0.6, 12);
  });

  it('the oracle scores the last checkpoint of each setting on the test environment', () => {
    const recs = records().filter((r) => r.step !== 4);
    const pick = oracleSelection(recs, { testEnvironment: 2 });
    expect(pick).toMatchObject({ hparams: 'B', step: 3, validationAccuracy: 0.8, testAccuracy: 0.66 });
    expect(pick.candidates.find((c) => c.hparams === 'A')).toMatchObject({
      step: 3,
      validationAccuracy: 0.55,
    });
  });

  it('the test environment can be any index; ties go to the earlier checkpoint', () => {
    const recs: SelectionRecord[] = [1, 2].map((step) => ({
      hparams: 'only',
      step,
      inAccuracy: [step / 10, 0.5, 0.5],
      outAccuracy: [0, 0.7, 0.7],
    }));
    const pick = trainingDomainValidation(recs, { testEnvironment: 0 });
    expect(pick).toMatchObject({ step: 1, testAccuracy: 0.1, validationAccuracy: 0.7 });
  });

  it('rejects bad input with the parameter name', () => {
    expect(() => trainingDomainValidation([], { testEnvironment: 0 })).toThrow(
      expect.objectContaining({ param: 'records' }),
    );
    expect(() => oracleSelection(records(), { testEnvironment: 3 })).toThrow(
      expect.objectContaining({ param: 'testEnvironment' }),
    );
    const bad = [...records(), { hparams: 'C', step: 1, inAccuracy: [1], outAccuracy: [1] }];
    expect(() => oracleSelection(bad, { testEnvironment: 2 })).toThrow(
      expect.objectContaining({ param: 'records[20]' }),
    );
    const onlyLodo = records().filter((r) => r.heldOut !== undefined);
    expect(() => leaveOneDomainOut(onlyLodo, { testEnvironment: 2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', param: 'records' }),
    );
  });
});
