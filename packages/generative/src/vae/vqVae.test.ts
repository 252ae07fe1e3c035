import { createRng, DlfError, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VqVae, vqVae } from './vqVae.js';

const D = 12;
const CODE_DIM = 3;
const M = 2; // codes per input

/** Four binary prototypes of length D and n noisy-free copies of them (labels = prototype index). */
function patterns(n: number, seed: number): { x: tf.Tensor2D; labels: number[]; protos: number[][] } {
  const rng = createRng(seed);
  const protos = Array.from({ length: 4 }, () =>
    Array.from({ length: D }, () => (rng.uniform() < 0.5 ? 0 : 1)),
  );
  const labels = Array.from({ length: n }, (_, i) => i % 4);
  const data = labels.flatMap((l) => protos[l] as number[]);
  return { x: tf.tensor2d(data, [n, D]), labels, protos };
}

function make(seed = 0, codebookSize = 8, commitment = 0.25): VqVae {
  return vqVae({
    encoder: mlp({ sizes: [D, 16, M * CODE_DIM], activation: 'relu' }),
    decoder: mlp({ sizes: [M * CODE_DIM, 16, D], activation: 'relu' }),
    codebookSize,
    codeDim: CODE_DIM,
    commitment,
    seed,
  });
}

describe('vqVae', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });
  const made: VqVae[] = [];
  afterAll(() => {
    for (const model of made) model.dispose();
  });

  it('quantises every encoder vector to its nearest code (checked by brute force)', () => {
    const model = make(1);
    made.push(model);
    // Codes spread out so that assignments are not all the same.
    model.codebook.assign(tf.tensor2d(createRng(5).normalArray(8 * CODE_DIM), [8, CODE_DIM]));
    const { x } = patterns(10, 2);
    const { indices, zE, zQ } = model.encode(x);
    const e = model.codebook.arraySync();
    const z = zE.arraySync();
    const idx = indices.arraySync();
    const q = zQ.arraySync();
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < M; j++) {
        const v = z[i]?.[j] as number[];
        const dists = e.map((row) => row.reduce((s, c, k) => s + (c - (v[k] as number)) ** 2, 0));
        const best = dists.indexOf(Math.min(...dists));
        expect(idx[i]?.[j]).toBe(best);
        expect(q[i]?.[j]).toEqual(e[best]);
      }
    }
    tf.dispose([x, indices, zE, zQ]);
  });

  it('codebook gradient is 2 sum (e_k - z_e) / n over the vectors assigned to e_k; reconstruction sends it none', () => {
    const model = make(3);
    made.push(model);
    model.codebook.assign(tf.tensor2d(createRng(6).normalArray(8 * CODE_DIM), [8, CODE_DIM]));
    const { x } = patterns(6, 4);
    const { grads, value } = tf.variableGrads(() => model.loss(x), [model.codebook]);
    const got = (grads[model.codebook.name] as tf.Tensor).arraySync() as number[][];
    const { indices, zE } = model.encode(x);
    const idx = indices.arraySync();
    const z = zE.arraySync();
    const e = model.codebook.arraySync();
    const want = e.map((row) => row.map(() => 0));
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < M; j++) {
        const k = idx[i]?.[j] as number;
        for (let c = 0; c < CODE_DIM; c++) {
          const row = want[k] as number[];
          row[c] = (row[c] as number) + (2 * ((e[k]?.[c] as number) - (z[i]?.[j]?.[c] as number))) / 6;
        }
      }
    }
    for (let k = 0; k < 8; k++) {
      for (let c = 0; c < CODE_DIM; c++) expect(got[k]?.[c]).toBeCloseTo(want[k]?.[c] as number, 5);
    }
    tf.dispose([x, value, indices, zE, ...Object.values(grads)]);
  });

  it('straight-through: the encoder gets the decoder-input gradient at z_q plus 2 beta (z_e - z_q) / n', () => {
    const beta = 0.7;
    const model = make(4, 8, beta);
    made.push(model);
    model.codebook.assign(tf.tensor2d(createRng(7).normalArray(8 * CODE_DIM), [8, CODE_DIM]));
    const { x } = patterns(5, 5);
    const n = 5;
    const { grads, value } = tf.variableGrads(() => model.loss(x), [model.encoderParams]);
    const got = (grads[model.encoderParams.name] as tf.Tensor).dataSync();
    // Independent computation: g = d mean NLL(decoder(z)) / dz at z = z_q, then the vector-Jacobian
    // product of the encoder with g + 2 beta (z_e - z_q) / n.
    const { zQ } = model.encode(x);
    const zQflat = tf.reshape(zQ, [n, M * CODE_DIM]);
    const decoder = mlp({ sizes: [M * CODE_DIM, 16, D], activation: 'relu' });
    const encoder = mlp({ sizes: [D, 16, M * CODE_DIM], activation: 'relu' });
    const g = tf.grad((z: tf.Tensor) => {
      const out = decoder.apply(model.decoderParams, z);
      return tf.mean(tf.sum(tf.sub(tf.softplus(out), tf.mul(x, out)), 1));
    })(zQflat);
    const want = tf
      .grad((w: tf.Tensor) => {
        const zE = encoder.apply(w as tf.Tensor1D, x);
        const commit = tf.div(tf.sum(tf.square(tf.sub(zE, zQflat))), n);
        return tf.add(tf.sum(tf.mul(g, zE)), tf.mul(beta, commit));
      })(model.encoderParams)
      .dataSync();
    expect(got.length).toBe(want.length);
    let maxDiff = 0;
    let scale = 0;
    for (let i = 0; i < got.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((got[i] as number) - (want[i] as number)));
      scale = Math.max(scale, Math.abs(want[i] as number));
    }
    expect(scale).toBeGreaterThan(1e-3);
    expect(maxDiff).toBeLessThan(1e-5 * Math.max(1, scale));
    tf.dispose([x, value, zQ, zQflat, g, ...Object.values(grads)]);
  });

  it('learns to reconstruct four binary patterns exactly with distinct codes; loss falls; usage reported', async () => {
    const model = make(0);
    made.push(model);
    const { x, labels, protos } = patterns(64, 9);
    const result = await model.fit(x, { epochs: 30, batchSize: 16, learningRate: 0.02, seed: 1 });
    expect(result.aborted).toBe(false);
    const first = result.history[0]?.total as number;
    const last = result.history.at(-1)?.total as number;
    expect(last).toBeLessThan(0.25 * first);
    const recon = model.reconstruct(x);
    const r = recon.arraySync();
    for (let i = 0; i < 64; i++) {
      const bits = (r[i] as number[]).map((p) => (p > 0.5 ? 1 : 0));
      expect(bits).toEqual(protos[labels[i] as number]);
    }
    // Different prototypes get different code tuples.
    const { indices, zE, zQ } = model.encode(x);
    const tuples = new Map<number, string>();
    for (const [i, row] of indices.arraySync().entries()) tuples.set(labels[i] as number, row.join(','));
    expect(new Set(tuples.values()).size).toBe(4);
    // decode(indices) is reconstruct(x).
    const decoded = model.decode(indices);
    expect(tf.max(tf.abs(tf.sub(decoded, recon))).dataSync()[0]).toBeLessThan(1e-6);
    const usage = model.codebookUsage(x);
    expect(usage.counts.reduce((a, b) => a + b, 0)).toBe(64 * M);
    expect(usage.usedCodes).toBeGreaterThanOrEqual(2);
    expect(usage.perplexity).toBeGreaterThan(1);
    expect(usage.perplexity).toBeLessThanOrEqual(usage.usedCodes + 1e-9);
    tf.dispose([x, recon, indices, zE, zQ, decoded]);
  });

  it('is reproducible by seed and leaks no tensors', async () => {
    const { x } = patterns(16, 3);
    const run = async () => {
      const model = make(11);
      await model.fit(x, { epochs: 2, batchSize: 8, seed: 2 });
      const out = model.codebook.arraySync();
      model.dispose();
      return out;
    };
    expect(await run()).toEqual(await run());
    const model = make(12);
    made.push(model);
    await model.fit(x, { epochs: 1, batchSize: 8 });
    await expectNoLeaks(async () => {
      await model.fit(x, { epochs: 1, batchSize: 8 });
      model.lossTerms(x);
      model.codebookUsage(x);
      tf.dispose(model.loss(x));
      const e = model.encode(x);
      tf.dispose([e.indices, e.zE, e.zQ, model.reconstruct(x)]);
    });
    const ac = new AbortController();
    ac.abort();
    expect((await model.fit(x, { signal: ac.signal })).aborted).toBe(true);
    x.dispose();
  });

  it('rejects bad options and inputs with DlfError naming the parameter', () => {
    const encoder = mlp({ sizes: [D, 7] });
    const decoder = mlp({ sizes: [6, D] });
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(err(() => vqVae({ encoder, decoder, codebookSize: 4, codeDim: 3 }))).toMatchObject({
      code: 'INVALID_SHAPE',
      param: 'encoder',
    });
    expect(
      err(() => vqVae({ encoder: mlp({ sizes: [D, 6] }), decoder, codebookSize: 0, codeDim: 3 })),
    ).toMatchObject({ param: 'codebookSize' });
    expect(
      err(() =>
        vqVae({ encoder: mlp({ sizes: [D, 6] }), decoder, codebookSize: 4, codeDim: 3, commitment: -1 }),
      ),
    ).toMatchObject({ param: 'commitment' });
    const model = vqVae({ encoder: mlp({ sizes: [D, 6] }), decoder, codebookSize: 4, codeDim: 3 });
    const bad = tf.zeros([2, D + 1]);
    expect(err(() => model.loss(bad))).toBeInstanceOf(DlfError);
    expect(err(() => model.decode(tf.tensor2d([[0, 9]], [1, 2], 'int32')))).toMatchObject({
      param: 'indices',
    });
    bad.dispose();
    model.dispose();
  });
});
