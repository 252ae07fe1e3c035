import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { sinusoidTasks } from './sinusoidTasks.js';

describe('sinusoidTasks', () => {
  it('every task satisfies y = A sin(x - phase) at its float32 inputs, with A, phase and x in their ranges', () => {
    const tasks = sinusoidTasks({ numTasks: 200, k: 10, seed: 0 });
    expect(tasks).toHaveLength(200);
    let worstRelative = 0;
    let outside = 0;
    for (const t of tasks) {
      expect(t.n).toBe(10);
      expect(t.shape).toEqual([1]);
      if (!(t.amplitude >= 0.1 && t.amplitude < 5 && t.phase >= 0 && t.phase < Math.PI)) outside++;
      for (let i = 0; i < t.n; i++) {
        const x = t.x[i] as number;
        if (!(x >= -5 && x <= 5)) outside++;
        const expected = t.amplitude * Math.sin(x - t.phase);
        const error = Math.abs((t.y[i] as number) - expected) / Math.max(Math.abs(expected), 1e-30);
        worstRelative = Math.max(worstRelative, error);
      }
    }
    expect(outside).toBe(0);
    // y is A sin(x - phase) rounded once to float32: relative error <= 2^-24.
    expect(worstRelative).toBeLessThanOrEqual(2 ** -24);
  });

  it('amplitude, phase and inputs are uniform: means and variances within 5 standard errors', () => {
    const numTasks = 4000;
    const tasks = sinusoidTasks({
      numTasks,
      k: 5,
      amplitudeRange: [1, 2],
      phaseRange: [0, 1],
      xRange: [0, 10],
      seed: 1,
    });
    const check = (values: number[], low: number, high: number) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      const v = (high - low) ** 2 / 12;
      expect(Math.abs(mean - (low + high) / 2)).toBeLessThan(5 * Math.sqrt(v / values.length));
      // Var of the sample variance of U(low, high): (mu4 - v^2) / n with mu4 = (high - low)^4 / 80.
      expect(Math.abs(variance - v)).toBeLessThan(
        5 * Math.sqrt(((high - low) ** 4 / 80 - v * v) / values.length),
      );
    };
    check(
      tasks.map((t) => t.amplitude),
      1,
      2,
    );
    check(
      tasks.map((t) => t.phase),
      0,
      1,
    );
    check(
      tasks.flatMap((t) => Array.from(t.x)),
      0,
      10,
    );
  });

  it('same seed gives identical tasks; different seeds differ', () => {
    const a = sinusoidTasks({ numTasks: 5, k: 4, seed: 2 });
    const b = sinusoidTasks({ numTasks: 5, k: 4, seed: 2 });
    expect(a).toEqual(b);
    expect(a[0]?.amplitude).not.toBe(sinusoidTasks({ numTasks: 5, k: 4, seed: 3 })[0]?.amplitude);
  });

  it('rejects bad options with INVALID_ARGUMENT naming the parameter', () => {
    expect(() => sinusoidTasks({ numTasks: 0, k: 5 })).toThrow(DlfError);
    expect(() => sinusoidTasks({ numTasks: 1, k: 0 })).toThrow(/k must be an integer >= 1, received 0/);
    expect(() => sinusoidTasks({ numTasks: 1, k: 1, xRange: [1, 1] })).toThrow(/xRange must have low < high/);
    expect(() => sinusoidTasks({ numTasks: 1, k: 1, amplitudeRange: [2, 1] })).toThrow(/amplitudeRange/);
  });
});
