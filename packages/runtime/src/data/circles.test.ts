import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { circles } from './circles.js';

describe('circles', () => {
  it('without noise, label 0 lies on the unit circle and label 1 on radius factor, at evenly spaced angles', () => {
    const factor = 0.3;
    const data = circles({ n: 200, noise: 0, factor, seed: 0 });
    expect(data.shape).toEqual([2]);
    expect(data.numClasses).toBe(2);
    for (const [label, r] of [
      [0, 1],
      [1, factor],
    ] as const) {
      const angles: number[] = [];
      let worstRadius = 0;
      for (let i = 0; i < data.n; i++) {
        if (data.y[i] !== label) continue;
        const px = data.x[2 * i] as number;
        const py = data.x[2 * i + 1] as number;
        worstRadius = Math.max(worstRadius, Math.abs(Math.hypot(px, py) - r));
        angles.push((Math.atan2(py, px) + 2 * Math.PI) % (2 * Math.PI));
      }
      expect(worstRadius).toBeLessThan(1e-6);
      expect(angles).toHaveLength(100);
      angles.sort((a, b) => a - b);
      let worstGap = 0;
      for (let j = 1; j < angles.length; j++) {
        const gap = (angles[j] as number) - (angles[j - 1] as number);
        worstGap = Math.max(worstGap, Math.abs(gap - (2 * Math.PI) / 100));
      }
      expect(worstGap).toBeLessThan(1e-5);
    }
  });

  it('noise: the radial residual of each circle has sd = noise', () => {
    const n = 20_000;
    const noise = 0.04;
    const data = circles({ n, noise, factor: 0.5, seed: 1 });
    for (const [label, r0] of [
      [0, 1],
      [1, 0.5],
    ] as const) {
      let s = 0;
      let s2 = 0;
      let m = 0;
      for (let i = 0; i < n; i++) {
        if (data.y[i] !== label) continue;
        const r = Math.hypot(data.x[2 * i] as number, data.x[2 * i + 1] as number) - r0;
        s += r;
        s2 += r * r;
        m++;
      }
      const mean = s / m;
      const sd = Math.sqrt(s2 / m - mean * mean);
      // E|p + e| - |p| = noise^2 / (2 |p|) to second order.
      expect(Math.abs(mean - noise ** 2 / (2 * r0))).toBeLessThan(5 * (noise / Math.sqrt(m)));
      expect(Math.abs(sd / noise - 1)).toBeLessThan(5 * Math.sqrt(1 / (2 * m)) + 0.01);
    }
  });

  it('same seed gives identical arrays; different seeds differ', () => {
    const a = circles({ n: 100, seed: 3 });
    expect(a.x).toEqual(circles({ n: 100, seed: 3 }).x);
    expect(a.y).toEqual(circles({ n: 100, seed: 3 }).y);
    expect(a.x).not.toEqual(circles({ n: 100, seed: 4 }).x);
  });

  it('rejects bad options with INVALID_ARGUMENT', () => {
    expect(() => circles({ n: 10, factor: 1 })).toThrow(DlfError);
    expect(() => circles({ n: 10, factor: 1 })).toThrow(/factor must be in \[0, 1\), received 1/);
    expect(() => circles({ n: 2.5 })).toThrow(/n must be an integer/);
  });
});
