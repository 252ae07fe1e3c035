import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { dqn } from './dqn.js';
import { CartPole } from './envs/CartPole.js';
import { EnvBase, type ResetResult } from './envs/Env.js';
import { GridWorld } from './envs/GridWorld.js';
import { Box, Discrete } from './envs/spaces.js';
import { valueIteration } from './valueIteration.js';

/** A small tabular GridWorld seen through one-hot observations, so DQN's target Q* is known exactly. */
class OneHotGrid extends EnvBase<Float32Array, number> {
  readonly id = 'OneHotGrid';
  readonly inner: GridWorld;
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(4);
  constructor(inner: GridWorld) {
    super(inner.maxEpisodeSteps);
    this.inner = inner;
    this.observationSpace = new Box(new Array(inner.numStates).fill(0), new Array(inner.numStates).fill(1));
  }
  private encode(s: number): Float32Array {
    const v = new Float32Array(this.inner.numStates);
    v[s] = 1;
    return v;
  }
  protected resetState(): ResetResult<Float32Array> {
    return {
      observation: this.encode(this.inner.reset({ seed: this.rng.nextSeed() }).observation),
      info: {},
    };
  }
  protected transition(action: number) {
    const r = this.inner.step(action);
    return { observation: this.encode(r.observation), reward: r.reward, terminated: r.terminated, info: {} };
  }
}

describe('dqn', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('learns Q* of a small deterministic GridWorld from one-hot observations (plain and double DQN)', async () => {
    const grid = new GridWorld({ layout: ['S..', '..G'], stepReward: -0.1, maxEpisodeSteps: 20 });
    const qStar = valueIteration(grid.toMdp(0.9), { tolerance: 1e-12 }).q;
    for (const doubleDqn of [false, true]) {
      const agent = await dqn(new OneHotGrid(grid), {
        totalSteps: 700,
        hiddenSizes: [32],
        learningRate: 5e-3,
        gamma: 0.9,
        batchSize: 32,
        learningStarts: 100,
        targetUpdateInterval: 50,
        epsilon: 1,
        doubleDqn,
        seed: 3,
      });
      let worst = 0;
      for (let s = 0; s < grid.numStates; s++) {
        if (grid.terminalStates[s]) continue;
        const obs = new Float32Array(grid.numStates);
        obs[s] = 1;
        const q = agent.qValues(obs);
        for (let a = 0; a < 4; a++) worst = Math.max(worst, Math.abs(q[a]! - qStar[s * 4 + a]!));
      }
      // One-hot inputs make the network a lookup table, so DQN converges like tabular Q-learning
      // (observed max errors 1e-4 and 3e-3 after 600 updates); Q* spans [-0.1, 1], 0.02 is 2% of it.
      expect(worst).toBeLessThan(0.02);
      agent.dispose();
    }
  });

  it('leaves no tensors behind once disposed, stops on abort and rejects tabular envs', async () => {
    await expectNoLeaks(async () => {
      const agent = await dqn(new CartPole(), {
        totalSteps: 300,
        learningStarts: 100,
        hiddenSizes: [8],
        seed: 1,
      });
      expect(agent.steps).toBe(300);
      agent.policy(new Float32Array(4));
      agent.dispose();
    });
    const controller = new AbortController();
    const agent = await dqn(new CartPole(), {
      totalSteps: 5000,
      hiddenSizes: [8],
      seed: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.episode === 2) controller.abort();
      },
    });
    expect(agent.aborted).toBe(true);
    expect(agent.episodeReturns).toHaveLength(2);
    agent.dispose();
    await expect(dqn(new GridWorld() as never)).rejects.toThrow(/dqn needs vector observations/);
  });
});
