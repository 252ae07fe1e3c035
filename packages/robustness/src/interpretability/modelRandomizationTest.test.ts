import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { modelRandomizationTest } from './modelRandomizationTest.js';

beforeAll(async () => {
  await setupTestBackend();
});

function smallMlp(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [32],
        units: 16,
        activation: 'tanh',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
        name: 'h1',
      }),
      tf.layers.dense({
        units: 16,
        activation: 'tanh',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
        name: 'h2',
      }),
      tf.layers.dense({
        units: 4,
        kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }),
        name: 'out',
      }),
    ],
  });
}

describe('modelRandomizationTest', () => {
  it('cascades from the top layer and destroys the saliency map correlation, then restores the weights', async () => {
    const model = smallMlp();
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const x = tf.tensor2d(fixtureValues(6 * 32, 51), [6, 32]);
    const { stages } = await modelRandomizationTest(model, x, { seed: 0 });
    expect(stages.map((s) => s.layer)).toEqual(['out', 'h2', 'h1']);
    const last = stages[2];
    // Fully re-initialised: the signed maps are unrelated to the originals (per-example rank
    // correlation of independent maps has sd ~ 1/sqrt(31) = 0.18).
    expect(Math.abs(last?.rankCorrelation as number)).toBeLessThan(0.4);
    for (const s of stages) expect(s.rankCorrelation).toBeLessThan(0.6);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    // A method that ignores the model keeps a perfect correlation at every stage.
    const edge = await modelRandomizationTest(model, x, {
      seed: 0,
      explain: async (_m, input) => tf.clone(input),
    });
    for (const s of edge.stages) {
      expect(s.rankCorrelation).toBeCloseTo(1, 12);
      expect(s.rankCorrelationAbs).toBeCloseTo(1, 12);
    }
    x.dispose();
    model.dispose();
  });

  it('in independent mode, only the randomised layer changes; same seed, same result; no leaks', async () => {
    const model = smallMlp();
    const x = tf.tensor2d(fixtureValues(3 * 32, 52), [3, 32]);
    const original = model.layers.map((l) => Array.from(l.getWeights()[0]?.dataSync() ?? []));
    const unchanged: boolean[][] = [];
    const a = await modelRandomizationTest(model, x, {
      mode: 'independent',
      seed: 7,
      target: 1,
      explain: async (m, input, target) => {
        unchanged.push(
          m.layers.map((l, k) =>
            Array.from(l.getWeights()[0]?.dataSync() ?? []).every((v, j) => v === original[k]?.[j]),
          ),
        );
        return tf.tidy(() =>
          tf.grad((v: tf.Tensor) =>
            tf.sum(tf.mul(m.apply(v) as tf.Tensor, tf.oneHot(Array.from(target), 4))),
          )(input),
        );
      },
    });
    // Calls: the original map, then stages out, h2, h1 (layers listed h1, h2, out).
    expect(unchanged).toEqual([
      [true, true, true],
      [true, true, false],
      [true, false, true],
      [false, true, true],
    ]);
    const b = await expectNoLeaks(() =>
      modelRandomizationTest(model, x, { mode: 'independent', seed: 7, target: 1 }),
    );
    const c = await modelRandomizationTest(model, x, { mode: 'independent', seed: 7, target: 1 });
    expect(c.stages.map((s) => s.rankCorrelation)).toEqual(b.stages.map((s) => s.rankCorrelation));
    expect(a.stages).toHaveLength(3);
    await expect(modelRandomizationTest(model, x, { mode: 'all' as 'cascading' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      param: 'mode',
    });
    await expect(
      modelRandomizationTest(((v: tf.Tensor) => v) as unknown as tf.LayersModel, x),
    ).rejects.toMatchObject({
      param: 'model',
    });
    x.dispose();
    model.dispose();
  });
});
