import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lagrangianPerceptualAttack } from './lagrangianPerceptualAttack.js';
import { perceptualAdversarialTraining } from './perceptualAdversarialTraining.js';
import { perceptualDistance } from './perceptualDistance.js';
import { perceptualPgd } from './perceptualPgd.js';

beforeAll(async () => {
  await setupTestBackend();
});

const d = 8;
const n = 16;
function classifier(seed: number): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: seed + s });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [d], units: 12, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 3, kernelInitializer: init(2) }),
    ],
  });
}
const rng = createRng(5);
const xData = rng.uniformArray(n * d);

/** Mean margin max_{c != y} z_c - z_y. */
function meanMargin(model: tf.LayersModel, x: tf.Tensor, y: Int32Array): number {
  const z = tf.tidy(() => model.predict(x) as tf.Tensor).arraySync() as number[][];
  return (
    z.reduce(
      (s, row, i) => s + Math.max(...row.filter((_, c) => c !== y[i])) - (row[y[i] as number] as number),
      0,
    ) / n
  );
}

describe('perceptual attacks', () => {
  it('PPGD and LPA stay within the perceptual bound and the input range, and raise the margin', async () => {
    const model = classifier(1);
    const x = tf.tensor2d(xData, [n, d]);
    const y = Int32Array.from(tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync()));
    const eps = 0.3;
    for (const attack of [
      () => perceptualPgd(model, x, y, { eps, steps: 5 }),
      () => lagrangianPerceptualAttack(model, x, y, { eps, steps: 3, lambdaSteps: 2, seed: 1 }),
    ]) {
      const r = await attack();
      const data = r.adversarial.dataSync();
      expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...data)).toBeLessThanOrEqual(1);
      for (const v of r.distances) expect(v).toBeLessThanOrEqual(eps);
      const again = tf.tidy(() => Array.from(perceptualDistance(model, x, r.adversarial).dataSync()));
      again.forEach((v, i) => {
        expect(v).toBeCloseTo(r.distances[i] as number, 6);
      });
      // Clean points are all classified as y (margin < 0); the attack pushes the margin up.
      expect(meanMargin(model, r.adversarial, y)).toBeGreaterThan(meanMargin(model, x, y));
      expect(r.successRate).toBe(r.success.filter(Boolean).length / n);
      r.adversarial.dispose();
    }
    const zero = await expectNoLeaks(() => perceptualPgd(model, x, y, { eps: 0 }));
    expect(zero.successRate).toBe(0);
    await expectNoLeaks(() => perceptualPgd(model, x, y, { eps, steps: 2 }));
    await expectNoLeaks(() => lagrangianPerceptualAttack(model, x, y, { eps, steps: 1, lambdaSteps: 1 }));
    await expect(perceptualPgd((t) => model.predict(t) as tf.Tensor, x, y)).rejects.toMatchObject({
      param: 'features',
    });
    x.dispose();
    model.dispose();
  });

  it('perceptual adversarial training with eps = 0 is plain SGD on the clean batch; with eps > 0 it trains and reports', async () => {
    const model = classifier(2);
    const x = tf.tensor2d(xData, [n, d]);
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(tf.tensor1d(y, 'int32'), 3),
          model.apply(x) as tf.Tensor,
        ) as tf.Scalar,
      vars,
    );
    const before = vars.flatMap((v) => Array.from(v.dataSync()));
    const g = vars.flatMap((v) => Array.from((grads[v.name] as tf.Tensor).dataSync()));
    await perceptualAdversarialTraining(
      model,
      { x, y },
      { eps: 0, epochs: 1, batchSize: n, optimizer: tf.train.sgd(0.1) },
    );
    const after = vars.flatMap((v) => Array.from(v.dataSync()));
    before.forEach((w, q) => {
      expect(after[q]).toBeCloseTo(w - 0.1 * (g[q] as number), 5);
    });
    tf.dispose([value, ...Object.values(grads)]);
    const { history } = await expectNoLeaks(() =>
      perceptualAdversarialTraining(
        model,
        { x, y },
        { eps: 0.3, steps: 2, evalSteps: 2, epochs: 2, batchSize: 8 },
      ),
    );
    expect(history.map((h) => h.epoch)).toEqual([0, 1]);
    for (const h of history) {
      expect(Number.isFinite(h.loss)).toBe(true);
      expect(h.robustAccuracy).toBeGreaterThanOrEqual(0);
      expect(h.cleanAccuracy).toBeLessThanOrEqual(1);
    }
    x.dispose();
    model.dispose();
  });
});
