import { type LabeledData, loadDigits, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { simclr } from './simclr.js';

let digits: LabeledData;
beforeAll(async () => {
  await setupTestBackend();
  digits = (await loadDigits()).train;
});

describe('simclr', () => {
  const encoder = mlp({ sizes: [64, 32, 16], activation: 'relu', initScale: Math.SQRT2 });

  it('lowers the NT-Xent loss of fresh batches and is reproducible by seed', async () => {
    const progress: number[] = [];
    const options = { steps: 40, batchSize: 64, learningRate: 0.003, seed: 0 };
    const a = await simclr(encoder, digits, {
      ...options,
      onProgress: ({ step }) => void progress.push(step),
    });
    expect(progress).toHaveLength(40);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    // log(2N - 1) = log 127 = 4.84 is the loss of constant embeddings; training must go well below.
    expect(mean(a.losses.slice(0, 5))).toBeGreaterThan(mean(a.losses.slice(-5)) + 0.3);
    const b = await simclr(encoder, digits, { ...options, steps: 3 });
    expect(b.losses).toEqual(a.losses.slice(0, 3));
    expect(a.head.sizes).toEqual([16, 16, 32]);
    tf.dispose([a.encoderParams, a.headParams, b.encoderParams, b.headParams]);
  });

  it('stops on abort, leaks nothing and validates its input', async () => {
    const controller = new AbortController();
    let live: number[] = [];
    const r = await simclr(encoder, digits, {
      steps: 10,
      batchSize: 16,
      signal: controller.signal,
      onProgress: ({ step, encoderParams }) => {
        live = Array.from(encoderParams.dataSync());
        if (step === 2) controller.abort();
      },
    });
    expect(r.aborted).toBe(true);
    expect(r.steps).toBe(2);
    // The progress report carries the live encoder parameters: after the last step, the result's.
    expect(Array.from(await r.encoderParams.data())).toEqual(live);
    tf.dispose([r.encoderParams, r.headParams]);
    await expectNoLeaks(() => simclr(encoder, digits, { steps: 2, batchSize: 8 }));
    const flat = { ...digits, shape: [64] };
    await expect(simclr(encoder, flat)).rejects.toThrow(/images of shape \[height, width, channels\]/);
    await expect(simclr(mlp({ sizes: [10, 2] }), digits)).rejects.toThrow(
      /does not hold 8 x 8 x 1 = 64 values/,
    );
  });
});
