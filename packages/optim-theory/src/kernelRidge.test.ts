import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelRidge } from './kernelRidge.js';
import { minNormLeastSquares } from './linalg.js';
import { ntkTwoLayerRelu } from './ntkTwoLayerRelu.js';

const rng = createRng(13);
const rows = (n: number, d: number) =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
const linear = (A: number[][], B: number[][]) =>
  A.map((a) => B.map((b) => a.reduce((s, v, i) => s + v * b[i]!, 0)));

describe('kernelRidge', () => {
  it('with the linear kernel equals primal ridge regression w = (X^T X + lambda I)^{-1} X^T y', () => {
    const X = rows(20, 3);
    const y = X.map((x) => 2 * x[0]! - x[2]! + 0.1 * rng.normal());
    const lambda = 0.5;
    const model = kernelRidge({ kernel: linear, X }, y, { lambda });
    // Primal ridge as least squares on [X; sqrt(lambda) I] against [y; 0].
    const aug = { rows: 23, cols: 3, data: new Float64Array(69) };
    X.forEach((x, i) => {
      x.forEach((v, j) => {
        aug.data[i * 3 + j] = v;
      });
    });
    for (let j = 0; j < 3; j++) aug.data[(20 + j) * 3 + j] = Math.sqrt(lambda);
    const w = minNormLeastSquares(aug, [...y, 0, 0, 0]);
    const Xt = rows(4, 3);
    model.predict(Xt).forEach((p, i) => {
      expect(p).toBeCloseTo(
        Xt[i]!.reduce((s, v, j) => s + v * w[j]!, 0),
        9,
      );
    });
  });

  it('interpolates with lambda = 0 for a positive-definite kernel and accepts a Gram matrix', () => {
    const X = rows(10, 3);
    const y = X.map(() => rng.normal());
    const K = ntkTwoLayerRelu(X);
    const model = kernelRidge({ gram: K }, y, { lambda: 0 });
    model.fitted.forEach((v, i) => {
      expect(v).toBeCloseTo(y[i]!, 8);
    });
    const Xt = rows(2, 3);
    const viaFn = kernelRidge({ kernel: (A, B) => ntkTwoLayerRelu(A, B), X }, y, { lambda: 0 });
    expect(model.predict(ntkTwoLayerRelu(Xt, X))).toEqual(viaFn.predict(Xt).map((v) => expect.closeTo(v, 9)));
  });

  it('rejects singular systems and bad shapes', () => {
    expect(() =>
      kernelRidge(
        {
          gram: [
            [1, 1],
            [1, 1],
          ],
        },
        [1, 2],
        { lambda: 0 },
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    expect(() => kernelRidge({ gram: [[1, 0]] }, [1])).toThrow(
      expect.objectContaining({ code: 'INVALID_SHAPE' }),
    );
    expect(() => kernelRidge({ gram: [[1]] }, [1]).predict([[1, 2]])).toThrow(
      expect.objectContaining({ param: 'kNewTrain' }),
    );
  });

  it('reads tensor Gram matrices without leaking', async () => {
    await setupTestBackend();
    const g = tf.tensor2d([
      [2, 0.5],
      [0.5, 1],
    ]);
    await expectNoLeaks(() => kernelRidge({ gram: g }, [1, 2], { lambda: 0.1 }).predict(g));
    g.dispose();
  });
});
