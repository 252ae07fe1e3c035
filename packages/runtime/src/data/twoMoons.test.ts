import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { twoMoons } from './twoMoons.js';

/** Distance of point i from the centre of its moon's circle: (0, 0) for label 0, (1, 0.5) for label 1. */
function radius(x: Float32Array, y: Int32Array, i: number): number {
  const [cx, cy] = y[i] === 0 ? [0, 0] : [1, 0.5];
  return Math.hypot((x[2 * i] as number) - cx, (x[2 * i + 1] as number) - cy);
}

describe('twoMoons', () => {
  it('without noise, label 0 lies on the upper unit half circle and label 1 on the lower one centred at (1, 0.5)', () => {
    const data = twoMoons({ n: 301, noise: 0, seed: 0 });
    expect(data.shape).toEqual([2]);
    expect(data.numClasses).toBe(2);
    expect(data.y.filter((v) => v === 0).length).toBe(150);
    expect(data.y.filter((v) => v === 1).length).toBe(151);
    let worstRadius = 0;
    let wrongSide = 0;
    for (let i = 0; i < data.n; i++) {
      worstRadius = Math.max(worstRadius, Math.abs(radius(data.x, data.y, i) - 1));
      const py = data.x[2 * i + 1] as number;
      if (data.y[i] === 0 ? py < -1e-7 : py > 0.5 + 1e-7) wrongSide++;
    }
    expect(worstRadius).toBeLessThan(1e-6);
    expect(wrongSide).toBe(0);
  });

  it('noise: the radial residual has sd = noise and mean noise^2 / 2 (second-order expansion of |p + e|)', () => {
    const n = 20_000;
    const noise = 0.05;
    const data = twoMoons({ n, noise, seed: 1 });
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const r = radius(data.x, data.y, i) - 1;
      s += r;
      s2 += r * r;
    }
    const mean = s / n;
    const sd = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean - noise ** 2 / 2)).toBeLessThan(5 * (noise / Math.sqrt(n)));
    expect(Math.abs(sd / noise - 1)).toBeLessThan(5 * Math.sqrt(1 / (2 * n)) + 0.01);
  });

  it('same seed gives identical arrays; different seeds differ', () => {
    const a = twoMoons({ n: 100, seed: 3 });
    const b = twoMoons({ n: 100, seed: 3 });
    const c = twoMoons({ n: 100, seed: 4 });
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.x).not.toEqual(c.x);
  });

  it('rejects bad options with INVALID_ARGUMENT', () => {
    expect(() => twoMoons({ n: -1 })).toThrow(DlfError);
    expect(() => twoMoons({ n: 10, noise: -0.1 })).toThrow(/noise must be >= 0, received -0.1/);
  });
});
