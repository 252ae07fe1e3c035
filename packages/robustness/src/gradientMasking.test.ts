import type { Rng } from '@dlf/runtime';
import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpda } from './bpda.js';
import { eot } from './eot.js';
import { fgsm } from './fgsm.js';
import { gradientMaskingReport } from './gradientMaskingReport.js';
import { pgd } from './pgd.js';
import { spsa } from './spsa.js';
import type { LinearModel } from './testModels.js';
import { fixtureValues, linearLogits, linearModel } from './testModels.js';

const d = 8;
const k = 3;
const n = 30;
let lin: LinearModel;
let x: tf.Tensor2D;
let ys: number[];

beforeAll(async () => {
  await setupTestBackend();
  lin = linearModel(fixtureValues(d * k, 71, -2, 2), [0, 0, 0], d, k);
  const xs = Float32Array.from(fixtureValues(n * d, 72, 0.2, 0.8));
  x = tf.tensor2d(xs, [n, d]);
  // Labels = the model's own predictions: every example starts correctly classified.
  ys = Array.from({ length: n }, (_, i) => {
    const z = linearLogits(lin, xs.subarray(i * d, (i + 1) * d));
    return z.indexOf(Math.max(...z));
  });
});
afterAll(() => {
  lin.dispose();
  x.dispose();
});

/** Gradient masking by saturation: logits scaled by 1e4, so softmax cross-entropy gradients underflow to 0. */
const saturated = (t: tf.Tensor) => tf.tidy(() => tf.mul(lin.f(t), 1e4));
const quantise = (t: tf.Tensor) => tf.tidy(() => tf.div(tf.round(tf.mul(t, 4)), 4));

describe('spsa', () => {
  it('a gradient-free attack that matches PGD on a linear model and stays in the ball', async () => {
    const eps = 0.05;
    const white = await pgd(lin.f, x, ys, { eps, steps: 20, seed: 1 });
    const black = await spsa(lin.f, x, ys, { eps, steps: 30, samples: 32, learningRate: 0.01, seed: 1 });
    expect(black.successRate).toBeGreaterThan(0.2);
    expect(Math.abs(black.successRate - white.successRate)).toBeLessThanOrEqual(0.1);
    for (const v of black.norms) expect(v).toBeLessThanOrEqual(eps);
    white.adversarial.dispose();
    black.adversarial.dispose();
    await expectNoLeaks(() => spsa(lin.f, x, ys, { eps, steps: 2, samples: 4 }));
  });
});

describe('gradientMaskingReport', () => {
  it('flags nothing on a plain linear model', async () => {
    const report = await gradientMaskingReport(lin.f, { x, y: ys }, { eps: 0.05, seed: 2 });
    expect(report.cleanAccuracy).toBe(1);
    expect(report.pgdSuccessRate).toBeGreaterThan(0.2);
    expect(report.unboundedSuccessRate).toBe(1);
    for (const [name, check] of Object.entries(report.checks))
      expect([name, check.flagged]).toEqual([name, false]);
    expect(report.suspicious).toBe(false);
  });

  it('flags a saturated-softmax model: zero gradients, black-box beats white-box, unbounded attack fails', async () => {
    const report = await gradientMaskingReport(saturated, { x, y: ys }, { eps: 0.05, seed: 3 });
    expect(report.gradients.zeroFraction).toBeGreaterThan(0.5);
    expect(report.checks.brokenGradients.flagged).toBe(true);
    expect(report.checks.blackBoxBeatsWhiteBox.flagged).toBe(true);
    expect(report.checks.unboundedBelowFull.flagged).toBe(true);
    expect(report.suspicious).toBe(true);
    // The same decision function, so the black-box attack does as well as on the plain model.
    const plain = await spsa(lin.f, x, ys, {
      eps: 0.05,
      steps: 20,
      samples: 32,
      learningRate: 0.0125,
      seed: 3,
    });
    expect(report.spsaSuccessRate).toBeCloseTo(plain.successRate, 5);
    plain.adversarial.dispose();
  });

  it('flags success that does not grow with the budget on a quantised model', async () => {
    const defended = (t: tf.Tensor) => lin.f(quantise(t));
    const report = await gradientMaskingReport(defended, { x, y: ys }, { eps: 0.02, seed: 5 });
    expect(report.checks.noGrowthWithBudget.flagged).toBe(true);
    expect(report.checks.brokenGradients.flagged).toBe(true);
    expect(report.gradients.zeroFraction).toBe(1);
  });

  it('flags NaN gradients and a transfer attack that beats white-box', async () => {
    // sqrt(x - x) has an infinite derivative at 0: the forward pass is unchanged, gradients are NaN.
    const nanModel = (t: tf.Tensor) => tf.tidy(() => lin.f(tf.add(t, tf.sqrt(tf.sub(t, t)))));
    const report = await gradientMaskingReport(
      nanModel,
      { x, y: ys },
      { eps: 0.05, seed: 4, surrogate: lin.f },
    );
    expect(report.gradients.nonFiniteFraction).toBe(1);
    expect(report.transferSuccessRate).toBeGreaterThan(0.2);
    expect(report.checks.blackBoxBeatsWhiteBox.flagged).toBe(true);
    expect(report.checks.brokenGradients.flagged).toBe(true);
  });

  it('leaks no tensors and checks its input', async () => {
    await expectNoLeaks(() =>
      gradientMaskingReport(lin.f, { x, y: ys }, { eps: 0.05, steps: 2, spsa: { steps: 2, samples: 2 } }),
    );
    await expect(gradientMaskingReport(lin.f, { x, y: ys.map((v) => (v + 1) % 3) })).rejects.toMatchObject({
      code: 'INVALID_DATA',
    });
  });
});

