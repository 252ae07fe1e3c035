import { describe, expect, it } from 'vitest';
import { exponentialSchedule, linearSchedule } from './schedules.js';

describe('schedules', () => {
  it('linear goes from start to end in `steps` and stays; exponential decays geometrically to its floor', () => {
    const lin = linearSchedule({ start: 1, end: 0.05, steps: 100 });
    expect(lin(0)).toBe(1);
    expect(lin(50)).toBeCloseTo(0.525, 15);
    expect(lin(100)).toBe(0.05);
    expect(lin(10_000)).toBe(0.05);
    const exp = exponentialSchedule({ start: 1, end: 0.1, decay: 0.5 });
    expect(exp(3)).toBe(0.125);
    expect(exp(4)).toBe(0.1);
    expect(() => linearSchedule({ start: 1, end: 0, steps: 0 })).toThrow(
      /steps must be an integer >= 1, received 0/,
    );
    expect(() => exponentialSchedule({ start: 1, decay: 1.5 })).toThrow(
      /decay must be in \[0, 1\], received 1.5/,
    );
  });
});
