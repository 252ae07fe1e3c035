import { createRng, mlp, valueAndGrad } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fewShotTaskSampler } from './fewShotTaskSampler.js';
import { metaTest } from './metaTest.js';
import { noisyClasses } from './noisyClasses.fixture.js';
import { protoNetLogits, protoNetLoss, protoNetPredict, protoNets, prototypes } from './protoNets.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** float64 reference: prototypes, logits and cross-entropy of an episode from its embeddings. */
function reference(
  es: number[][],
  ys: Int32Array,
  eq: number[][],
  yq: Int32Array,
  k: number,
  cosine: boolean,
  scale = 10,
) {
  const d = (es[0] as number[]).length;
  const protos = Array.from({ length: k }, (_, c) => {
    const rows = es.filter((_, i) => ys[i] === c);
    return Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length);
  });
  const unit = (v: number[]) => {
    const n = Math.sqrt(v.reduce((s, a) => s + a * a, 0));
    return v.map((a) => a / n);
  };
  const logits = eq.map((q) =>
    protos.map((c) =>
      cosine
        ? scale * unit(q).reduce((s, a, j) => s + a * (unit(c)[j] as number), 0)
        : -q.reduce((s, a, j) => s + (a - (c[j] as number)) ** 2, 0),
    ),
  );
  const loss =
    logits.reduce((s, row, i) => {
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((t, v) => t + Math.exp(v - m), 0));
      return s + lse - (row[yq[i] as number] as number);
    }, 0) / logits.length;
  return { protos, logits, loss };
}

const rowsOf = (x: Float32Array, n: number, d: number) =>
  Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));

describe('prototypes and protoNetLogits', () => {
  it('match a direct float64 computation for Euclidean and cosine logits', async () => {
    const rng = createRng(0);
    const es = rowsOf(rng.normalArray(7 * 4), 7, 4);
    const eq = rowsOf(rng.normalArray(5 * 4), 5, 4);
    const ys = Int32Array.from([0, 1, 2, 0, 1, 2, 2]);
    const yq = Int32Array.from([0, 1, 2, 0, 1]);
    for (const cosine of [false, true]) {
      const ref = reference(es, ys, eq, yq, 3, cosine, 4);
      const p = prototypes(tf.tensor2d(es), ys, 3);
      const logits = protoNetLogits(tf.tensor2d(eq), p, {
        distance: cosine ? 'cosine' : 'euclidean',
        cosineScale: 4,
      });
      const got = (await logits.array()) as number[][];
      got.forEach((row, i) => {
        row.forEach((v, c) => {
          expect(v).toBeCloseTo(ref.logits[i]![c]!, 4);
        });
      });
      ((await p.array()) as number[][]).forEach((row, c) => {
        row.forEach((v, j) => {
          expect(v).toBeCloseTo(ref.protos[c]![j]!, 5);
        });
      });
      tf.dispose([p, logits]);
    }
  });

  it('leave no tensors behind, reject empty classes and mismatched shapes', async () => {
    const e = tf.zeros([3, 2]) as tf.Tensor2D;
    await expectNoLeaks(() => prototypes(e, Int32Array.from([0, 1, 1]), 2));
    await expectNoLeaks(() => protoNetLogits(e, e, { distance: 'cosine' }));
    await expectNoLeaks(() => protoNetLogits(e, e));
    expect(() => prototypes(e, Int32Array.from([0, 0, 2]), 3)).toThrow(/class 1 has no example/);
    expect(() => prototypes(e, Int32Array.from([0, 1]), 2)).toThrow(
      /labels must be an Int32Array of length 3/,
    );
    expect(() => protoNetLogits(e, tf.zeros([2, 5]) as tf.Tensor2D)).toThrow(/same embedding size/);
    expect(() => protoNetLogits(e, e, { distance: 'manhattan' as never })).toThrow(/distance must be one of/);
    e.dispose();
  });
});

