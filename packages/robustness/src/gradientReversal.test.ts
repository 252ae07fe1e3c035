import { setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dannLambda, GradientReversalLayer } from './gradientReversal.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('GradientReversalLayer', () => {
  it('as a layer inside a model, reverses the gradient reaching the layers below', () => {
    const grl = new GradientReversalLayer({ lambda: 0.25 });
    const input = tf.input({ shape: [3] });
    const dense = tf.layers.dense({ units: 2, kernelInitializer: 'ones', useBias: false });
    const out = dense.apply(grl.apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const x = tf.tensor2d([[1, 2, 3]]);
    // f = sum(dense(x)) = 2 * sum(x); d f / d x = 2 through the identity, reversed: -0.25 * 2.
    const g = tf.grad((v: tf.Tensor) => tf.sum(model.apply(v) as tf.Tensor))(x);
    expect(Array.from(g.dataSync())).toEqual([-0.5, -0.5, -0.5]);
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual([6, 6]);
    grl.lambda = 1;
    const g1 = tf.grad((v: tf.Tensor) => tf.sum(model.apply(v) as tf.Tensor))(x);
    expect(Array.from(g1.dataSync())).toEqual([-2, -2, -2]);
    tf.dispose([x, g, g1]);
    model.dispose();
  });

  it('follows the DANN schedule 2 / (1 + exp(-10 p)) - 1', () => {
    expect(dannLambda(0)).toBe(0);
    expect(dannLambda(1)).toBeCloseTo(2 / (1 + Math.exp(-10)) - 1, 15);
    expect(dannLambda(0.5, 4)).toBeCloseTo(Math.tanh(1), 15); // 2 sigma(2a) - 1 = tanh(a)
  });
});
