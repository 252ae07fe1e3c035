import { createRng, DlfError, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchicalVae } from './hierarchicalVae.js';

// A linear-Gaussian two-level model with scalar latents and 2-D data:
// z2 ~ N(0, 1), z1 | z2 ~ N(A z2 + a, s1^2), x | z1 ~ N(B z1 + b, s^2 I).
// Its marginal is Gaussian and both posteriors are Gaussian in closed form.
const A = 1.5;
const a = 0.3;
const S1 = 0.6;
const B = [2, -1];
const b = [0.5, -0.2];
const S = 0.5;
const V1 = A * A + S1 * S1; // Var(z1)
const POST1 = 1 / (1 / V1 + (B[0]! ** 2 + B[1]! ** 2) / S ** 2); // Var(z1 | x)
const POST2 = 1 / (1 + (A * A) / S1 ** 2); // Var(z2 | z1)

/** log N(x; B a + b, V1 B B^T + s^2 I), exact. */
function exactLogMarginal(x: number[]): number {
  const c00 = V1 * B[0]! * B[0]! + S * S;
  const c11 = V1 * B[1]! * B[1]! + S * S;
  const c01 = V1 * B[0]! * B[1]!;
  const det = c00 * c11 - c01 * c01;
  const r0 = x[0]! - (B[0]! * a + b[0]!);
  const r1 = x[1]! - (B[1]! * a + b[1]!);
  const quad = (c11 * r0 * r0 - 2 * c01 * r0 * r1 + c00 * r1 * r1) / det;
  return -0.5 * (2 * Math.log(2 * Math.PI) + Math.log(det) + quad);
}

/** The model above with the exact posteriors as q's (encoder1's mean shifted by `offset`). */
function linearModel(offset = 0) {
  const model = hierarchicalVae({
    encoder1: mlp({ sizes: [2, 2] }),
    encoder2: mlp({ sizes: [1, 2] }),
    prior1: mlp({ sizes: [1, 2] }),
    decoder: mlp({ sizes: [1, 2] }),
    latentDims: [1, 1],
    likelihood: 'gaussian',
    observationStd: S,
  });
  const [w1, w2, wp, wd] = model.params as tf.Variable[];
  // q(z1|x) mean = POST1 (a / V1 + B.(x - b) / s^2); mlp layout: [W (in x out) row-major, bias].
  const g = B.map((bi) => (POST1 * bi) / S ** 2);
  const c1 = POST1 * (a / V1 - (B[0]! * b[0]! + B[1]! * b[1]!) / S ** 2) + offset;
  w1!.assign(tf.tensor1d([g[0]!, 0, g[1]!, 0, c1, Math.log(POST1)]));
  // q(z2|z1) mean = POST2 A (z1 - a) / s1^2.
  const g2 = (POST2 * A) / S1 ** 2;
  w2!.assign(tf.tensor1d([g2, 0, -g2 * a, Math.log(POST2)]));
  wp!.assign(tf.tensor1d([A, 0, a, Math.log(S1 * S1)]));
  wd!.assign(tf.tensor1d([B[0]!, B[1]!, b[0]!, b[1]!]));
  return model;
}

const X = [
  [0.4, 0.1],
  [3, -1.5],
  [-2, 1.2],
  [1, 1],
];

