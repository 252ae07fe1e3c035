import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { separableGaussians } from './separableGaussians.js';

/** min_i y_i <w, x_i> / ||w|| in float64 from the returned float32 arrays. */
function geometricMargin(x: Float32Array, y: Int32Array, w: Float32Array): number {
  const d = w.length;
  const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < y.length; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += (x[i * d + j] as number) * (w[j] as number);
    min = Math.min(min, ((y[i] as number) * dot) / norm);
  }
  return min;
}

describe('separableGaussians', () => {
  it('every point is on its label side of <w, x> = 0 with at least the requested geometric margin', () => {
    for (const [dim, margin, std, seed] of [
      [1, 1, 1, 0],
      [2, 0.5, 1, 1],
      [2, 0, 0.3, 2],
      [10, 2, 1, 3],
      [50, 0.01, 5, 4],
    ] as const) {
      const data = separableGaussians({ n: 1000, dim, margin, std, seed });
      expect(data.shape).toEqual([dim]);
      expect(data.x).toHaveLength(1000 * dim);
      expect(data.weights).toHaveLength(dim);
      const m = geometricMargin(data.x, data.y, data.weights);
      expect(m).toBeGreaterThanOrEqual(margin);
      expect(data.margin).toBe(m);
      // The margin is tight-ish: truncation at `margin` with the centre 2 std away puts ~2.3% of
      // the mass near the boundary, so among 1000 points the closest lies within std / 2 of it.
      expect(m).toBeLessThan(margin + std / 2);
    }
  });

  it('labels are -1/+1, balanced (ceil(n/2) positives), in random order', () => {
    const data = separableGaussians({ n: 1001, seed: 5 });
    const pos = data.y.filter((v) => v === 1).length;
    const neg = data.y.filter((v) => v === -1).length;
    expect(pos).toBe(501);
    expect(neg).toBe(500);
    expect(data.numClasses).toBeUndefined();
    // Not sorted: the first half is not all +1.
    expect(data.y.subarray(0, 500).filter((v) => v === 1).length).toBeLessThan(300);
  });

  it('class-conditional distribution: truncated normal along w, N(0, std^2) across it', () => {
    const n = 20_000;
    const dim = 3;
    const margin = 1;
    const std = 0.8;
    const data = separableGaussians({ n, dim, margin, std, seed: 6 });
    const w = Array.from(data.weights);
    let sumAlong = 0;
    let sumAlong2 = 0;
    let sumOrth2 = 0;
    for (let i = 0; i < n; i++) {
      const yi = data.y[i] as number;
      const p = [0, 1, 2].map((j) => yi * (data.x[i * dim + j] as number));
      const t = p.reduce((s, v, j) => s + v * (w[j] as number), 0);
      sumAlong += t;
      sumAlong2 += t * t;
      sumOrth2 += p.reduce((s, v, j) => s + (v - t * (w[j] as number)) ** 2, 0);
    }
    // N(mu, std^2) truncated below at margin, a = (margin - mu) / std = -2:
    // mean = mu + std * phi(a) / (1 - Phi(a)); variance = std^2 (1 + a phi(a) / (1 - Phi(a)) - (phi(a) / (1 - Phi(a)))^2).
    const mu = margin + 2 * std;
    const phi = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const tail = 0.9772498680518208; // 1 - Phi(-2)
    const lambda = phi / tail;
    const mean = mu + std * lambda;
    const variance = std * std * (1 - 2 * lambda - lambda * lambda);
    const sampleMean = sumAlong / n;
    const sampleVar = sumAlong2 / n - sampleMean ** 2;
    expect(Math.abs(sampleMean - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(sampleVar / variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n) * 1.5);
    // Orthogonal part: (dim - 1) independent N(0, std^2) coordinates; E||.||^2 = (dim - 1) std^2,
    // sd of the average = std^2 sqrt(2 (dim - 1) / n).
    expect(Math.abs(sumOrth2 / n - (dim - 1) * std * std)).toBeLessThan(
      5 * std * std * Math.sqrt((2 * (dim - 1)) / n),
    );
  });

  it('same seed gives identical arrays; different seeds differ', () => {
    const a = separableGaussians({ n: 200, dim: 4, seed: 7 });
    const b = separableGaussians({ n: 200, dim: 4, seed: 7 });
    const c = separableGaussians({ n: 200, dim: 4, seed: 8 });
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.weights).toEqual(b.weights);
    expect(a.x).not.toEqual(c.x);
    expect(a.weights).not.toEqual(c.weights);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the parameter', () => {
    const bad = [
      [{ n: 0 }, /n must be an integer >= 1, received 0/],
      [{ n: 10, dim: 1.5 }, /dim must be an integer >= 1, received 1.5/],
      [{ n: 10, margin: -1 }, /margin must be >= 0, received -1/],
      [{ n: 10, std: 0 }, /std must be > 0, received 0/],
    ] as const;
    for (const [options, message] of bad) {
      expect(() => separableGaussians(options)).toThrow(DlfError);
      expect(() => separableGaussians(options)).toThrow(message);
    }
  });
});
