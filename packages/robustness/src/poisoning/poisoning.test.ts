/** Backdoors and feature collision on the runtime's 8x8 digits with small MLPs. */
import type { LabeledData } from '@dlf/runtime';
import { loadDigits } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adversarialTraining } from '../adversarialTraining.js';
import { badNets } from './badNets.js';
import { cleanLabelBackdoor } from './cleanLabelBackdoor.js';
import { featureCollision } from './featureCollision.js';
import { applyTrigger, backdoorSuccessRate, squareTrigger } from './trigger.js';

let train: LabeledData;
let test: LabeledData;
let clean: tf.LayersModel;
const trigger = squareTrigger([8, 8, 1], { size: 2, value: 1 });

function mlp(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 1] }),
      tf.layers.dense({
        units: 32,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

async function trainOn(data: LabeledData, seed: number): Promise<tf.LayersModel> {
  const model = mlp(seed);
  await adversarialTraining(model, data, { epsilon: 0, epochs: 6, batchSize: 64, learningRate: 0.01, seed });
  return model;
}

beforeAll(async () => {
  await setupTestBackend();
  ({ train, test } = await loadDigits());
  clean = await trainOn(train, 1);
});
afterAll(() => clean.dispose());

describe('BadNets', () => {
  it('poisons the requested fraction, relabels to the target, and only touches the trigger pixels', () => {
    const { data, poisoned } = badNets(train, { trigger, targetLabel: 0, fraction: 0.1, seed: 2 });
    expect(poisoned.length).toBe(Math.round(0.1 * train.n));
    const set = new Set(poisoned);
    const wrong: string[] = [];
    for (let i = 0; i < train.n; i++) {
      if (!set.has(i)) {
        if (data.y[i] !== train.y[i]) wrong.push(`label ${i}`);
        for (let j = 0; j < 64; j++) if (data.x[i * 64 + j] !== train.x[i * 64 + j]) wrong.push(`clean ${i}`);
        continue;
      }
      if (train.y[i] === 0 || data.y[i] !== 0) wrong.push(`poison label ${i}`);
      for (let j = 0; j < 64; j++) {
        const want = trigger.mask[j] === 1 ? 1 : (train.x[i * 64 + j] as number);
        if (data.x[i * 64 + j] !== want) wrong.push(`poison pixel ${i}, ${j}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a model trained on the poisoned set obeys the trigger; the clean model does not', async () => {
    const { data } = badNets(train, { trigger, targetLabel: 0, fraction: 0.1, seed: 2 });
    const poisonedModel = await trainOn(data, 1);
    const p = backdoorSuccessRate(poisonedModel, test, { trigger, targetLabel: 0 });
    const c = backdoorSuccessRate(clean, test, { trigger, targetLabel: 0 });
    expect(p.attackSuccessRate).toBeGreaterThan(0.8);
    expect(c.attackSuccessRate).toBeLessThan(0.2);
    // The backdoor is stealthy: clean accuracy barely moves.
    expect(p.cleanAccuracy).toBeGreaterThan(c.cleanAccuracy - 0.05);
    poisonedModel.dispose();
  });
});

describe('cleanLabelBackdoor', () => {
  it('changes only target-class examples, keeps every label, stays within eps off the trigger', async () => {
    const eps = 0.2;
    const { data, poisoned } = await expectNoLeaks(() =>
      cleanLabelBackdoor(train, {
        trigger,
        targetLabel: 3,
        model: clean,
        fraction: 0.5,
        eps,
        steps: 5,
        seed: 3,
      }),
    );
    const own = Array.from(train.y).filter((v) => v === 3).length;
    expect(poisoned.length).toBe(Math.round(0.5 * own));
    expect(Array.from(data.y)).toEqual(Array.from(train.y));
    const set = new Set(poisoned);
    const wrong: string[] = [];
    for (let i = 0; i < train.n; i++) {
      for (let j = 0; j < 64; j++) {
        const before = train.x[i * 64 + j] as number;
        const after = data.x[i * 64 + j] as number;
        if (!set.has(i)) {
          if (after !== before) wrong.push(`clean ${i}, ${j}`);
        } else if (trigger.mask[j] === 1) {
          if (after !== 1) wrong.push(`trigger ${i}, ${j}`);
        } else if (Math.abs(after - before) > eps + 1e-6) wrong.push(`budget ${i}, ${j}`);
      }
      if (set.has(i) && train.y[i] !== 3) wrong.push(`class ${i}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('featureCollision', () => {
  it('moves poisons onto the target in feature space near their bases, and retraining the head pulls the target to the base class', async () => {
    const hidden = clean.layers[1] as tf.layers.Layer;
    const flatten = clean.layers[0] as tf.layers.Layer;
    const phi = (x: tf.Tensor) => hidden.apply(flatten.apply(x)) as tf.Tensor;
    const d = 64;
    // Target: a test 4 the clean model classifies correctly; bases: training 9s.
    const pred = tf.tidy(() =>
      tf.argMax(clean.predict(tf.tensor(test.x, [test.n, 8, 8, 1])) as tf.Tensor, 1).dataSync(),
    );
    const targetIndex = Array.from({ length: test.n }, (_, i) => i).find(
      (i) => test.y[i] === 4 && pred[i] === 4,
    ) as number;
    const baseIdx = Array.from({ length: train.n }, (_, i) => i)
      .filter((i) => train.y[i] === 9)
      .slice(0, 8);
    const target = tf.tensor(test.x.subarray(targetIndex * d, (targetIndex + 1) * d), [1, 8, 8, 1]);
    const base = tf.tensor(
      Float32Array.from(baseIdx.flatMap((i) => Array.from(train.x.subarray(i * d, (i + 1) * d)))),
      [baseIdx.length, 8, 8, 1],
    );
    const res = featureCollision(phi, target, base, { steps: 200, learningRate: 0.05 });
    for (let i = 0; i < baseIdx.length; i++) {
      expect(res.featureDistance[i]).toBeLessThan(0.25 * (res.initialFeatureDistance[i] as number));
    }
    // Retrain only the head on phi(train) plus the poisons labelled 9, and, as a control, plus the
    // unmodified bases labelled 9: only the poisons pull the target towards 9.
    const headLogProbability = async (extra: tf.Tensor): Promise<number[]> => {
      const x = tf.tidy(() => phi(tf.concat([tf.tensor(train.x, [train.n, 8, 8, 1]), extra])));
      const y = new Int32Array(train.n + baseIdx.length);
      y.set(train.y as Int32Array);
      y.fill(9, train.n);
      const head = tf.sequential({
        layers: [
          tf.layers.dense({
            units: 10,
            inputShape: [32],
            kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }),
          }),
        ],
      });
      await adversarialTraining(
        head,
        { x, y },
        {
          epsilon: 0,
          epochs: 10,
          batchSize: 64,
          learningRate: 0.01,
          seed: 4,
          bounds: [0, Number.POSITIVE_INFINITY],
        },
      );
      const p = tf.tidy(() => Array.from(tf.logSoftmax(head.predict(phi(target)) as tf.Tensor2D).dataSync()));
      head.dispose();
      x.dispose();
      return p;
    };
    const withPoisons = await headLogProbability(res.poisons);
    const control = await headLogProbability(base);
    // A 32-unit linear head cannot carve one point out of the 4s, so the target does not flip here,
    // but the poisons raise its log-probability of 9 by orders of magnitude.
    expect((withPoisons[9] as number) - (control[9] as number)).toBeGreaterThan(Math.log(100));
    await expectNoLeaks(() => featureCollision(phi, target, base, { steps: 2 }));
    await expectNoLeaks(() => backdoorSuccessRate(clean, test, { trigger, targetLabel: 0 }));
    for (const t of [target, base, res.poisons]) t.dispose();
  });
});

describe('applyTrigger', () => {
  it('blends with fractional masks: x (1 - m) + m * pattern', () => {
    const t = { shape: [2], pattern: Float32Array.from([1, 0]), mask: Float32Array.from([0.5, 0.25]) };
    expect(Array.from(applyTrigger(Float32Array.from([0, 1, 0.5, 0.5]), t))).toEqual([
      0.5, 0.75, 0.75, 0.375,
    ]);
  });
});
