import { createRng, grad } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ntXentLoss } from './ntXentLoss.js';
import { pairContrastiveLoss } from './pairContrastiveLoss.js';

beforeAll(async () => {
  await setupTestBackend();
});

type Mat = number[][];
const rand = (seed: number, n: number, d: number, s = 1): Mat => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => Math.fround(s * rng.normal())));
};
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const unit = (a: number[]) => a.map((v) => v / Math.sqrt(dot(a, a)));

/** The NT-Xent formula written out directly in float64: -log(exp(s_ip) / sum_{k != i} exp(s_ik)). */
function ntXentDirect(z1: Mat, z2: Mat, tau: number, normalize = true): number {
  const z = [...z1, ...z2].map((r) => (normalize ? unit(r) : r));
  const n = z1.length;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const p = (i + n) % (2 * n);
    let denom = 0;
    for (let k = 0; k < 2 * n; k++) if (k !== i) denom += Math.exp(dot(z[i]!, z[k]!) / tau);
    total += -Math.log(Math.exp(dot(z[i]!, z[p]!) / tau) / denom);
  }
  return total / (2 * n);
}

async function value(t: tf.Scalar): Promise<number> {
  const v = (await t.data())[0] as number;
  t.dispose();
  return v;
}

describe('ntXentLoss', () => {
  it('equals the direct formula for several temperatures, with and without normalisation', async () => {
    const z1 = rand(1, 6, 5);
    const z2 = rand(2, 6, 5);
    const a = tf.tensor2d(z1);
    const b = tf.tensor2d(z2);
    for (const tau of [0.1, 0.5, 1, 3]) {
      expect(await value(ntXentLoss(a, b, { temperature: tau }))).toBeCloseTo(ntXentDirect(z1, z2, tau), 4);
    }
    expect(await value(ntXentLoss(a, b, { temperature: 2, normalize: false }))).toBeCloseTo(
      ntXentDirect(z1, z2, 2, false),
      4,
    );
    tf.dispose([a, b]);
  });

  it('stays exact for extreme logits (|s| up to 500, where float32 exp overflows)', async () => {
    const z1 = rand(3, 5, 4);
    const z2 = z1.map((r, i) => (i % 2 === 0 ? r.map((v) => v + 0.3) : rand(4 + i, 1, 4)[0]!));
    const a = tf.tensor2d(z1);
    const b = tf.tensor2d(z2);
    for (const tau of [0.01, 0.002]) {
      const ref = ntXentDirect(z1, z2, tau);
      expect(Number.isFinite(ref)).toBe(true);
      const got = await value(ntXentLoss(a, b, { temperature: tau }));
      expect(Math.abs(got - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)) + 1e-3);
    }
    const g = grad((x: tf.Tensor2D) => ntXentLoss(x, b, { temperature: 0.002 }), a);
    expect(Array.from(await g.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([a, b, g]);
  });

  it('is minimal for aligned views of orthonormal embeddings: log(1 + (2N - 2) e^{-1/tau})', async () => {
    const n = 4;
    const tau = 0.3;
    const eye = Array.from({ length: n }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === j ? 1 : 0)));
    const a = tf.tensor2d(eye);
    const aligned = await value(ntXentLoss(a, a, { temperature: tau }));
    expect(aligned).toBeCloseTo(Math.log(1 + (2 * n - 2) * Math.exp(-1 / tau)), 5);
    // Any perturbation of the second views raises the loss.
    for (let s = 0; s < 5; s++) {
      const b = tf.add(a, tf.mul(tf.randomNormal([n, 6], 0, 1, 'float32', s), 0.2)) as tf.Tensor2D;
      expect(await value(ntXentLoss(a, b, { temperature: tau }))).toBeGreaterThan(aligned);
      b.dispose();
    }
    tf.dispose([a]);
  });

  it('its gradient matches central differences of the direct formula', async () => {
    const z1 = rand(5, 3, 3);
    const z2 = rand(6, 3, 3);
    const b = tf.tensor2d(z2);
    const g = (await grad(
      (x: tf.Tensor2D) => ntXentLoss(x, b, { temperature: 0.4 }),
      tf.tensor2d(z1),
    ).array()) as Mat;
    const h = 1e-6;
    z1.forEach((row, i) => {
      row.forEach((_, j) => {
        const plus = z1.map((r) => [...r]);
        const minus = z1.map((r) => [...r]);
        plus[i]![j]! += h;
        minus[i]![j]! -= h;
        expect(g[i]![j]).toBeCloseTo(
          (ntXentDirect(plus, z2, 0.4) - ntXentDirect(minus, z2, 0.4)) / (2 * h),
          3,
        );
      });
    });
    b.dispose();
  });

  it('leaves no tensors behind and rejects bad input', async () => {
    const a = tf.tensor2d(rand(7, 4, 3));
    const b = tf.tensor2d(rand(8, 4, 3));
    const c = tf.tensor2d(rand(9, 3, 3));
    await expectNoLeaks(() => ntXentLoss(a, b));
    await expectNoLeaks(() => grad((x: tf.Tensor2D) => ntXentLoss(x, b), a));
    expect(() => ntXentLoss(a, c)).toThrow(/z1 and z2 must have the same shape/);
    expect(() => ntXentLoss(a, b, { temperature: 0 })).toThrow(/temperature must be > 0, received 0/);
    tf.dispose([a, b, c]);
  });
});

describe('pairContrastiveLoss', () => {
  it('equals mean log(1 + exp(f.f- - f.f+)) in float64, also for huge margins', async () => {
    for (const scale of [1, 30]) {
      const f = rand(10, 5, 4, scale);
      const pos = rand(11, 5, 4, scale);
      const neg = rand(12, 5, 4, scale);
      const ref =
        f.reduce((s, r, i) => {
          const m = dot(r, neg[i]!) - dot(r, pos[i]!);
          return s + (m > 30 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
        }, 0) / 5;
      const [a, p, n] = [f, pos, neg].map((m) => tf.tensor2d(m)) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const got = await value(pairContrastiveLoss(a, p, n));
      expect(Math.abs(got - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));
      await expectNoLeaks(() => pairContrastiveLoss(a, p, n));
      expect(() => pairContrastiveLoss(a, p, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/same shape/);
      tf.dispose([a, p, n]);
    }
  });
});
