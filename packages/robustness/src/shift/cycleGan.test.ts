import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cycleGan } from './cycleGan.js';

beforeAll(async () => {
  await setupTestBackend();
});

function blob(n: number, center: [number, number], seed: number) {
  const rng = createRng(seed);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = center[0] + 0.3 * rng.normal();
    x[2 * i + 1] = center[1] + 0.3 * rng.normal();
  }
  return { x, n, shape: [2] };
}

function nets(seed: number) {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 10 + s });
  const mlp = (out: number, s: number) =>
    tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 16, activation: 'relu', kernelInitializer: init(s) }),
        tf.layers.dense({ units: out, kernelInitializer: init(s + 1) }),
      ],
    });
  return {
    generatorAB: mlp(2, 1),
    generatorBA: mlp(2, 3),
    discriminatorA: mlp(1, 5),
    discriminatorB: mlp(1, 7),
  };
}

const meanRow = (t: tf.Tensor) => Array.from(tf.tidy(() => tf.mean(t, 0)).dataSync());

describe('cycleGan', () => {
  it('the cycle loss falls, and G_AB moves domain A towards domain B', async () => {
    const a = blob(200, [-2, 0], 1);
    const b = blob(200, [2, 1], 2);
    const n = nets(1);
    const { history } = await cycleGan(n, a, b, { steps: 50, batchSize: 32, learningRate: 1e-2, seed: 0 });
    const mean = (from: number, to: number) =>
      history.slice(from, to).reduce((s, h) => s + h.cycleLoss, 0) / (to - from);
    expect(mean(40, 50)).toBeLessThan(0.5 * mean(0, 10));
    const xa = tf.tensor2d(a.x, [200, 2]);
    const translated = n.generatorAB.predict(xa) as tf.Tensor;
    const [mx, my] = meanRow(translated);
    // Closer to B's centre (2, 1) than A's own (-2, 0) is.
    expect(Math.hypot((mx as number) - 2, (my as number) - 1)).toBeLessThan(Math.hypot(-2 - 2, 0 - 1) / 2);
    tf.dispose([xa, translated]);
  });

  it('leaks nothing, stops on abort and validates input', async () => {
    const a = blob(20, [0, 0], 3);
    const b = blob(20, [1, 1], 4);
    const n = nets(2);
    const { history } = await expectNoLeaks(() =>
      cycleGan(n, a, b, { steps: 3, identityWeight: 1, batchSize: 8 }),
    );
    expect(history).toHaveLength(3);
    const controller = new AbortController();
    const partial = await cycleGan(n, a, b, {
      steps: 10,
      signal: controller.signal,
      onProgress: (s) => {
        if (s.step === 1) controller.abort();
      },
    });
    expect(partial.history).toHaveLength(2);
    await expect(cycleGan({ ...n, discriminatorB: undefined as never }, a, b)).rejects.toMatchObject({
      param: 'networks.discriminatorB',
    });
    await expect(cycleGan(n, a, { x: new Float32Array(3), n: 2, shape: [2] })).rejects.toMatchObject({
      param: 'b',
    });
  });
});
