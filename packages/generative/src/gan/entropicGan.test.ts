import { createRng, DlfError, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { entropicGan } from './entropicGan.js';
import { gaussianMixture2d } from './gaussianMixture2d.js';

const LAMBDA = 0.5;

/** An entropic GAN whose generator is the identity map of R^2 (a one-layer linear mlp with W = I, b = 0). */
function identityGan(lambda = LAMBDA) {
  const model = entropicGan({ generator: mlp({ sizes: [2, 2] }), lambda });
  model.generatorParams.assign(tf.tensor1d([1, 0, 0, 1, 0, 0]));
  return model;
}

/** log N(y; 0, s2 I) in 2-D. */
const logNormal2 = (y: number[], s2: number) =>
  -Math.log(2 * Math.PI * s2) - ((y[0] as number) ** 2 + (y[1] as number) ** 2) / (2 * s2);

/** Pearson correlation of the ranks (no ties in continuous data). */
function spearman(a: number[], b: number[]): number {
  const rank = (v: number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (const [k, [, i]] of order.entries()) r[i] = k;
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

describe('entropicGan', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  const queries = [
    [0, 0],
    [0.5, -0.3],
    [1, 1],
    [-1.5, 0.5],
    [2, -2],
  ];

  it("logLikelihood estimates the model's density: identity G gives N(0, (1 + lambda/2) I)", () => {
    const model = identityGan();
    const got = model.logLikelihood(queries, { samples: 20000, seed: 1 });
    for (const [i, y] of queries.entries()) {
      expect(got[i]).toBeCloseTo(logNormal2(y as number[], 1 + LAMBDA / 2), 1);
    }
    model.dispose();
  });

  it('the surrogate lower-bounds the likelihood (same draws), and is tight when the data follow the model', () => {
    const model = identityGan();
    // Data drawn from the model itself, Y = X + N(0, lambda/2 I): the entropic coupling between the
    // data and G(X) is then the model's joint law, so P*(x|y) is the exact posterior and the
    // surrogate equals log f_Y(y) up to sampling error.
    const rng = createRng(13);
    const s = Math.sqrt(1 + LAMBDA / 2);
    const matched = Array.from({ length: 300 }, () => [s * rng.normal(), s * rng.normal()]);
    const opts = { samples: 300, seed: 3 };
    const ll = model.logLikelihood(queries, opts);
    const tight = model.surrogateLogLikelihood(queries, { ...opts, reference: matched });
    // A reference shifted by 3 along x: the coupling is no longer the model's joint law.
    const shifted = matched.map(([a, b]) => [(a as number) + 3, b as number]);
    const loose = model.surrogateLogLikelihood(queries, { ...opts, reference: shifted });
    let tightGap = 0;
    for (const [i, y] of queries.entries()) {
      expect(tight[i]).toBeLessThanOrEqual((ll[i] as number) + 1e-9);
      expect(loose[i]).toBeLessThanOrEqual((ll[i] as number) + 1e-9);
      expect(Math.abs((tight[i] as number) - logNormal2(y as number[], 1 + LAMBDA / 2))).toBeLessThan(0.5);
      expect((ll[i] as number) - (loose[i] as number)).toBeGreaterThan(3);
      tightGap += ((ll[i] as number) - (tight[i] as number)) / queries.length;
    }
    expect(tightGap).toBeLessThan(0.3);
    model.dispose();
  });

  it('trains an affine generator onto a Gaussian; the objective falls; surrogates rank points like the true density', async () => {
    const rng = createRng(1);
    const data = Array.from({ length: 500 }, () => [1 + 0.5 * rng.normal(), -1 + 0.5 * rng.normal()]);
    const model = entropicGan({ generator: mlp({ sizes: [2, 2] }), lambda: 0.1, seed: 2 });
    const result = await model.fit(data, { steps: 80, batchSize: 64, learningRate: 0.02, seed: 4 });
    expect(result.aborted).toBe(false);
    const early = result.history.slice(0, 5).reduce((t, h) => t + h.objective, 0) / 5;
    const late = result.history.slice(-10).reduce((t, h) => t + h.objective, 0) / 10;
    expect(late).toBeLessThan(0.25 * early);
    const samples = model.sample(2000, { seed: 5 });
    const mean = tf.mean(samples, 0).arraySync() as number[];
    const std = tf.sqrt(tf.moments(samples, 0).variance).arraySync() as number[];
    expect(mean[0]).toBeCloseTo(1, 1);
    expect(mean[1]).toBeCloseTo(-1, 1);
    // The entropic objective fits the model Y = G(X) + N(0, lambda/2 I) (the lower bound it maximises
    // is tight there), so G's spread is the data's minus the model noise: sqrt(0.5^2 - lambda/2).
    for (const v of std) expect(Math.abs(v - Math.sqrt(0.25 - 0.05))).toBeLessThan(0.1);
    samples.dispose();
    const test = Array.from({ length: 30 }, () => [rng.uniform(-1, 3), rng.uniform(-3, 1)]);
    const truth = test.map(([a, b]) => -(((a as number) - 1) ** 2 + ((b as number) + 1) ** 2));
    const surrogate = model.surrogateLogLikelihood(test, { samples: 300, seed: 6 });
    expect(spearman(surrogate, truth)).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('is reproducible by seed, stops on an aborted signal and leaks no tensors', async () => {
    const data = gaussianMixture2d({ modes: 2, std: 0.2 }).sample(64, 1);
    const run = async () => {
      const model = entropicGan({ generator: mlp({ sizes: [2, 8, 2], activation: 'relu' }), seed: 1 });
      await model.fit(data, { steps: 3, batchSize: 16, seed: 2 });
      const w = Array.from(model.generatorParams.dataSync());
      model.dispose();
      return w;
    };
    expect(await run()).toEqual(await run());
    const model = entropicGan({ generator: mlp({ sizes: [2, 8, 2], activation: 'relu' }) });
    await expectNoLeaks(async () => {
      await model.fit(data, { steps: 2, batchSize: 16 });
      model.surrogateLogLikelihood([[0, 0]], { samples: 50 });
      model.logLikelihood([[0, 0]], { samples: 50 });
      tf.dispose(model.sample(4));
    });
    const ac = new AbortController();
    ac.abort();
    expect((await model.fit(data, { signal: ac.signal })).aborted).toBe(true);
    model.dispose();
  });

  it('rejects bad input with DlfError naming the parameter', async () => {
    const err = async (fn: () => unknown) => {
      try {
        await fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(await err(() => entropicGan({ generator: mlp({ sizes: [2, 2] }), lambda: 0 }))).toMatchObject({
      param: 'lambda',
    });
    const model = entropicGan({ generator: mlp({ sizes: [2, 2] }) });
    expect(await err(() => model.surrogateLogLikelihood([[0, 0]]))).toMatchObject({ param: 'reference' });
    expect(await err(() => model.fit([[0, 0, 0]]))).toMatchObject({ code: 'INVALID_SHAPE', param: 'data' });
    expect(await err(() => model.logLikelihood([[0, Number.NaN]]))).toBeInstanceOf(DlfError);
    model.dispose();
  });
});
