import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainBatchNorm, setDomain } from './domainBatchNorm.js';

beforeAll(async () => {
  await setupTestBackend();
});

const n = 8;
const c = 3;
/** n rows of c channels, channel j ~ mean + scale * N(0, 1). */
function batch(seed: number, mean: number, scale: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n * c }, () => mean + scale * rng.normal());
}

function moments64(x: number[]): { mean: number[]; variance: number[] } {
  const mean = Array.from(
    { length: c },
    (_, j) => x.filter((_, q) => q % c === j).reduce((s, v) => s + v, 0) / n,
  );
  const variance = Array.from(
    { length: c },
    (_, j) => x.filter((_, q) => q % c === j).reduce((s, v) => s + (v - (mean[j] as number)) ** 2, 0) / n,
  );
  return { mean, variance };
}

function model(momentum: number) {
  const layer = new DomainBatchNorm({ numDomains: 2, momentum, epsilon: 1e-3 });
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [c], units: c, useBias: false, kernelInitializer: 'identity' }),
      layer,
    ],
  });
  return { m, layer };
}

describe('DomainBatchNorm', () => {
  it('normalises each domain by its own batch moments and keeps one pair of moving averages per domain', async () => {
    const { m, layer } = model(0.9);
    const xs = batch(1, 0, 1);
    const xt = batch(2, 5, 3);
    for (const [domain, x] of [
      [0, xs],
      [1, xt],
    ] as const) {
      expect(setDomain(m, domain)).toBe(1);
      const out = tf.tidy(() =>
        Array.from((m.apply(tf.tensor2d(x, [n, c]), { training: true }) as tf.Tensor).dataSync()),
      );
      const { mean, variance } = moments64(x);
      out.forEach((v, q) => {
        const j = q % c;
        expect(v).toBeCloseTo(
          ((x[q] as number) - (mean[j] as number)) / Math.sqrt((variance[j] as number) + 1e-3),
          4,
        );
      });
    }
    // Moving averages after one update each: 0.9 * init + 0.1 * batch moment, per domain.
    const weights = Object.fromEntries(
      layer.weights.map((w) => [w.name.split('/').at(-1), Array.from(w.read().dataSync())]),
    );
    for (const [domain, x] of [
      [0, xs],
      [1, xt],
    ] as const) {
      const { mean, variance } = moments64(x);
      mean.forEach((v, j) => {
        expect(weights[`moving_mean_${domain}`]?.[j]).toBeCloseTo(0.1 * v, 5);
      });
      variance.forEach((v, j) => {
        expect(weights[`moving_variance_${domain}`]?.[j]).toBeCloseTo(0.9 + 0.1 * v, 4);
      });
    }
    // Inference uses the chosen domain's moving statistics.
    setDomain(m, 1);
    const inference = tf.tidy(() => Array.from((m.predict(tf.tensor2d(xt, [n, c])) as tf.Tensor).dataSync()));
    inference.forEach((v, q) => {
      const j = q % c;
      const mm = weights.moving_mean_1?.[j] as number;
      const mv = weights.moving_variance_1?.[j] as number;
      expect(v).toBeCloseTo(((xt[q] as number) - mm) / Math.sqrt(mv + 1e-3), 4);
    });
    m.dispose();
  });

  it("a domain-1 loss trains only domain 1's gamma and beta; no leaks; bad domains are rejected", async () => {
    const { m, layer } = model(0.99);
    setDomain(m, 1);
    const x = tf.tensor2d(batch(3, 2, 1), [n, c]);
    const trainable = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    expect(trainable.map((w) => w.name.split('/').at(-1))).toEqual([
      'gamma_0',
      'beta_0',
      'gamma_1',
      'beta_1',
    ]);
    await expectNoLeaks(() => tf.tidy(() => m.apply(x, { training: true }) as tf.Tensor));
    const r = Array.from({ length: n * c }, (_, q) => q + 1);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(m.apply(x, { training: true }) as tf.Tensor, tf.tensor2d(r, [n, c]))) as tf.Scalar,
      trainable,
    );
    value.dispose();
    const byName = (s: string) => {
      const g = Object.entries(grads).find(([k]) => k.endsWith(s))?.[1];
      return g ? Array.from(g.dataSync()) : undefined;
    };
    // Domain 0's parameters are not on the path (no gradient, or an exact zero).
    for (const unused of ['gamma_0', 'beta_0']) expect(byName(unused) ?? [0, 0, 0]).toEqual([0, 0, 0]);
    // d/d beta_j of sum_ij r_ij out_ij = sum_i r_ij.
    byName('beta_1')?.forEach((v, j) => {
      expect(v).toBeCloseTo(
        r.filter((_, q) => q % c === j).reduce((s, t) => s + t, 0),
        3,
      );
    });
    expect(byName('beta_1')).toHaveLength(c);
    expect(byName('gamma_1')?.some((v) => v !== 0)).toBe(true);
    tf.dispose(Object.values(grads));
    layer.domain = 2;
    expect(() => tf.tidy(() => m.predict(x))).toThrow(expect.objectContaining({ param: 'domain' }));
    expect(() => setDomain(m, 5)).toThrow(expect.objectContaining({ param: 'domain' }));
    x.dispose();
    m.dispose();
  });
});
