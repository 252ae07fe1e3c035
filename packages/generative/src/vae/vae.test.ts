import { createRng, DlfError, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { symmetricEigen } from '../metrics/symmetricEigen.js';
import { gaussianKl, vae } from './vae.js';

// A linear-Gaussian model p(z) = N(0, I_k), p(x|z) = N(W z + b, s^2 I_D), whose marginal is exact:
// p(x) = N(b, W W^T + s^2 I). With W's columns orthogonal the true posterior is diagonal:
// Sigma_post = diag(1 / (1 + |w_j|^2 / s^2)), mu_post = Sigma_post W^T (x - b) / s^2.
const D = 3;
const K = 2;
const S = 0.5;
const B = [0.5, -1, 0.3];
let W: number[][]; // D x K

function orthogonalColumns(): number[][] {
  const rng = createRng(3);
  const sym = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j <= i; j++) sym[i * D + j] = sym[j * D + i] = rng.normal();
  const Q = symmetricEigen(sym, D).vectors;
  const scales = [2, 1];
  return Array.from({ length: D }, (_, i) =>
    Array.from({ length: K }, (__, j) => Q[i * D + j]! * scales[j]!),
  );
}

/** log N(x; b, W W^T + s^2 I) by Cholesky, float64. */
function exactLogMarginal(x: number[], w: number[][]): number {
  const C = Array.from({ length: D }, (_, i) =>
    Array.from(
      { length: D },
      (__, j) => w[i]!.reduce((s, wik, k) => s + wik * w[j]![k]!, 0) + (i === j ? S * S : 0),
    ),
  );
  const L = C.map(() => new Array<number>(D).fill(0));
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = C[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = i === j ? Math.sqrt(s) : s / L[j]![j]!;
    }
  }
  const r = x.map((xi, i) => xi - B[i]!);
  const y = new Array<number>(D).fill(0);
  for (let i = 0; i < D; i++) {
    let s = r[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
    y[i] = s / L[i]![i]!;
  }
  const logDet = 2 * L.reduce((s, row, i) => s + Math.log(row[i]!), 0);
  return -0.5 * (D * Math.log(2 * Math.PI) + logDet + y.reduce((s, v) => s + v * v, 0));
}

/** Flat mlp parameters [W (fanIn x fanOut, row-major), b] of a linear layer h -> h M + c. */
function linearParams(M: number[][], c: number[]): tf.Tensor1D {
  return tf.tensor1d([...M.flat(), ...c]);
}

/** Sets a linear VAE to the model (W, B, S) and an encoder (mean map A x + a, log-variances lv). */
function setLinear(
  model: ReturnType<typeof vae>,
  w: number[][],
  encMeanScale = 1,
  lvShift = 0,
): { lv: number[] } {
  const postVar = Array.from(
    { length: K },
    (_, j) => 1 / (1 + w.reduce((s, row) => s + row[j]! ** 2, 0) / (S * S)),
  );
  // mean_j(x) = postVar_j sum_i W_ij (x_i - b_i) / s^2: weights [D, K], bias [K]
  const meanW = w.map((row) => row.map((wij, j) => (encMeanScale * (postVar[j]! * wij)) / (S * S)));
  const meanB = Array.from({ length: K }, (_, j) => -B.reduce((s, bi, i) => s + bi * meanW[i]![j]!, 0));
  const lv = postVar.map((v) => Math.log(v) + lvShift);
  const encW = meanW.map((row) => [...row, ...new Array<number>(K).fill(0)]);
  const enc = linearParams(encW, [...meanB, ...lv]);
  const dec = linearParams(
    Array.from({ length: K }, (_, j) => w.map((row) => row[j]!)),
    B,
  );
  model.encoderParams.assign(enc);
  model.decoderParams.assign(dec);
  tf.dispose([enc, dec]);
  return { lv };
}

function linearVae(): ReturnType<typeof vae> {
  return vae({
    encoder: mlp({ sizes: [D, 2 * K], activation: 'linear' }),
    decoder: mlp({ sizes: [K, D], activation: 'linear' }),
    latentDim: K,
    likelihood: 'gaussian',
    observationStd: S,
  });
}

function samplesFromModel(n: number, seed: number, w: number[][]): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const z = [rng.normal(), rng.normal()];
    return B.map((b, i) => b + w[i]!.reduce((s, wij, j) => s + wij * z[j]!, 0) + S * rng.normal());
  });
}

