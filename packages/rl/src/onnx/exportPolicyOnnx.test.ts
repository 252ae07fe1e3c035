import { fileURLToPath } from 'node:url';
import { createRng, DlfError } from '@dlf/runtime';
import { setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddpg } from '../ddpg.js';
import { dqn } from '../dqn.js';
import { CartPole } from '../envs/CartPole.js';
import { Pendulum } from '../envs/Pendulum.js';
import { naf } from '../naf.js';
import { createOnnxPolicy } from './createOnnxPolicy.js';
import { exportPolicyOnnx } from './exportPolicyOnnx.js';

const rng = createRng(0);
const cartObservations = Array.from({ length: 64 }, () =>
  Float32Array.from([0, 0, 0, 0], () => rng.normal(0, 1)),
);
const pendulumObservations = Array.from({ length: 64 }, () => {
  const th = rng.uniform(-Math.PI, Math.PI);
  return Float32Array.of(Math.cos(th), Math.sin(th), rng.uniform(-8, 8));
});

/** O(1) random trainable weights, so the exported network's outputs span the action range. */
function randomise(model: tf.LayersModel, seed: number): void {
  tf.tidy(() => {
    model.trainableWeights.forEach((w, i) => {
      w.write(tf.randomNormal(w.shape as number[], 0, 1, 'float32', seed + i));
    });
  });
}

describe('exportPolicyOnnx / createOnnxPolicy', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it("a DQN export's argmax actions equal the tfjs greedy policy on a batch", async () => {
    const agent = await dqn(new CartPole(), {
      totalSteps: 120,
      learningStarts: 60,
      hiddenSizes: [16],
      seed: 2,
    });
    randomise(agent.model, 10);
    const policy = await createOnnxPolicy(exportPolicyOnnx(agent));
    expect(policy.actionType).toBe('discrete');
    const actions = await policy.act(cartObservations);
    const expected = cartObservations.map((o) => agent.policy(o));
    expect(actions).toEqual(expected);
    expect(new Set(expected).size).toBe(2); // both actions occur: the comparison is not vacuous
    await policy.dispose();
    agent.dispose();
  });

  it("DDPG's actor and NAF's mu network export to the same actions (1e-5)", async () => {
    const agents = [
      await ddpg(new Pendulum(), { totalSteps: 1, hiddenSizes: [16], seed: 3 }),
      await naf(new Pendulum(), { totalSteps: 1, hiddenSizes: [16], seed: 4 }),
    ];
    for (const [k, agent] of agents.entries()) {
      randomise(agent.policyModel, 20 + 10 * k);
      const policy = await createOnnxPolicy(exportPolicyOnnx(agent));
      expect(policy.actionType).toBe('continuous');
      const actions = (await policy.act(pendulumObservations)) as Float32Array[];
      const expected = pendulumObservations.map((o) => agent.policy(o));
      let spread = 0;
      actions.forEach((a, i) => {
        expect(a).toHaveLength(1);
        expect(Math.abs(a[0]! - expected[i]![0]!)).toBeLessThan(1e-5);
        spread = Math.max(spread, Math.abs(a[0]!));
      });
      expect(spread).toBeGreaterThan(0.5);
      await policy.dispose();
      agent.dispose();
    }
  });

  it('rejects what is not a deep policy', async () => {
    expect(() => exportPolicyOnnx({} as never)).toThrowError(DlfError);
    expect(() => exportPolicyOnnx(null as never)).toThrow(/agent must be the result of dqn, naf or ddpg/);
    const other = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const { exportOnnx } = await import('@dlf/runtime/onnx');
    await expect(createOnnxPolicy(exportOnnx(other))).rejects.toMatchObject({
      code: 'INVALID_DATA',
      param: 'bytes',
    });
    other.dispose();
  });

  it('the @dlf/rl main entry reaches neither this module nor any ONNX code', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../index.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      packages: 'external',
      conditions: ['@dlf/source'],
      logLevel: 'silent',
    });
    const meta = result.metafile as Metafile;
    const files = Object.keys(meta.inputs);
    const imports = Object.values(meta.inputs).flatMap((i) => i.imports.map((imp) => imp.path));
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => f.includes('onnx'))).toEqual([]);
    expect(imports.filter((p) => /onnx/.test(p))).toEqual([]);
  });
});
