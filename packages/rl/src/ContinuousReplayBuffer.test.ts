import { createRng, DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { ContinuousReplayBuffer } from './ContinuousReplayBuffer.js';

describe('ContinuousReplayBuffer', () => {
  it('keeps the last `capacity` transitions and samples whole rows of them', () => {
    const buffer = new ContinuousReplayBuffer(4, 2, 3);
    // Transition t: observation (t, -t), action (t, 2t, 3t), reward 10t, next (t + 1, -t - 1), terminated when t is odd.
    for (let t = 0; t < 7; t++) buffer.add([t, -t], [t, 2 * t, 3 * t], 10 * t, [t + 1, -t - 1], t % 2 === 1);
    expect(buffer.size).toBe(4);
    const batch = buffer.sample(200, createRng(0));
    const seen = new Set<number>();
    for (let b = 0; b < batch.size; b++) {
      const t = batch.observations[2 * b]!;
      seen.add(t);
      expect(batch.observations[2 * b + 1]).toBe(-t);
      expect(Array.from(batch.actions.subarray(3 * b, 3 * b + 3))).toEqual([t, 2 * t, 3 * t]);
      expect(batch.rewards[b]).toBe(10 * t);
      expect(batch.nextObservations[2 * b]).toBe(t + 1);
      expect(batch.terminated[b]).toBe(t % 2);
    }
    // Transitions 0..2 were overwritten; 200 uniform draws miss one of 4 with probability 4 (3/4)^200.
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('rejects transitions of the wrong sizes', () => {
    const buffer = new ContinuousReplayBuffer(4, 2, 1);
    expect(() => buffer.add([0, 0], [1, 2], 0, [0, 0], false)).toThrowError(DlfError);
    expect(() => new ContinuousReplayBuffer(0, 2, 1)).toThrow(/capacity/);
  });
});
