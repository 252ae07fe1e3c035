import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCnn } from './createCnn.js';
import { createMlp } from './createMlp.js';
import { createTransformerClassifier } from './createTransformerClassifier.js';
import { DlfError } from './DlfError.js';
import { fromLayersModel } from './fromLayersModel.js';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
  registerWasmTrainingKernels();
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

describe('fromLayersModel', () => {
  it('flattens the trainable weights in model.trainableWeights order, row-major, and writes them back', () => {
    const model = createMlp({ inputSize: 3, hiddenSizes: [4], outputSize: 2, seed: 1 });
    const net = fromLayersModel(model);
    expect(net.numParams).toBe(model.countParams());
    expect(net.numParams).toBe(3 * 4 + 4 + 4 * 2 + 2);
    expect(net.inputShape).toEqual([3]);
    expect(net.outputSize).toBe(2);
    expect(net.layout.map((s) => [s.shape, s.offset, s.size])).toEqual([
      [[3, 4], 0, 12],
      [[4], 12, 4],
      [[4, 2], 16, 8],
      [[2], 24, 2],
    ]);
    const w = net.getWeights();
    const expected = model.trainableWeights.flatMap((v) => Array.from(v.read().dataSync()));
    expect(Array.from(w.dataSync())).toEqual(expected);

    const w2 = tf.range(0, net.numParams).div(100) as tf.Tensor1D;
    net.setWeights(w2);
    expect(Array.from(net.getWeights().dataSync())).toEqual(Array.from(w2.dataSync()));
    // The kernel [3, 4] is entries 0..11 row-major: kernel[1][2] = entry 1 * 4 + 2.
    const kernel = model.layers[0]?.getWeights()[0]?.arraySync() as number[][];
    expect(kernel[1]?.[2]).toBeCloseTo(0.06, 6);
    tf.dispose([w, w2]);
    model.dispose();
  });

  it('apply(w, x) equals model.predict(x) at the model weights and leaves the model untouched at other w', () => {
    const model = createCnn({ inputShape: [8, 8, 1], numClasses: 3, filters: [4], denseUnits: 5, seed: 2 });
    const net = fromLayersModel(model);
    const x = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 3);
    const w = net.getWeights();
    const viaWrapper = net.apply(w, x);
    const viaModel = model.predict(x) as tf.Tensor;
    expect(viaWrapper.shape).toEqual([5, 3]);
    expect(maxAbsDiff(viaWrapper.dataSync(), viaModel.dataSync())).toBeLessThan(1e-6);

    const other = tf.randomNormal([net.numParams], 0, 0.1, 'float32', 4) as tf.Tensor1D;
    const before = Array.from(w.dataSync());
    const out = net.apply(other, x);
    expect(maxAbsDiff(out.dataSync(), viaModel.dataSync())).toBeGreaterThan(1e-3);
    expect(Array.from(net.getWeights().dataSync())).toEqual(before);
    const again = model.predict(x) as tf.Tensor;
    expect(Array.from(again.dataSync())).toEqual(Array.from(viaModel.dataSync()));
    tf.dispose([x, w, viaWrapper, viaModel, other, out, again]);
    model.dispose();
  });

  it('restores the weights even when the forward pass throws', () => {
    const model = createMlp({ inputSize: 2, hiddenSizes: [3], outputSize: 1, seed: 0 });
    const net = fromLayersModel(model);
    const layer = model.layers[1] as tf.layers.Layer & { call: unknown };
    const original = layer.call;
    layer.call = () => {
      throw new Error('forward failed');
    };
    const w = tf.zeros([net.numParams]) as tf.Tensor1D;
    const x = tf.ones([1, 2]);
    expect(() => net.apply(w, x)).toThrow(/forward failed/);
    layer.call = original;
    for (const v of model.trainableWeights) expect(Object.hasOwn(v, 'read')).toBe(false);
    const y = model.predict(x) as tf.Tensor;
    expect(Array.from(y.dataSync()).some((v) => v !== 0)).toBe(true);
    tf.dispose([w, x, y]);
    model.dispose();
  });

  it("differentiates through apply: grad w.r.t. w equals the gradient of the model's own loss w.r.t. its variables", () => {
    const model = createCnn({
      inputShape: [6, 6, 2],
      numClasses: 4,
      filters: [3, 5],
      denseUnits: 7,
      seed: 5,
    });
    const net = fromLayersModel(model);
    const x = tf.randomNormal([9, 6, 6, 2], 0, 1, 'float32', 6);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 1], 'int32'), 4);
    const w = net.getWeights();
    const viaFlat = tf.grad((v: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(labels, net.apply(v as tf.Tensor1D, x)),
    )(w);
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor) as tf.Scalar,
      model.trainableWeights.map((v) => v.read() as tf.Variable),
    );
    const reference = model.trainableWeights.flatMap((v) =>
      Array.from((grads[(v.read() as tf.Variable).name] as tf.Tensor).dataSync()),
    );
    const got = Array.from(viaFlat.dataSync());
    expect(got.length).toBe(reference.length);
    const scale = Math.max(...reference.map(Math.abs));
    expect(maxAbsDiff(got, reference)).toBeLessThan(1e-5 * scale);
    tf.dispose([x, labels, w, viaFlat, ...Object.values(grads)]);
    model.dispose();
  });

  it('gives the exact Hessian of a linear least-squares model: H v = (2 / nk) Xt^T Xt V', () => {
    // f(x) = x W + b with loss L = mean((f - Y)^2) over n x k entries. With Xt = [X, 1] and the
    // direction V = [[V_W], [v_b]] ((d + 1) x k), the Hessian-vector product is (2 / nk) Xt^T Xt V.
    const [n, d, k] = [6, 3, 2];
    const model = createMlp({ inputSize: d, outputSize: k, seed: 3 });
    const net = fromLayersModel(model);
    const xData = Array.from(tf.randomNormal([n, d], 0, 1, 'float32', 7).dataSync());
    const x = tf.tensor2d(xData, [n, d]);
    const y = tf.randomNormal([n, k], 0, 1, 'float32', 8);
    const w = net.getWeights();
    const vData = Array.from(tf.randomNormal([net.numParams], 0, 1, 'float32', 9).dataSync());
    const v = tf.tensor1d(vData);
    const loss = (p: tf.Tensor) => tf.mean(tf.square(tf.sub(net.apply(p as tf.Tensor1D, x), y))) as tf.Scalar;
    const hv = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.grad(loss)(p), v)))(w);

    // Reference in float64: V rows 0..d-1 are the kernel (row-major d x k), row d is the bias.
    const V = Array.from({ length: d + 1 }, (_, r) =>
      Array.from({ length: k }, (_, c) => vData[r * k + c] as number),
    );
    const Xt = Array.from({ length: n }, (_, i) => [...xData.slice(i * d, (i + 1) * d), 1]);
    const expected: number[] = [];
    for (let r = 0; r <= d; r++) {
      for (let c = 0; c < k; c++) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          let xv = 0;
          for (let s = 0; s <= d; s++) xv += (Xt[i] as number[])[s]! * (V[s] as number[])[c]!;
          acc += (Xt[i] as number[])[r]! * xv;
        }
        expected.push((2 / (n * k)) * acc);
      }
    }
    expect(maxAbsDiff(hv.dataSync(), expected)).toBeLessThan(1e-4 * Math.max(...expected.map(Math.abs)));
    tf.dispose([x, y, w, v, hv]);
    model.dispose();
  });

  it('init(seed) draws fresh weights from the layers own initialisers, reproducibly, without touching the model', () => {
    const model = createMlp({ inputSize: 30, hiddenSizes: [20], outputSize: 10, seed: 4 });
    const net = fromLayersModel(model);
    const current = Array.from(net.getWeights().dataSync());
    const a = net.init(1);
    const b = net.init(1);
    const c = net.init(2);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    expect(Array.from(net.getWeights().dataSync())).toEqual(current);
    // Glorot-uniform kernels lie in +-sqrt(6 / (fanIn + fanOut)), biases start at zero.
    const values = a.dataSync();
    const kernel1 = values.slice(0, 600);
    const limit1 = Math.sqrt(6 / 50);
    expect(Math.max(...Array.from(kernel1, Math.abs))).toBeLessThanOrEqual(limit1);
    // Uniform on [-L, L] has variance L^2 / 3; 600 draws: allow 5 standard errors (var of x^2 is 4L^4/45).
    const meanSquare = Array.from(kernel1).reduce((s, v) => s + v * v, 0) / 600;
    expect(Math.abs(meanSquare - limit1 ** 2 / 3)).toBeLessThan(5 * Math.sqrt((4 * limit1 ** 4) / 45 / 600));
    expect(Array.from(values.slice(600, 620))).toEqual(new Array(20).fill(0));
    tf.dispose([a, b, c]);
    model.dispose();
  });

  it('wraps models with the custom transformer layers, including init', () => {
    const model = createTransformerClassifier({
      vocabSize: 7,
      sequenceLength: 5,
      numClasses: 3,
      modelDim: 8,
      seed: 0,
    });
    const net = fromLayersModel(model);
    const x = tf.tensor2d(
      [
        [1, 2, 3, 4, 5],
        [6, 5, 4, 3, 2],
      ],
      [2, 5],
      'int32',
    );
    const w = net.getWeights();
    const out = net.apply(w, x);
    const ref = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(out.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
    const fresh = net.init(3);
    expect(fresh.shape).toEqual([net.numParams]);
    tf.dispose([x, w, out, ref, fresh]);
    model.dispose();
  });

  it('rejects what it cannot wrap and bad arguments with DlfError', () => {
    expect(() => fromLayersModel({} as tf.LayersModel)).toThrow(DlfError);
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const twoInputs = tf.model({
      inputs: [a, b],
      outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor,
    });
    expect(() => fromLayersModel(twoInputs)).toThrow(/exactly one input/);
    const model = createMlp({ inputSize: 2, outputSize: 1 });
    const net = fromLayersModel(model);
    const w = tf.zeros([net.numParams + 1]) as tf.Tensor1D;
    const x = tf.zeros([3, 2]);
    expect(() => net.apply(w, x)).toThrow(/w must be a parameter vector of shape \[3\]/);
    expect(() => net.setWeights(w)).toThrow(DlfError);
    const good = tf.zeros([net.numParams]) as tf.Tensor1D;
    const badX = tf.zeros([3, 5]);
    expect(() => net.apply(good, badX)).toThrow(/x must have shape \[batch, 2\]/);
    tf.dispose([w, x, good, badX]);
    model.dispose();
  });

  it('leaks no tensors in any of its functions', async () => {
    const model = createCnn({ inputShape: [6, 6, 1], numClasses: 2, filters: [2], denseUnits: 0, seed: 0 });
    const net = await expectNoLeaks(() => fromLayersModel(model));
    const x = tf.zeros([2, 6, 6, 1]);
    const w = net.getWeights();
    await expectNoLeaks(() => net.getWeights());
    await expectNoLeaks(() => net.apply(w, x));
    await expectNoLeaks(() => net.setWeights(w));
    await expectNoLeaks(() => net.init(5));
    await expectNoLeaks(() => tf.grad((v: tf.Tensor) => tf.sum(net.apply(v as tf.Tensor1D, x)))(w));
    tf.dispose([x, w]);
    model.dispose();
  });
});
