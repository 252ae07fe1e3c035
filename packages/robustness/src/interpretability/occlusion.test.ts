import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinearModel } from '../testModels.js';
import { fixtureValues, linearModel } from '../testModels.js';
import { occlusion } from './occlusion.js';

// Examples are 4x4x1 images; the linear model reads them flattened (row-major).
const h = 4;
const d = h * h;
let m: LinearModel;
beforeAll(async () => {
  await setupTestBackend();
  m = linearModel(fixtureValues(d * 3, 41), fixtureValues(3, 42), d, 3);
});
afterAll(() => m.dispose());

/** Independent reference: mean over the windows covering (r, c) of sum_{window} w_i (x_i - b). */
function reference(xs: number[], t: number, win: number, stride: number, b: number): number[] {
  const sums = new Array<number>(d).fill(0);
  const counts = new Array<number>(d).fill(0);
  for (let r0 = 0; r0 + win <= h; r0 += stride) {
    for (let c0 = 0; c0 + win <= h; c0 += stride) {
      let drop = 0;
      for (let r = r0; r < r0 + win; r++)
        for (let c = c0; c < c0 + win; c++)
          drop += (m.w[(r * h + c) * 3 + t] as number) * ((xs[r * h + c] as number) - b);
      for (let r = r0; r < r0 + win; r++) {
        for (let c = c0; c < c0 + win; c++) {
          sums[r * h + c] = (sums[r * h + c] as number) + drop;
          counts[r * h + c] = (counts[r * h + c] as number) + 1;
        }
      }
    }
  }
  return sums.map((s, j) => ((counts[j] as number) > 0 ? s / (counts[j] as number) : 0));
}

describe('occlusion', () => {
  it('on a linear model gives sum over the window of w_i (x_i - b), averaged over covering windows', async () => {
    const xs = fixtureValues(2 * d, 43, 0, 1);
    const x = tf.tensor4d(xs, [2, h, h, 1]);
    for (const [win, stride, b] of [
      [2, 2, 0],
      [2, 1, 0.5],
      [3, 2, 0.1],
    ] as const) {
      const a = (
        await occlusion(m.f, x, {
          slidingWindowShapes: [win, win, 1],
          strides: [stride, stride, 1],
          baselines: b,
          target: 2,
          perturbationsPerEval: 5,
        })
      ).dataSync();
      for (let i = 0; i < 2; i++) {
        const ref = reference(xs.slice(i * d, (i + 1) * d), 2, win, stride, b);
        for (let j = 0; j < d; j++) expect(a[i * d + j]).toBeCloseTo(ref[j] as number, 5);
      }
    }
    x.dispose();
  });

  it('leaks no tensors and rejects windows that do not fit the example shape', async () => {
    const x = tf.tensor4d(fixtureValues(d, 44, 0, 1), [1, h, h, 1]);
    await expectNoLeaks(() => occlusion(m.f, x, { slidingWindowShapes: [2, 2, 1], strides: 2 }));
    await expect(occlusion(m.f, x, { slidingWindowShapes: [2, 2] })).rejects.toMatchObject({
      code: 'INVALID_SHAPE',
      param: 'slidingWindowShapes',
    });
    await expect(occlusion(m.f, x, { slidingWindowShapes: [5, 1, 1] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    x.dispose();
  });
});
