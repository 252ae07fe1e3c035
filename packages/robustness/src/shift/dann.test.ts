import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dannLambda } from '../gradientReversal.js';
import { dann } from './dann.js';
import { shiftedMoons } from './shiftedMoons.js';

beforeAll(async () => {
  await setupTestBackend();
});

function networks(seed: number) {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: seed * 10 + s });
  return {
    featureExtractor: tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 6, activation: 'tanh', kernelInitializer: init(1) }),
      ],
    }),
    labelClassifier: tf.sequential({
      layers: [tf.layers.dense({ inputShape: [6], units: 2, kernelInitializer: init(2) })],
    }),
    domainClassifier: tf.sequential({
      layers: [tf.layers.dense({ inputShape: [6], units: 2, kernelInitializer: init(3) })],
    }),
  };
}

const vars = (m: tf.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('dann', () => {
  it('one SGD step: features descend the class loss minus lambda times the domain loss; the heads descend their own loss', async () => {
    // One source point and one target point: the batches are exactly these points.
    const s = shiftedMoons({ n: 2, seed: 1 });
    const t = shiftedMoons({ n: 2, angle: 40, seed: 2 });
    const source = { x: s.x.slice(0, 2), y: s.y.slice(0, 1), n: 1, shape: [2], numClasses: 2 };
    const target = { x: t.x.slice(0, 2), n: 1, shape: [2] };
    const nets = networks(1);
    const { featureExtractor: F, labelClassifier: C, domainClassifier: D } = nets;
    const lr = 0.1;
    const lambda = 0.7;
    const xs = tf.tensor2d(source.x, [1, 2]);
    const xt = tf.tensor2d(target.x, [1, 2]);
    const ys = tf.oneHot(tf.tensor1d(source.y, 'int32'), 2);
    const dom = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2);
    // Reference gradients of the two losses, separately and without any reversal.
    const cg = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(ys, C.apply(F.apply(xs)) as tf.Tensor) as tf.Scalar,
      [...vars(F), ...vars(C)],
    ).grads;
    const dg = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(
          dom,
          D.apply(F.apply(tf.concat([xs, xt], 0))) as tf.Tensor,
        ) as tf.Scalar,
      [...vars(F), ...vars(D)],
    ).grads;
    const start = [F, C, D].map(values);
    await dann(nets, source, target, {
      epochs: 1,
      batchSize: 1,
      optimizer: tf.train.sgd(lr),
      lambda,
      seed: 0,
    });
    const after = [F, C, D].map(values);
    const expectStep = (part: number, model: tf.LayersModel, update: (name: string, j: number) => number) => {
      vars(model).forEach((v, i) => {
        (start[part]?.[i] ?? []).forEach((w, j) => {
          expect(after[part]?.[i]?.[j]).toBeCloseTo(w - lr * update(v.name, j), 5);
        });
      });
    };
    const g = (grads: tf.NamedTensorMap, name: string, j: number) =>
      (grads[name] as tf.Tensor).dataSync()[j] as number;
    expectStep(0, F, (name, j) => g(cg, name, j) - lambda * g(dg, name, j));
    expectStep(1, C, (name, j) => g(cg, name, j));
    expectStep(2, D, (name, j) => g(dg, name, j));
    tf.dispose([xs, xt, ys, dom, ...Object.values(cg), ...Object.values(dg)]);
  });

  it('follows the lambda schedule, leaks nothing and stops on abort with the history so far', async () => {
    const source = shiftedMoons({ n: 40, seed: 3 });
    const target = shiftedMoons({ n: 40, angle: 30, seed: 4 });
    const nets = networks(2);
    const { history } = await expectNoLeaks(() =>
      dann(nets, source, target, { epochs: 3, batchSize: 20, seed: 1 }),
    );
    expect(history.map((h) => h.epoch)).toEqual([0, 1, 2]);
    // 6 steps in all; the last epoch ends at progress 5/5 = 1.
    expect(history[2]?.lambda).toBeCloseTo(dannLambda(1), 12);
    expect(history[0]?.lambda).toBeCloseTo(dannLambda(1 / 5), 12);
    for (const h of history) expect(Number.isFinite(h.classLoss) && Number.isFinite(h.domainLoss)).toBe(true);
    const controller = new AbortController();
    const partial = await dann(nets, source, target, {
      epochs: 5,
      batchSize: 20,
      onProgress: (e) => {
        if (e.epoch === 1) controller.abort();
      },
      signal: controller.signal,
    });
    expect(partial.history).toHaveLength(2);
    await expect(dann(nets, source, { x: new Float32Array(3), n: 1, shape: [3] })).rejects.toMatchObject({
      code: 'INVALID_DATA',
      param: 'target',
    });
  });
});
