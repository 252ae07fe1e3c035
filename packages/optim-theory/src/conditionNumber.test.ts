import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conditionNumber } from './conditionNumber.js';
import { spdMatrix } from './optimizers/problems.fixture.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('conditionNumber', () => {
  it('recovers the spectrum of Q diag(lambda) Q^T', () => {
    const eigs = [0.5, 1, 3, 7, 20];
    const { A } = spdMatrix(eigs, 8);
    const r = conditionNumber(A);
    r.eigenvalues.forEach((v, i) => {
      expect(v).toBeCloseTo(eigs[i]!, 10);
    });
    expect(r.kappa).toBeCloseTo(40, 9);
    expect(r.lambdaMin).toBeCloseTo(0.5, 10);
    expect(r.lambdaMax).toBeCloseTo(20, 10);
  });

  it('is infinite for singular matrices and rejects non-square or non-symmetric input', async () => {
    expect(
      conditionNumber([
        [1, 1],
        [1, 1],
      ]).kappa,
    ).toBe(Number.POSITIVE_INFINITY);
    expect(() => conditionNumber([[1, 2, 3]])).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() =>
      conditionNumber([
        [1, 2],
        [0, 1],
      ]),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    const t = tf.tensor2d([
      [2, 0],
      [0, 0.5],
    ]);
    expect((await expectNoLeaks(() => conditionNumber(t))).kappa).toBeCloseTo(4, 6);
    t.dispose();
  });
});