describe('hierarchicalVae', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('with the exact posteriors as q, the ELBO equals log p(x) and every importance weight is p(x)', () => {
    const model = linearModel();
    const x = tf.tensor2d(X);
    // The ELBO uses the analytic top-layer KL, so single draws vary; its mean is exact.
    const { perExample, kl2 } = model.elbo(x, { samples: 4000, seed: 1 });
    for (const [i, row] of X.entries())
      expect(Math.abs((perExample[i] as number) - exactLogMarginal(row))).toBeLessThan(0.02);
    // log p(x, z) - log q(z | x) = log p(x) for every draw: IWAE with one draw is already exact.
    for (const seed of [2, 3]) {
      const iw = model.logLikelihood(x, { samples: 1, seed });
      for (const [i, row] of X.entries()) expect(iw[i]).toBeCloseTo(exactLogMarginal(row), 3);
    }
    expect(kl2).toBeGreaterThan(0);
    x.dispose();
    model.dispose();
  });

  it('with a shifted q1 the ELBO drops below log p(x) and IWAE climbs back towards it as K grows', () => {
    const shift = 0.15;
    const model = linearModel(shift);
    const x = tf.tensor2d(X);
    const elbo = model.elbo(x, { samples: 4000, seed: 3 }).perExample;
    const iw10 = model.logLikelihood(x, { samples: 10, seed: 4 });
    const iw2000 = model.logLikelihood(x, { samples: 2000, seed: 5 });
    for (const [i, row] of X.entries()) {
      const exact = exactLogMarginal(row);
      // The gap is KL(q || p(z | x)) = shift^2 / (2 Var(z1 | x)) (q2 is exact given z1).
      expect(exact - (elbo[i] as number)).toBeCloseTo(shift ** 2 / (2 * POST1), 1);
      expect(iw10[i]).toBeGreaterThan(elbo[i] as number);
      expect(Math.abs((iw2000[i] as number) - exact)).toBeLessThan(
        Math.abs((iw10[i] as number) - exact) + 1e-3,
      );
      expect(Math.abs((iw2000[i] as number) - exact)).toBeLessThan(0.02);
    }
    x.dispose();
    model.dispose();
  });

  it('trains on binary patterns: the ELBO rises, samples and reconstructions have the data shape, both layers are used', async () => {
    const rng = createRng(3);
    const protos = Array.from({ length: 4 }, () =>
      Array.from({ length: 10 }, () => (rng.uniform() < 0.5 ? 0 : 1)),
    );
    const x = tf.tensor2d(Array.from({ length: 64 }, (_, i) => protos[i % 4] as number[]));
    const model = hierarchicalVae({
      encoder1: mlp({ sizes: [10, 16, 2 * 4], activation: 'relu' }),
      encoder2: mlp({ sizes: [4, 8, 2 * 2], activation: 'relu' }),
      prior1: mlp({ sizes: [2, 8, 2 * 4], activation: 'relu' }),
      decoder: mlp({ sizes: [4, 16, 10], activation: 'relu' }),
      latentDims: [4, 2],
      seed: 1,
    });
    const { history } = await model.fit(x, { epochs: 25, batchSize: 16, learningRate: 0.01, seed: 2 });
    expect(history.at(-1)!.elbo).toBeGreaterThan(history[0]!.elbo + 2);
    const iw = model.logLikelihood(x, { samples: 50, seed: 3 });
    const elbo = model.elbo(x, { samples: 50, seed: 3 }).perExample;
    for (let i = 0; i < 64; i++) expect(iw[i]).toBeGreaterThanOrEqual((elbo[i] as number) - 0.5);
    const d = model.diagnostics(x);
    expect(d.activeUnits[0]).toBeGreaterThanOrEqual(1);
    expect(d.activity[1]).toHaveLength(2);
    const s = model.sample(5, { seed: 4 });
    const r = model.reconstruct(x);
    expect(s.shape).toEqual([5, 10]);
    expect(r.shape).toEqual([64, 10]);
    expect(tf.min(s).dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose([s, r, x]);
    model.dispose();
  });

  it('is reproducible by seed and leaks no tensors', async () => {
    const x = tf.tensor2d([
      [0, 1, 1],
      [1, 0, 1],
    ]);
    const make = () =>
      hierarchicalVae({
        encoder1: mlp({ sizes: [3, 4] }),
        encoder2: mlp({ sizes: [2, 2] }),
        prior1: mlp({ sizes: [1, 4] }),
        decoder: mlp({ sizes: [2, 3] }),
        latentDims: [2, 1],
        seed: 3,
      });
    const run = async () => {
      const model = make();
      await model.fit(x, { epochs: 2, batchSize: 1, seed: 1 });
      const out = model.elbo(x, { seed: 2 }).elbo;
      model.dispose();
      return out;
    };
    expect(await run()).toBe(await run());
    const model = make();
    await expectNoLeaks(async () => {
      await model.fit(x, { epochs: 1 });
      model.elbo(x);
      model.logLikelihood(x, { samples: 3 });
      model.diagnostics(x);
      tf.dispose([model.loss(x), model.sample(2), model.reconstruct(x)]);
    });
    model.dispose();
    x.dispose();
  });

  it('rejects mismatched networks and inputs with DlfError naming the parameter', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const base = {
      encoder1: mlp({ sizes: [3, 4] }),
      encoder2: mlp({ sizes: [2, 2] }),
      prior1: mlp({ sizes: [1, 4] }),
      decoder: mlp({ sizes: [2, 3] }),
      latentDims: [2, 1] as [number, number],
    };
    expect(err(() => hierarchicalVae({ ...base, prior1: mlp({ sizes: [2, 4] }) }))).toMatchObject({
      code: 'INVALID_SHAPE',
      param: 'prior1',
    });
    expect(err(() => hierarchicalVae({ ...base, decoder: mlp({ sizes: [2, 5] }) }))).toMatchObject({
      param: 'decoder',
    });
    expect(err(() => hierarchicalVae({ ...base, latentDims: [2, 0] }))).toMatchObject({
      param: 'latentDims[1]',
    });
    const model = hierarchicalVae(base);
    const bad = tf.zeros([2, 4]);
    expect(err(() => model.elbo(bad))).toBeInstanceOf(DlfError);
    bad.dispose();
    model.dispose();
  });
});
