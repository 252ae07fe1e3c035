import { twoMoons } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { shiftedMoons } from './shiftedMoons.js';

describe('shiftedMoons', () => {
  it('is twoMoons rotated about (0.5, 0.25) and translated, with the same labels', () => {
    const base = twoMoons({ n: 50, noise: 0.05, seed: 4 });
    const moved = shiftedMoons({ n: 50, noise: 0.05, seed: 4, angle: 30, shift: [1, -2] });
    expect(Array.from(moved.y)).toEqual(Array.from(base.y));
    const t = Math.PI / 6;
    for (let i = 0; i < 50; i++) {
      const px = (base.x[2 * i] as number) - 0.5;
      const py = (base.x[2 * i + 1] as number) - 0.25;
      expect(moved.x[2 * i]).toBeCloseTo(0.5 + Math.cos(t) * px - Math.sin(t) * py + 1, 5);
      expect(moved.x[2 * i + 1]).toBeCloseTo(0.25 + Math.sin(t) * px + Math.cos(t) * py - 2, 5);
    }
    // 180 degrees maps the point set onto its reflection through the centre: x -> (1, 0.5) - x.
    const half = shiftedMoons({ n: 50, noise: 0.05, seed: 4, angle: 180 });
    for (let i = 0; i < 50; i++) expect(half.x[2 * i]).toBeCloseTo(1 - (base.x[2 * i] as number), 5);
    expect(shiftedMoons({ n: 10, seed: 1 }).x).toEqual(twoMoons({ n: 10, seed: 1 }).x);
    expect(() => shiftedMoons({ n: 10, shift: [1] as unknown as [number, number] })).toThrow(
      expect.objectContaining({ param: 'shift' }),
    );
  });
});
