import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLstmClassifier } from './createLstmClassifier.js';
import { createRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { fit } from './fit.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** Token sequences over {0..4}; label 1 iff token 1 occurs more often than token 2 (ties skipped). */
function countingTask(n: number, length: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const rng = createRng(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  while (ys.length < n) {
    const s = Array.from({ length }, () => rng.int(0, 5));
    const ones = s.filter((t) => t === 1).length;
    const twos = s.filter((t) => t === 2).length;
    if (ones === twos) continue;
    xs.push(...s);
    ys.push(ones > twos ? 1 : 0);
  }
  return { x: tf.tensor2d(xs, [n, length], 'int32'), y: tf.tensor1d(ys, 'int32') };
}

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

describe('createLstmClassifier', () => {
  it('builds Embedding -> LSTM -> Dense for tokens and LSTM -> Dense for vectors', () => {
    const tokens = createLstmClassifier({
      vocabSize: 7,
      sequenceLength: 5,
      units: 4,
      numClasses: 3,
      embeddingDim: 2,
    });
    expect(tokens.layers.map((l) => l.getClassName())).toEqual(['Embedding', 'LSTM', 'Dense']);
    // Embedding 7*2, LSTM 4 gates x (input 2 + recurrent 4 + bias) x 4 units, Dense 4*3 + 3.
    expect(tokens.countParams()).toBe(14 + 4 * 4 * (2 + 4 + 1) + 15);
    expect(tokens.inputs[0]?.shape).toEqual([null, 5]);
    const vectors = createLstmClassifier({ inputDim: 3, sequenceLength: 6, units: 5, numClasses: 2 });
    expect(vectors.layers.map((l) => l.getClassName())).toEqual(['LSTM', 'Dense']);
    expect(vectors.inputs[0]?.shape).toEqual([null, 6, 3]);
    const y = vectors.predict(tf.zeros([2, 6, 3])) as tf.Tensor;
    expect(y.shape).toEqual([2, 2]);
    // Forget-gate bias starts at 1 (units 5..9 of the [i, f, c, o] bias), the others at 0.
    const bias = Array.from(vectors.layers[0]?.getWeights()[2]?.dataSync() ?? []);
    expect(bias).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    y.dispose();
    tokens.dispose();
    vectors.dispose();
  });

  it('learns to compare token counts, a task that needs memory across the sequence', async () => {
    const train = countingTask(512, 10, 1);
    const test = countingTask(256, 10, 2);
    const model = createLstmClassifier({
      vocabSize: 5,
      sequenceLength: 10,
      units: 16,
      numClasses: 2,
      embeddingDim: 8,
      seed: 0,
    });
    const history = await fit(model, train, {
      epochs: 5,
      batchSize: 32,
      learningRate: 0.01,
      seed: 0,
      validationData: test,
    });
    const last = history.epochs[4];
    expect(last?.loss).toBeLessThan((history.epochs[0]?.loss as number) / 4);
    expect(last?.valAccuracy).toBeGreaterThan(0.95);
    tf.dispose([train.x, train.y, test.x, test.y]);
    model.dispose();
  });

  it('is reproducible from its seed and reloads to the same function', async () => {
    const make = (seed: number) =>
      createLstmClassifier({ vocabSize: 6, sequenceLength: 4, units: 3, numClasses: 2, seed });
    const a = make(3);
    const b = make(3);
    const c = make(4);
    const values = (m: tf.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(values(a)).toEqual(values(b));
    expect(values(a)).not.toEqual(values(c));
    const loaded = await roundTrip(a);
    const x = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 0, 1, 1],
      ],
      [2, 4],
      'int32',
    );
    const ya = a.predict(x) as tf.Tensor;
    const yl = loaded.predict(x) as tf.Tensor;
    expect(Array.from(yl.dataSync())).toEqual(Array.from(ya.dataSync()));
    tf.dispose([x, ya, yl]);
    for (const m of [a, b, c, loaded]) m.dispose();
  });

  it('rejects bad options with DlfError and leaves no tensors once disposed', async () => {
    expect(() => createLstmClassifier({ sequenceLength: 4, numClasses: 2 })).toThrow(
      /exactly one of vocabSize/,
    );
    expect(() =>
      createLstmClassifier({ vocabSize: 3, inputDim: 2, sequenceLength: 4, numClasses: 2 }),
    ).toThrow(DlfError);
    expect(() => createLstmClassifier({ vocabSize: 3, sequenceLength: 0, numClasses: 2 })).toThrow(
      /sequenceLength/,
    );
    expect(() => createLstmClassifier({ inputDim: 3, sequenceLength: 4, numClasses: 2, units: 0 })).toThrow(
      /units/,
    );
    await expectNoLeaks(() => {
      createLstmClassifier({ vocabSize: 4, sequenceLength: 3, numClasses: 2, seed: 1 }).dispose();
    });
  });
});
