import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ogda } from './ogda.js';

beforeAll(async () => {
  await setupTestBackend();
});

const bilinear = (x: tf.Tensor1D, y: tf.Tensor1D) => tf.sum(tf.mul(x, y));
const norm2 = (x: number[], y: number[]) => [...x, ...y].reduce((s, v) => s + v * v, 0);

/** Largest |r| over the roots of r^2 - (1 + 2 eta l) r + eta l = 0 for l = i (OGDA on x y, complex arithmetic). */
function ogdaRate(eta: number): number {
  // l = i: coefficients B = -(1 + 2 eta i), C = eta i; roots (-B +- sqrt(B^2 - 4C)) / 2.
  const bRe = -1;
  const bIm = -2 * eta;
  const dRe = bRe * bRe - bIm * bIm; // B^2 - 4C, with 4C = 4 eta i
  const dIm = 2 * bRe * bIm - 4 * eta;
  const mod = Math.hypot(dRe, dIm);
  const sRe = Math.sqrt((mod + dRe) / 2);
  const sIm = Math.sign(dIm) * Math.sqrt((mod - dRe) / 2);
  const r1 = Math.hypot((-bRe + sRe) / 2, (-bIm + sIm) / 2);
  const r2 = Math.hypot((-bRe - sRe) / 2, (-bIm - sIm) / 2);
  return Math.max(r1, r2);
}

describe('ogda', () => {
  it('converges to the saddle (0, 0) of f = x y at the rate predicted by its characteristic polynomial', () => {
    const eta = 0.3;
    const rho = ogdaRate(eta);
    expect(rho).toBeLessThan(1);
    const run = ogda(bilinear, [1], [1], { learningRate: eta, steps: 150 });
    expect(norm2(run.x, run.y)).toBeLessThan(1e-6);
    // Tail slope of log ||z_t||^2 equals 2 log rho (the other root is smaller).
    const ts = Array.from({ length: 51 }, (_, i) => 80 + i);
    const ys = ts.map((t) => Math.log(norm2(run.xs![t]!, run.ys![t]!)));
    const slope = (ys.at(-1)! - ys[0]!) / (ts.at(-1)! - ts[0]!);
    expect(Math.abs(slope - 2 * Math.log(rho))).toBeLessThan(0.01);
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => ogda(bilinear, [1, 2], [3, 4], { steps: 5 }));
  });
});
