import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from './createRng.js';
import { createTransformerClassifier } from './createTransformerClassifier.js';
import { DlfError } from './DlfError.js';
import { fit } from './fit.js';
import { PositionalEncoding } from './positionalEncoding.js';
import { TransformerEncoderBlock } from './TransformerEncoderBlock.js';
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

describe('createTransformerClassifier', () => {
  it('stacks embedding, positional encoding, encoder blocks, pooling and a linear head', () => {
    const model = createTransformerClassifier({
      vocabSize: 11,
      sequenceLength: 6,
      numClasses: 3,
      modelDim: 8,
      numHeads: 2,
      numLayers: 2,
      seed: 0,
    });
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'Embedding',
      'PositionalEncoding',
      'TransformerEncoderBlock',
      'TransformerEncoderBlock',
      'GlobalAveragePooling1D',
      'Dense',
    ]);
    const block = model.layers[2] as TransformerEncoderBlock;
    expect([block.numHeads, block.keyDim, block.ffDim]).toEqual([2, 4, 16]);
    // Per block: 4 projections 8x8 + biases, 2 layer norms, FFN 8x16 + 16 + 16x8 + 8.
    const perBlock = 4 * (64 + 8) + 2 * 16 + (128 + 16 + 128 + 8);
    expect(model.countParams()).toBe(11 * 8 + 2 * perBlock + 8 * 3 + 3);
    const vectors = createTransformerClassifier({
      inputDim: 3,
      sequenceLength: 5,
      numClasses: 2,
      modelDim: 4,
      numHeads: 1,
    });
    expect(vectors.layers[0]?.getClassName()).toBe('Dense');
    const y = vectors.predict(tf.zeros([2, 5, 3])) as tf.Tensor;
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    model.dispose();
    vectors.dispose();
  });

  it('learns to compare token counts', async () => {
    const train = countingTask(512, 10, 1);
    const test = countingTask(256, 10, 2);
    const model = createTransformerClassifier({
      vocabSize: 5,
      sequenceLength: 10,
      numClasses: 2,
      modelDim: 16,
      numHeads: 2,
      seed: 0,
    });
    const history = await fit(model, train, {
      epochs: 6,
      batchSize: 32,
      learningRate: 0.003,
      seed: 0,
      validationData: test,
    });
    expect(history.epochs[5]?.loss).toBeLessThan((history.epochs[0]?.loss as number) / 4);
    expect(history.epochs[5]?.valAccuracy).toBeGreaterThan(0.95);
    tf.dispose([train.x, train.y, test.x, test.y]);
    model.dispose();
  });

  it('reloads from its saved form (custom layers registered) to the same function, and is seeded', async () => {
    const model = createTransformerClassifier({
      vocabSize: 6,
      sequenceLength: 4,
      numClasses: 2,
      modelDim: 6,
      numHeads: 3,
      seed: 9,
    });
    const twin = createTransformerClassifier({
      vocabSize: 6,
      sequenceLength: 4,
      numClasses: 2,
      modelDim: 6,
      numHeads: 3,
      seed: 9,
    });
    const values = (m: tf.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(values(twin)).toEqual(values(model));
    const loaded = await roundTrip(model);
    expect(loaded.layers[1]).toBeInstanceOf(PositionalEncoding);
    expect(loaded.layers[2]).toBeInstanceOf(TransformerEncoderBlock);
    const x = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 0, 1, 1],
      ],
      [2, 4],
      'int32',
    );
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    for (const m of [model, twin, loaded]) m.dispose();
  });

  it('rejects bad options with DlfError and leaves no tensors once disposed', async () => {
    expect(() => createTransformerClassifier({ sequenceLength: 4, numClasses: 2 })).toThrow(
      /exactly one of vocabSize/,
    );
    expect(() =>
      createTransformerClassifier({ vocabSize: 3, sequenceLength: 4, numClasses: 2, numHeads: 0 }),
    ).toThrow(DlfError);
    expect(() =>
      createTransformerClassifier({ vocabSize: 3, sequenceLength: 4, numClasses: 2, numLayers: 1.5 }),
    ).toThrow(/numLayers must be an integer/);
    await expectNoLeaks(() => {
      createTransformerClassifier({
        vocabSize: 4,
        sequenceLength: 3,
        numClasses: 2,
        modelDim: 4,
        seed: 1,
      }).dispose();
    });
  });
});
