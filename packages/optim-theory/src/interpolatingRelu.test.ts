import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { interpolatingRelu } from './interpolatingRelu.js';

describe('interpolatingRelu', () => {
  it('fits random labels exactly with 2n + d parameters (Zhang et al. 2017, Thm. 1)', () => {
    const rng = createRng(15);
    for (const [n, d] of [
      [20, 5],
      [60, 10],
    ] as const) {
      const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
      const y = X.map(() => (rng.random() < 0.5 ? -1 : 1));
      const net = interpolatingRelu(X, y, { seed: n });
      expect(net.numParams).toBe(2 * n + d);
      expect(net.a).toHaveLength(d);
      expect(net.b).toHaveLength(n);
      net.predict(X).forEach((v, i) => {
        expect(v).toBeCloseTo(y[i]!, 6);
      });
      // Real-valued targets too.
      const t = X.map(() => rng.normal());
      interpolatingRelu(X, t)
        .predict(X)
        .forEach((v, i) => {
          expect(v).toBeCloseTo(t[i]!, 6);
        });
    }
  });

  it('rejects duplicated inputs and mismatched shapes', () => {
    expect(() =>
      interpolatingRelu(
        [
          [1, 2],
          [1, 2],
        ],
        [1, -1],
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    expect(() => interpolatingRelu([[1, 2]], [1, 2])).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE' }),
    );
    expect(() => interpolatingRelu([[1, 2]], [1]).predict([[1]])).toThrow(
      expect.objectContaining({ param: 'X' }),
    );
  });

  it('reads tensor inputs without leaking', async () => {
    await setupTestBackend();
    const Xt = tf.tensor2d([
      [0, 1],
      [1, 0],
      [2, 2],
    ]);
    const net = await expectNoLeaks(() => interpolatingRelu(Xt, [1, -1, 1]));
    expect(net.predict(Xt).map((v) => Math.round(v))).toEqual([1, -1, 1]);
    Xt.dispose();
  });
});