describe('protoNetLoss, protoNetPredict and protoNets', () => {
  const data = noisyClasses(1);
  const encoder = mlp({ sizes: [8, 4], activation: 'linear' }); // e = x W + b

  it('the episode loss and its gradient match a float64 computation and its finite differences', async () => {
    const task = fewShotTaskSampler(data, { nWay: 3, kShot: 2, kQuery: 3, seed: 0 }).sample();
    const w = encoder.init(0);
    const w0 = Array.from(await w.data());
    const embed = (wv: number[], x: Float32Array, n: number) =>
      rowsOf(x, n, 8).map((r) =>
        Array.from(
          { length: 4 },
          (_, o) => r.reduce((s, v, i) => s + v * (wv[i * 4 + o] as number), 0) + (wv[32 + o] as number),
        ),
      );
    const refLoss = (wv: number[]) =>
      reference(
        embed(wv, task.support.x, 6),
        task.support.y,
        embed(wv, task.query.x, 9),
        task.query.y,
        3,
        false,
      ).loss;
    const { value, grad } = valueAndGrad((p: tf.Tensor1D) => protoNetLoss(encoder, p, task), w);
    expect((await value.data())[0]).toBeCloseTo(refLoss(w0), 3);
    const g = Array.from(await grad.data());
    const h = 1e-6;
    const fd = w0.map((_, j) => {
      const plus = [...w0];
      const minus = [...w0];
      plus[j] = (plus[j] as number) + h;
      minus[j] = (minus[j] as number) - h;
      return (refLoss(plus) - refLoss(minus)) / (2 * h);
    });
    const err = Math.sqrt(fd.reduce((s, v, j) => s + (v - (g[j] as number)) ** 2, 0));
    const size = Math.sqrt(fd.reduce((s, v) => s + v * v, 0));
    expect(err / size).toBeLessThan(1e-3);
    const logits = protoNetPredict(encoder, w, task, { distance: 'cosine' });
    const cos = reference(
      embed(w0, task.support.x, 6),
      task.support.y,
      embed(w0, task.query.x, 9),
      task.query.y,
      3,
      true,
    );
    Array.from(logits).forEach((v, i) => {
      expect(v).toBeCloseTo(cos.logits[Math.floor(i / 3)]![i % 3]!, 3);
    });
    tf.dispose([w, value, grad]);
  });

  it('meta-training lowers the episode loss and raises 5-way 1-shot accuracy on held-out classes', async () => {
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
    const before = await metaTest(testTasks, (t) => protoNetPredict(encoder, init, t));
    const { params, losses } = await protoNets(encoder, train, {
      metaSteps: 40,
      metaBatchSize: 4,
      outerLr: 0.05,
      initParams: init,
    });
    const after = await metaTest(testTasks, (t) => protoNetPredict(encoder, params, t));
    const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)));
    // Paired over the same 60 tasks: the accuracy gain exceeds 3 standard errors of the gain.
    const gains = after.values.map((v, i) => v - (before.values[i] as number));
    const m = mean(gains);
    const sd = Math.sqrt(gains.reduce((s, v) => s + (v - m) ** 2, 0) / (gains.length - 1));
    expect(m).toBeGreaterThan(3 * (sd / Math.sqrt(gains.length)));
    tf.dispose([init, params]);
  });

  it('leaves no tensors behind', async () => {
    const task = fewShotTaskSampler(data, { nWay: 3, kShot: 2, kQuery: 3, seed: 0 }).sample();
    const w = encoder.init(0);
    await expectNoLeaks(() => protoNetLoss(encoder, w, task, { distance: 'cosine' }));
    await expectNoLeaks(() => protoNetPredict(encoder, w, task));
    await expectNoLeaks(() =>
      protoNets(encoder, fewShotTaskSampler(data, { nWay: 3, seed: 1 }), { metaSteps: 2 }),
    );
    w.dispose();
  });
});
