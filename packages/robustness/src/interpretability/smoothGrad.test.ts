import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinearModel } from '../testModels.js';
import { fixtureValues, linearModel } from '../testModels.js';
import { smoothGrad } from './smoothGrad.js';
import { powerModel } from './testPolynomials.js';

const d = 4;
let m: LinearModel;
beforeAll(async () => {
  await setupTestBackend();
  m = linearModel(fixtureValues(d * 2, 31), [0, 0], d, 2);
});
afterAll(() => m.dispose());

describe('smoothGrad', () => {
  it('of a linear model equals its weights whatever the noise', async () => {
    const x = tf.tensor2d(fixtureValues(2 * d, 32), [2, d]);
    const g = (
      await smoothGrad(m.f, x, { target: [1, 0], samples: 7, noiseLevel: 0.5, batchSize: 3, seed: 1 })
    ).dataSync();
    for (let j = 0; j < d; j++) {
      expect(g[j]).toBeCloseTo(m.w[j * 2 + 1] as number, 5);
      expect(g[d + j]).toBeCloseTo(m.w[j * 2] as number, 5);
    }
    x.dispose();
  });

  it('on sum x^3 estimates E[3 (x + e)^2] = 3 x^2 + 3 sigma^2 with sigma = noiseLevel * range', async () => {
    const xs = [0, 0.5, 1, -1]; // range 2
    const x = tf.tensor2d(xs, [1, d]);
    const noiseLevel = 0.2;
    const sigma = noiseLevel * 2;
    const samples = 4000;
    const g = (
      await smoothGrad(powerModel, x, { target: 1, samples, noiseLevel, batchSize: 1000, seed: 3 })
    ).dataSync();
    for (let j = 0; j < d; j++) {
      const xj = xs[j] as number;
      // Var[3 (x + e)^2] = 9 (4 x^2 sigma^2 + 2 sigma^4); allow 4 standard errors.
      const se = Math.sqrt((9 * (4 * xj * xj * sigma * sigma + 2 * sigma ** 4)) / samples);
      expect(Math.abs((g[j] as number) - (3 * xj * xj + 3 * sigma * sigma))).toBeLessThan(4 * se);
    }
    x.dispose();
  });

  it('is reproducible per seed, batch-size independent, leak-free, and validates options', async () => {
    const x = tf.tensor2d(fixtureValues(2 * d, 33), [2, d]);
    const a = (await smoothGrad(powerModel, x, { target: 0, samples: 5, seed: 4, batchSize: 2 })).dataSync();
    const b = (await smoothGrad(powerModel, x, { target: 0, samples: 5, seed: 4, batchSize: 10 })).dataSync();
    const c = (await smoothGrad(powerModel, x, { target: 0, samples: 5, seed: 5 })).dataSync();
    for (let q = 0; q < 2 * d; q++) expect(a[q]).toBeCloseTo(b[q] as number, 6);
    expect(Array.from(a)).not.toEqual(Array.from(c));
    await expectNoLeaks(() =>
      smoothGrad(powerModel, x, { samples: 3, batchSize: 2, squared: true, multiplyByInputs: true }),
    );
    await expect(smoothGrad(powerModel, x, { samples: 0 })).rejects.toMatchObject({ param: 'samples' });
    await expect(smoothGrad(powerModel, x, { noiseLevel: -1 })).rejects.toMatchObject({
      param: 'noiseLevel',
    });
    x.dispose();
  });
});
