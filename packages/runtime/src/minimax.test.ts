import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { minimax } from './minimax.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

const bilinear = (x: tf.Tensor1D, y: tf.Tensor1D): tf.Scalar => tf.sum(tf.mul(x, y));
const norm = (p: { x: number[]; y: number[] }): number => Math.hypot(...p.x, ...p.y);

describe('minimax on the bilinear game min_x max_y x.y (equilibrium 0)', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('simultaneous GDA diverges: the distance grows by exactly sqrt(1 + eta^2) per step', async () => {
    const eta = 0.2;
    const { trajectory } = await expectNoLeaks(() =>
      minimax(bilinear, { x0: [1, -0.5], y0: [0.5, 2], method: 'gda', learningRate: eta, steps: 50 }),
    );
    const ratio = norm(trajectory[50]!) / norm(trajectory[0]!);
    expect(ratio).toBeGreaterThan(2);
    expect(Math.abs(ratio / Math.sqrt(1 + eta * eta) ** 50 - 1)).toBeLessThan(1e-4);
  });

  it('extragradient converges: the distance shrinks by exactly sqrt(1 - eta^2 + eta^4) per step', async () => {
    const eta = 0.3;
    const { trajectory } = await expectNoLeaks(() =>
      minimax(bilinear, {
        x0: [1, -0.5],
        y0: [0.5, 2],
        method: 'extragradient',
        learningRate: eta,
        steps: 50,
      }),
    );
    const ratio = norm(trajectory[50]!) / norm(trajectory[0]!);
    expect(ratio).toBeLessThan(0.2);
    expect(Math.abs(ratio / Math.sqrt(1 - eta ** 2 + eta ** 4) ** 50 - 1)).toBeLessThan(1e-4);
  });

  it('OGDA converges at the rate of its recurrence: rho = sqrt((1 + sqrt(1 - 4 eta^2)) / 2) < 1', async () => {
    // z = x + i y obeys z_{t+1} = z_t + i eta (2 z_t - z_{t-1}); its characteristic roots are
    // (1 +- sqrt(1 - 4 eta^2)) / 2 + i eta, the larger of modulus rho.
    const eta = 0.2;
    const rho = Math.sqrt((1 + Math.sqrt(1 - 4 * eta * eta)) / 2);
    const { trajectory } = await expectNoLeaks(() =>
      minimax(bilinear, { x0: [1], y0: [1], method: 'ogda', learningRate: eta, steps: 200 }),
    );
    const rate = (norm(trajectory[200]!) / norm(trajectory[100]!)) ** (1 / 100);
    expect(rate).toBeLessThan(1);
    expect(Math.abs(rate - rho)).toBeLessThan(1e-4);
    expect(norm(trajectory[200]!)).toBeLessThan(0.1 * norm(trajectory[0]!));
  });

  it('alternating GDA neither diverges nor converges (its update matrix has determinant 1 and eigenvalues on the unit circle)', () => {
    const { trajectory } = minimax(bilinear, {
      x0: [1],
      y0: [0],
      method: 'gda',
      updates: 'alternating',
      learningRate: 0.2,
      steps: 200,
    });
    const norms = trajectory.map(norm);
    expect(Math.max(...norms)).toBeLessThan(1.2);
    expect(Math.min(...norms.slice(100))).toBeGreaterThan(0.8);
  });

  it('finds the saddle of a strongly convex-concave game with every method', () => {
    // f = x^2 / 2 + 2 x y - y^2 / 2: unique saddle at 0; GDA contracts by sqrt(1 - 2 eta + 5 eta^2) per step.
    const f = (x: tf.Tensor1D, y: tf.Tensor1D): tf.Scalar =>
      tf.sum(tf.add(tf.sub(tf.mul(0.5, tf.square(x)), tf.mul(0.5, tf.square(y))), tf.mul(2, tf.mul(x, y))));
    for (const method of ['gda', 'ogda', 'extragradient'] as const) {
      const res = minimax(f, { x0: [2], y0: [-1], method, learningRate: 0.1, steps: 150, recordEvery: 150 });
      expect(Math.hypot(res.x[0]!, res.y[0]!)).toBeLessThan(1e-3);
      expect(res.trajectory).toHaveLength(2);
    }
  });

  it('rejects bad options', () => {
    expect(() =>
      minimax(bilinear, { x0: [1], y0: [1], method: 'extragradient', updates: 'alternating' }),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(() => minimax(bilinear, { x0: [], y0: [1] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => minimax(bilinear, { x0: [1], y0: [1], learningRate: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const controller = new AbortController();
    controller.abort();
    expect(() => minimax(bilinear, { x0: [1], y0: [1], signal: controller.signal })).toThrow(
      expect.objectContaining({ code: 'ABORTED' }),
    );
  });
});
