import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import refs from '../../scripts/refs/stats.json' with { type: 'json' };
import type { LinearModel } from '../testModels.js';
import { linearModel } from '../testModels.js';
import { smooth, smoothingRadius } from './smooth.js';
import { clopperPearson, normalCdf, normalQuantile } from './stats.js';

// Binary linear classifier in d = 4: logits [0, w.x + b], so class 1 iff w.x + b > 0.
const w = [0.5, -1, 0.25, 0.75];
const wNorm = Math.hypot(...w);
let lin: LinearModel;

beforeAll(async () => {
  await setupTestBackend();
  lin = linearModel(
    w.flatMap((v) => [0, v]),
    [0, -0.5],
    4,
    2,
  );
});
afterAll(() => lin.dispose());

function margin(x: number[]): number {
  return x.reduce((s, v, j) => s + v * (w[j] as number), -0.5);
}

/** Three classes on the first coordinate: 0 below a, 1 in [a, b), 2 from b on (one-hot logits). */
function intervals(a: number, b: number) {
  return (x: tf.Tensor) =>
    tf.tidy(() => {
      const t = tf.slice(tf.reshape(x, [x.shape[0] as number, -1]), [0, 0], [-1, 1]);
      const z0 = tf.step(tf.sub(a, t));
      const z2 = tf.step(tf.sub(t, b));
      return tf.concat([z0, tf.sub(1, tf.add(z0, z2)), z2], 1);
    });
}

describe('smoothingRadius', () => {
  it('reproduces sigma * Phi^-1(Clopper-Pearson lower bound) from SciPy', () => {
    for (const [k, n, alpha, sigma, want] of refs.cohenRadius as number[][]) {
      const { lower } = clopperPearson(k as number, n as number, alpha as number);
      const r = smoothingRadius(lower, 1 - lower, sigma as number, 'gaussian');
      expect(Math.abs(r - (want as number))).toBeLessThanOrEqual(1e-9 * Math.abs(want as number));
    }
  });

  it('two-class Gaussian and Laplace forms: identities and the one-class special cases', () => {
    expect(smoothingRadius(0.7, 0.1, 2, 'gaussian')).toBeCloseTo(
      normalQuantile(0.7) - normalQuantile(0.1),
      12,
    );
    // Laplace: with pB = 1 - pA the shift term -lambda log(2 (1 - pA)) dominates.
    expect(smoothingRadius(0.9, 0.1, 1.5, 'laplace')).toBeCloseTo(-1.5 * Math.log(0.2), 12);
    expect(smoothingRadius(0.5, 0.4, 1, 'laplace')).toBeCloseTo(
      Math.max(0.5 * Math.log(1.25), -Math.log(0.9)),
      12,
    );
    expect(smoothingRadius(0.4, 0.4, 1, 'gaussian')).toBe(0);
  });
});

