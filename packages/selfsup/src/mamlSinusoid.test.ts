import { mlp } from '@dlf/runtime';
import { setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maml, mamlPredict } from './maml.js';
import { metaTest } from './metaTest.js';
import { sinusoidTaskSampler } from './sinusoidTaskSampler.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('MAML on sinusoids (Finn et al. 2017, fast settings)', () => {
  it('one gradient step from the meta-learned init beats one step from a jointly pre-trained init', async () => {
    const model = mlp({ sizes: [1, 16, 16, 1], activation: 'tanh' });
    const innerLr = 0.1;
    const common = { metaSteps: 60, metaBatchSize: 4, outerLr: 0.02, seed: 0, innerLr };
    const stream = () => sinusoidTaskSampler({ kShot: 10, kQuery: 10, seed: 1 });
    const meta = await maml(model, stream(), { ...common, innerSteps: 1 });
    // innerSteps: 0 makes the meta-objective the plain loss: joint training on the same task stream.
    const joint = await maml(model, stream(), { ...common, innerSteps: 0 });
    const heldOut = sinusoidTaskSampler({ kShot: 10, kQuery: 10, seed: 2 }).sampleBatch(50);
    const evalFrom = (params: tf.Tensor1D) =>
      metaTest(heldOut, (task) => mamlPredict(model, params, task, { innerSteps: 1, innerLr }));
    const m = await evalFrom(meta.params);
    const j = await evalFrom(joint.params);
    expect(m.metric).toBe('mse');
    // Paired over the same 50 held-out tasks: the mean MSE gap exceeds 2 standard errors of the gap
    // (about 4-5 standard errors with these settings across seeds 0-2).
    const gaps = m.values.map((v, i) => (j.values[i] as number) - v);
    const mean = gaps.reduce((s, v) => s + v, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, v) => s + (v - mean) ** 2, 0) / (gaps.length - 1));
    expect(mean).toBeGreaterThan(2 * (sd / Math.sqrt(gaps.length)));
    expect(m.mean).toBeLessThan(0.9 * j.mean);
    tf.dispose([meta.params, joint.params]);
  });
});
