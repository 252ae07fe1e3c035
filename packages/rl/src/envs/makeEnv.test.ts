import { describe, expect, it } from 'vitest';
import { ENV_IDS, makeEnv } from './makeEnv.js';
import { runEpisodes } from './runEpisodes.js';

describe('makeEnv and runEpisodes', () => {
  it('creates every registered id with gymnasium time limits and spaces', () => {
    const limits: Record<string, number | undefined> = {
      'CartPole-v1': 500,
      'MountainCar-v0': 200,
      'Acrobot-v1': 500,
      'Pendulum-v1': 200,
      'FrozenLake-v1': 100,
      'FrozenLake8x8-v1': 200,
      'CliffWalking-v0': undefined,
    };
    for (const id of ENV_IDS) {
      const env = makeEnv(id);
      expect(env.id).toBe(id);
      expect(env.maxEpisodeSteps).toBe(limits[id]);
    }
    expect(makeEnv('CartPole-v1').observationSpace.shape).toEqual([4]);
    expect(makeEnv('Acrobot-v1').actionSpace).toMatchObject({ n: 3 });
    expect(() => makeEnv('Taxi-v3' as 'CartPole-v1')).toThrow(/id must be one of/);
  });

  it('runEpisodes is seeded and reports returns: random CartPole lasts about 22 steps', () => {
    const env = makeEnv('CartPole-v1');
    const random = (_: Float32Array, rng: { int(a: number, b: number): number }) => rng.int(0, 2);
    const a = runEpisodes(env, random, { episodes: 200, seed: 1 });
    const b = runEpisodes(env, random, { episodes: 200, seed: 1 });
    expect(a.returns).toEqual(b.returns);
    expect(a.lengths).toEqual(a.returns);
    // A uniformly random policy balances CartPole for ~22 steps on average (well-known figure);
    // the 200-episode mean is within a few standard errors.
    expect(a.meanReturn).toBeGreaterThan(22 - 4 * (a.stdReturn / Math.sqrt(200)) - 1);
    expect(a.meanReturn).toBeLessThan(22 + 4 * (a.stdReturn / Math.sqrt(200)) + 1);
  });
});
