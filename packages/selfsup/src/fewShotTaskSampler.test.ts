import { blobs, DlfError, type LabeledData } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { fewShotTaskSampler } from './fewShotTaskSampler.js';
import { sinusoidTaskSampler } from './sinusoidTaskSampler.js';

/** 8 classes of 30 distinct 3-d points each. */
const data = blobs({ n: 240, numCenters: 8, dim: 3, std: 1, seed: 0 });

function rowKey(x: Float32Array, i: number, d: number): string {
  return Array.from(x.subarray(i * d, (i + 1) * d)).join(',');
}

describe('fewShotTaskSampler', () => {
  it('builds N-way K-shot tasks: remapped labels, rows of the right original class, disjoint support and query', () => {
    const classOf = new Map<string, number>();
    for (let i = 0; i < data.n; i++) classOf.set(rowKey(data.x, i, 3), data.y[i] as number);
    const sampler = fewShotTaskSampler(data, { nWay: 4, kShot: 3, kQuery: 5, seed: 1 });
    for (const task of sampler.sampleBatch(20)) {
      expect(new Set(task.classes).size).toBe(4);
      for (const [set, k] of [
        [task.support, 3],
        [task.query, 5],
      ] as const) {
        expect(set.n).toBe(4 * k);
        expect(set.shape).toEqual([3]);
        expect(set.numClasses).toBe(4);
        expect(set.x.length).toBe(4 * k * 3);
        for (let i = 0; i < set.n; i++) {
          expect(set.y[i]).toBe(Math.floor(i / k)); // class-major order, labels 0..N-1
          expect(classOf.get(rowKey(set.x, i, 3))).toBe(task.classes[set.y[i] as number]);
        }
      }
      const supportRows = new Set(
        Array.from({ length: task.support.n }, (_, i) => rowKey(task.support.x, i, 3)),
      );
      const queryRows = Array.from({ length: task.query.n }, (_, i) => rowKey(task.query.x, i, 3));
      expect(supportRows.size).toBe(task.support.n);
      expect(new Set(queryRows).size).toBe(task.query.n);
      for (const r of queryRows) expect(supportRows.has(r)).toBe(false);
    }
  });

  it('draws classes uniformly from the allowed pool (counts within 5 binomial standard deviations)', () => {
    const pool = [1, 2, 4, 6, 7];
    const sampler = fewShotTaskSampler(data, { nWay: 2, kShot: 1, kQuery: 1, classes: pool, seed: 2 });
    const T = 3000;
    const counts = new Map<number, number>();
    for (const t of sampler.sampleBatch(T))
      for (const c of t.classes) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(pool);
    const p = 2 / pool.length;
    for (const c of pool) {
      expect(Math.abs((counts.get(c) as number) - T * p)).toBeLessThan(5 * Math.sqrt(T * p * (1 - p)));
    }
  });

  it('same seed gives the same tasks; different seeds differ', () => {
    const a = fewShotTaskSampler(data, { nWay: 3, kShot: 2, seed: 5 }).sampleBatch(3);
    const b = fewShotTaskSampler(data, { nWay: 3, kShot: 2, seed: 5 }).sampleBatch(3);
    const c = fewShotTaskSampler(data, { nWay: 3, kShot: 2, seed: 6 }).sampleBatch(3);
    expect(a).toEqual(b);
    expect(a.map((t) => t.support.x)).not.toEqual(c.map((t) => t.support.x));
  });

  it('rejects impossible requests with DlfError naming the parameter', () => {
    expect(() => fewShotTaskSampler(data, { nWay: 9 })).toThrow(
      /nWay must be at most the number of usable classes \(8/,
    );
    expect(() => fewShotTaskSampler(data, { kShot: 20, kQuery: 15 })).toThrow(DlfError);
    expect(() => fewShotTaskSampler(data, { classes: [0, 99] })).toThrow(/class 99 has 0 examples/);
    expect(() => fewShotTaskSampler(data, { kShot: 0 })).toThrow(/kShot must be an integer >= 1, received 0/);
    const real: LabeledData = { x: new Float32Array(4), y: new Float32Array(4), n: 4, shape: [1] };
    expect(() => fewShotTaskSampler(real)).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
  });
});

describe('sinusoidTaskSampler', () => {
  it('support and query lie on y = A sin(x - phase) with the requested sizes and ranges', () => {
    const tasks = sinusoidTaskSampler({ kShot: 5, kQuery: 7, amplitudeRange: [1, 2], seed: 3 }).sampleBatch(
      10,
    );
    for (const t of tasks) {
      expect(t.support.n).toBe(5);
      expect(t.query.n).toBe(7);
      expect(t.amplitude).toBeGreaterThanOrEqual(1);
      expect(t.amplitude).toBeLessThan(2);
      for (const set of [t.support, t.query]) {
        for (let i = 0; i < set.n; i++) {
          const x = set.x[i] as number;
          expect(Math.abs(x)).toBeLessThanOrEqual(5);
          expect(set.y[i]).toBeCloseTo(t.amplitude * Math.sin(x - t.phase), 5);
        }
      }
    }
    expect(new Set(tasks.map((t) => t.phase)).size).toBe(10);
  });

  it('is reproducible by seed and validates its options', () => {
    expect(sinusoidTaskSampler({ seed: 1 }).sample()).toEqual(sinusoidTaskSampler({ seed: 1 }).sample());
    expect(() => sinusoidTaskSampler({ kQuery: 0 })).toThrow(/kQuery must be an integer >= 1/);
    expect(() => sinusoidTaskSampler({ xRange: [1, 1] })).toThrow(DlfError);
  });
});
