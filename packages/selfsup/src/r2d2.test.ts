import { mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fewShotTaskSampler } from './fewShotTaskSampler.js';
import { metaTest } from './metaTest.js';
import { noisyClasses } from './noisyClasses.fixture.js';
import { r2d2, r2d2Loss, r2d2Predict } from './r2d2.js';

beforeAll(async () => {
  await setupTestBackend();
});

type Mat = number[][];
const T = (A: Mat): Mat => A[0]!.map((_, j) => A.map((r) => r[j]!));
const mul = (A: Mat, B: Mat): Mat =>
  A.map((r) => B[0]!.map((_, j) => r.reduce((s, a, k) => s + a * B[k]![j]!, 0)));
function inverse(A: Mat): Mat {
  const n = A.length;
  const M = A.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]!;
    for (let k = 0; k < 2 * n; k++) M[c]![k]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]!;
      for (let k = 0; k < 2 * n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((r) => r.slice(n));
}

describe('r2d2Loss, r2d2Predict and r2d2', () => {
  const data = noisyClasses(5);
  const encoder = mlp({ sizes: [8, 6], activation: 'linear' });

  it('the episode logits and loss match a float64 primal ridge computation', async () => {
    const task = fewShotTaskSampler(data, { nWay: 3, kShot: 2, kQuery: 4, seed: 0 }).sample();
    const w = encoder.init(1);
    const wv = Array.from(await w.data());
    const embed = (x: Float32Array, n: number): Mat =>
      Array.from({ length: n }, (_, i) =>
        Array.from({ length: 6 }, (_, o) => {
          let s = wv[48 + o]!;
          for (let j = 0; j < 8; j++) s += x[i * 8 + j]! * wv[j * 6 + o]!;
          return s;
        }),
      );
    const S = embed(task.support.x, 6);
    const Q = embed(task.query.x, 12);
    const Y = Array.from(task.support.y).map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
    const lambda = 0.5;
    const scale = 3;
    const G = mul(T(S), S).map((r, i) => r.map((v, j) => v + (i === j ? lambda : 0)));
    const W = mul(inverse(G), mul(T(S), Y)); // primal (S^T S + lambda I)^-1 S^T Y
    const logits = mul(Q, W).map((r) => r.map((v) => scale * v));
    const ce =
      logits.reduce((s, r, i) => {
        const m = Math.max(...r);
        return s + m + Math.log(r.reduce((t, v) => t + Math.exp(v - m), 0)) - r[task.query.y[i]!]!;
      }, 0) / logits.length;
    const got = r2d2Predict(encoder, w, task, { lambda, scale });
    Array.from(got).forEach((v, i) => {
      expect(v).toBeCloseTo(logits[Math.floor(i / 3)]![i % 3]!, 3);
    });
    const loss = r2d2Loss(encoder, w, task, { lambda, scale });
    expect((await loss.data())[0]).toBeCloseTo(ce, 4);
    tf.dispose([w, loss]);
  });

  it('meta-training through the closed-form head raises 5-way 1-shot accuracy on held-out classes', async () => {
    const train = fewShotTaskSampler(data, {
      nWay: 5,
      kShot: 1,
      kQuery: 5,
      classes: [...Array(14).keys()],
      seed: 2,
    });
    const testTasks = fewShotTaskSampler(data, {
      nWay: 5,
      kShot: 1,
      kQuery: 10,
      classes: [14, 15, 16, 17, 18, 19],
      seed: 3,
    }).sampleBatch(60);
    const init = encoder.init(4);
    const before = await metaTest(testTasks, (t) => r2d2Predict(encoder, init, t));
    const { params } = await r2d2(encoder, train, {
      metaSteps: 30,
      metaBatchSize: 4,
      outerLr: 0.05,
      initParams: init,
    });
    const after = await metaTest(testTasks, (t) => r2d2Predict(encoder, params, t));
    const gains = after.values.map((v, i) => v - (before.values[i] as number));
    const m = gains.reduce((s, v) => s + v, 0) / gains.length;
    const sd = Math.sqrt(gains.reduce((s, v) => s + (v - m) ** 2, 0) / (gains.length - 1));
    expect(m).toBeGreaterThan(3 * (sd / Math.sqrt(gains.length)));
    tf.dispose([init, params]);
  });

  it('leaves no tensors behind and validates options', async () => {
    const task = fewShotTaskSampler(data, { nWay: 3, kShot: 2, kQuery: 3, seed: 0 }).sample();
    const w = encoder.init(0);
    await expectNoLeaks(() => r2d2Loss(encoder, w, task));
    await expectNoLeaks(() => r2d2Predict(encoder, w, task));
    await expectNoLeaks(() =>
      r2d2(encoder, fewShotTaskSampler(data, { nWay: 3, seed: 1 }), { metaSteps: 2 }),
    );
    expect(() => r2d2Loss(encoder, w, task, { lambda: -1 })).toThrow(/lambda must be > 0, received -1/);
    const regression = {
      support: { ...task.support, y: new Float32Array(6), numClasses: undefined },
      query: task.query,
    };
    expect(() => r2d2Loss(encoder, w, regression)).toThrow(/must have class labels/);
    w.dispose();
  });
});
