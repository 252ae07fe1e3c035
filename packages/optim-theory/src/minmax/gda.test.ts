import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gdaStableStepSize } from './eigenvalues.js';
import { gda } from './gda.js';

beforeAll(async () => {
  await setupTestBackend();
});

const bilinear = (x: tf.Tensor1D, y: tf.Tensor1D) => tf.sum(tf.mul(x, y));
const norm2 = (x: number[], y: number[]) => [...x, ...y].reduce((s, v) => s + v * v, 0);

describe('gda', () => {
  it('simultaneous GDA on f = x y multiplies ||(x, y)||^2 by exactly 1 + eta^2 per step', () => {
    const eta = 0.2;
    const run = gda(bilinear, [1, -0.5], [0.3, 2], { learningRate: eta, steps: 30 });
    for (let t = 1; t <= 30; t++) {
      const ratio = norm2(run.xs![t]!, run.ys![t]!) / norm2(run.xs![t - 1]!, run.ys![t - 1]!);
      expect(ratio).toBeCloseTo(1 + eta * eta, 5);
    }
  });

  it('alternating GDA on f = x y conserves x^2 + y^2 - eta x y (a symplectic map): bounded, not convergent', () => {
    const eta = 0.5;
    const run = gda(bilinear, [1], [0.5], { learningRate: eta, steps: 200, alternating: true });
    const V = (t: number) => {
      const x = run.xs![t]![0]!;
      const y = run.ys![t]![0]!;
      return x * x + y * y - eta * x * y;
    };
    for (let t = 0; t <= 200; t += 10) expect(V(t)).toBeCloseTo(V(0), 4);
  });

  it('converges below the step size 2a / (a^2 + b^2) and diverges above it, at the exact per-step factor', () => {
    // f = (a/2) x^2 + b x y - (a/2) y^2 has game Jacobian [[-a, -b], [b, -a]], eigenvalues -a +- i b.
    const a = 0.5;
    const b = 2;
    const f = (x: tf.Tensor1D, y: tf.Tensor1D) =>
      tf.tidy(() =>
        tf.sum(
          tf.add(tf.sub(tf.mul(a / 2, tf.square(x)), tf.mul(a / 2, tf.square(y))), tf.mul(b, tf.mul(x, y))),
        ),
      );
    const etaStar = gdaStableStepSize([
      { re: -a, im: b },
      { re: -a, im: -b },
    ]);
    expect(etaStar).toBeCloseTo((2 * a) / (a * a + b * b), 12);
    for (const eta of [0.9 * etaStar, 1.1 * etaStar]) {
      const run = gda(f, [1], [1], { learningRate: eta, steps: 40 });
      const factor = (1 - eta * a) ** 2 + (eta * b) ** 2;
      const measured = norm2(run.x, run.y) / 2;
      expect(Math.abs(Math.log(measured) - 40 * Math.log(factor))).toBeLessThan(1e-3);
      expect(factor < 1).toBe(eta < etaStar);
    }
  });

  it('keeps iterates in the constraint sets, validates input and leaks no tensors', async () => {
    const clip = (v: number[]) => v.map((e) => Math.max(-1, Math.min(1, e)));
    const run = gda(bilinear, [0.9], [0.9], { learningRate: 0.5, steps: 50, projectX: clip, projectY: clip });
    for (const v of [...run.xs!.flat(), ...run.ys!.flat()]) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(() => gda(bilinear, [1], [1], { learningRate: 0 })).toThrow(
      expect.objectContaining({ param: 'learningRate' }),
    );
    expect(() => gda(bilinear, [1], [1], { projectX: () => [1, 2] })).toThrow(
      expect.objectContaining({ param: 'projectX' }),
    );
    expect(() => gda((() => tf.ones([2])) as never, [1], [1])).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE' }),
    );
    const ac = new AbortController();
    ac.abort();
    expect(() => gda(bilinear, [1], [1], { signal: ac.signal })).toThrow(
      expect.objectContaining({ code: 'ABORTED' }),
    );
    await expectNoLeaks(() => gda(bilinear, [1], [1], { steps: 5, alternating: true }));
  });
});
