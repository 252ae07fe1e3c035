import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DlfError } from './DlfError.js';
import { fromLayersModel } from './fromLayersModel.js';
import { TransformerEncoderBlock } from './TransformerEncoderBlock.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

type Mat = number[][];

function toMat(values: ArrayLike<number>, rows: number, cols: number): Mat {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => values[i * cols + j] as number),
  );
}
const matmul = (a: Mat, b: Mat): Mat =>
  a.map((row) =>
    (b[0] as number[]).map((_, j) => row.reduce((s, v, k) => s + v * ((b[k] as number[])[j] as number), 0)),
  );
const addRow = (a: Mat, v: number[]): Mat => a.map((row) => row.map((x, j) => x + (v[j] as number)));
const addMat = (a: Mat, b: Mat): Mat =>
  a.map((row, i) => row.map((x, j) => x + ((b[i] as number[])[j] as number)));

function layerNorm(a: Mat, gamma: number[], beta: number[], eps: number): Mat {
  return a.map((row) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
    return row.map(
      (v, j) => ((v - mean) / Math.sqrt(variance + eps)) * (gamma[j] as number) + (beta[j] as number),
    );
  });
}

/** The block computed directly in float64 from its weights, one sequence at a time. */
function referenceBlock(
  block: TransformerEncoderBlock,
  x: number[],
  batch: number,
  length: number,
  d: number,
): number[] {
  const h = block.numHeads;
  const k = block.keyDim;
  const ff = block.ffDim as number;
  const w = (v: tf.LayerVariable) => Array.from(v.read().dataSync());
  const wq = toMat(w(block.wq), d, h * k);
  const wk = toMat(w(block.wk), d, h * k);
  const wv = toMat(w(block.wv), d, h * k);
  const wo = toMat(w(block.wo), h * k, d);
  const w1 = toMat(w(block.ff1Kernel), d, ff);
  const w2 = toMat(w(block.ff2Kernel), ff, d);
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    const xs = toMat(x.slice(b * length * d, (b + 1) * length * d), length, d);
    const q = addRow(matmul(xs, wq), w(block.bq));
    const kk = addRow(matmul(xs, wk), w(block.bk));
    const v = addRow(matmul(xs, wv), w(block.bv));
    const context: Mat = Array.from({ length }, () => new Array(h * k).fill(0));
    for (let head = 0; head < h; head++) {
      for (let t = 0; t < length; t++) {
        const scores = Array.from({ length }, (_, s) => {
          let dot = 0;
          for (let c = 0; c < k; c++)
            dot += (q[t] as number[])[head * k + c]! * (kk[s] as number[])[head * k + c]!;
          return dot / Math.sqrt(k);
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const z = exps.reduce((a, e) => a + e, 0);
        for (let c = 0; c < k; c++) {
          let acc = 0;
          for (let s = 0; s < length; s++)
            acc += ((exps[s] as number) / z) * (v[s] as number[])[head * k + c]!;
          (context[t] as number[])[head * k + c] = acc;
        }
      }
    }
    const attended = addRow(matmul(context, wo), w(block.bo));
    const x1 = layerNorm(addMat(xs, attended), w(block.ln1Gamma), w(block.ln1Beta), block.epsilon);
    const hidden = addRow(matmul(x1, w1), w(block.ff1Bias)).map((row) => row.map((v) => Math.max(v, 0)));
    const ffOut = addRow(matmul(hidden, w2), w(block.ff2Bias));
    const y = layerNorm(addMat(x1, ffOut), w(block.ln2Gamma), w(block.ln2Beta), block.epsilon);
    for (const row of y) out.push(...row);
  }
  return out;
}

describe('TransformerEncoderBlock', () => {
  it('matches multi-head attention, residuals, layer norms and the feed-forward net computed directly in float64', () => {
    const [batch, length, d] = [2, 3, 4];
    const block = new TransformerEncoderBlock({ numHeads: 2, keyDim: 3, ffDim: 5, seed: 7 });
    const x = tf.randomNormal([batch, length, d], 0, 1, 'float32', 11);
    block.apply(x); // builds the weights
    // Non-trivial biases and norms, so every parameter matters in the comparison.
    for (const v of [
      block.bq,
      block.bk,
      block.bv,
      block.bo,
      block.ln1Beta,
      block.ff1Bias,
      block.ff2Bias,
      block.ln2Beta,
    ]) {
      v.write(tf.randomNormal(v.shape as number[], 0, 0.5, 'float32', (v.shape[0] as number) + 1));
    }
    for (const v of [block.ln1Gamma, block.ln2Gamma])
      v.write(tf.randomUniform(v.shape as number[], 0.5, 1.5, 'float32', 3));
    const y = block.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([batch, length, d]);
    const expected = referenceBlock(block, Array.from(x.dataSync()), batch, length, d);
    const got = Array.from(y.dataSync());
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 4);
    });
    tf.dispose([x, y]);
    block.dispose();
  });

  it('makes attention permutation-equivariant: permuting the positions permutes the outputs', () => {
    // Without positional information, self-attention and the position-wise parts commute with any
    // permutation of the sequence (a property of the architecture).
    const block = new TransformerEncoderBlock({ numHeads: 3, keyDim: 2, seed: 1 });
    const x = tf.randomNormal([1, 5, 6], 0, 1, 'float32', 2);
    const perm = [3, 0, 4, 1, 2];
    const xp = tf.gather(x, perm, 1);
    const y = block.apply(x) as tf.Tensor;
    const yp = block.apply(xp) as tf.Tensor;
    const expected = tf.gather(y, perm, 1);
    const diff = tf.max(tf.abs(tf.sub(yp, expected))).dataSync()[0] as number;
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, xp, y, yp, expected]);
    block.dispose();
  });

  it('exposes its weights with documented shapes and order, and serialises with its seed', () => {
    const block = new TransformerEncoderBlock({ numHeads: 2, keyDim: 4, seed: 5 });
    const x = tf.zeros([1, 3, 6]);
    tf.dispose(block.apply(x) as tf.Tensor);
    expect(block.ffDim).toBe(24);
    expect(block.wq.shape).toEqual([6, 8]);
    expect(block.wo.shape).toEqual([8, 6]);
    expect(block.ff1Kernel.shape).toEqual([6, 24]);
    expect(block.trainableWeights.map((w) => w.name.split('/').pop())).toEqual([
      'wq',
      'bq',
      'wk',
      'bk',
      'wv',
      'bv',
      'wo',
      'bo',
      'ln1_gamma',
      'ln1_beta',
      'ff1_kernel',
      'ff1_bias',
      'ff2_kernel',
      'ff2_bias',
      'ln2_gamma',
      'ln2_beta',
    ]);
    const config = block.getConfig();
    expect(config).toMatchObject({
      numHeads: 2,
      keyDim: 4,
      ffDim: 24,
      activation: 'relu',
      epsilon: 1e-5,
      seed: 5,
    });
    // Same seed, same initial weights.
    const twin = new TransformerEncoderBlock(config as never);
    tf.dispose(twin.apply(x) as tf.Tensor);
    expect(Array.from(twin.wk.read().dataSync())).toEqual(Array.from(block.wk.read().dataSync()));
    tf.dispose(x);
    block.dispose();
    twin.dispose();
  });

  it('is second-order exact: Hessian-vector products through it match central differences of the gradient', () => {
    // tfjs drops the second-derivative term of its own softmax; the block uses ops.softmax and
    // ops activations, so double backprop must agree with (g(w + hv) - g(w - hv)) / 2h up to O(h^2)
    // (measured: 4e-4 at h = 1e-3, shrinking as h^2; with tf.softmax in place of ops.softmax: 0.03).
    const input = tf.input({ shape: [3, 4] });
    const output = new TransformerEncoderBlock({
      numHeads: 2,
      keyDim: 2,
      ffDim: 5,
      activation: 'tanh',
      seed: 3,
    }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const net = fromLayersModel(model);
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 4);
    const target = tf.randomNormal([2, 12], 0, 1, 'float32', 5);
    const loss = (w: tf.Tensor) =>
      tf.mean(tf.square(tf.sub(net.apply(w as tf.Tensor1D, x), target))) as tf.Scalar;
    const w = net.getWeights();
    const v = tf.randomNormal([net.numParams], 0, 1, 'float32', 6);
    const hv = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.grad(loss)(p), v)))(w);
    const h = 1e-3;
    const fd = tf.div(
      tf.sub(tf.grad(loss)(tf.add(w, tf.mul(h, v))), tf.grad(loss)(tf.sub(w, tf.mul(h, v)))),
      2 * h,
    );
    const relError =
      (tf.norm(tf.sub(hv, fd)).dataSync()[0] as number) / (tf.norm(fd).dataSync()[0] as number);
    expect(relError).toBeLessThan(5e-3);
    tf.dispose([x, target, w, v, hv, fd]);
    model.dispose();
  });

  it('rejects bad options and inputs with DlfError', () => {
    expect(() => new TransformerEncoderBlock({ numHeads: 0, keyDim: 2 })).toThrow(DlfError);
    expect(() => new TransformerEncoderBlock({ numHeads: 2, keyDim: 1.5 })).toThrow(
      /keyDim must be an integer/,
    );
    expect(
      () => new TransformerEncoderBlock({ numHeads: 2, keyDim: 2, activation: 'gelu' as never }),
    ).toThrow(/activation must be one of/);
    const block = new TransformerEncoderBlock({ numHeads: 1, keyDim: 2 });
    const x = tf.zeros([2, 3]);
    expect(() => block.apply(x)).toThrow(/expects inputs \[batch, length, d\]/);
    x.dispose();
  });

  it('leaks no tensors when applied', async () => {
    const block = new TransformerEncoderBlock({ numHeads: 2, keyDim: 2, seed: 0 });
    const x = tf.randomNormal([2, 4, 4]);
    tf.dispose(block.apply(x) as tf.Tensor);
    await expectNoLeaks(() => block.apply(x) as tf.Tensor);
    x.dispose();
    block.dispose();
  });
});
