import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinearModel } from '../testModels.js';
import { fixtureValues, linearLogits, linearModel } from '../testModels.js';
import { deletionCurve } from './deletionCurve.js';

const d = 10;
const k = 3;
let m: LinearModel;
beforeAll(async () => {
  await setupTestBackend();
  m = linearModel(fixtureValues(d * k, 111), fixtureValues(k, 112), d, k);
});
afterAll(() => m.dispose());

describe('deletionCurve', () => {
  it('on a linear model: the logit after deleting the top-j features of w (x - b) is z - (their sum), insertion the reverse', async () => {
    const n = 2;
    const b = 0.2;
    const xs = fixtureValues(n * d, 113, 0, 1);
    const t = 1;
    const contrib = xs.map((v, q) => (m.w[(q % d) * k + t] as number) * (v - b));
    const x = tf.tensor2d(xs, [n, d]);
    const attr = tf.tensor2d(contrib, [n, d]);
    const steps = 5;
    const del = await deletionCurve(m.f, x, attr, { target: t, baselines: b, steps, output: 'logit' });
    const ins = await deletionCurve(m.f, x, attr, {
      target: t,
      baselines: b,
      steps,
      output: 'logit',
      mode: 'insertion',
    });
    for (let s = 0; s <= steps; s++) {
      const count = Math.round((s * d) / steps);
      let delMean = 0;
      let insMean = 0;
      for (let i = 0; i < n; i++) {
        const c = contrib.slice(i * d, (i + 1) * d).sort((u, v) => v - u);
        const top = c.slice(0, count).reduce((u, v) => u + v, 0);
        delMean += (linearLogits(m, xs.slice(i * d, (i + 1) * d))[t] as number) - top;
        insMean += (linearLogits(m, new Array(d).fill(b))[t] as number) + top;
      }
      expect(del.fractions[s]).toBeCloseTo(s / steps, 15);
      expect(del.scores[s]).toBeCloseTo(delMean / n, 5);
      expect(ins.scores[s]).toBeCloseTo(insMean / n, 5);
    }
    let auc = 0;
    for (let s = 0; s < steps; s++)
      auc += ((del.scores[s] as number) + (del.scores[s + 1] as number)) / 2 / steps;
    expect(del.auc).toBeCloseTo(auc, 12);
    // Deleting everything leaves the baseline image, inserting everything restores x.
    expect(del.scores[steps]).toBeCloseTo(ins.scores[0] as number, 5);
    expect(ins.scores[steps]).toBeCloseTo(del.scores[0] as number, 5);
    tf.dispose([x, attr]);
  });

  it('reports probabilities and accuracy, leaks nothing and checks the attribution shape', async () => {
    const xs = fixtureValues(3 * d, 114, 0, 1);
    const x = tf.tensor2d(xs, [3, d]);
    const attr = tf.tensor2d(fixtureValues(3 * d, 115), [3, d]);
    const res = await expectNoLeaks(() => deletionCurve(m.f, x, attr, { steps: 2 }));
    expect(res.accuracy[0]).toBe(1); // the target defaults to the clean prediction
    const z = linearLogits(m, xs.slice(0, d));
    const pz = Math.max(...z);
    const p = 1 / z.reduce((s, v) => s + Math.exp(v - pz), 0);
    const x0 = x.slice([0, 0], [1, d]);
    const a0 = attr.slice([0, 0], [1, d]);
    const first = await deletionCurve(m.f, x0, a0, { steps: 1 });
    expect(first.scores[0]).toBeCloseTo(p, 5);
    const wrong = tf.zeros([3, 2]);
    await expect(deletionCurve(m.f, x, wrong)).rejects.toMatchObject({ param: 'attributions' });
    tf.dispose([x, attr, wrong, x0, a0]);
  });
});
