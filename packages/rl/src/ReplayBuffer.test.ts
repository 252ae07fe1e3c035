import { createRng } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from './ReplayBuffer.js';

describe('ReplayBuffer', () => {
  it('overwrites the oldest transitions and samples the stored ones uniformly', () => {
    const buffer = new ReplayBuffer(4, 2);
    for (let i = 0; i < 6; i++) buffer.add([i, -i], i % 3, i * 10, [i + 1, -i - 1], i === 5);
    expect(buffer.size).toBe(4);
    const rng = createRng(1);
    const n = 8000;
    const counts = new Map<number, number>();
    const batch = buffer.sample(n, rng);
    let mismatched = 0;
    for (let b = 0; b < n; b++) {
      const i = batch.observations[2 * b]!;
      counts.set(i, (counts.get(i) ?? 0) + 1);
      // Fields of one transition stay together.
      if (
        batch.rewards[b] !== i * 10 ||
        batch.nextObservations[2 * b] !== i + 1 ||
        batch.observations[2 * b + 1] !== -i ||
        batch.actions[b] !== i % 3 ||
        batch.terminated[b] !== (i === 5 ? 1 : 0)
      ) {
        mismatched++;
      }
    }
    expect(mismatched).toBe(0);
    expect([...counts.keys()].sort()).toEqual([2, 3, 4, 5]);
    // Each of the 4 has probability 1/4: binomial sd sqrt(n/4 * 3/4); allow 5 sd.
    for (const c of counts.values()) expect(Math.abs(c - n / 4)).toBeLessThan(5 * Math.sqrt((n * 3) / 16));
    expect(() => new ReplayBuffer(0, 2)).toThrow(/capacity must be an integer >= 1, received 0/);
  });
});
