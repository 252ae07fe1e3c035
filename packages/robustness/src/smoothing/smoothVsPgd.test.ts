/**
 * A certificate against the strongest attack we have: PGD with EOT on the smoothed classifier
 * itself, inside and beyond the certified radius.
 */
import type { Rng } from '@dlf/runtime';
import { setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { eot } from '../eot.js';
import { pgd } from '../pgd.js';
import { smooth } from './smooth.js';

// Base classifier: class 1 inside the unit disc, 0 outside (a steep, differentiable logit).
const disc = (x: tf.Tensor) =>
  tf.tidy(() => {
    const r2 = tf.sum(tf.square(x), 1, true);
    return tf.concat([tf.zerosLike(r2), tf.mul(20, tf.sub(1, r2))], 1);
  });

beforeAll(async () => {
  await setupTestBackend();
});

describe('randomised smoothing against PGD', () => {
  it('PGD (with EOT on the smoothed classifier) cannot flip certified points within the radius, but can beyond it', async () => {
    const sigma = 0.25;
    const g = smooth(disc, { sigma, seed: 1, batchSize: 10000 });
    const points = tf.tensor2d([
      [0.3, 0],
      [0, -0.45],
    ]);
    const certs = await g.certify(points, { n: 20000, alpha: 0.001 });
    const noisy = (t: tf.Tensor, rng: Rng) =>
      disc(tf.add(t, tf.tensor(rng.normalArray(t.size, 0, sigma), t.shape)));
    const soft = eot(noisy, { samples: 16, seed: 2 });
    const bounds = [-3, 3] as const;
    for (let i = 0; i < 2; i++) {
      const cert = certs[i];
      expect(cert?.class).toBe(1);
      const radius = cert?.radius as number;
      expect(radius).toBeGreaterThan(0.2);
      const x = points.slice(i, 1);
      for (const [eps, mayFlip] of [
        [radius, false],
        [3 * radius, true],
      ] as const) {
        const res = await pgd(soft, x, [1], { eps, norm: 'l2', steps: 10, bounds, seed: 3 });
        const [pred] = await smooth(disc, { sigma, seed: 4, batchSize: 10000 }).predict(res.adversarial, {
          n: 20000,
          alpha: 0.001,
        });
        if (mayFlip) expect(pred?.class).toBe(0);
        else expect(pred?.class).not.toBe(0);
        res.adversarial.dispose();
      }
      x.dispose();
    }
    points.dispose();
  });
});
