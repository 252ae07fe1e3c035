import { DlfError } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContinuousSpec } from './continuousControl.js';
import { CartPole } from './envs/CartPole.js';
import { Pendulum } from './envs/Pendulum.js';
import { buildNafNetwork, naf, nafQ } from './naf.js';

/** A 2-dimensional action box, so that P(s) has an off-diagonal entry. */
const spec: ContinuousSpec = {
  obsSize: 3,
  actionSize: 2,
  low: Float64Array.of(-2, -1),
  high: Float64Array.of(2, 3),
};
const observations = [
  [0.3, -0.8, 1.5],
  [-1, 0.2, -0.4],
  [0.7, 0.7, 2.5],
];

describe('naf', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('Q equals V - 1/2 (a - mu)^T L L^T (a - mu), computed independently in float64', async () => {
    await expectNoLeaks(() => {
      const { model } = buildNafNetwork(spec, [16], 5);
      tf.tidy(() => {
        const s = tf.tensor2d(observations);
        const out = model.predict(s) as tf.Tensor[];
        const [v, mu, logDiag, lower] = out.map((t) => t.arraySync() as number[][]) as number[][][];
        const actions = [
          [1.5, -0.5],
          [-1.9, 2.9],
          [0, 0],
        ];
        const q = nafQ(out, tf.tensor2d(actions)).arraySync();
        observations.forEach((_, b) => {
          const L = [
            [Math.exp(logDiag![b]![0]!), 0],
            [lower![b]![0]!, Math.exp(logDiag![b]![1]!)],
          ];
          const d = [actions[b]![0]! - mu![b]![0]!, actions[b]![1]! - mu![b]![1]!];
          // P = L L^T, entry by entry.
          const P = [0, 1].map((i) => [0, 1].map((j) => L[i]![0]! * L[j]![0]! + L[i]![1]! * L[j]![1]!));
          let quad = 0;
          for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) quad += d[i]! * P[i]![j]! * d[j]!;
          const expected = v![b]![0]! - 0.5 * quad;
          expect(q[b]).toBeCloseTo(expected, 4);
          // P is symmetric positive definite: det = (L00 L11)^2 > 0 and P00 > 0.
          expect(P[0]![0]!).toBeGreaterThan(0);
          expect(P[0]![0]! * P[1]![1]! - P[0]![1]! * P[1]![0]!).toBeGreaterThan(0);
        });
      });
      model.dispose();
    });
  });

  it('the maximum over the action box is at mu(s) and equals V(s) (grid search)', async () => {
    await expectNoLeaks(() => {
      const { model, muModel } = buildNafNetwork(spec, [16], 9);
      const n = 161; // grid points per axis
      tf.tidy(() => {
        for (const obs of observations) {
          const out = model.predict(tf.tensor2d([obs])) as tf.Tensor[];
          const mu = (muModel.predict(tf.tensor2d([obs])) as tf.Tensor).dataSync();
          const v = out[0]!.dataSync()[0]!;
          // mu(s) lies inside the box, so it is the constrained maximiser too.
          for (let i = 0; i < 2; i++) {
            expect(mu[i]!).toBeGreaterThan(spec.low[i]!);
            expect(mu[i]!).toBeLessThan(spec.high[i]!);
          }
          const grid: number[][] = [];
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++)
              grid.push([
                spec.low[0]! + ((spec.high[0]! - spec.low[0]!) * i) / (n - 1),
                spec.low[1]! + ((spec.high[1]! - spec.low[1]!) * j) / (n - 1),
              ]);
          const tiled = out.map((t) => tf.tile(t, [grid.length, 1]));
          const qGrid = nafQ(tiled, tf.tensor2d(grid)).dataSync();
          const qMu = nafQ(out, tf.tensor2d([Array.from(mu)])).dataSync()[0]!;
          let best = Number.NEGATIVE_INFINITY;
          for (const q of qGrid) best = Math.max(best, q);
          expect(qMu).toBeCloseTo(v, 5);
          expect(best).toBeLessThanOrEqual(qMu + 1e-5);
          // The grid point nearest mu is at most h/2 away per axis, so the grid maximum is within
          // 1/2 lambda_max(P) |h/2|^2 of the true maximum; bound lambda_max by trace(P) = ||L||_F^2.
          const L = nafLowerTraceBound(out);
          const h2 = ((4 / (n - 1)) ** 2 + (4 / (n - 1)) ** 2) / 4;
          expect(qMu - best).toBeLessThanOrEqual(0.5 * L * h2 + 1e-5);
        }
      });
      model.dispose();
    });
  });

  it('is deterministic by seed, leaves no tensors, and its policy is mu(s) inside the bounds', async () => {
    const run = async (seed: number) => {
      const agent = await naf(new Pendulum(), {
        totalSteps: 240,
        learningStarts: 200,
        hiddenSizes: [8],
        batchSize: 16,
        seed,
      });
      const actions = observations.map((o) => agent.policy(o)[0]!);
      const result = { actions, returns: agent.episodeReturns, losses: agent.episodeLosses };
      // The greedy action maximises the learned Q.
      for (const o of observations) {
        const a = agent.policy(o)[0]!;
        expect(Math.abs(a)).toBeLessThan(2);
        expect(agent.qValue(o, [a])).toBeGreaterThanOrEqual(agent.qValue(o, [Math.min(2, a + 0.1)]));
        expect(agent.qValue(o, [a])).toBeGreaterThanOrEqual(agent.qValue(o, [Math.max(-2, a - 0.1)]));
      }
      agent.dispose();
      return result;
    };
    let first: Awaited<ReturnType<typeof run>> | undefined;
    await expectNoLeaks(async () => {
      first = await run(4);
    });
    const again = await run(4);
    const other = await run(5);
    expect(again).toEqual(first);
    expect(other.actions).not.toEqual(first!.actions);
    expect(first!.returns).toHaveLength(1);
  });

  it('stops on abort and rejects bad options and envs with DlfError', async () => {
    const controller = new AbortController();
    controller.abort();
    const agent = await naf(new Pendulum(), { hiddenSizes: [4], signal: controller.signal });
    expect(agent.aborted).toBe(true);
    expect(agent.steps).toBe(0);
    agent.dispose();
    const bad: [object, string][] = [
      [{ tau: 0 }, 'tau'],
      [{ gamma: 1.5 }, 'gamma'],
      [{ hiddenSizes: [0] }, 'hiddenSizes[0]'],
      [{ batchSize: 2.5 }, 'batchSize'],
      [{ noiseType: 'pink' }, 'noiseType'],
      [{ noiseStd: -1 }, 'noiseStd'],
    ];
    for (const [options, param] of bad) {
      await expect(naf(new Pendulum(), options)).rejects.toMatchObject({ name: 'DlfError', param });
    }
    await expect(naf(new CartPole() as never)).rejects.toThrowError(DlfError);
    await expect(naf(new CartPole() as never)).rejects.toThrow(
      /naf needs vector observations and vector actions/,
    );
  });
});

/** trace(P) = sum of squared entries of L, an upper bound of P's largest eigenvalue. */
function nafLowerTraceBound(out: tf.Tensor[]): number {
  const logDiag = out[2]!.dataSync();
  const lower = out[3]!.dataSync();
  return Math.exp(2 * logDiag[0]!) + Math.exp(2 * logDiag[1]!) + lower[0]! ** 2;
}
