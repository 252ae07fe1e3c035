import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinearModel } from '../testModels.js';
import { fixtureValues, linearModel } from '../testModels.js';
import { ablateBatch, ablationDelta, randomizedAblation } from './ablation.js';

/** C(n, k) exactly. */
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** a / b for big integers, to double precision. */
function ratio(a: bigint, b: bigint): number {
  const scale = 10n ** 30n;
  return Number((a * scale) / b) / 1e30;
}

const d = 12;
const k = 2;
let base: LinearModel;

beforeAll(async () => {
  await setupTestBackend();
  base = linearModel(fixtureValues(2 * d * 3, 81, -1, 1), [1.5, 0, -0.2], 2 * d, 3);
});
afterAll(() => base.dispose());

/** Exact smoothed class probabilities by enumerating all C(d, k) retained sets. */
function exactProbabilities(x: number[]): number[] {
  const subsets: number[][] = [];
  const rec = (start: number, cur: number[]) => {
    if (cur.length === k) {
      subsets.push([...cur]);
      return;
    }
    for (let i = start; i < d; i++) rec(i + 1, [...cur, i]);
  };
  rec(0, []);
  const enc = new Float32Array(subsets.length * 2 * d);
  subsets.forEach((s, r) => {
    for (const p of s) {
      enc[r * 2 * d + 2 * p] = x[p] as number;
      enc[r * 2 * d + 2 * p + 1] = 1 - (x[p] as number);
    }
  });
  const pred = tf.tidy(() => tf.argMax(base.f(tf.tensor2d(enc, [subsets.length, 2 * d])), 1).dataSync());
  const probs = [0, 0, 0];
  for (const p of pred) probs[p] = (probs[p] as number) + 1 / subsets.length;
  return probs;
}

describe('ablationDelta', () => {
  it('equals 1 - C(d - rho, k) / C(d, k) computed exactly with big integers', () => {
    for (const [dd, kk] of [
      [784, 45],
      [64, 10],
      [3072, 75],
      [8, 3],
    ] as const) {
      for (const rho of [0, 1, 2, 5, 10, 40]) {
        if (rho > dd) continue;
        const exact = 1 - ratio(choose(dd - rho, kk), choose(dd, kk));
        expect(Math.abs(ablationDelta(dd, kk, rho) - exact)).toBeLessThanOrEqual(1e-13);
      }
    }
    expect(ablationDelta(784, 45, 1)).toBeCloseTo(45 / 784, 15);
    expect(ablationDelta(10, 8, 3)).toBe(1);
    expect(ablationDelta(100000, 5000, 3)).toBeCloseTo(
      1 - ratio(choose(99997, 5000), choose(100000, 5000)),
      14,
    );
  });
});

describe('randomizedAblation', () => {
  const xs = [0.9, 0.1, 0.8, 0.3, 0.6, 0.2, 0.95, 0.4, 0.5, 0.05, 0.7, 0.35];

  it('the gap lemma: changing rho pixels moves every exact class probability by at most delta(rho)', () => {
    const p0 = exactProbabilities(xs);
    const values = fixtureValues(200, 82, 0, 1);
    let v = 0;
    for (let rho = 1; rho <= 4; rho++) {
      for (let trial = 0; trial < 6; trial++) {
        const changed = [...xs];
        for (let j = 0; j < rho; j++) changed[(trial + 5 * j) % d] = values[v++] as number;
        const p1 = exactProbabilities(changed);
        for (let c = 0; c < 3; c++) {
          expect(Math.abs((p1[c] as number) - (p0[c] as number))).toBeLessThanOrEqual(
            ablationDelta(d, k, rho) + 1e-12,
          );
        }
      }
    }
  });

  it('sampled counts match the exact probabilities; certified points keep their class under every tried rho-pixel change', async () => {
    const g = randomizedAblation(base.f, { k, seed: 1, batchSize: 5000 });
    const x = tf.tensor2d([xs]);
    const n = 20000;
    const [counts] = await g.sampleCounts(x, n);
    const exact = exactProbabilities(xs);
    for (let c = 0; c < 3; c++) {
      const p = exact[c] as number;
      expect(Math.abs((counts?.[c] as number) / n - p)).toBeLessThanOrEqual(
        4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-9,
      );
    }
    const [cert] = await g.certify(x, { n: 20000, alpha: 0.001 });
    const top = exact.indexOf(Math.max(...exact));
    expect(cert?.class).toBe(top);
    const rho = cert?.radius as number;
    expect(rho).toBeGreaterThan(0);
    // The certificate's condition holds with the exact probability, so no rho-pixel change flips g.
    expect((exact[top] as number) - ablationDelta(d, k, rho)).toBeGreaterThan(0.5);
    const values = fixtureValues(1000, 83, 0, 1);
    for (let trial = 0; trial < 20 && rho > 0; trial++) {
      const changed = [...xs];
      for (let j = 0; j < rho; j++) changed[(trial * 5 + 7 * j) % d] = values[trial * d + j] as number;
      const p = exactProbabilities(changed);
      expect(p.indexOf(Math.max(...p))).toBe(top);
    }
    x.dispose();
  });

  it('encodes images per pixel (channels kept together), rejects inputs outside [0, 1], leaks nothing', async () => {
    const img = tf.tensor4d(
      Float32Array.from({ length: 2 * 3 * 3 * 2 }, (_, i) => (i % 7) / 7),
      [2, 3, 3, 2],
    );
    const enc = ablateBatch(img, { k: 4, seed: 2 });
    expect(enc.shape).toEqual([2, 3, 3, 4]);
    const e = enc.dataSync();
    const src = img.dataSync();
    for (let i = 0; i < 2; i++) {
      let kept = 0;
      for (let p = 0; p < 9; p++) {
        const o = i * 36 + p * 4;
        const on =
          (e[o + 2] as number) + (e[o] as number) > 0 || (e[o + 3] as number) + (e[o + 1] as number) > 0;
        if (!on) {
          expect([e[o], e[o + 1], e[o + 2], e[o + 3]]).toEqual([0, 0, 0, 0]);
          continue;
        }
        kept++;
        for (let c = 0; c < 2; c++) {
          expect(e[o + c]).toBeCloseTo(src[i * 18 + p * 2 + c] as number, 6);
          expect(e[o + 2 + c]).toBeCloseTo(1 - (src[i * 18 + p * 2 + c] as number), 6);
        }
      }
      expect(kept).toBe(4);
    }
    enc.dispose();
    img.dispose();
    expect(() => ablateBatch(tf.tensor2d([[2, 0]]), { k: 1 })).toThrow(/must lie in \[0, 1\]/);
    const small = tf.zeros([1, 2, 2, 1]);
    await expectNoLeaks(() => ablateBatch(small, { k: 2, seed: 1 }));
    small.dispose();
    await expectNoLeaks(async () => {
      const g = randomizedAblation(base.f, { k, seed: 3 });
      const x = tf.tensor2d([xs]);
      await g.certify(x, { n0: 20, n: 200 });
      x.dispose();
    });
  });
});
