import { createRng, DlfError } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Augmentation } from './Augmentation.js';
import { colorJitter } from './colorJitter.js';
import { compose } from './compose.js';
import { gaussianBlur, gaussianTaps, reflectIndex } from './gaussianBlur.js';
import { gaussianNoise } from './gaussianNoise.js';
import { randomFlip } from './randomFlip.js';
import { randomResizedCrop } from './randomResizedCrop.js';
import { randomRotation } from './randomRotation.js';
import { rot90, rotationPretext } from './rotationPretext.js';
import { twoViews } from './twoViews.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** A seeded batch of images with values in [lo, hi]. */
function images(batch: number, h: number, w: number, c: number, seed = 0, lo = 0, hi = 1): tf.Tensor4D {
  return tf.tensor4d(createRng(seed).uniformArray(batch * h * w * c, lo, hi), [batch, h, w, c]);
}

/** Pixel accessor for a [B, H, W, C] array read back from a tensor. */
const at = (a: Float32Array, [_, H, W, C]: number[], b: number, i: number, j: number, c: number) =>
  a[((b * H! + i) * W! + j) * C! + c] as number;

const ALL: [string, Augmentation][] = [
  ['randomResizedCrop', randomResizedCrop()],
  ['randomFlip', randomFlip()],
  ['randomRotation', randomRotation({ degrees: 30 })],
  ['colorJitter', colorJitter()],
  ['gaussianBlur', gaussianBlur({ p: 1 })],
  ['gaussianNoise', gaussianNoise({ std: 0.2 })],
  ['compose', compose(randomResizedCrop({ scale: [0.5, 1] }), randomFlip(), colorJitter(), gaussianNoise())],
];

describe('augmentations: shapes, ranges, seeds, leaks', () => {
  it.each(ALL)(
    '%s keeps the shape and the [0, 1] range, is reproducible by seed and leaks nothing',
    async (_, aug) => {
      const x = images(4, 8, 8, 2);
      const a = aug(x, 7);
      const b = aug(x, 7);
      const c = aug(x, 8);
      expect(a.shape).toEqual([4, 8, 8, 2]);
      const av = await a.data();
      expect(Math.min(...av)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...av)).toBeLessThanOrEqual(1 + 1e-6);
      expect(Array.from(await b.data())).toEqual(Array.from(av));
      expect(Array.from(await c.data())).not.toEqual(Array.from(av));
      await expectNoLeaks(() => aug(x, 1));
      tf.dispose([x, a, b, c]);
    },
  );

  it('identity settings return the input', async () => {
    const x = images(2, 6, 6, 1);
    const ref = Array.from(await x.data());
    for (const aug of [
      randomResizedCrop({ scale: [1, 1], ratio: [1, 1] }),
      randomFlip({ p: 0 }),
      randomRotation({ degrees: [0, 0] }),
      colorJitter({ brightness: 0, contrast: 0 }),
      gaussianBlur({ p: 0 }),
      gaussianNoise({ std: 0 }),
      compose(),
    ]) {
      const y = aug(x, 3);
      Array.from(await y.data()).forEach((v, i) => {
        expect(v).toBeCloseTo(ref[i]!, 5);
      });
      y.dispose();
    }
    x.dispose();
  });
});

