import { DlfError } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContinuousSpec } from './continuousControl.js';
import { actorObjective, actorStep, buildActor, buildCritic, ddpg } from './ddpg.js';
import { CartPole } from './envs/CartPole.js';
import { Pendulum } from './envs/Pendulum.js';

const spec: ContinuousSpec = {
  obsSize: 3,
  actionSize: 2,
  low: Float64Array.of(-2, 0),
  high: Float64Array.of(2, 1),
};
const observations = [
  [0.3, -0.8, 1.5],
  [-1, 0.2, -0.4],
  [0.7, 0.7, 2.5],
  [0.1, -0.1, -3],
];

describe('ddpg', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('one actor step raises mean Q(s, mu(s)) by lr * |grad J|^2 to first order and leaves the critic alone', async () => {
    await expectNoLeaks(() => {
      const actor = buildActor(spec, [16], 3);
      const critic = buildCritic(spec, [16], 11);
      // Give the critic an O(1) output layer so that Q depends visibly on the action.
      const last = critic.getLayer('critic_q');
      tf.tidy(() => {
        // getWeights returns the variables themselves: nothing to dispose but the new kernel.
        const [kernel, bias] = last.getWeights();
        last.setWeights([tf.randomNormal(kernel!.shape, 0, 1, 'float32', 2), bias!]);
      });
      const criticBefore = critic.getWeights().map((w) => w.dataSync().slice());
      tf.tidy(() => {
        const s = tf.tensor2d(observations);
        const variables = actor.trainableWeights.map((w) => w.read() as tf.Variable);
        const { grads } = tf.variableGrads(() => actorObjective(actor, critic, s), variables);
        let sq = 0;
        for (const g of Object.values(grads)) sq += tf.sum(tf.square(g)).dataSync()[0]!;
        expect(sq).toBeGreaterThan(0);
        // Plain gradient ascent with lr chosen so that the predicted gain lr * |g|^2 is 1e-3.
        const lr = 1e-3 / sq;
        const before = actorObjective(actor, critic, s).dataSync()[0]!;
        const sgd = tf.train.sgd(lr);
        const reported = actorStep(actor, critic, s, sgd);
        sgd.dispose();
        const after = actorObjective(actor, critic, s).dataSync()[0]!;
        expect(reported).toBeCloseTo(before, 6);
        expect(after).toBeGreaterThan(before);
        expect((after - before) / 1e-3).toBeGreaterThan(0.9);
        expect((after - before) / 1e-3).toBeLessThan(1.1);
        // Actions stay inside the box.
        const a = (actor.predict(s) as tf.Tensor).arraySync() as number[][];
        for (const row of a) {
          expect(Math.abs(row[0]!)).toBeLessThan(2);
          expect(row[1]!).toBeGreaterThan(0);
          expect(row[1]!).toBeLessThan(1);
        }
      });
      critic.getWeights().forEach((w, i) => {
        expect(w.dataSync()).toEqual(criticBefore[i]);
      });
      actor.dispose();
      critic.dispose();
    });
  });

  it('is deterministic by seed, leaves no tensors, and its greedy action is the actor output', async () => {
    const run = async (seed: number, noiseType: 'gaussian' | 'ornstein-uhlenbeck') => {
      const agent = await ddpg(new Pendulum(), {
        totalSteps: 220,
        learningStarts: 200,
        hiddenSizes: [8],
        batchSize: 16,
        noiseType,
        seed,
      });
      const actions = observations.map((o) => agent.policy(o)[0]!);
      const fromModel = tf.tidy(() =>
        Array.from((agent.actor.predict(tf.tensor2d(observations)) as tf.Tensor).dataSync()),
      );
      expect(actions).toEqual(fromModel);
      expect(agent.policyModel).toBe(agent.actor);
      const result = {
        actions,
        returns: agent.episodeReturns,
        losses: agent.episodeLosses,
        steps: agent.steps,
      };
      agent.dispose();
      return result;
    };
    let first: Awaited<ReturnType<typeof run>> | undefined;
    await expectNoLeaks(async () => {
      first = await run(4, 'gaussian');
    });
    expect(await run(4, 'gaussian')).toEqual(first);
    expect((await run(5, 'gaussian')).actions).not.toEqual(first!.actions);
    expect((await run(4, 'ornstein-uhlenbeck')).actions).not.toEqual(first!.actions);
  });

  it('stops on abort and rejects bad options and envs with DlfError', async () => {
    const controller = new AbortController();
    const agent = await ddpg(new Pendulum(), {
      hiddenSizes: [4],
      learningStarts: 10_000,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.episode === 1) controller.abort();
      },
    });
    expect(agent.aborted).toBe(true);
    expect(agent.steps).toBe(200);
    expect(agent.episodeReturns).toHaveLength(1);
    agent.dispose();
    const bad: [object, string][] = [
      [{ tau: 1.5 }, 'tau'],
      [{ actorLearningRate: 0 }, 'actorLearningRate'],
      [{ policyDelay: 0 }, 'policyDelay'],
      [{ learningStarts: -1 }, 'learningStarts'],
      [{ totalSteps: 0 }, 'totalSteps'],
    ];
    for (const [options, param] of bad) {
      await expect(ddpg(new Pendulum(), options)).rejects.toMatchObject({ name: 'DlfError', param });
    }
    await expect(ddpg(new CartPole() as never)).rejects.toThrowError(DlfError);
  });
});
