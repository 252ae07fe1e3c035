import { createRng, mlp, type ParamModel } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasserstein1d } from '../ot/wasserstein1d.js';
import { gan } from './gan.js';

const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** A generator that ignores z and outputs its single parameter theta: the "Dirac GAN" of Mescheder et al. (2018). */
const diracGenerator: ParamModel = {
  numParams: 1,
  inputShape: [1],
  outputSize: 1,
  init: () => tf.tensor1d([1]),
  apply: (w, z) => tf.add(tf.mul(z, 0), tf.reshape(w, [1, 1])) as tf.Tensor2D,
};

/** D(x) = psi x. */
const linearCritic: ParamModel = {
  numParams: 1,
  inputShape: [1],
  outputSize: 1,
  init: () => tf.tensor1d([0.5]),
  apply: (w, x) => tf.matMul(x as tf.Tensor2D, tf.reshape(w, [1, 1])) as tf.Tensor2D,
};

describe('gan', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('computes the minimax, non-saturating and Wasserstein losses (closed forms for a constant discriminator)', async () => {
    const b = 0.7;
    for (const loss of ['minimax', 'non-saturating', 'wasserstein'] as const) {
      const model = gan({ generator: mlp({ sizes: [2, 3] }), discriminator: mlp({ sizes: [3, 1] }), loss });
      const dw = tf.tensor1d([0, 0, 0, b]); // zero weights, bias b: D(x) = b
      model.discriminatorParams.assign(dw);
      dw.dispose();
      const real = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
      const z = tf.randomNormal([5, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
      const [dl, gl] = await expectNoLeaks(() => {
        const fake = model.sample(5, { seed: 0 });
        const d = model.discriminatorLoss(real, fake);
        const g = model.generatorLoss(z);
        const out = [d.dataSync()[0]!, g.dataSync()[0]!];
        tf.dispose([fake, d, g]);
        return out;
      });
      const expectedD = loss === 'wasserstein' ? 0 : softplus(-b) + softplus(b);
      const expectedG = loss === 'wasserstein' ? -b : loss === 'minimax' ? -softplus(b) : softplus(-b);
      expect(dl).toBeCloseTo(expectedD, 5);
      expect(gl).toBeCloseTo(expectedG, 5);
      tf.dispose([real, z]);
      model.dispose();
    }
  });

  it('on the Dirac GAN (a bilinear game) simultaneous GDA spirals out by sqrt(1 + eta^2) per step, extragradient and OGDA converge', async () => {
    // Real data at 0, G = theta, D(x) = psi x, Wasserstein loss: L_D = psi theta = -L_G.
    const eta = 0.2;
    const real = tf.zeros([8, 1]);
    const run = async (method: 'gda' | 'ogda' | 'extragradient', steps: number): Promise<number> => {
      const model = gan({
        generator: diracGenerator,
        discriminator: linearCritic,
        loss: 'wasserstein',
      });
      const start = Math.hypot(
        model.generatorParams.dataSync()[0]!,
        model.discriminatorParams.dataSync()[0]!,
      );
      await model.fit(real, {
        steps,
        method,
        updates: 'simultaneous',
        preconditioner: 'none',
        learningRate: eta,
        seed: 0,
      });
      const end = Math.hypot(model.generatorParams.dataSync()[0]!, model.discriminatorParams.dataSync()[0]!);
      model.dispose();
      return end / start;
    };
    const gda = await run('gda', 20);
    expect(gda).toBeGreaterThan(1.4);
    expect(Math.abs(gda / Math.sqrt(1 + eta * eta) ** 20 - 1)).toBeLessThan(1e-4);
    const eg = await run('extragradient', 20);
    expect(Math.abs(eg / Math.sqrt(1 - eta ** 2 + eta ** 4) ** 20 - 1)).toBeLessThan(1e-4);
    const ogda = await expectNoLeaks(() => run('ogda', 100)); // rate sqrt((1 + sqrt(1 - 4 eta^2)) / 2) = 0.979
    expect(ogda).toBeLessThan(0.3);
    real.dispose();
  });

  it('training moves the generator onto a shifted 1-D Gaussian (W1 to the data falls), non-saturating and WGAN-GP', async () => {
    const rng = createRng(0);
    const data = tf.tensor2d(rng.normalArray(512, 3, 0.5), [512, 1]);
    const make = (loss: 'non-saturating' | 'wasserstein', gp: number) =>
      gan({
        generator: mlp({ sizes: [1, 1], activation: 'linear' }),
        discriminator: mlp({ sizes: [1, 8, 1], activation: 'tanh' }),
        loss,
        gradientPenalty: gp,
        seed: 1,
      });
    const w1 = (model: ReturnType<typeof gan>): number => {
      const s = model.sample(1000, { seed: 9 });
      const v = wasserstein1d(s.dataSync(), data.dataSync());
      s.dispose();
      return v;
    };
    const ns = make('non-saturating', 0);
    const before = w1(ns);
    const res = await expectNoLeaks(() =>
      ns.fit(data, { steps: 80, batchSize: 64, learningRate: 0.1, seed: 2, progressEvery: 40 }),
    );
    expect(res.steps).toBe(80);
    expect(res.history.map((h) => h.step)).toEqual([40, 80]);
    expect(before).toBeGreaterThan(2);
    expect(w1(ns)).toBeLessThan(0.6);
    ns.dispose();
    // WGAN-GP (lambda = 10, 3 critic steps per generator step): the double-backprop path inside fit.
    const wgan = make('wasserstein', 10);
    const start = w1(wgan);
    await expectNoLeaks(() =>
      wgan.fit(data, { steps: 40, nCritic: 3, learningRate: 0.05, discriminatorLearningRate: 0.1, seed: 2 }),
    );
    expect(w1(wgan)).toBeLessThan(start - 0.8);
    wgan.dispose();
    data.dispose();
  });

  it('weight clipping keeps every critic parameter in [-c, c]; abort stops training', async () => {
    const model = gan({
      generator: mlp({ sizes: [2, 2] }),
      discriminator: mlp({ sizes: [2, 4, 1] }),
      loss: 'wasserstein',
      weightClip: 0.01,
    });
    const data = tf.randomNormal([32, 2], 1, 1, 'float32', 3);
    await model.fit(data, { steps: 3, nCritic: 2 });
    const w = model.discriminatorParams.dataSync();
    expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(0.01 + 1e-9);
    const controller = new AbortController();
    controller.abort();
    const res = await model.fit(data, { steps: 10, signal: controller.signal });
    expect(res.aborted).toBe(true);
    expect(res.steps).toBe(0);
    data.dispose();
    model.dispose();
  });

  it('rejects networks that do not fit and unsupported option combinations', async () => {
    expect(() => gan({ generator: mlp({ sizes: [2, 3] }), discriminator: mlp({ sizes: [2, 1] }) })).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE', param: 'generator' }),
    );
    expect(() => gan({ generator: mlp({ sizes: [2, 2] }), discriminator: mlp({ sizes: [2, 2] }) })).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE', param: 'discriminator' }),
    );
    const model = gan({ generator: mlp({ sizes: [2, 2] }), discriminator: mlp({ sizes: [2, 1] }) });
    const data = tf.zeros([4, 2]);
    await expect(model.fit(data, { method: 'extragradient' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(model.fit(data, { updates: 'simultaneous', nCritic: 5 })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
    await expect(model.fit(tf.zeros([4, 3]))).rejects.toMatchObject({ code: 'INVALID_SHAPE' });
    data.dispose();
    model.dispose();
  });
});
