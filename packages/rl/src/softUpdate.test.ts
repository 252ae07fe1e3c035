import { DlfError } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { softUpdate } from './softUpdate.js';

function net(seed: number, units = 5): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units,
        inputShape: [3],
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        biasInitializer: tf.initializers.randomNormal({ seed: seed + 1 }),
      }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
}

describe('softUpdate', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('sets every target weight to tau * online + (1 - tau) * target, to the float32 rounding', async () => {
    await expectNoLeaks(() => {
      const online = net(1);
      const target = net(7);
      const before = target.getWeights().map((w) => w.dataSync().slice());
      const source = online.getWeights().map((w) => w.dataSync().slice());
      const tau = 0.3;
      softUpdate(target, online, tau);
      // Each product and the sum are rounded to float32, as the backend computes them.
      const t32 = Math.fround(tau);
      const u32 = Math.fround(1 - tau);
      target.getWeights().forEach((w, i) => {
        const expected = Float32Array.from(before[i] as Float32Array, (t, k) =>
          Math.fround(Math.fround((source[i] as Float32Array)[k]! * t32) + Math.fround(t * u32)),
        );
        expect(w.dataSync()).toEqual(expected);
      });
      // tau = 1 is a hard copy.
      softUpdate(target, online, 1);
      target.getWeights().forEach((w, i) => {
        expect(w.dataSync()).toEqual(source[i]);
      });
      online.dispose();
      target.dispose();
    });
  });

  it('rejects tau outside (0, 1] and networks of different shapes', () => {
    const a = net(1);
    const b = net(2, 4);
    expect(() => softUpdate(a, a, 0)).toThrowError(DlfError);
    expect(() => softUpdate(a, a, 1.5)).toThrow(/tau must be in \(0, 1\]/);
    expect(() => softUpdate(a, b, 0.5)).toThrow(/one architecture/);
    a.dispose();
    b.dispose();
  });
});
