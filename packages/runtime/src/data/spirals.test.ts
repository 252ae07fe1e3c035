import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { spirals } from './spirals.js';

describe('spirals', () => {
  it('without noise, every point of class k lies on arm k: angle = 2 pi (k / K + turns r) mod 2 pi', () => {
    for (const [classes, turns] of [
      [2, 1],
      [3, 1.5],
      [5, 0.5],
    ] as const) {
      const n = 301;
      const data = spirals({ n, classes, turns, noise: 0, seed: 0 });
      expect(data.numClasses).toBe(classes);
      const counts = new Array(classes).fill(0);
      let minR = Number.POSITIVE_INFINITY;
      let maxR = 0;
      let worstAngle = 0;
      for (let i = 0; i < n; i++) {
        const k = data.y[i] as number;
        counts[k]++;
        const px = data.x[2 * i] as number;
        const py = data.x[2 * i + 1] as number;
        const r = Math.hypot(px, py);
        minR = Math.min(minR, r);
        maxR = Math.max(maxR, r);
        const diff = Math.atan2(py, px) - 2 * Math.PI * (k / classes + turns * r);
        worstAngle = Math.max(worstAngle, Math.abs(Math.atan2(Math.sin(diff), Math.cos(diff))));
      }
      expect(Math.abs(minR - 0.1)).toBeLessThan(1e-6);
      expect(Math.abs(maxR - 1)).toBeLessThan(1e-6);
      expect(worstAngle).toBeLessThan(1e-5);
      // Balanced: floor(n / K), the first n % K arms one more.
      expect(counts).toEqual(
        Array.from({ length: classes }, (_, k) => Math.floor(n / classes) + (k < n % classes ? 1 : 0)),
      );
    }
  });

  it('noise has sd = noise per coordinate (difference from the noiseless points of the same seed)', () => {
    const n = 10_000;
    const clean = spirals({ n, noise: 0, seed: 2 });
    const noisy = spirals({ n, noise: 0.1, seed: 2 });
    expect(noisy.y.every((v, i) => v === clean.y[i])).toBe(true);
    let s2 = 0;
    for (let i = 0; i < 2 * n; i++) s2 += ((noisy.x[i] as number) - (clean.x[i] as number)) ** 2;
    expect(Math.abs(Math.sqrt(s2 / (2 * n)) / 0.1 - 1)).toBeLessThan(5 * Math.sqrt(1 / (4 * n)));
  });

  it('same seed gives identical arrays; different seeds differ', () => {
    const a = spirals({ n: 100, seed: 3 });
    expect(a.x).toEqual(spirals({ n: 100, seed: 3 }).x);
    expect(a.x).not.toEqual(spirals({ n: 100, seed: 4 }).x);
  });

  it('rejects bad options with INVALID_ARGUMENT', () => {
    expect(() => spirals({ n: 10, classes: 0 })).toThrow(DlfError);
    expect(() => spirals({ n: 10, turns: 0 })).toThrow(/turns must be > 0, received 0/);
  });
});