describe('smooth (Gaussian) on a linear classifier: P(class 1) = Phi(margin / (sigma ||w||))', () => {
  const sigma = 0.5;
  const points = [
    [0.8, -0.3, 0.2, 0.4],
    [-0.2, 0.4, 0.1, -0.3],
    [0.9, -0.2, 0.6, 0.2],
  ];

  it('sampled counts match the closed-form probability within 4.5 standard errors', async () => {
    const g = smooth(lin.f, { sigma, seed: 1, batchSize: 5000 });
    const n = 20000;
    const counts = await g.sampleCounts(tf.tensor2d(points), n);
    points.forEach((x, i) => {
      const p1 = normalCdf(margin(x) / (sigma * wNorm));
      const se = Math.sqrt((p1 * (1 - p1)) / n);
      expect(Math.abs((counts[i]?.[1] as number) / n - p1)).toBeLessThan(4.5 * se);
    });
  });

  it('the certified L2 radius never exceeds the true distance |w.x + b| / ||w|| and approaches it as n grows', async () => {
    const x = tf.tensor2d(points);
    const alpha = 0.001;
    const small = await smooth(lin.f, { sigma, seed: 2, batchSize: 5000 }).certify(x, { n: 1000, alpha });
    const large = await smooth(lin.f, { sigma, seed: 3, batchSize: 10000 }).certify(x, { n: 100000, alpha });
    points.forEach((p, i) => {
      const dist = Math.abs(margin(p)) / wNorm;
      const cls = margin(p) > 0 ? 1 : 0;
      const pA = normalCdf(dist / sigma);
      for (const cert of [small[i], large[i]]) {
        expect(cert?.class).toBe(cls);
        expect(cert?.radius).toBeLessThanOrEqual(dist);
        expect(cert?.norm).toBe('l2');
      }
      // With n samples, pA_lower >= pA - (z_alpha + 4.5) sqrt(pA (1 - pA) / n) unless a 4.5-sigma event occurs.
      const slack = (normalQuantile(1 - alpha) + 4.5) * Math.sqrt((pA * (1 - pA)) / 100000);
      expect(large[i]?.radius).toBeGreaterThanOrEqual(sigma * normalQuantile(pA - slack));
      expect(dist - (large[i]?.radius as number)).toBeLessThan(dist - (small[i]?.radius as number));
    });
    x.dispose();
  });

  it('abstains on the decision boundary (predict and certify)', async () => {
    const onBoundary = tf.tensor2d([[1, 0, 0, 0]]); // 0.5 - 0.5 = 0
    const g = smooth(lin.f, { sigma, seed: 4 });
    const [pred] = await g.predict(onBoundary, { n: 2000, alpha: 0.001 });
    expect(pred?.abstained).toBe(true);
    expect(pred?.class).toBe(-1);
    expect(pred?.pValue).toBeGreaterThan(0.001);
    const [cert] = await g.certify(onBoundary, { n0: 100, n: 2000 });
    expect(cert?.abstained).toBe(true);
    expect(cert?.radius).toBe(0);
    const [far] = await g.predict(tf.tensor2d([points[0] as number[]]), { n: 2000 });
    expect(far?.class).toBe(1);
    onBoundary.dispose();
  });

  it('same seed, same certificate; leaks no tensors', async () => {
    const x = tf.tensor2d(points);
    const a = await smooth(lin.f, { sigma, seed: 7 }).certify(x, { n: 3000 });
    const b = await smooth(lin.f, { sigma, seed: 7 }).certify(x, { n: 3000 });
    expect(a.map((c) => c.radius)).toEqual(b.map((c) => c.radius));
    const c = await smooth(lin.f, { sigma, seed: 8 }).certify(x, { n: 3000 });
    expect(a.map((r) => r.radius)).not.toEqual(c.map((r) => r.radius));
    await expectNoLeaks(async () => {
      const g = smooth(lin.f, { sigma, seed: 9, batchSize: 256 });
      await g.certify(x, { n0: 50, n: 600 });
      await g.predict(x, { n: 600 });
    });
    x.dispose();
  });
});

