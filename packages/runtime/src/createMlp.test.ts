import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMlp } from './createMlp.js';
import { DlfError } from './DlfError.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** Saves a model to memory and loads it back (the path an exporter or a user's save takes). */
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

describe('createMlp', () => {
  it('stacks Dense layers of the requested widths and activations', () => {
    const model = createMlp({ inputSize: 5, hiddenSizes: [7, 3], outputSize: 2, activation: 'tanh' });
    const dense = model.layers.map((l) => l.getConfig());
    expect(dense.map((c) => c.units)).toEqual([7, 3, 2]);
    expect(dense.map((c) => c.activation)).toEqual(['tanh', 'tanh', 'linear']);
    expect(model.countParams()).toBe(5 * 7 + 7 + 7 * 3 + 3 + 3 * 2 + 2);
    expect(model.outputs[0]?.shape).toEqual([null, 2]);
    model.dispose();
  });

  it('flattens image-shaped inputs and computes x W + b (a linear model without hidden layers)', () => {
    const model = createMlp({ inputShape: [2, 2, 1], outputSize: 3, seed: 1 });
    expect(model.layers[0]?.getClassName()).toBe('Flatten');
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const [kernel, bias] = model.getWeights();
    const expected = tf.add(tf.matMul(tf.reshape(x, [1, 4]), kernel as tf.Tensor2D), bias as tf.Tensor);
    const y = model.predict(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, y, expected]);
    model.dispose();
  });

  it('initialises reproducibly from its seed: Glorot-uniform kernels, zero biases', () => {
    const weights = (seed: number) => {
      const m = createMlp({ inputSize: 40, hiddenSizes: [30], outputSize: 10, seed });
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    const a = weights(0);
    expect(weights(0)).toEqual(a);
    expect(weights(1)[0]).not.toEqual(a[0]);
    const limit = Math.sqrt(6 / (40 + 30));
    expect(Math.max(...(a[0] as number[]).map(Math.abs))).toBeLessThanOrEqual(limit);
    // U(-L, L) has variance L^2/3; 1200 draws, 5 standard errors (Var(u^2) = 4 L^4 / 45).
    const meanSquare = (a[0] as number[]).reduce((s, v) => s + v * v, 0) / 1200;
    expect(Math.abs(meanSquare - limit ** 2 / 3)).toBeLessThan(5 * Math.sqrt((4 * limit ** 4) / 45 / 1200));
    expect(a[1]).toEqual(new Array(30).fill(0));
    // Different layers get different seeds (not the same matrix twice).
    expect((a[2] as number[]).slice(0, 10)).not.toEqual((a[0] as number[]).slice(0, 10));
  });

  it('serialises with standard layers only and reloads to the same function', async () => {
    const model = createMlp({ inputSize: 3, hiddenSizes: [4], outputSize: 2, activation: 'elu', seed: 2 });
    const loaded = await roundTrip(model);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense']);
    const x = tf.randomNormal([4, 3]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('rejects bad options with DlfError', () => {
    expect(() => createMlp({ outputSize: 2 })).toThrow(/inputSize must be an integer >= 1/);
    expect(() => createMlp({ inputSize: 2, inputShape: [2], outputSize: 1 })).toThrow(/not both/);
    expect(() => createMlp({ inputSize: 2, outputSize: 0 })).toThrow(DlfError);
    expect(() => createMlp({ inputSize: 2, hiddenSizes: [3, -1], outputSize: 1 })).toThrow(
      /hiddenSizes\[1\]/,
    );
    expect(() => createMlp({ inputSize: 2, outputSize: 1, activation: 'swish' as never })).toThrow(
      /activation must be one of/,
    );
    expect(() => createMlp(null as never)).toThrow(/options must be an object/);
  });

  it('leaves no tensors behind once the model is disposed', async () => {
    await expectNoLeaks(() => {
      createMlp({ inputSize: 4, hiddenSizes: [3], outputSize: 2, seed: 0 }).dispose();
    });
  });
});
