import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adapt } from './adapt.js';
import { DomainBatchNorm } from './domainBatchNorm.js';
import { entropyLoss } from './entropyLoss.js';
import { mmdLoss } from './mmdLoss.js';
import { shiftedMoons } from './shiftedMoons.js';

beforeAll(async () => {
  await setupTestBackend();
});

const init = (s: number) => tf.initializers.glorotNormal({ seed: s });
function nets(seed: number) {
  return {
    featureExtractor: tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 4, activation: 'relu', kernelInitializer: init(seed) }),
      ],
    }),
    labelClassifier: tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 2, kernelInitializer: init(seed + 1) })],
    }),
    critic: tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 1, kernelInitializer: init(seed + 2) })],
    }),
  };
}
const vars = (m: tf.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
const flat = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));

// Four source and four target points: with batchSize 4 every step sees exactly these sets (in some
// order, and every loss here is a mean over the rows, so the order does not matter).
const s = shiftedMoons({ n: 4, seed: 11 });
const t = shiftedMoons({ n: 4, angle: 35, shift: [0.5, 0], seed: 12 });
const source = { ...s, numClasses: 2 };
const target = { x: t.x, n: 4, shape: [2] };

function expectSgdStep(before: number[], after: number[], grads: tf.Tensor[], lr: number) {
  const g = grads.flatMap((t) => Array.from(t.dataSync()));
  expect(g).toHaveLength(before.length);
  before.forEach((w, q) => {
    expect(after[q]).toBeCloseTo(w - lr * (g[q] as number), 5);
  });
}