describe('smooth: two-class and Laplace certificates on a 1-D three-interval classifier', () => {
  const a = -0.3;
  const b = 0.3;
  const f = intervals(a, b);
  const x0 = 0.05;

  /** Smallest |delta| at which the smoothed class at x0 + delta stops being 1, from closed-form probabilities. */
  function trueRadius(probs: (t: number) => [number, number, number]): number {
    const flipped = (t: number) => {
      const [p0, p1, p2] = probs(t);
      return p1 <= Math.max(p0, p2);
    };
    let best = Number.POSITIVE_INFINITY;
    for (const dir of [-1, 1]) {
      let lo = 0;
      let hi = 0.01;
      while (!flipped(x0 + dir * hi)) hi *= 2;
      for (let i = 0; i < 100; i++) {
        const mid = (lo + hi) / 2;
        if (flipped(x0 + dir * mid)) hi = mid;
        else lo = mid;
      }
      best = Math.min(best, lo);
    }
    return best;
  }

  it('Gaussian: one-class <= two-class <= the true radius of g, and two-class nears its closed-form value', async () => {
    const sigma = 0.3;
    const probs = (t: number): [number, number, number] => {
      const p0 = normalCdf((a - t) / sigma);
      const p2 = 1 - normalCdf((b - t) / sigma);
      return [p0, 1 - p0 - p2, p2];
    };
    const x = tf.tensor2d([[x0, 0.2]]);
    const one = await smooth(f, { sigma, seed: 11, batchSize: 10000 }).certify(x, { n: 100000 });
    const two = await smooth(f, { sigma, seed: 11, batchSize: 10000 }).certify(x, {
      n: 100000,
      method: 'two-class',
    });
    const [p0, p1, p2] = probs(x0);
    const ideal = (sigma / 2) * (normalQuantile(p1) - normalQuantile(Math.max(p0, p2)));
    const r = trueRadius(probs);
    expect(one[0]?.class).toBe(1);
    expect(two[0]?.class).toBe(1);
    expect(one[0]?.radius).toBeLessThan(two[0]?.radius as number);
    expect(two[0]?.radius).toBeLessThanOrEqual(ideal);
    expect(ideal).toBeLessThanOrEqual(r);
    expect(ideal - (two[0]?.radius as number)).toBeLessThan(0.15 * ideal);
    x.dispose();
  });

  it('Laplace: the L1 certificate is valid (<= true radius) and, on a threshold, approaches -lambda log(2 (1 - pA))', async () => {
    const lambda = 0.2;
    const laplaceCdf = (t: number) => (t < 0 ? 0.5 * Math.exp(t / lambda) : 1 - 0.5 * Math.exp(-t / lambda));
    const probs = (t: number): [number, number, number] => {
      const p0 = laplaceCdf(a - t);
      const p2 = 1 - laplaceCdf(b - t);
      return [p0, 1 - p0 - p2, p2];
    };
    const x = tf.tensor2d([[x0, 0.7]]);
    const g = smooth(f, { sigma: lambda, noise: 'laplace', seed: 12, batchSize: 10000 });
    const [one] = await g.certify(x, { n: 50000 });
    const [two] = await g.certify(x, { n: 50000, method: 'two-class' });
    const r = trueRadius(probs);
    expect(one?.norm).toBe('l1');
    for (const c of [one, two]) {
      expect(c?.class).toBe(1);
      expect(c?.radius).toBeGreaterThan(0);
      expect(c?.radius).toBeLessThanOrEqual(r);
    }
    // The counts match the Laplace probabilities (checks the sampler).
    const [p0, p1] = probs(x0);
    const se = Math.sqrt((p1 * (1 - p1)) / 50000);
    expect(Math.abs((one?.counts[1] as number) / 50000 - p1)).toBeLessThan(4.5 * se);
    expect(Math.abs((one?.counts[0] as number) / 50000 - p0)).toBeLessThan(
      4.5 * Math.sqrt((p0 * (1 - p0)) / 50000),
    );
    // A single threshold at 0 in 3-D with weights on one axis: the exact L1 robustness is |x_1|.
    const thresh = (t: tf.Tensor) =>
      tf.tidy(() => {
        const s = tf.slice(t, [0, 0], [-1, 1]);
        return tf.concat([tf.neg(s), s], 1);
      });
    const xt = tf.tensor2d([[0.35, -2, 5]]);
    const [c] = await smooth(thresh, { sigma: lambda, noise: 'laplace', seed: 13, batchSize: 10000 }).certify(
      xt,
      {
        n: 100000,
      },
    );
    const pA = laplaceCdf(0.35);
    expect(-lambda * Math.log(2 * (1 - pA))).toBeCloseTo(0.35, 12);
    expect(c?.radius).toBeLessThanOrEqual(0.35);
    expect(c?.radius).toBeGreaterThan(0.35 * 0.9);
    x.dispose();
    xt.dispose();
  });

  it('rejects bad options with DlfError', async () => {
    expect(() => smooth(f, { sigma: 0 })).toThrow(/sigma must be > 0, received 0/);
    expect(() => smooth(f, { sigma: 1, noise: 'uniform' as never })).toThrow(/noise must be one of/);
    const g = smooth(f, { sigma: 1 });
    await expect(g.certify(tf.zeros([1, 2]), { alpha: 2 })).rejects.toThrow(/alpha must be in \(0, 1\)/);
  });
});
