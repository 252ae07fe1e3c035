/**
 * 5-way 1-shot and 5-shot accuracy (mean +- 95% CI over test episodes) of ProtoNets, R2-D2 and MAML
 * on the 8x8 digits, meta-trained on digits 0-4 and meta-tested on the held-out digits 5-9.
 * Run: `tsx bench/fewShot.bench.ts`; `META_STEPS` and `TEST_TASKS` override the defaults (500, 300).
 */

import { loadDigits, mlp, setupBackend } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import {
  fewShotTaskSampler,
  maml,
  mamlPredict,
  metaTest,
  protoNetPredict,
  protoNets,
  r2d2,
  r2d2Predict,
} from '../src/index.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
const META_STEPS = Number(env.META_STEPS ?? 500);
const TEST_TASKS = Number(env.TEST_TASKS ?? 300);

await setupBackend();
const { train, test } = await loadDigits();
// All 1,797 images; classes 0-4 for meta-training, 5-9 held out.
const all = {
  x: Float32Array.from([...train.x, ...test.x]),
  y: Int32Array.from([...train.y, ...test.y]),
  n: train.n + test.n,
  shape: [64],
  numClasses: 10,
};
const trainClasses = [0, 1, 2, 3, 4];
const testClasses = [5, 6, 7, 8, 9];
const fmt = (r: { mean: number; ci95: number }) =>
  `${(100 * r.mean).toFixed(1)} +- ${(100 * r.ci95).toFixed(1)}`;

for (const kShot of [1, 5]) {
  const sampler = (classes: number[], seed: number) =>
    fewShotTaskSampler(all, { nWay: 5, kShot, kQuery: 15, classes, seed });
  const testTasks = sampler(testClasses, 1000 + kShot).sampleBatch(TEST_TASKS);
  const encoder = mlp({ sizes: [64, 64, 32], activation: 'relu', initScale: Math.SQRT2 });
  const t0 = performance.now();
  const proto = await protoNets(encoder, sampler(trainClasses, kShot), {
    metaSteps: META_STEPS,
    outerLr: 1e-3,
    seed: 0,
  });
  const protoAcc = await metaTest(testTasks, (t) => protoNetPredict(encoder, proto.params, t));
  const t1 = performance.now();
  const ridge = await r2d2(encoder, sampler(trainClasses, kShot + 10), {
    metaSteps: META_STEPS,
    outerLr: 1e-3,
    seed: 0,
  });
  const ridgeAcc = await metaTest(testTasks, (t) => r2d2Predict(encoder, ridge.params, t));
  const t2 = performance.now();
  const classifier = mlp({ sizes: [64, 64, 64, 5], activation: 'relu', initScale: Math.SQRT2 });
  const inner = { innerSteps: 5, innerLr: 0.1 };
  const learned = await maml(classifier, sampler(trainClasses, kShot + 20), {
    ...inner,
    metaSteps: META_STEPS,
    outerLr: 1e-3,
    seed: 0,
  });
  const mamlAcc = await metaTest(testTasks, (t) =>
    mamlPredict(classifier, learned.params, t, { ...inner, innerSteps: 10 }),
  );
  const t3 = performance.now();
  console.log(
    `5-way ${kShot}-shot (${TEST_TASKS} test tasks, ${META_STEPS} meta-steps): ` +
      `ProtoNets ${fmt(protoAcc)} [${((t1 - t0) / 1000).toFixed(0)} s], ` +
      `R2-D2 ${fmt(ridgeAcc)} [${((t2 - t1) / 1000).toFixed(0)} s], ` +
      `MAML ${fmt(mamlAcc)} [${((t3 - t2) / 1000).toFixed(0)} s]`,
  );
  tf.dispose([proto.params, ridge.params, learned.params]);
}
