import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import { expectNoLeaks, setupTestBackend } from '../testing.js';
import type { LabeledData } from './labeledData.js';
import { toTensors } from './toTensors.js';

beforeAll(async () => {
  await setupTestBackend();
});

const images: LabeledData = {
  x: Float32Array.from({ length: 3 * 2 * 2 * 1 }, (_, i) => i / 10),
  y: Int32Array.from([2, 0, 1]),
  n: 3,
  shape: [2, 2, 1],
  numClasses: 4,
};

describe('toTensors', () => {
  it('x has shape [n, ...shape] with the same values; y is int32 [n]', async () => {
    const { x, y } = toTensors(images);
    expect(x.shape).toEqual([3, 2, 2, 1]);
    expect(x.dtype).toBe('float32');
    expect(await x.data()).toEqual(images.x);
    expect(y.shape).toEqual([3]);
    expect(y.dtype).toBe('int32');
    expect(Array.from(await y.data())).toEqual([2, 0, 1]);
    x.dispose();
    y.dispose();
  });

  it('oneHot gives float32 [n, numClasses] rows with a single 1 at the label', async () => {
    const { x, y } = toTensors(images, { oneHot: true });
    expect(y.shape).toEqual([3, 4]);
    expect(y.dtype).toBe('float32');
    expect(await y.array()).toEqual([
      [0, 0, 1, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    tf.dispose([x, y]);
    // Without numClasses, K = largest label + 1.
    const { numClasses: _, ...unsized } = images;
    const t = toTensors(unsized, { oneHot: true });
    expect(t.y.shape).toEqual([3, 3]);
    tf.dispose([t.x, t.y]);
  });

  it('real targets become float32 [n]; -1/+1 labels can be asked as float32', async () => {
    const reg: LabeledData = {
      x: new Float32Array([1, 2]),
      y: new Float32Array([0.5, -1.5]),
      n: 2,
      shape: [1],
    };
    const a = toTensors(reg);
    expect(a.y.dtype).toBe('float32');
    expect(Array.from(await a.y.data())).toEqual([0.5, -1.5]);
    const pm: LabeledData = { x: new Float32Array([1, 2]), y: new Int32Array([1, -1]), n: 2, shape: [1] };
    const b = toTensors(pm, { yDtype: 'float32' });
    expect(b.y.dtype).toBe('float32');
    expect(Array.from(await b.y.data())).toEqual([1, -1]);
    tf.dispose([a.x, a.y, b.x, b.y]);
  });

  it('the tensors do not alias the input arrays', async () => {
    const data: LabeledData = { x: new Float32Array([1, 2]), y: new Int32Array([0, 1]), n: 2, shape: [1] };
    const { x, y } = toTensors(data);
    data.x[0] = 99;
    data.y[0] = 7;
    expect(Array.from(await x.data())).toEqual([1, 2]);
    expect(Array.from(await y.data())).toEqual([0, 1]);
    tf.dispose([x, y]);
  });

  it('leaves no tensors behind beyond the two it returns', async () => {
    await expectNoLeaks(() => toTensors(images));
    await expectNoLeaks(() => toTensors(images, { oneHot: true }));
    const before = tf.memory().numTensors;
    const { x, y } = toTensors(images, { oneHot: true });
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([x, y]);
  });

  it('rejects oneHot on real targets or negative labels, and inconsistent data', () => {
    const reg: LabeledData = { x: new Float32Array([1]), y: new Float32Array([0.5]), n: 1, shape: [1] };
    expect(() => toTensors(reg, { oneHot: true })).toThrow(DlfError);
    expect(() => toTensors(reg, { oneHot: true })).toThrow(/oneHot needs class-index labels/);
    const pm: LabeledData = { x: new Float32Array([1]), y: new Int32Array([-1]), n: 1, shape: [1] };
    expect(() => toTensors(pm, { oneHot: true })).toThrow(/received y\[0\] = -1/);
    expect(() => toTensors(reg, { yDtype: 'int32' })).toThrow(/yDtype 'int32' needs Int32Array labels/);
    expect(() => toTensors({ ...images, shape: [2, 3] })).toThrow(
      /x has length 12, expected n \* prod\(shape\) = 3 \* 6 = 18/,
    );
    expect(() => toTensors({ ...images, y: Int32Array.from([2, 0, 4]) })).toThrow(
      /y\[2\] = 4 is outside 0..3 \(numClasses = 4\)/,
    );
    const leakBefore = tf.memory().numTensors;
    expect(() => toTensors(pm, { oneHot: true })).toThrow(DlfError);
    expect(tf.memory().numTensors).toBe(leakBefore);
  });
});