describe('adapt', () => {
  it('MMD + entropy: one SGD step descends CE + lambda MMD^2 + eps entropy(target)', async () => {
    const n = nets(1);
    const { featureExtractor: F, labelClassifier: C } = n;
    const lr = 0.2;
    const xs = tf.tensor2d(source.x, [4, 2]);
    const xt = tf.tensor2d(target.x, [4, 2]);
    const ys = tf.oneHot(tf.tensor1d(source.y, 'int32'), 2);
    let mmd2 = 0;
    const { value, grads } = tf.variableGrads(() => {
      const fs = F.apply(xs) as tf.Tensor;
      const ft = F.apply(xt) as tf.Tensor;
      const align = mmdLoss(fs, ft, { bandwidth: [0.5, 2] });
      mmd2 = align.dataSync()[0] as number;
      return tf.addN([
        tf.losses.softmaxCrossEntropy(ys, C.apply(fs) as tf.Tensor),
        tf.mul(align, 0.7),
        tf.mul(entropyLoss(C.apply(ft) as tf.Tensor), 0.3),
      ]) as tf.Scalar;
    }, [...vars(F), ...vars(C)]);
    const before = [...flat(F), ...flat(C)];
    const { history } = await adapt(n, source, target, {
      alignment: 'mmd',
      alignmentWeight: 0.7,
      bandwidth: [0.5, 2],
      entropyWeight: 0.3,
      epochs: 1,
      batchSize: 4,
      optimizer: tf.train.sgd(lr),
    });
    expectSgdStep(
      before,
      [...flat(F), ...flat(C)],
      [...vars(F), ...vars(C)].map((v) => grads[v.name] as tf.Tensor),
      lr,
    );
    expect(history[0]?.alignmentLoss).toBeCloseTo(mmd2, 5);
    expect(history[0]?.entropy).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads), xs, xt, ys]);
  });

  it('Wasserstein (WDGRL): the critic ascends mean D(f_s) - mean D(f_t), then the features descend CE + lambda times it', async () => {
    const n = nets(5);
    const { featureExtractor: F, labelClassifier: C, critic: D } = n;
    const lr = 0.1;
    const lrCritic = 0.5;
    const lambda = 0.8;
    const xs = tf.tensor2d(source.x, [4, 2]);
    const xt = tf.tensor2d(target.x, [4, 2]);
    const ys = tf.oneHot(tf.tensor1d(source.y, 'int32'), 2);
    // Linear critic k.h + b without penalty: its gradient is mean h_s - mean h_t (b cancels).
    const gap = tf.tidy(() =>
      tf.sub(tf.mean(F.apply(xs) as tf.Tensor, 0), tf.mean(F.apply(xt) as tf.Tensor, 0)),
    );
    const k0 = Array.from((D.getWeights()[0] as tf.Tensor).dataSync());
    const k1 = k0.map((v, j) => v + lrCritic * (gap.dataSync()[j] as number));
    const { value, grads } = tf.variableGrads(() => {
      const fs = F.apply(xs) as tf.Tensor;
      const ft = F.apply(xt) as tf.Tensor;
      const w1 = tf.sum(tf.mul(tf.sub(tf.mean(fs, 0), tf.mean(ft, 0)), tf.tensor1d(k1)));
      return tf.add(
        tf.losses.softmaxCrossEntropy(ys, C.apply(fs) as tf.Tensor),
        tf.mul(w1, lambda),
      ) as tf.Scalar;
    }, [...vars(F), ...vars(C)]);
    const before = [...flat(F), ...flat(C)];
    await adapt(n, source, target, {
      alignment: 'wasserstein',
      alignmentWeight: lambda,
      criticSteps: 1,
      gradientPenalty: 0,
      epochs: 1,
      batchSize: 4,
      optimizer: tf.train.sgd(lr),
      criticOptimizer: tf.train.sgd(lrCritic),
    });
    Array.from((D.getWeights()[0] as tf.Tensor).dataSync()).forEach((v, j) => {
      expect(v).toBeCloseTo(k1[j] as number, 5);
    });
    expectSgdStep(
      before,
      [...flat(F), ...flat(C)],
      [...vars(F), ...vars(C)].map((v) => grads[v.name] as tf.Tensor),
      lr,
    );
    tf.dispose([value, ...Object.values(grads), xs, xt, ys, gap]);
  });

  it('source-only with domain-specific batch norm: each domain keeps its own statistics; no leaks; abort; validation', async () => {
    const featureExtractor = tf.sequential({
      layers: [new DomainBatchNorm({ momentum: 0, inputShape: [2] }), tf.layers.dense({ units: 4 })],
    });
    const { labelClassifier, critic } = nets(9);
    await expectNoLeaks(() =>
      adapt({ featureExtractor, labelClassifier }, source, target, {
        alignment: 'none',
        epochs: 2,
        batchSize: 4,
      }),
    );
    // momentum 0: the moving mean is the last batch's mean, i.e. the mean of each domain's data.
    const means = featureExtractor.layers[0]?.weights
      .filter((w) => w.name.includes('moving_mean'))
      .map((w) => Array.from(w.read().dataSync()));
    const mean = (x: Float32Array, j: number) =>
      Array.from(x)
        .filter((_, q) => q % 2 === j)
        .reduce((a, b) => a + b, 0) / 4;
    [source.x, target.x].forEach((x, domain) => {
      [0, 1].forEach((j) => {
        expect(means?.[domain]?.[j]).toBeCloseTo(mean(x, j), 5);
      });
    });
    const controller = new AbortController();
    const partial = await adapt({ featureExtractor, labelClassifier, critic }, source, target, {
      alignment: 'wasserstein',
      epochs: 5,
      batchSize: 2,
      onProgress: (e) => {
        if (e.epoch === 0) controller.abort();
      },
      signal: controller.signal,
    });
    expect(partial.history).toHaveLength(1);
    await expect(
      adapt({ featureExtractor, labelClassifier }, source, target, { alignment: 'wasserstein' }),
    ).rejects.toMatchObject({
      param: 'networks.critic',
    });
    await expect(
      adapt({ featureExtractor, labelClassifier }, source, { x: new Float32Array(3), n: 1, shape: [3] }),
    ).rejects.toMatchObject({
      param: 'target',
    });
  });
});
