import { DlfError } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinearModel } from '../testModels.js';
import { fixtureValues, linearLogits, linearModel } from '../testModels.js';
import { saliency } from './saliency.js';
import { powerModel } from './testPolynomials.js';

const d = 6;
const k = 3;
let m: LinearModel;
beforeAll(async () => {
  await setupTestBackend();
  m = linearModel(fixtureValues(d * k, 11), fixtureValues(k, 12), d, k);
});
afterAll(() => m.dispose());

describe('saliency', () => {
  it('of a linear model equals the weight column of the target (and x * w for gradient x input)', async () => {
    const n = 4;
    const xs = fixtureValues(n * d, 13);
    const x = tf.tensor2d(xs, [n, d]);
    const targets = [0, 2, 1, 2];
    const g = (await saliency(m.f, x, { target: targets, abs: false })).dataSync();
    const gxi = (await saliency(m.f, x, { target: targets, abs: false, multiplyByInputs: true })).dataSync();
    const gabs = (await saliency(m.f, x, { target: targets })).dataSync();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const w = m.w[j * k + (targets[i] as number)] as number;
        expect(g[i * d + j]).toBeCloseTo(w, 6);
        expect(gabs[i * d + j]).toBeCloseTo(Math.abs(w), 6);
        expect(gxi[i * d + j]).toBeCloseTo((xs[i * d + j] as number) * w, 6);
      }
    }
    x.dispose();
  });

  it('explains the predicted class by default and matches 2x on sum x^2', async () => {
    const xs = fixtureValues(2 * d, 14);
    const x = tf.tensor2d(xs, [2, d]);
    const byDefault = (await saliency(m.f, x, { abs: false })).dataSync();
    for (let i = 0; i < 2; i++) {
      const z = linearLogits(m, xs.slice(i * d, (i + 1) * d));
      const pred = z.indexOf(Math.max(...z));
      for (let j = 0; j < d; j++) expect(byDefault[i * d + j]).toBeCloseTo(m.w[j * k + pred] as number, 6);
    }
    const sq = (await saliency(powerModel, x, { target: 0, abs: false })).dataSync();
    for (let j = 0; j < 2 * d; j++) expect(sq[j]).toBeCloseTo(2 * (xs[j] as number), 6);
    x.dispose();
  });

  it('leaks no tensors and rejects bad input with DlfError', async () => {
    const x = tf.tensor2d(fixtureValues(2 * d, 15), [2, d]);
    await expectNoLeaks(() => saliency(m.f, x, { multiplyByInputs: true }));
    await expect(saliency(m.f, x, { target: 3 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'target',
    });
    await expect(saliency(m.f, x, { target: [0] })).rejects.toMatchObject({ code: 'INVALID_SHAPE' });
    await expect(saliency(m.f, tf.tensor1d([1, 2]) as tf.Tensor)).rejects.toBeInstanceOf(DlfError);
    const bad = tf.tensor2d([Number.NaN, 0, 0, 0, 0, 0], [1, d]);
    await expect(saliency(m.f, bad)).rejects.toMatchObject({ code: 'NON_FINITE' });
    bad.dispose();
    x.dispose();
  });
});
