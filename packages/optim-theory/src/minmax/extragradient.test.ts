import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { extragradient } from './extragradient.js';

beforeAll(async () => {
  await setupTestBackend();
});

const bilinear = (x: tf.Tensor1D, y: tf.Tensor1D) => tf.sum(tf.mul(x, y));
const norm2 = (x: number[], y: number[]) => [...x, ...y].reduce((s, v) => s + v * v, 0);

describe('extragradient', () => {
  it('contracts ||z||^2 on f = x y by exactly 1 - eta^2 + eta^4 per step', () => {
    const eta = 0.4;
    const run = extragradient(bilinear, [1, -2], [0.5, 1], { learningRate: eta, steps: 25 });
    for (let t = 1; t <= 25; t++) {
      const ratio = norm2(run.xs![t]!, run.ys![t]!) / norm2(run.xs![t - 1]!, run.ys![t - 1]!);
      expect(ratio).toBeCloseTo(1 - eta ** 2 + eta ** 4, 5);
    }
  });

  it('with projections finds the corner saddle (-1, -1) of f = x y + 2x on the box [-1, 1]^2', () => {
    const clip = (v: number[]) => v.map((e) => Math.max(-1, Math.min(1, e)));
    const f = (x: tf.Tensor1D, y: tf.Tensor1D) => tf.sum(tf.add(tf.mul(x, y), tf.mul(2, x)));
    const run = extragradient(f, [0.5], [0.5], {
      learningRate: 0.3,
      steps: 200,
      projectX: clip,
      projectY: clip,
    });
    expect(run.x[0]).toBeCloseTo(-1, 6);
    expect(run.y[0]).toBeCloseTo(-1, 6);
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => extragradient(bilinear, [1], [1], { steps: 5 }));
  });
});
