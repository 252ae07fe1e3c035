import type { ParamModel } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { mldg } from './mldg.js';

beforeAll(async () => {
  await setupTestBackend();
});

const d = 3;
const k = 2;
const envs = [0, 1, 2].map((e) => ({
  x: Float32Array.from(fixtureValues(4 * d, 300 + e)),
  y: Int32Array.from([0, 1, (e + 1) % 2, e % 2]),
  n: 4,
  shape: [d],
  numClasses: k,
}));

/** Mean cross-entropy of logits x W over environments `which`, and its gradient, in float64. */
function loss64(w: number[], which: number[]): { value: number; grad: number[] } {
  let value = 0;
  const grad = new Array(d * k).fill(0);
  for (const e of which) {
    const env = envs[e] as (typeof envs)[number];
    for (let i = 0; i < env.n; i++) {
      const z = Array.from({ length: k }, (_, c) => {
        let s = 0;
        for (let j = 0; j < d; j++) s += (env.x[i * d + j] as number) * (w[j * k + c] as number);
        return s;
      });
      const max = Math.max(...z);
      const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
      const y = env.y[i] as number;
      value += (lse - (z[y] as number)) / env.n / which.length;
      for (let c = 0; c < k; c++) {
        const r = Math.exp((z[c] as number) - lse) - (c === y ? 1 : 0);
        for (let j = 0; j < d; j++)
          grad[j * k + c] += (r * (env.x[i * d + j] as number)) / env.n / which.length;
      }
    }
  }
  return { value, grad };
}

const alpha = 0.8;
const beta = 0.7;
/** The MLDG objective F(w) + beta G(w - alpha grad F(w)), float64. */
function objective(w: number[], train: number[], test: number[]): number {
  const f = loss64(w, train);
  const shifted = w.map((v, q) => v - alpha * (f.grad[q] as number));
  return f.value + beta * loss64(shifted, test).value;
}

function centralDifference(fn: (w: number[]) => number, w: number[], h = 1e-6): number[] {
  return w.map((_, q) => {
    const up = [...w];
    const down = [...w];
    up[q] = (up[q] as number) + h;
    down[q] = (down[q] as number) - h;
    return (fn(up) - fn(down)) / (2 * h);
  });
}

function linear(w0: number[]): tf.LayersModel {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [d], units: k, useBias: false })] });
  model.setWeights([tf.tensor2d(w0, [d, k])]);
  return model;
}

describe('mldg', () => {
  it('one SGD step equals the finite-difference gradient of F(w) + beta G(w - alpha grad F(w)) (exact order)', async () => {
    const w0 = fixtureValues(d * k, 310, -1, 1);
    const model = linear(w0);
    const lr = 0.1;
    const { history } = await mldg(model, envs, {
      steps: 1,
      optimizer: tf.train.sgd(lr),
      innerLearningRate: alpha,
      metaTestWeight: beta,
      metaTestEnvironments: 1,
      seed: 3,
    });
    const { metaTrain, metaTest } = history[0] as { metaTrain: number[]; metaTest: number[] };
    expect(metaTrain).toHaveLength(2);
    expect(metaTest).toHaveLength(1);
    expect([...metaTrain, ...metaTest].sort()).toEqual([0, 1, 2]);
    expect(history[0]?.metaTrainLoss).toBeCloseTo(loss64(w0, metaTrain).value, 5);
    const fd = centralDifference((w) => objective(w, metaTrain, metaTest), w0);
    const after = (model.getWeights()[0] as tf.Tensor).dataSync();
    w0.forEach((v, q) => {
      expect(after[q]).toBeCloseTo(v - lr * (fd[q] as number), 5);
    });
    model.dispose();
  });

  it("the first-order variant steps along grad F(w) + beta grad G(w'), which differs from the exact update", async () => {
    const w0 = fixtureValues(d * k, 311, -1, 1);
    const lr = 0.1;
    const run = async (order: 'first' | 'second') => {
      const model = linear(w0);
      const { history } = await mldg(model, envs, {
        steps: 1,
        order,
        optimizer: tf.train.sgd(lr),
        innerLearningRate: alpha,
        metaTestWeight: beta,
        seed: 4,
      });
      const after = Array.from((model.getWeights()[0] as tf.Tensor).dataSync());
      model.dispose();
      return { after, split: history[0] as { metaTrain: number[]; metaTest: number[] } };
    };
    const first = await run('first');
    const { metaTrain, metaTest } = first.split;
    const f = loss64(w0, metaTrain);
    const shifted = w0.map((v, q) => v - alpha * (f.grad[q] as number));
    const gG = loss64(shifted, metaTest).grad;
    w0.forEach((v, q) => {
      expect(first.after[q]).toBeCloseTo(v - lr * ((f.grad[q] as number) + beta * (gG[q] as number)), 5);
    });
    const second = await run('second');
    const gap = Math.max(...first.after.map((v, q) => Math.abs(v - (second.after[q] as number))));
    expect(gap).toBeGreaterThan(1e-3);
  });

  it('trains a ParamModel in place, leaks nothing, reports each step and stops on abort', async () => {
    const W = tf.variable(tf.tensor1d(fixtureValues(d * k, 312)));
    const net: ParamModel = {
      numParams: d * k,
      inputShape: [d],
      outputSize: k,
      init: () => tf.zeros([d * k]) as tf.Tensor1D,
      apply: (w: tf.Tensor1D, x: tf.Tensor) =>
        tf.matMul(x as tf.Tensor2D, tf.reshape(w, [d, k]) as tf.Tensor2D) as tf.Tensor2D,
    };
    const before = Array.from(W.dataSync());
    const { history } = await expectNoLeaks(() =>
      mldg(net, envs, { steps: 4, weights: W, batchSize: 2, metaTestEnvironments: 2, seed: 1 }),
    );
    expect(history.map((h) => [h.metaTrain.length, h.metaTest.length])).toEqual(Array(4).fill([1, 2]));
    expect(Array.from(W.dataSync())).not.toEqual(before);
    const controller = new AbortController();
    const partial = await mldg(net, envs, {
      steps: 10,
      weights: W,
      signal: controller.signal,
      onProgress: (s) => {
        if (s.step === 2) controller.abort();
      },
    });
    expect(partial.history).toHaveLength(3);
    await expect(mldg(net, envs)).rejects.toMatchObject({ param: 'weights' });
    await expect(mldg(net, envs.slice(0, 1), { weights: W })).rejects.toMatchObject({
      param: 'environments',
    });
    await expect(mldg(net, envs, { weights: W, metaTestEnvironments: 3 })).rejects.toMatchObject({
      param: 'metaTestEnvironments',
    });
    W.dispose();
  });
});
