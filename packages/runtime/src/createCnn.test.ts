import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCnn } from './createCnn.js';
import { DlfError } from './DlfError.js';
import { loadDigits } from './data/loadDigits.js';
import { loadMnist } from './data/loadMnist.js';
import { toTensors } from './data/toTensors.js';
import { evaluate, fit } from './fit.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
}

describe('createCnn', () => {
  it('halves the image once per convolution block and ends in logits', () => {
    const mnist = createCnn({ inputShape: [28, 28, 1], numClasses: 10 });
    expect(mnist.layers.map((l) => l.getClassName())).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'Dense',
    ]);
    // conv 3*3*1*16 + 16, conv 3*3*16*32 + 32, dense (7*7*32)*64 + 64, dense 64*10 + 10.
    expect(mnist.countParams()).toBe(160 + 4640 + 1568 * 64 + 64 + 650);
    const digits = createCnn({ inputShape: [8, 8, 1], numClasses: 10, downsample: 'stride' });
    expect(digits.layers.map((l) => l.getClassName())).toEqual([
      'Conv2D',
      'Conv2D',
      'Flatten',
      'Dense',
      'Dense',
    ]);
    expect(digits.countParams()).toBe(160 + 4640 + 128 * 64 + 64 + 650);
    // Tiny images stop halving at 1x1; no hidden dense layer when denseUnits is 0.
    const tiny = createCnn({
      inputShape: [3, 3, 2],
      numClasses: 4,
      filters: [2, 2, 2],
      denseUnits: 0,
      downsample: 'avg',
    });
    expect(tiny.outputs[0]?.shape).toEqual([null, 4]);
    const y = tiny.predict(tf.zeros([2, 3, 3, 2])) as tf.Tensor;
    expect(y.shape).toEqual([2, 4]);
    y.dispose();
    for (const m of [mnist, digits, tiny]) m.dispose();
  });

  it('is reproducible from its seed and reloads from its saved form to the same function', async () => {
    const a = createCnn({ inputShape: [8, 8, 1], numClasses: 3, filters: [4], seed: 5 });
    const b = createCnn({ inputShape: [8, 8, 1], numClasses: 3, filters: [4], seed: 5 });
    const c = createCnn({ inputShape: [8, 8, 1], numClasses: 3, filters: [4], seed: 6 });
    const values = (m: tf.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(values(a)).toEqual(values(b));
    expect(values(a)).not.toEqual(values(c));
    const loaded = await roundTrip(a);
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 1);
    const ya = a.predict(x) as tf.Tensor;
    const yl = loaded.predict(x) as tf.Tensor;
    expect(Array.from(yl.dataSync())).toEqual(Array.from(ya.dataSync()));
    tf.dispose([x, ya, yl]);
    for (const m of [a, b, c, loaded]) m.dispose();
  });

  it('rejects bad options with DlfError and leaves no tensors once disposed', async () => {
    expect(() => createCnn({ inputShape: [28, 28], numClasses: 10 })).toThrow(
      /inputShape must be an array of 3 positive integers/,
    );
    expect(() => createCnn({ inputShape: [8, 8, 1], numClasses: 10, filters: [] })).toThrow(
      /at least one convolution/,
    );
    expect(() => createCnn({ inputShape: [8, 8, 1], numClasses: 10, downsample: 'none' as never })).toThrow(
      DlfError,
    );
    expect(() => createCnn({ inputShape: [8, 8, 1], numClasses: 0 })).toThrow(/numClasses/);
    await expectNoLeaks(() => {
      createCnn({ inputShape: [8, 8, 1], numClasses: 10, seed: 0 }).dispose();
    });
  });
});

// The headline results of the runtime: the small CNN trained with `fit` on the shipped datasets.
// Reference points on the same MNIST split: an RBF SVM (scikit-learn SVC, C = 5) reaches 96.8%
// test accuracy; the thresholds below are above it.
describe('createCnn + fit on the shipped image datasets', () => {
  it('reaches >= 95% test accuracy on the 8x8 digits', async () => {
    const { train, test } = await loadDigits();
    const trainT = toTensors(train);
    const testT = toTensors(test);
    const model = createCnn({ inputShape: train.shape, numClasses: 10, seed: 0 });
    const started = performance.now();
    await fit(model, trainT, { epochs: 8, batchSize: 32, learningRate: 3e-3, seed: 0 });
    const { accuracy } = await evaluate(model, testT);
    console.info(
      `digits: test accuracy ${(100 * (accuracy as number)).toFixed(2)}% in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    tf.dispose([trainT.x, trainT.y, testT.x, testT.y]);
    model.dispose();
  }, 300_000);

  it('reaches >= 97% test accuracy on the MNIST subset', async () => {
    const { train, test } = await loadMnist();
    const trainT = toTensors(train);
    const testT = toTensors(test);
    const model = createCnn({ inputShape: train.shape, numClasses: 10, seed: 0 });
    const started = performance.now();
    await fit(model, trainT, {
      epochs: 6,
      batchSize: 64,
      learningRate: (epoch) => (epoch < 4 ? 2e-3 : 4e-4),
      seed: 0,
    });
    const { accuracy } = await evaluate(model, testT);
    console.info(
      `MNIST: test accuracy ${(100 * (accuracy as number)).toFixed(2)}% in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    tf.dispose([trainT.x, trainT.y, testT.x, testT.y]);
    model.dispose();
  }, 600_000);
});
