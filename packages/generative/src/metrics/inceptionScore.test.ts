import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import refs from '../../data/metric-refs.json';
import { inceptionScore } from './inceptionScore.js';

describe('inceptionScore', () => {
  beforeAll(async () => {
    await setupTestBackend();
  });

  it('matches the formula of Salimans et al. computed in numpy, with 1 and 4 splits', () => {
    for (const c of refs.inceptionScore.cases) {
      const res = inceptionScore(refs.inceptionScore.probabilities, { splits: c.splits });
      expect(res.mean).toBeCloseTo(c.mean, 12);
      expect(res.std).toBeCloseTo(c.std, 12);
      res.scores.forEach((s, i) => {
        expect(s).toBeCloseTo(c.scores[i]!, 12);
      });
    }
  });

  it('is 1 for identical (e.g. uniform) predictions and K for confident predictions balanced over K classes', () => {
    const K = 7;
    expect(inceptionScore(Array.from({ length: 20 }, () => new Array(K).fill(1 / K))).mean).toBeCloseTo(
      1,
      14,
    );
    const oneHot = Array.from({ length: 5 * K }, (_, i) =>
      Array.from({ length: K }, (__, k) => (i % K === k ? 1 : 0)),
    );
    expect(inceptionScore(oneHot).mean).toBeCloseTo(K, 12);
    // Confident but collapsed onto 3 of the K classes: exactly 3.
    const collapsed = Array.from({ length: 30 }, (_, i) =>
      Array.from({ length: K }, (__, k) => (i % 3 === k ? 1 : 0)),
    );
    expect(inceptionScore(collapsed).mean).toBeCloseTo(3, 12);
  });

  it('equals exp(H(mean p) - mean H(p)) (mutual information form) and lies in [1, K]', () => {
    const probs = refs.inceptionScore.probabilities;
    const K = probs[0]!.length;
    const H = (p: number[]): number => -p.reduce((s, x) => (x > 0 ? s + x * Math.log(x) : s), 0);
    const marginal = Array.from({ length: K }, (_, k) => probs.reduce((s, p) => s + p[k]!, 0) / probs.length);
    const meanH = probs.reduce((s, p) => s + H(p), 0) / probs.length;
    const is = inceptionScore(probs).mean;
    expect(is).toBeCloseTo(Math.exp(H(marginal) - meanH), 12);
    expect(is).toBeGreaterThan(1);
    expect(is).toBeLessThan(K);
  });

  it('reads a tf.Tensor2D without leaking and rejects rows that are not distributions', async () => {
    const value = await expectNoLeaks(() => {
      const t = tf.tensor2d(refs.inceptionScore.probabilities);
      const v = inceptionScore(t).mean;
      t.dispose();
      return v;
    });
    expect(value).toBeCloseTo(refs.inceptionScore.cases[0]!.mean, 5);
    expect(() => inceptionScore([[0.5, 0.6]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => inceptionScore([[1.5, -0.5]])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => inceptionScore([[0.5, 0.5]], { splits: 2 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