describe('bpda', () => {
  it('restores gradient attacks on a quantised (zero-gradient) defence', async () => {
    const defended = (t: tf.Tensor) => lin.f(quantise(t));
    const withBpda = (t: tf.Tensor) => lin.f(bpda(quantise)(t));
    const eps = 0.15;
    const blocked = await fgsm(defended, x, ys, { eps });
    const opened = await pgd(withBpda, x, ys, { eps, steps: 20, seed: 5 });
    // The forward pass is identical, so predictions of the same inputs agree.
    const same = tf.tidy(() => tf.sub(defended(x), withBpda(x)).abs().max().dataSync()[0]);
    expect(same).toBe(0);
    // Without BPDA the gradient is exactly zero: FGSM does not move any input.
    expect(Array.from(blocked.norms)).toEqual(new Array(n).fill(0));
    expect(opened.successRate).toBeGreaterThan(blocked.successRate + 0.3);
    blocked.adversarial.dispose();
    opened.adversarial.dispose();
  });

  it('uses the given approximation on the backward pass', () => {
    const cube = (t: tf.Tensor) => tf.pow(t, 3);
    const g = tf.grad((t: tf.Tensor) => tf.sum(bpda(tf.round, (z) => tf.mul(z, 5))(t)))(
      tf.tensor1d([0.2, 0.7]),
    );
    expect(Array.from(g.dataSync())).toEqual([5, 5]);
    const h = tf.grad((t: tf.Tensor) => tf.sum(bpda(tf.round, cube)(t)))(tf.tensor1d([1, 2]));
    expect(Array.from(h.dataSync())).toEqual([3, 12]);
    expect(() => bpda((t) => tf.sum(t))(tf.ones([2]))).toThrow(/keep the shape/);
    // The forward value is exactly forward(x), whatever the approximation.
    expect(Array.from(bpda(tf.round, cube)(tf.tensor1d([0.4, 1.6])).dataSync())).toEqual([0, 2]);
    // Forward and backward through both forms leave no tensors behind.
    return expectNoLeaks(() => {
      const z = tf.tensor1d([0.3, 1.7]);
      tf.grad((t: tf.Tensor) => tf.sum(bpda(tf.round)(t)))(z).dispose();
      tf.grad((t: tf.Tensor) => tf.sum(bpda(tf.round, cube)(t)))(z).dispose();
      z.dispose();
    });
  });
});

describe('eot', () => {
  it('on a deterministic model equals log-softmax of its logits (same predictions and loss)', () => {
    const out = tf.tidy(
      () =>
        tf
          .sub(eot(lin.f, { samples: 3 })(x), tf.logSoftmax(lin.f(x)))
          .abs()
          .max()
          .dataSync()[0],
    );
    expect(out).toBeLessThan(1e-5);
  });

  it('is the Monte-Carlo average of the softmax over the randomness, reproducible by seed', () => {
    const randomised = (t: tf.Tensor, rng: Rng) =>
      tf.tidy(() => lin.f(tf.add(t, tf.tensor(rng.normalArray(t.size, 0, 0.3), t.shape))));
    const a = tf.tidy(() => eot(randomised, { samples: 4, seed: 6 })(x).dataSync());
    const b = tf.tidy(() => eot(randomised, { samples: 4, seed: 6 })(x).dataSync());
    expect(Array.from(a)).toEqual(Array.from(b));
    // Independent computation with the same draws: log of the mean of the four softmax vectors.
    const rng = createRng(6);
    const probs = new Float64Array(n * k);
    const xs = x.dataSync();
    for (let s = 0; s < 4; s++) {
      const noise = rng.normalArray(n * d, 0, 0.3);
      for (let i = 0; i < n; i++) {
        const z = linearLogits(
          lin,
          Array.from({ length: d }, (_, j) =>
            Math.fround((xs[i * d + j] as number) + (noise[i * d + j] as number)),
          ),
        );
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const sum = e.reduce((p, q) => p + q, 0);
        for (let c = 0; c < k; c++)
          probs[i * k + c] = (probs[i * k + c] as number) + (e[c] as number) / sum / 4;
      }
    }
    for (let i = 0; i < n * k; i++)
      expect(Math.abs((a[i] as number) - Math.log(probs[i] as number))).toBeLessThan(1e-4);
  });

  it('EOT-PGD beats single-draw PGD against a randomised defence', async () => {
    // Random sign flips of the input: each draw's gradient points in a random direction per entry,
    // the expectation keeps a bias towards the true one.
    const flips = (t: tf.Tensor, rng: Rng) => {
      const s = Float32Array.from({ length: t.size }, () => (rng.random() < 0.65 ? 1 : -1));
      return tf.tidy(() => lin.f(tf.add(0.5, tf.mul(tf.sub(t, 0.5), tf.tensor(s, t.shape)))));
    };
    const judge = eot(flips, { samples: 200, seed: 100 });
    const labels = tf.tidy(() => tf.argMax(judge(x), 1));
    const eps = 0.1;
    const single = await pgd(eot(flips, { samples: 1, seed: 7 }), x, labels, { eps, steps: 10, seed: 7 });
    const averaged = await pgd(eot(flips, { samples: 16, seed: 7 }), x, labels, { eps, steps: 10, seed: 7 });
    const judged = (adv: tf.Tensor) =>
      tf.tidy(
        () =>
          tf
            .notEqual(tf.argMax(judge(adv), 1), labels)
            .sum()
            .dataSync()[0] as number,
      ) / n;
    expect(judged(averaged.adversarial)).toBeGreaterThan(judged(single.adversarial) + 0.1);
    single.adversarial.dispose();
    averaged.adversarial.dispose();
    labels.dispose();
  });
});
