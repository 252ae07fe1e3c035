import { setupTestBackend } from '@dlf/runtime/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { gd } from './optimizers/gd.js';
import { quadraticLoss, spdMatrix } from './optimizers/problems.fixture.js';
import { plConstantAlongPath } from './plConstantAlongPath.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('plConstantAlongPath', () => {
  it('on L = w^T A w / 2 lies in [lambda_min, lambda_max] and tends to lambda_min along GD', async () => {
    // ||A w||^2 / (w^T A w) is a Rayleigh quotient of A in the metric A: between lambda_min and lambda_max;
    // GD with eta = 1/L leaves the slowest direction last, so the ratio falls to lambda_min.
    const eigs = [0.5, 1, 2, 5];
    const { A } = spdMatrix(eigs, 4);
    const run = await gd(quadraticLoss(A), [1, 1, 1, 1], { learningRate: 1 / 5, steps: 120 });
    const pl = plConstantAlongPath(run);
    for (const r of pl.perStep) {
      expect(r).toBeGreaterThanOrEqual(0.5 * (1 - 1e-4));
      expect(r).toBeLessThanOrEqual(5 * (1 + 1e-4));
    }
    expect(pl.mu).toBeCloseTo(0.5, 3);
    expect(pl.argmin).toBeGreaterThan(60);
  });

  it('computes g^2 / (2 (L - L*)) per step, skipping steps at or below L*, and validates its input', () => {
    const pl = plConstantAlongPath({ losses: [4, 2, 1], gradNorms: [4, 2, 1] }, { minLoss: 1 });
    expect(pl.perStep.slice(0, 2)).toEqual([16 / 6, 4 / 2]);
    expect(pl.perStep[2]).toBeNaN();
    expect(pl.mu).toBe(2);
    expect(pl.argmin).toBe(1);
    expect(() => plConstantAlongPath({ losses: [1], gradNorms: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE' }),
    );
    expect(() => plConstantAlongPath(null as never)).toThrow(expect.objectContaining({ param: 'run' }));
  });
});
