import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { mmd } from './mmd.js';
import { mmdLoss } from './mmdLoss.js';

beforeAll(async () => {
  await setupTestBackend();
});

const rows = (values: number[], d: number) =>
  Array.from({ length: values.length / d }, (_, i) => values.slice(i * d, (i + 1) * d));

describe('mmdLoss', () => {
  it('equals the float64 estimator of mmd() and its gradient matches central finite differences of it', async () => {
    const d = 2;
    const xs = fixtureValues(5 * d, 131).map(Math.fround);
    const ys = fixtureValues(4 * d, 132, -0.5, 1.5).map(Math.fround);
    const bandwidth = [0.7, 1.5];
    const x = tf.tensor2d(xs, [5, d]);
    const y = tf.tensor2d(ys, [4, d]);
    const value = mmdLoss(x, y, { bandwidth });
    expect(value.dataSync()[0]).toBeCloseTo(
      mmd(rows(xs, d), rows(ys, d), { bandwidth, permutations: 0 }).mmd2,
      5,
    );
    const g = tf
      .grad((v: tf.Tensor) => mmdLoss(v, y, { bandwidth }))(x)
      .dataSync();
    const h = 1e-6;
    for (let q = 0; q < xs.length; q++) {
      const up = [...xs];
      const down = [...xs];
      up[q] = (up[q] as number) + h;
      down[q] = (down[q] as number) - h;
      const fd =
        (mmd(rows(up, d), rows(ys, d), { bandwidth, permutations: 0 }).mmd2 -
          mmd(rows(down, d), rows(ys, d), { bandwidth, permutations: 0 }).mmd2) /
        (2 * h);
      expect(g[q]).toBeCloseTo(fd, 4);
    }
    await expectNoLeaks(() => mmdLoss(x, y));
    const single = tf.zeros([1, d]);
    expect(() => mmdLoss(x, single)).toThrow(expect.objectContaining({ param: 'y' }));
    tf.dispose([x, y, value, single]);
  });
});
