import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCnn } from './createCnn.js';
import { createMlp } from './createMlp.js';
import { createRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { evaluate, fit } from './fit.js';
import { setupBackend } from './setupBackend.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

let testBackend = 'wasm';
beforeAll(async () => {
  testBackend = await setupTestBackend();
});
afterAll(async () => {
  await setupBackend({ prefer: testBackend as 'wasm' | 'cpu', strict: true });
});

/** Two Gaussian blobs in the plane, labels 0/1, separable with margin. */
function blobs(n: number, seed: number): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const c = label === 0 ? -2 : 2;
    x.push([c + rng.normal(0, 0.7), -c + rng.normal(0, 0.7)]);
    y.push(label);
  }
  return { x, y };
}

describe('fit', () => {
  it('takes exactly the hand-computed SGD steps on a linear model with mean squared error (with a schedule)', async () => {
    // f(x) = x w + b, L = (1/m) sum (f - y)^2 over a batch of m; SGD: w -= lr dL/dw.
    const model = createMlp({ inputSize: 2, outputSize: 1, seed: 3 });
    const X = [
      [1, 2],
      [-1, 0.5],
      [0.3, -2],
      [2, 1],
    ];
    const Y = [1, -1, 0.5, 2];
    let w = Array.from(model.getWeights()[0]?.dataSync() ?? []);
    let b = (model.getWeights()[1]?.dataSync() ?? [])[0] as number;
    const schedule = (epoch: number) => (epoch === 0 ? 0.1 : 0.04);
    const batchLosses: number[] = [];
    // Two epochs, batches of 2 in order (shuffle off): rows [0, 1], [2, 3], [0, 1], [2, 3].
    for (let step = 0; step < 4; step++) {
      const rows = step % 2 === 0 ? [0, 1] : [2, 3];
      const r = rows.map(
        (i) => (X[i] as number[])[0]! * w[0]! + (X[i] as number[])[1]! * w[1]! + b - (Y[i] as number),
      );
      batchLosses.push(r.reduce((s, v) => s + v * v, 0) / 2);
      const gw = [0, 1].map(
        (j) => (2 / 2) * rows.reduce((s, i, t) => s + (r[t] as number) * (X[i] as number[])[j]!, 0),
      );
      const gb = (2 / 2) * r.reduce((s, v) => s + v, 0);
      const lr = schedule(Math.floor(step / 2));
      w = w.map((v, j) => v - lr * (gw[j] as number));
      b -= lr * gb;
    }
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y, [4, 1]);
    const seen: number[] = [];
    const history = await fit(
      model,
      { x, y },
      {
        loss: 'mse',
        optimizer: 'sgd',
        learningRate: schedule,
        epochs: 2,
        batchSize: 2,
        shuffle: false,
        onProgress: (p) => {
          seen.push(p.loss);
        },
      },
    );
    const [kernel, bias] = model.getWeights();
    Array.from(kernel?.dataSync() ?? []).forEach((v, j) => {
      expect(v).toBeCloseTo(w[j] as number, 5);
    });
    expect((bias?.dataSync() ?? [])[0]).toBeCloseTo(b, 5);
    seen.forEach((v, i) => {
      expect(v).toBeCloseTo(batchLosses[i] as number, 5);
    });
    expect(history.epochs[0]?.loss).toBeCloseTo(
      ((batchLosses[0] as number) + (batchLosses[1] as number)) / 2,
      5,
    );
    expect(history.epochs[1]?.loss).toBeCloseTo(
      ((batchLosses[2] as number) + (batchLosses[3] as number)) / 2,
      5,
    );
    expect(history.stopped).toBe(false);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('takes the heavy-ball momentum step v <- 0.9 v + g, w <- w - lr v', async () => {
    const model = createMlp({ inputSize: 1, outputSize: 1, seed: 0 });
    let w = (model.getWeights()[0]?.dataSync() ?? [])[0] as number;
    let b = (model.getWeights()[1]?.dataSync() ?? [])[0] as number;
    let vw = 0;
    let vb = 0;
    const lr = 0.05;
    for (let step = 0; step < 3; step++) {
      const r = w * 2 + b - 3; // one example x = 2, y = 3
      vw = 0.9 * vw + 2 * r * 2;
      vb = 0.9 * vb + 2 * r;
      w -= lr * vw;
      b -= lr * vb;
    }
    const x = tf.tensor2d([[2]]);
    const y = tf.tensor1d([3]);
    await fit(
      model,
      { x, y },
      { loss: 'mse', optimizer: 'momentum', learningRate: lr, epochs: 3, batchSize: 1 },
    );
    expect((model.getWeights()[0]?.dataSync() ?? [])[0]).toBeCloseTo(w, 5);
    expect((model.getWeights()[1]?.dataSync() ?? [])[0]).toBeCloseTo(b, 5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('drives the loss down and separates two Gaussian blobs, reporting validation metrics', async () => {
    const train = blobs(200, 1);
    const test = blobs(100, 2);
    const model = createMlp({ inputSize: 2, hiddenSizes: [8], outputSize: 2, seed: 0 });
    const data = { x: tf.tensor2d(train.x), y: tf.tensor1d(train.y, 'int32') };
    const validationData = { x: tf.tensor2d(test.x), y: tf.tensor1d(test.y, 'int32') };
    const epochEnds: number[] = [];
    const history = await fit(model, data, {
      epochs: 15,
      batchSize: 16,
      learningRate: 0.01,
      seed: 0,
      validationData,
      onEpochEnd: (epoch) => {
        epochEnds.push(epoch);
      },
    });
    expect(epochEnds).toEqual(Array.from({ length: 15 }, (_, i) => i));
    const first = history.epochs[0];
    const last = history.epochs[14];
    expect(last?.loss).toBeLessThan((first?.loss as number) / 5);
    expect(last?.accuracy).toBeGreaterThan(0.97);
    expect(last?.valAccuracy).toBeGreaterThan(0.97);
    const evaluation = await evaluate(model, validationData);
    expect(evaluation.loss).toBeCloseTo(last?.valLoss as number, 6);
    expect(evaluation.accuracy).toBe(last?.valAccuracy);
    tf.dispose([data.x, data.y, validationData.x, validationData.y]);
    model.dispose();
  });

  it('gives bitwise-identical trained weights for the same seeds on the cpu backend', async () => {
    await setupBackend({ prefer: 'cpu', strict: true });
    const rng = createRng(5);
    const x = tf.tensor4d(rng.normalArray(40 * 6 * 6), [40, 6, 6, 1]);
    const y = tf.tensor1d(
      Array.from({ length: 40 }, (_, i) => i % 3),
      'int32',
    );
    const train = async (modelSeed: number, fitSeed: number): Promise<Float32Array[]> => {
      const model = createCnn({
        inputShape: [6, 6, 1],
        numClasses: 3,
        filters: [3],
        denseUnits: 4,
        seed: modelSeed,
      });
      await fit(
        model,
        { x, y },
        { epochs: 2, batchSize: 8, seed: fitSeed, optimizer: 'adam', learningRate: 0.01 },
      );
      const weights = model.getWeights().map((t) => t.dataSync() as Float32Array);
      model.dispose();
      return weights;
    };
    const a = await train(0, 1);
    const b = await train(0, 1);
    const c = await train(0, 2);
    const d = await train(1, 1);
    expect(a).toEqual(b);
    expect(a.map((t) => Array.from(t))).toEqual(b.map((t) => Array.from(t)));
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
    tf.dispose([x, y]);
    await setupBackend({ prefer: testBackend as 'wasm' | 'cpu', strict: true });
  });

  it('stops after the current batch when aborted and returns the completed epochs', async () => {
    const model = createMlp({ inputSize: 2, outputSize: 2, seed: 0 });
    const data = blobs(40, 3);
    const x = tf.tensor2d(data.x);
    const y = tf.tensor1d(data.y, 'int32');
    const controller = new AbortController();
    const calls: string[] = [];
    const history = await fit(
      model,
      { x, y },
      {
        epochs: 5,
        batchSize: 10,
        signal: controller.signal,
        onProgress: ({ epoch, batch }) => {
          calls.push(`${epoch}:${batch}`);
          if (epoch === 1 && batch === 1) controller.abort();
        },
      },
    );
    expect(history.stopped).toBe(true);
    expect(history.epochs).toHaveLength(1);
    expect(calls).toEqual(['0:0', '0:1', '0:2', '0:3', '1:0', '1:1']);

    // Already aborted: nothing runs, the weights are untouched.
    const before = model.getWeights().map((t) => Array.from(t.dataSync()));
    const none = await fit(model, { x, y }, { epochs: 3, signal: AbortSignal.abort() });
    expect(none).toEqual({ epochs: [], stopped: true });
    expect(model.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(before);

    // A timer-driven abort gets through: fit yields to the event loop while it trains.
    const timed = new AbortController();
    setTimeout(() => timed.abort(), 30);
    const long = await fit(model, { x, y }, { epochs: 100_000, batchSize: 4, signal: timed.signal });
    expect(long.stopped).toBe(true);
    expect(long.epochs.length).toBeLessThan(100_000);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('computes binary cross-entropy on logits and its accuracy as in closed form', async () => {
    const model = createMlp({ inputSize: 1, outputSize: 1, seed: 0 });
    model.setWeights([tf.tensor2d([[2]]), tf.tensor1d([-1])]);
    const xs = [-1, 0, 0.4, 1, 2];
    const ys = [0, 1, 1, 1, 0];
    const z = xs.map((v) => 2 * v - 1);
    const expected =
      z.reduce((s, zi, i) => s + Math.log1p(Math.exp(zi)) - (ys[i] as number) * zi, 0) / xs.length;
    const correct = z.filter((zi, i) => (zi > 0 ? 1 : 0) === ys[i]).length / xs.length;
    const x = tf.tensor2d(xs, [5, 1]);
    const y = tf.tensor1d(ys);
    const result = await evaluate(model, { x, y }, { loss: 'binaryCrossEntropy', batchSize: 2 });
    expect(result.loss).toBeCloseTo(expected, 5);
    expect(result.accuracy).toBeCloseTo(correct, 10);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('evaluates softmax cross-entropy identically from class indices and one-hot rows, for any batch size', async () => {
    const model = createMlp({ inputSize: 3, hiddenSizes: [5], outputSize: 4, seed: 2 });
    const x = tf.randomNormal([23, 3], 0, 1, 'float32', 1);
    const labels = [3, 1, 0, 2, 2, 1, 0, 3, 1, 1, 0, 2, 3, 3, 0, 1, 2, 0, 1, 3, 2, 2, 0];
    const y = tf.tensor1d(labels, 'int32');
    const y1 = tf.oneHot(y, 4);
    const logits = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    const expected =
      logits.reduce((s, row, i) => {
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
        return s + lse - (row[labels[i] as number] as number);
      }, 0) / 23;
    const accuracy = logits.filter((row, i) => row.indexOf(Math.max(...row)) === labels[i]).length / 23;
    for (const [labelsTensor, batchSize] of [
      [y, 5],
      [y1, 256],
    ] as const) {
      const r = await evaluate(model, { x, y: labelsTensor }, { batchSize });
      expect(r.loss).toBeCloseTo(expected, 5);
      expect(r.accuracy).toBeCloseTo(accuracy, 10);
    }
    tf.dispose([x, y, y1]);
    model.dispose();
  });

  it('accepts a custom loss function and a tf.Optimizer it does not dispose', async () => {
    const model = createMlp({ inputSize: 1, outputSize: 1, seed: 0 });
    const x = tf.tensor2d([[1], [2], [3]]);
    const y = tf.tensor2d([[2], [4], [6]]);
    const optimizer = tf.train.sgd(0.05);
    const l1 = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.abs(tf.sub(yPred, yTrue))) as tf.Scalar;
    const history = await fit(model, { x, y }, { loss: l1, optimizer, epochs: 60, batchSize: 3 });
    expect(history.epochs[59]?.loss).toBeLessThan((history.epochs[0]?.loss as number) / 4);
    expect(history.epochs[0]?.accuracy).toBeUndefined();
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad data and hyperparameters with clear DlfErrors', async () => {
    const model = createMlp({ inputSize: 2, outputSize: 3, seed: 0 });
    const x = tf.zeros([4, 2]);
    const y = tf.tensor1d([0, 1, 2, 1], 'int32');
    const run = (options: Parameters<typeof fit>[2], data: Parameters<typeof fit>[1] = { x, y }) =>
      fit(model, data, options);
    const short = tf.tensor1d([0, 1], 'int32');
    await expect(run({}, { x, y: short })).rejects.toThrow(
      /same number of examples, received x \[4, 2\] and y \[2\]/,
    );
    const wide = tf.zeros([4, 5]);
    await expect(run({}, { x: wide, y })).rejects.toThrow(/data.x must have shape \[n, 2\]/);
    const outOfRange = tf.tensor1d([0, 1, 3, 1], 'int32');
    await expect(run({}, { x, y: outOfRange })).rejects.toMatchObject({ code: 'INVALID_DATA' });
    await expect(run({ learningRate: 0 })).rejects.toThrow(/learningRate must be > 0, received 0/);
    await expect(run({ learningRate: Number.NaN })).rejects.toThrow(/learningRate must be a finite number/);
    await expect(run({ epochs: 2, learningRate: (e) => (e === 0 ? 0.1 : -1) })).rejects.toThrow(
      /learningRate\(1\) must be > 0, received -1/,
    );
    await expect(run({ epochs: 0 })).rejects.toThrow(/epochs must be an integer >= 1, received 0/);
    await expect(run({ batchSize: 2.5 })).rejects.toThrow(/batchSize must be an integer >= 1/);
    await expect(run({ optimizer: 'lbfgs' as never })).rejects.toThrow(/optimizer must be one of/);
    await expect(run({ loss: 'hinge' as never })).rejects.toThrow(/loss must be one of/);
    const opt = tf.train.adam();
    await expect(run({ optimizer: opt, learningRate: 0.1 })).rejects.toThrow(
      /cannot be combined with an optimizer instance/,
    );
    await expect(run({ loss: 'mse', metrics: ['accuracy'] })).rejects.toThrow(
      /needs loss 'softmaxCrossEntropy'/,
    );
    await expect(run({ loss: 'mse' })).rejects.toMatchObject({ code: 'INVALID_SHAPE' });
    await expect(fit({} as tf.LayersModel, { x, y })).rejects.toBeInstanceOf(DlfError);
    await expect(evaluate(model, { x, y: short })).rejects.toMatchObject({ code: 'INVALID_SHAPE' });
    tf.dispose([x, y, short, wide, outOfRange]);
    opt.dispose();
    model.dispose();
  });

  it('stops with NON_FINITE when the loss diverges', async () => {
    const model = createMlp({ inputSize: 1, outputSize: 1, seed: 0 });
    const x = tf.tensor2d([[10], [-20], [30]]);
    const y = tf.tensor1d([1, 2, 3]);
    const before = tf.memory().numTensors;
    await expect(
      fit(model, { x, y }, { loss: 'mse', optimizer: 'sgd', learningRate: 10, epochs: 100, batchSize: 3 }),
    ).rejects.toMatchObject({ code: 'NON_FINITE' });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('leaks no tensors in fit (with validation and accuracy) or evaluate', async () => {
    const model = createCnn({ inputShape: [6, 6, 1], numClasses: 2, filters: [2], denseUnits: 3, seed: 0 });
    const x = tf.randomNormal([10, 6, 6, 1]);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], 'int32');
    // The first call creates nothing persistent either (the optimiser it makes is disposed).
    await expectNoLeaks(() => fit(model, { x, y }, { epochs: 2, batchSize: 4, validationData: { x, y } }));
    await expectNoLeaks(() =>
      fit(model, { x, y }, { epochs: 1, batchSize: 3, optimizer: 'rmsprop', shuffle: false }),
    );
    await expectNoLeaks(() =>
      fit(
        model,
        { x, y },
        { epochs: 3, batchSize: 5, optimizer: 'momentum', learningRate: (e) => 0.1 / (e + 1) },
      ),
    );
    await expectNoLeaks(() => evaluate(model, { x, y }, { batchSize: 4 }));
    tf.dispose([x, y]);
    model.dispose();
  });
});