describe('augmentations against direct computations', () => {
  it('randomResizedCrop resizes some window of the right size bilinearly (reference: all windows)', async () => {
    const x = images(3, 8, 8, 1, 1);
    const xv = await x.data();
    const y = randomResizedCrop({ scale: [0.25, 0.25], ratio: [1, 1], size: [5, 5] })(x, 2);
    expect(y.shape).toEqual([3, 5, 5, 1]);
    const yv = await y.data();
    // A 4 x 4 window at (top, left) resized to 5 x 5: sample points top + 3 i / 4 (bilinear).
    const resized = (b: number, top: number, left: number) =>
      Array.from({ length: 25 }, (_, k) => {
        const sy = top + (3 * Math.floor(k / 5)) / 4;
        const sx = left + (3 * (k % 5)) / 4;
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const y1 = Math.min(y0 + 1, 7);
        const x1 = Math.min(x0 + 1, 7);
        const fy = sy - y0;
        const fx = sx - x0;
        const p = (i: number, j: number) => at(xv as Float32Array, [3, 8, 8, 1], b, i, j, 0);
        return (
          (1 - fy) * ((1 - fx) * p(y0, x0) + fx * p(y0, x1)) + fy * ((1 - fx) * p(y1, x0) + fx * p(y1, x1))
        );
      });
    for (let b = 0; b < 3; b++) {
      const got = Array.from(yv.subarray(b * 25, (b + 1) * 25));
      let best = Number.POSITIVE_INFINITY;
      for (let top = 0; top <= 4; top++) {
        for (let left = 0; left <= 4; left++) {
          best = Math.min(best, Math.max(...resized(b, top, left).map((v, k) => Math.abs(v - got[k]!))));
        }
      }
      expect(best).toBeLessThan(1e-5);
    }
    tf.dispose([x, y]);
  });

  it('randomFlip with p = 1 mirrors every image exactly', async () => {
    const x = images(2, 3, 4, 2, 4);
    const xv = (await x.data()) as Float32Array;
    const y = randomFlip({ p: 1 })(x, 0);
    const yv = (await y.data()) as Float32Array;
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++)
          for (let c = 0; c < 2; c++)
            expect(at(yv, [2, 3, 4, 2], b, i, j, c)).toBe(at(xv, [2, 3, 4, 2], b, i, 3 - j, c));
    tf.dispose([x, y]);
  });

  it('rot90 turns counter-clockwise exactly, four turns are the identity, and randomRotation(90) agrees', async () => {
    const x = images(2, 5, 5, 1, 5);
    const xv = (await x.data()) as Float32Array;
    const r1 = rot90(x, 1);
    const r1v = (await r1.data()) as Float32Array;
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 5; j++)
          expect(at(r1v, [2, 5, 5, 1], b, i, j, 0)).toBe(at(xv, [2, 5, 5, 1], b, j, 4 - i, 0));
    const r4 = rot90(rot90(rot90(r1, 1), 1), 1);
    expect(Array.from(await r4.data())).toEqual(Array.from(xv));
    const r3 = rot90(x, 3);
    const back = rot90(r3, 1);
    expect(Array.from(await back.data())).toEqual(Array.from(xv));
    const turned = randomRotation({ degrees: [90, 90] })(x, 0);
    Array.from(await turned.data()).forEach((v, k) => {
      expect(v).toBeCloseTo(r1v[k]!, 5);
    });
    await expectNoLeaks(() => rot90(x, 3));
    const wide = images(1, 2, 3, 1);
    expect(() => rot90(wide, 1)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(() => rotationPretext(wide)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    tf.dispose([x, r1, r4, r3, back, turned, wide]);
  });

  it('rotationPretext stacks the four quarter turns with labels 0..3', async () => {
    const x = images(3, 4, 4, 1, 6);
    const { images: out, labels } = rotationPretext(x);
    expect(out.shape).toEqual([12, 4, 4, 1]);
    expect(Array.from(labels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    for (let k = 0; k < 4; k++) {
      const expected = rot90(x, k);
      expect(Array.from(await out.slice([3 * k], [3]).data())).toEqual(Array.from(await expected.data()));
      expected.dispose();
    }
    await expectNoLeaks(() => rotationPretext(x).images);
    tf.dispose([x, out]);
  });

  it('colorJitter scales each image by one brightness factor and its deviations from the mean by one contrast factor', async () => {
    // Mid-range pixels and factors in [0.7, 1.3]: nothing is clipped.
    const x = images(4, 5, 5, 1, 7, 0.4, 0.6);
    const xv = (await x.data()) as Float32Array;
    const brightT = colorJitter({ brightness: 0.3, contrast: 0 })(x, 1);
    const contrastT = colorJitter({ brightness: 0, contrast: 0.3 })(x, 1);
    const bright = (await brightT.data()) as Float32Array;
    const contrast = (await contrastT.data()) as Float32Array;
    for (let b = 0; b < 4; b++) {
      const idx = Array.from({ length: 25 }, (_, k) => b * 25 + k);
      const ratio = bright[idx[0]!]! / xv[idx[0]!]!;
      expect(ratio).toBeGreaterThanOrEqual(0.7);
      expect(ratio).toBeLessThanOrEqual(1.3);
      for (const k of idx) expect(bright[k]! / xv[k]!).toBeCloseTo(ratio, 5);
      const mean = idx.reduce((s, k) => s + xv[k]!, 0) / 25;
      expect(idx.reduce((s, k) => s + contrast[k]!, 0) / 25).toBeCloseTo(mean, 5);
      const factor = (contrast[idx[0]!]! - mean) / (xv[idx[0]!]! - mean);
      expect(factor).toBeGreaterThanOrEqual(0.7 - 1e-4);
      expect(factor).toBeLessThanOrEqual(1.3 + 1e-4);
      for (const k of idx) expect(contrast[k]! - mean).toBeCloseTo(factor * (xv[k]! - mean), 5);
    }
    tf.dispose([x, brightT, contrastT]);
  });

  it('gaussianBlur equals a direct 2-D convolution with reflect padding', async () => {
    const x = images(2, 6, 7, 2, 8);
    const xv = (await x.data()) as Float32Array;
    const sigma = 1.3;
    const y = gaussianBlur({ sigma: [sigma, sigma], kernelSize: 5, p: 1 })(x, 0);
    const yv = (await y.data()) as Float32Array;
    // Independent reference: 2-D kernel exp(-(a^2 + b^2) / (2 sigma^2)) normalised, reflected borders.
    const r = 2;
    let z = 0;
    for (let a = -r; a <= r; a++)
      for (let b = -r; b <= r; b++) z += Math.exp(-(a * a + b * b) / (2 * sigma * sigma));
    const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 6; i++)
        for (let j = 0; j < 7; j++)
          for (let c = 0; c < 2; c++) {
            let s = 0;
            for (let a = -r; a <= r; a++)
              for (let b = -r; b <= r; b++)
                s +=
                  (Math.exp(-(a * a + b * b) / (2 * sigma * sigma)) / z) *
                  at(xv, [2, 6, 7, 2], n, reflect(i + a, 6), reflect(j + b, 7), c);
            expect(at(yv, [2, 6, 7, 2], n, i, j, c)).toBeCloseTo(s, 5);
          }
    expect(Array.from(gaussianTaps(1, 1)).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect([-2, -1, 0, 4, 5, 6].map((i) => reflectIndex(i, 5))).toEqual([2, 1, 0, 4, 3, 2]);
    tf.dispose([x, y]);
  });

  it('gaussianNoise adds zero-mean noise of the requested standard deviation', async () => {
    const x = images(8, 16, 16, 1, 9, 0.5, 0.5);
    const y = gaussianNoise({ std: 0.1, clip: false })(x, 3);
    const diff = tf.sub(y, x);
    const d = Array.from(await diff.data());
    diff.dispose();
    const n = d.length;
    const mean = d.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    expect(Math.abs(mean)).toBeLessThan(5 * (0.1 / Math.sqrt(n)));
    expect(Math.abs(sd / 0.1 - 1)).toBeLessThan(5 * Math.sqrt(1 / (2 * n)));
    tf.dispose([x, y]);
  });

  it('twoViews draws both views from one stream: view1 = augment(x, rng), view2 = augment(x, rng)', async () => {
    const x = images(2, 6, 6, 1, 10);
    const aug = compose(randomResizedCrop(), gaussianNoise());
    const { view1, view2 } = twoViews(x, aug, 11);
    const rng = createRng(11);
    const a = aug(x, rng);
    const b = aug(x, rng);
    expect(Array.from(await view1.data())).toEqual(Array.from(await a.data()));
    expect(Array.from(await view2.data())).toEqual(Array.from(await b.data()));
    expect(Array.from(await view1.data())).not.toEqual(Array.from(await view2.data()));
    await expectNoLeaks(() => twoViews(x, aug, 1));
    tf.dispose([x, view1, view2, a, b]);
  });

  it('rejects bad options and inputs with DlfError', () => {
    expect(() => randomResizedCrop({ scale: [0.5, 0.2] })).toThrow(/scale must be an interval/);
    expect(() => randomFlip({ p: 2 })).toThrow(/p must be in \[0, 1\], received 2/);
    expect(() => gaussianBlur({ kernelSize: 4 })).toThrow(/kernelSize must be odd, received 4/);
    expect(() => gaussianNoise({ std: -1 })).toThrow(/std must be >= 0/);
    const flat = tf.zeros([2, 2]);
    const one = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    expect(() => randomFlip()(flat as never, 0)).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() => twoViews(one, 3 as never)).toThrow(DlfError);
    tf.dispose([flat, one]);
  });
});