describe('vae', () => {
  beforeAll(async () => {
    await setupTestBackend();
    W = orthogonalColumns();
  });

  it('with the exact posterior, ELBO = log p(x) and the importance-weighted bound is exact with one sample', async () => {
    const model = linearVae();
    setLinear(model, W);
    const xs = samplesFromModel(5, 1, W);
    const x = tf.tensor2d(xs);
    const exact = xs.map((xi) => exactLogMarginal(xi, W));
    // log p(x, z) - log q(z|x) = log p(x) for every z: zero variance.
    const iw = await expectNoLeaks(() => model.logLikelihood(x, { samples: 1, seed: 0 }));
    expect(Math.max(...iw.map((v, i) => Math.abs(v - exact[i]!)))).toBeLessThan(1e-4);
    const { perExample } = await expectNoLeaks(() => model.elbo(x, { samples: 20000, seed: 1 }));
    expect(Math.max(...perExample.map((v, i) => Math.abs(v - exact[i]!)))).toBeLessThan(0.03);
    x.dispose();
    model.dispose();
  });

  it('with another encoder, log p(x) - ELBO = KL(q || posterior), and E[IWAE_K] rises from the ELBO to log p(x)', () => {
    const model = linearVae();
    setLinear(model, W, 0.7, 0.5); // shrunk means, inflated variances
    const xs = samplesFromModel(4, 2, W);
    const x = tf.tensor2d(xs);
    const { mean, logVar } = model.encode(x);
    const m = mean.arraySync();
    const lv = logVar.arraySync();
    tf.dispose([mean, logVar]);
    // The exact posterior, for the closed-form gap.
    const postVar = Array.from(
      { length: K },
      (_, j) => 1 / (1 + W.reduce((s, row) => s + row[j]! ** 2, 0) / (S * S)),
    );
    const postMean = (xi: number[]): number[] =>
      Array.from(
        { length: K },
        (_, j) => (postVar[j]! * W.reduce((s, row, i) => s + row[j]! * (xi[i]! - B[i]!), 0)) / (S * S),
      );
    const results = xs.map((xi, n) => {
      const pm = postMean(xi);
      let gap = 0;
      for (let j = 0; j < K; j++) {
        const qv = Math.exp(lv[n]![j]!);
        gap += 0.5 * (Math.log(postVar[j]! / qv) + (qv + (m[n]![j]! - pm[j]!) ** 2) / postVar[j]! - 1);
      }
      const logp = exactLogMarginal(xi, W);
      // 20000 one-sample ELBO estimates of this input: their mean and its standard error.
      const rep1 = tf.tile(tf.slice(x, [n, 0], [1, D]), [20000, 1]);
      const one = model.elbo(rep1, { samples: 1, seed: 77 + n }).perExample;
      rep1.dispose();
      const mu1 = one.reduce((a, b) => a + b, 0) / one.length;
      const se = Math.sqrt(one.reduce((a, b) => a + (b - mu1) ** 2, 0) / (one.length - 1) / one.length);
      expect(gap).toBeGreaterThan(0.05);
      expect(Math.abs(logp - mu1 - gap)).toBeLessThan(4 * se);
      return { gap, elbo: mu1 };
    });
    // IWAE_K for one input, replicated R times to estimate its expectation (Burda et al. 2016):
    // ELBO = E[IWAE_1] <= E[IWAE_10] <= E[IWAE_100] <= log p(x).
    const R = 400;
    const rep = tf.tile(tf.slice(x, [0, 0], [1, D]), [R, 1]);
    const logp = exactLogMarginal(xs[0]!, W);
    const stats = [1, 10, 100].map((k, i) => {
      const v = model.logLikelihood(rep, { samples: k, seed: 10 + i });
      const mu = v.reduce((s, a) => s + a, 0) / R;
      const se = Math.sqrt(v.reduce((s, a) => s + (a - mu) ** 2, 0) / (R - 1) / R);
      return { mu, se };
    });
    const [k1, k10, k100] = stats as [(typeof stats)[0], (typeof stats)[0], (typeof stats)[0]];
    expect(Math.abs(k1.mu - results[0]!.elbo)).toBeLessThan(4 * k1.se + 0.03);
    expect(k10.mu).toBeGreaterThan(k1.mu + 4 * k1.se);
    expect(k100.mu).toBeGreaterThan(k10.mu);
    expect(k100.mu).toBeLessThan(logp + 4 * k100.se);
    expect(logp - k100.mu).toBeLessThan(results[0]!.gap / 10);
    tf.dispose([x, rep]);
    model.dispose();
  });

  it('the analytic KL equals a Monte Carlo estimate of E_q[log q(z) - log p(z)]', () => {
    const mu = [0.7, -1.2, 0];
    const lv = [-0.5, 0.8, -2];
    const klT = gaussianKl(tf.tensor2d([mu]), tf.tensor2d([lv]));
    const analytic = klT.dataSync()[0]!;
    klT.dispose();
    const rng = createRng(9);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let s = 0; s < n; s++) {
      let term = 0;
      for (let j = 0; j < 3; j++) {
        const e = rng.normal();
        const z = mu[j]! + Math.exp(0.5 * lv[j]!) * e;
        term += -0.5 * (e * e + lv[j]!) + 0.5 * z * z; // log q - log p, 2 pi terms cancel
      }
      sum += term;
      sumSq += term * term;
    }
    const est = sum / n;
    const se = Math.sqrt((sumSq / n - est * est) / n);
    expect(Math.abs(analytic - est)).toBeLessThan(4 * se);
    expect(analytic).toBeCloseTo(
      0.5 * mu.reduce((s, m, j) => s + m * m + Math.exp(lv[j]!) - 1 - lv[j]!, 0),
      5,
    );
  });

  it('the Bernoulli reconstruction term is sum x log sigmoid(l) + (1 - x) log sigmoid(-l)', () => {
    const Dd = 4;
    const model = vae({
      encoder: mlp({ sizes: [Dd, 2] }),
      decoder: mlp({ sizes: [1, Dd], activation: 'linear' }),
      latentDim: 1,
    });
    const logits = [2, -1, 0.5, -3];
    const dec = tf.tensor1d([0, 0, 0, 0, ...logits]); // zero weights: p(x|z) does not depend on z
    model.decoderParams.assign(dec);
    const xs = [
      [1, 0, 1, 1],
      [0, 0, 1, 0],
    ];
    const x = tf.tensor2d(xs);
    const res = model.elbo(x, { seed: 0 });
    const logSig = (t: number): number => -Math.log1p(Math.exp(-t));
    const expected =
      xs.reduce(
        (s, row) =>
          s + row.reduce((a, xi, i) => a + xi * logSig(logits[i]!) + (1 - xi) * logSig(-logits[i]!), 0),
        0,
      ) / xs.length;
    expect(res.reconstruction).toBeCloseTo(expected, 4);
    expect(res.elbo).toBeCloseTo(res.reconstruction - res.kl, 5);
    const probs = model.sample(2, { seed: 0 });
    expect(probs.arraySync()[0]![0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
    tf.dispose([dec, x, probs]);
    model.dispose();
  });

  it('diagnoses posterior collapse: a latent coordinate equal to the prior has KL 0 and is inactive', () => {
    const model = linearVae();
    const collapsedW = W.map((row) => [row[0]!, 0]); // the second latent does not affect x
    setLinear(model, collapsedW);
    const x = tf.tensor2d(samplesFromModel(200, 5, collapsedW));
    const diag = model.diagnostics(x);
    expect(diag.klPerDim[1]).toBeCloseTo(0, 6);
    expect(diag.activity[1]).toBeCloseTo(0, 8);
    expect(diag.klPerDim[0]).toBeGreaterThan(0.5);
    expect(diag.activeUnits).toBe(1);
    x.dispose();
    model.dispose();
  });

  it('sample, reconstruct, interpolate and loss are seeded, shaped and leak-free; interpolation ends at the reconstructions', async () => {
    const model = vae({
      encoder: mlp({ sizes: [6, 8, 4] }),
      decoder: mlp({ sizes: [2, 8, 6] }),
      latentDim: 2,
      seed: 1,
    });
    const x = tf.tensor2d(createRng(0).uniformArray(5 * 6), [5, 6]);
    await expectNoLeaks(() => {
      const a = model.sample(3, { seed: 7 });
      const b = model.sample(3, { seed: 7 });
      expect(a.shape).toEqual([3, 6]);
      expect(a.arraySync()).toEqual(b.arraySync());
      const rec = model.reconstruct(x);
      const x1 = tf.slice(x, [0, 0], [1, 6]);
      const x2 = tf.slice(x, [3, 0], [1, 6]);
      const path = model.interpolate(x1, x2, { steps: 5 });
      const p = path.arraySync();
      const r = rec.arraySync();
      expect(Math.max(...p[0]!.map((v, i) => Math.abs(v - r[0]![i]!)))).toBeLessThan(1e-5);
      expect(Math.max(...p[4]!.map((v, i) => Math.abs(v - r[3]![i]!)))).toBeLessThan(1e-5);
      const l1 = model.loss(x, { seed: 2 });
      const l2 = model.loss(x, { seed: 2 });
      expect(l1.dataSync()[0]).toBe(l2.dataSync()[0]);
      tf.dispose([a, b, rec, x1, x2, path, l1, l2]);
      model.reconstruct(x, { sample: true, seed: 1 }).dispose();
      model.diagnostics(x);
    });
    x.dispose();
    model.dispose();
  });

  it('training a linear VAE reaches the maximum likelihood of probabilistic PCA (ELBO tight at the optimum)', async () => {
    // Data from the model; with fixed s the MLE is W W^T = U_k (Lambda_k - s^2)_+ U_k^T (Tipping and
    // Bishop 1999), and its maximum log-likelihood is a closed form in the sample covariance's eigenvalues.
    const n = 256;
    const xs = samplesFromModel(n, 11, W);
    const mean = B.map((_, i) => xs.reduce((s, r) => s + r[i]!, 0) / n);
    const cov = new Float64Array(D * D);
    for (const r of xs)
      for (let i = 0; i < D; i++)
        for (let j = 0; j < D; j++) cov[i * D + j]! += ((r[i]! - mean[i]!) * (r[j]! - mean[j]!)) / n;
    const lambdas = Array.from(symmetricEigen(cov, D).values).reverse();
    const s2 = S * S;
    let maxLogLik = -0.5 * D * Math.log(2 * Math.PI);
    lambdas.forEach((l, i) => {
      const c = i < K ? Math.max(l, s2) : s2;
      maxLogLik -= 0.5 * (Math.log(c) + l / c);
    });
    const model = linearVae();
    const x = tf.tensor2d(xs);
    const before = model.elbo(x, { samples: 64, seed: 1 }).elbo;
    const { history, aborted } = await expectNoLeaks(() =>
      model.fit(x, { epochs: 200, batchSize: 256, learningRate: 0.1, seed: 0 }),
    );
    expect(aborted).toBe(false);
    expect(history).toHaveLength(200);
    const after = model.elbo(x, { samples: 256, seed: 2 }).elbo;
    expect(before).toBeLessThan(maxLogLik - 1);
    expect(after).toBeLessThan(maxLogLik + 0.02); // ELBO <= log p <= max log p (+ Monte Carlo error)
    expect(after).toBeGreaterThan(maxLogLik - 0.05);
    x.dispose();
    model.dispose();
  });

  it('fit stops on abort with the completed epochs, and bad options throw DlfError', async () => {
    const model = vae({ encoder: mlp({ sizes: [4, 2] }), decoder: mlp({ sizes: [1, 4] }), latentDim: 1 });
    const x = tf.tensor2d(createRng(1).uniformArray(64 * 4), [64, 4]);
    const controller = new AbortController();
    const res = await model.fit(x, {
      epochs: 5,
      batchSize: 16,
      signal: controller.signal,
      onProgress: ({ epoch }) => {
        if (epoch === 1) controller.abort();
      },
    });
    expect(res.aborted).toBe(true);
    expect(res.history).toHaveLength(2);
    expect(() => model.elbo(tf.zeros([2, 5]))).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() =>
      vae({ encoder: mlp({ sizes: [4, 3] }), decoder: mlp({ sizes: [1, 4] }), latentDim: 1 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE', param: 'encoder' }));
    expect(() =>
      vae({ encoder: mlp({ sizes: [4, 2] }), decoder: mlp({ sizes: [1, 5] }), latentDim: 1 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE', param: 'decoder' }));
    expect(() =>
      vae({
        encoder: mlp({ sizes: [4, 2] }),
        decoder: mlp({ sizes: [1, 4] }),
        latentDim: 1,
        likelihood: 'poisson' as 'gaussian',
      }),
    ).toThrow(DlfError);
    x.dispose();
    model.dispose();
    expect(() => model.sample(1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
