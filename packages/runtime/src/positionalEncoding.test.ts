import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DlfError } from './DlfError.js';
import { PositionalEncoding, positionalEncoding, sinusoidalTable } from './positionalEncoding.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('sinusoidalTable', () => {
  it('has the closed form of Vaswani et al. at chosen positions', () => {
    const dim = 6;
    const pe = sinusoidalTable(30, dim);
    for (const pos of [0, 1, 7, 29]) {
      for (let i = 0; i < dim / 2; i++) {
        const omega = 1 / 10000 ** ((2 * i) / dim);
        expect(pe[pos * dim + 2 * i]).toBeCloseTo(Math.sin(pos * omega), 6);
        expect(pe[pos * dim + 2 * i + 1]).toBeCloseTo(Math.cos(pos * omega), 6);
      }
    }
  });

  it('encodes a shift by k as the same rotation of every position (the property that motivates it)', () => {
    // [sin((p+k)w), cos((p+k)w)] = R(kw) [sin(pw), cos(pw)] with R(a) = [[cos a, sin a], [-sin a, cos a]].
    const dim = 8;
    const k = 5;
    const pe = sinusoidalTable(40, dim);
    for (let i = 0; i < dim / 2; i++) {
      const a = k / 10000 ** ((2 * i) / dim);
      for (const p of [0, 3, 17, 30]) {
        const s = pe[p * dim + 2 * i] as number;
        const c = pe[p * dim + 2 * i + 1] as number;
        expect(pe[(p + k) * dim + 2 * i]).toBeCloseTo(Math.cos(a) * s + Math.sin(a) * c, 5);
        expect(pe[(p + k) * dim + 2 * i + 1]).toBeCloseTo(-Math.sin(a) * s + Math.cos(a) * c, 5);
      }
    }
  });

  it('rejects non-positive sizes', () => {
    expect(() => sinusoidalTable(0, 4)).toThrow(DlfError);
    expect(() => sinusoidalTable(3, 2.5)).toThrow(/dim must be an integer/);
  });
});

describe('positionalEncoding', () => {
  it('adds the table to every sequence of the batch', () => {
    const layer = positionalEncoding();
    const x = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 1);
    const y = layer.apply(x) as tf.Tensor;
    const table = tf.tensor3d(sinusoidalTable(5, 4), [1, 5, 4]);
    const diff = tf.max(tf.abs(tf.sub(y, tf.add(x, table)))).dataSync()[0] as number;
    expect(diff).toBe(0);
    expect(layer.table(5, 4)).toEqual(sinusoidalTable(5, 4));
    tf.dispose([x, y, table]);
  });

  it('round-trips through a saved model (registered class)', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4, 3], units: 6 }), positionalEncoding()],
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expect(loaded.layers[1]).toBeInstanceOf(PositionalEncoding);
    const x = tf.randomNormal([2, 4, 3]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('rejects inputs that are not [batch, length, dim] and leaks nothing', async () => {
    const layer = positionalEncoding();
    const bad = tf.zeros([2, 3]);
    expect(() => layer.apply(bad)).toThrow(DlfError);
    bad.dispose();
    const x = tf.zeros([1, 2, 2]);
    await expectNoLeaks(() => layer.apply(x) as tf.Tensor);
    x.dispose();
  });
});
