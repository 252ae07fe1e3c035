import { createRng, loadMnist } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFeatures } from './extractFeatures.js';
import { loadMnistClassifier } from './mnistClassifier.js';
import { mnistFid, mnistInceptionScore } from './mnistFid.js';

let test: Awaited<ReturnType<typeof loadMnist>>['test'];
let train: Awaited<ReturnType<typeof loadMnist>>['train'];

describe('MNIST classifier, MNIST-FID and MNIST-IS', () => {
  beforeAll(async () => {
    await setupTestBackend();
    ({ test, train } = await loadMnist());
  });

  it('the shipped weights reproduce the recorded test accuracy on the 2,000 held-out images', async () => {
    const clf = await loadMnistClassifier();
    const x = tf.tensor4d(test.x, [test.n, 28, 28, 1]);
    const pred = tf.tidy(() => tf.argMax(clf.logits(x), 1));
    const p = await pred.data();
    let correct = 0;
    for (let i = 0; i < test.n; i++) if (p[i] === test.y[i]) correct++;
    expect(correct / test.n).toBe(clf.testAccuracy);
    expect(clf.testAccuracy).toBeGreaterThan(0.93);
    const feats = clf.features(x);
    expect(feats.shape).toEqual([test.n, 64]);
    tf.dispose([x, pred, feats]);
    clf.dispose();
  });

  it('MNIST-FID is small between two real halves and large against noise; MNIST-IS is high on real digits, ~1 on one class', async () => {
    const n = 1000;
    const real = tf.tensor2d(test.x.subarray(0, n * 784), [n, 784]);
    const other = tf.tensor2d(train.x.subarray(0, n * 784), [n, 784]);
    const rng = createRng(0);
    const noise = tf.tensor2d(rng.uniformArray(n * 784), [n, 784]);
    const ones: number[] = [];
    for (let i = 0; i < train.n && ones.length < 300; i++) if (train.y[i] === 1) ones.push(i);
    const onlyOnes = tf.tidy(() =>
      tf.gather(
        tf.tensor2d(train.x.subarray(0, 3000 * 784), [3000, 784]),
        ones.filter((i) => i < 3000),
      ),
    );
    const [realFid, noiseFid, realIs, onesIs] = await expectNoLeaks(async () => [
      await mnistFid(real, other),
      await mnistFid(real, noise),
      (await mnistInceptionScore(real)).mean,
      (await mnistInceptionScore(onlyOnes)).mean,
    ]);
    expect(noiseFid).toBeGreaterThan(20 * realFid);
    expect(realIs).toBeGreaterThan(7); // 10 balanced classes, 93.7% accuracy
    expect(realIs).toBeLessThan(10);
    expect(onesIs).toBeLessThan(1.5);
    tf.dispose([real, other, noise, onlyOnes]);
  });

  it('extractFeatures batches a LayersModel layer or a function, and equals one big forward pass', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4, name: 'hid' }),
        tf.layers.dense({ units: 2, name: 'out' }),
      ],
    });
    const x = tf.randomNormal([10, 3], 0, 1, 'float32', 1);
    const full = await expectNoLeaks(async () => {
      const feats = await extractFeatures(model, x, { batchSize: 3, layer: 'hid' });
      const values = feats.arraySync();
      feats.dispose();
      return values;
    });
    const direct = tf.tidy(() => {
      const sub = tf.model({
        inputs: model.inputs,
        outputs: model.getLayer('hid').output as tf.SymbolicTensor,
      });
      return (sub.predict(x) as tf.Tensor).arraySync() as number[][];
    });
    const maxDiff = Math.max(...full.flatMap((row, i) => row.map((v, j) => Math.abs(v - direct[i]![j]!))));
    expect(maxDiff).toBeLessThan(1e-5);
    const fromFn = await extractFeatures((b) => tf.mul(b, 2), x, { batchSize: 4 });
    expect(fromFn.shape).toEqual([10, 3]);
    await expect(extractFeatures(model, x, { layer: 'nope' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    tf.dispose([x, fromFn]);
    model.dispose();
  });
});
