import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { blobs } from './blobs.js';

/** Per-class mean and mean squared deviation from `centers[k]` (per coordinate). */
function classStats(x: Float32Array, y: Int32Array, dim: number, centers: number[][]) {
  return centers.map((center, k) => {
    const mean = new Array(dim).fill(0);
    let sq = 0;
    let m = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== k) continue;
      m++;
      for (let j = 0; j < dim; j++) {
        const v = x[i * dim + j] as number;
        mean[j] += v;
        sq += (v - (center[j] as number)) ** 2;
      }
    }
    return { m, mean: mean.map((s) => s / m), variance: sq / (m * dim) };
  });
}

describe('blobs', () => {
  it('class k is N(centers[k], std_k^2 I): sample means and variances within 5 standard errors', () => {
    const centers = [
      [0, 0, 0],
      [5, -2, 1],
      [-3, 4, 2],
    ];
    const std = [0.5, 1, 2];
    const n = 9001;
    const data = blobs({ n, centers, std, seed: 0 });
    expect(data.shape).toEqual([3]);
    expect(data.numClasses).toBe(3);
    expect(data.centers).toEqual(centers);
    const stats = classStats(data.x, data.y, 3, centers);
    expect(stats.map((s) => s.m)).toEqual([3001, 3000, 3000]);
    stats.forEach(({ m, mean, variance }, k) => {
      const s = std[k] as number;
      mean.forEach((v, j) => {
        expect(Math.abs(v - (centers[k]?.[j] as number))).toBeLessThan((5 * s) / Math.sqrt(m));
      });
      // Variance estimate over m * dim N(0, s^2) draws: relative sd sqrt(2 / (m dim)).
      expect(Math.abs(variance / s ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / (m * 3)));
    });
  });

  it('random centers are drawn inside centerBox, one per class, and the labels are shuffled', () => {
    const data = blobs({ n: 400, numCenters: 4, dim: 5, centerBox: [-2, 3], std: 0.1, seed: 1 });
    expect(data.centers).toHaveLength(4);
    for (const c of data.centers) {
      expect(c).toHaveLength(5);
      for (const v of c) {
        expect(v).toBeGreaterThanOrEqual(-2);
        expect(v).toBeLessThan(3);
      }
    }
    expect(new Set(data.y).size).toBe(4);
    expect(data.y.subarray(0, 100).every((v) => v === 0)).toBe(false);
  });

  it('same seed gives identical arrays and centers; different seeds differ', () => {
    const a = blobs({ n: 100, seed: 2 });
    const b = blobs({ n: 100, seed: 2 });
    expect(a.x).toEqual(b.x);
    expect(a.centers).toEqual(b.centers);
    expect(a.centers).not.toEqual(blobs({ n: 100, seed: 3 }).centers);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the parameter', () => {
    expect(() => blobs({ n: 10, centers: [[0, 0], [1]] })).toThrow(DlfError);
    expect(() => blobs({ n: 10, centers: [[0, 0], [1]] })).toThrow(
      /same positive length, received lengths 2, 1/,
    );
    expect(() => blobs({ n: 10, centers: [[0, 0]], dim: 3 })).toThrow(
      /dim is 3 but the centers have length 2/,
    );
    expect(() => blobs({ n: 10, centers: [[0, 0]], std: [1, 2] })).toThrow(/one number per center \(1\)/);
    expect(() => blobs({ n: 10, std: -1 })).toThrow(/std must be > 0, received -1/);
    expect(() => blobs({ n: 10, centerBox: [1, 1] })).toThrow(/low < high/);
    expect(() => blobs({ n: 10, centers: [[0, Number.NaN]] })).toThrow(
      /centers\[0\]\[1\] must be a finite number/,
    );
  });
});
