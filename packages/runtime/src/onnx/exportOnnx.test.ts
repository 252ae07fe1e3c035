import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCnn } from '../createCnn.js';
import { createLstmClassifier } from '../createLstmClassifier.js';
import { createMlp } from '../createMlp.js';
import { createRng } from '../createRng.js';
import { createTransformerClassifier } from '../createTransformerClassifier.js';
import { DlfError } from '../DlfError.js';
import { positionalEncoding } from '../positionalEncoding.js';
import { TransformerEncoderBlock } from '../TransformerEncoderBlock.js';
import { expectNoLeaks, setupTestBackend } from '../testing.js';
import type { OnnxSession } from './createSession.js';
import { createSession } from './createSession.js';
import type { ExportOnnxOptions } from './exportOnnx.js';
import { exportOnnx } from './exportOnnx.js';

// Parity: each model below is built in tfjs with seeded random weights, exported, run by
// onnxruntime-web (wasm) and compared with tfjs's own `model.predict` on seeded random inputs.
// The two implementations share no code, so agreement to 1e-4 checks the export.

const sessions: OnnxSession[] = [];

beforeAll(async () => {
  await setupTestBackend();
});

afterAll(async () => {
  for (const s of sessions) await s.dispose();
});

/** Sets every weight from a seeded generator (variances positive), so models are reproducible. */
function randomizeWeights(model: tf.LayersModel, seed: number, std = 0.5): void {
  const rng = createRng(seed);
  const values = model.weights.map((w) => {
    const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
    const data = /variance/i.test(w.originalName)
      ? rng.uniformArray(size, 0.5, 2)
      : rng.normalArray(size, 0, std);
    return tf.tensor(data, w.shape as number[]);
  });
  model.setWeights(values);
  tf.dispose(values);
}

function randomInput(shape: number[], seed: number, { int = 0 }: { int?: number } = {}): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  if (int > 0)
    return tf.tensor(
      Float32Array.from({ length: size }, () => rng.int(0, int)),
      shape,
    );
  return tf.tensor(rng.normalArray(size), shape);
}

/** max over elements of |onnx - tfjs| / max(1, |tfjs|): relative error, absolute near zero. */
function mixedError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const err = Math.abs((actual[i] as number) - e) / Math.max(1, Math.abs(e));
    worst = Math.max(worst, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
  }
  return worst;
}

/**
 * Exports `model`, runs it through onnxruntime on `inputs` (one tensor per model input) and checks
 * every output against `model.predict` to `tol`. Returns the session for further checks.
 */
async function expectParity(
  model: tf.LayersModel,
  inputs: tf.Tensor[],
  { tol = 1e-4, options = {} }: { tol?: number; options?: ExportOnnxOptions } = {},
): Promise<OnnxSession> {
  const bytes = exportOnnx(model, options);
  const session = await createSession(bytes, { runtime: 'onnxruntime-web' });
  sessions.push(session);
  const feeds: Record<string, tf.Tensor> = {};
  session.inputNames.forEach((name, k) => {
    feeds[name] = inputs[k] as tf.Tensor;
  });
  const result = await session.run(feeds);
  const predicted = model.predict(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs);
  const expected = Array.isArray(predicted) ? predicted : [predicted];
  expect(session.outputNames.length).toBe(expected.length);
  session.outputNames.forEach((name, k) => {
    const want = expected[k] as tf.Tensor;
    const got = result[name];
    expect(got, name).toBeDefined();
    expect(got?.dims, name).toEqual(want.shape);
    const wantData = want.dataSync();
    // A degenerate output (all zeros, e.g. dead ReLUs) would make the comparison vacuous.
    expect(Math.max(...Array.from(wantData, Math.abs)), `${name} is not all zero`).toBeGreaterThan(1e-3);
    expect(mixedError(got?.data as Float32Array, wantData), name).toBeLessThan(tol);
  });
  tf.dispose([...expected, ...inputs]);
  return session;
}

const L = tf.layers;

describe('exportOnnx: model structure', () => {
  it('writes an IR 8 ModelProto with the requested opset, names and a symbolic batch dimension', () => {
    const model = tf.sequential({ layers: [L.dense({ units: 3, inputShape: [4] })] });
    const bytes = exportOnnx(model, { inputName: 'x', outputName: 'logits' });
    const decoded = onnxProto.onnx.ModelProto.decode(bytes);
    expect(Number(decoded.irVersion)).toBe(8);
    expect(decoded.opsetImport.map((o) => [o.domain ?? '', Number(o.version)])).toEqual([['', 17]]);
    const input = decoded.graph?.input?.[0];
    expect(input?.name).toBe('x');
    expect(input?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      'batch',
      4,
    ]);
    expect(decoded.graph?.output?.[0]?.name).toBe('logits');
    expect(
      Number(onnxProto.onnx.ModelProto.decode(exportOnnx(model, { opset: 13 })).opsetImport[0]?.version),
    ).toBe(13);
    model.dispose();
  });

  it('runs any batch size through one exported session', async () => {
    const model = tf.sequential({ layers: [L.dense({ units: 5, inputShape: [3], activation: 'tanh' })] });
    randomizeWeights(model, 1);
    const session = await expectParity(model, [randomInput([1, 3], 2)]);
    for (const batch of [4, 17]) {
      const x = randomInput([batch, 3], batch);
      const { output } = await session.run(x);
      const want = model.predict(x) as tf.Tensor;
      expect(output?.dims).toEqual([batch, 5]);
      expect(mixedError(output?.data as Float32Array, want.dataSync())).toBeLessThan(1e-4);
      tf.dispose([x, want]);
    }
    model.dispose();
  });

  it('rejects bad options and non-models with INVALID_ARGUMENT', () => {
    const model = tf.sequential({ layers: [L.dense({ units: 2, inputShape: [2] })] });
    expect(() => exportOnnx(model, { opset: 12 })).toThrow(
      /opset must be an integer in \[13, 21\], received 12/,
    );
    expect(() => exportOnnx(model, { inputName: '' })).toThrow(DlfError);
    expect(() => exportOnnx(model, { inputName: 'a', outputName: 'a' })).toThrow(/unique/);
    expect(() => exportOnnx({} as tf.LayersModel)).toThrow(/model must be a tf.LayersModel/);
    model.dispose();
  });

  it('names the layer and its class when a layer cannot be exported', () => {
    const model = tf.sequential({
      layers: [L.dense({ units: 4, inputShape: [4] }), L.reshape({ targetShape: [2, 2, 1] })],
    });
    model.add(L.upSampling2d({ size: [2, 2], name: 'up' }));
    const error = (() => {
      try {
        exportOnnx(model);
      } catch (e) {
        return e as DlfError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DlfError);
    expect(error?.code).toBe('UNSUPPORTED');
    expect(error?.message).toMatch(/layer "up" \(UpSampling2D\)/);
    model.dispose();
  });

  it('refuses configurations tfjs computes differently from any ONNX form', () => {
    const masked = tf.sequential({
      layers: [
        L.embedding({ inputDim: 5, outputDim: 3, inputLength: 4, maskZero: true, name: 'emb' }),
        L.lstm({ units: 2 }),
      ],
    });
    expect(() => exportOnnx(masked)).toThrow(/layer "emb" \(Embedding\): maskZero = true/);
    const stateful = tf.sequential({
      layers: [L.simpleRNN({ units: 2, batchInputShape: [1, 3, 2], stateful: true, name: 'rnn' })],
    });
    expect(() => exportOnnx(stateful)).toThrow(/layer "rnn" \(SimpleRNN\): stateful = true/);
    const oddNorm = tf.sequential({
      layers: [L.layerNormalization({ inputShape: [3, 4], axis: 1, name: 'ln' })],
    });
    expect(() => exportOnnx(oddNorm)).toThrow(/layer "ln" \(LayerNormalization\)/);
    // tfjs's batch-norm kernel broadcasts the statistics along the last axis only, so model.predict
    // does not compute batch normalisation over axis 1: there is no faithful export.
    const bnAxis = tf.sequential({
      layers: [L.batchNormalization({ inputShape: [3, 4], axis: 1, name: 'bn' })],
    });
    expect(() => exportOnnx(bnAxis)).toThrow(/layer "bn" \(BatchNormalization\): axis = 1/);
    const causal = tf.sequential({
      layers: [L.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', inputShape: [5, 1], name: 'c1' })],
    });
    expect(() => exportOnnx(causal)).toThrow(/layer "c1" \(Conv1D\): padding 'causal'/);
    for (const m of [masked, stateful, oddNorm, bnAxis, causal]) m.dispose();
  });

  it('leaves no tensors behind', async () => {
    const model = tf.sequential({
      layers: [
        L.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }),
        L.flatten(),
        L.dense({ units: 2 }),
      ],
    });
    await expectNoLeaks(() => exportOnnx(model));
    model.dispose();
  });
});

describe('exportOnnx parity with model.predict (onnxruntime-web wasm)', () => {
  it('Dense with every fused activation', async () => {
    const activations = [
      'linear',
      'relu',
      'relu6',
      'tanh',
      'sigmoid',
      'hardSigmoid',
      'softmax',
      'logSoftmax',
      'elu',
      'selu',
      'softplus',
      'softsign',
      'swish',
      'mish',
      'gelu',
      'gelu_new',
    ] as const;
    const input = tf.input({ shape: [6] });
    const outputs = activations.map(
      (activation) =>
        // logSoftmax is a registered tfjs activation that the ActivationIdentifier type omits.
        L.dense({ units: 5, activation: activation as 'linear', name: `dense_${activation}` }).apply(
          input,
        ) as tf.SymbolicTensor,
    );
    const model = tf.model({ inputs: input, outputs });
    randomizeWeights(model, 3, 1.5);
    await expectParity(model, [randomInput([7, 6], 4)]);
    model.dispose();
  });

  it('Dense on a rank-3 input and without bias', async () => {
    const model = tf.sequential({
      layers: [
        L.dense({ units: 4, inputShape: [3, 5], activation: 'relu' }),
        L.dense({ units: 2, useBias: false }),
      ],
    });
    randomizeWeights(model, 5);
    await expectParity(model, [randomInput([2, 3, 5], 6)]);
    model.dispose();
  });

  it('Conv2D (valid/same, strides, dilation) followed by Flatten and Dense', async () => {
    const model = tf.sequential({
      layers: [
        L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [9, 7, 3] }),
        L.conv2d({ filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'tanh' }),
        L.conv2d({ filters: 3, kernelSize: 2, dilationRate: 2, padding: 'valid' }),
        L.conv2d({ filters: 3, kernelSize: 1, strides: [1, 1], useBias: false }),
        L.flatten(),
        L.dense({ units: 6 }),
      ],
    });
    randomizeWeights(model, 7);
    await expectParity(model, [randomInput([3, 9, 7, 3], 8)]);
    model.dispose();
  });

  it('Conv2D with same padding and dilation on an even size, and a strided valid conv', async () => {
    const model = tf.sequential({
      layers: [
        L.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', inputShape: [8, 6, 2] }),
        L.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid', activation: 'elu' }),
      ],
    });
    randomizeWeights(model, 9);
    await expectParity(model, [randomInput([2, 8, 6, 2], 10)]);
    model.dispose();
  });

  it('DepthwiseConv2D and SeparableConv2D', async () => {
    const model = tf.sequential({
      layers: [
        L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', inputShape: [7, 8, 3] }),
        L.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu6' }),
        L.separableConv2d({
          filters: 4,
          kernelSize: 2,
          depthMultiplier: 2,
          padding: 'same',
          activation: 'sigmoid',
        }),
      ],
    });
    randomizeWeights(model, 11);
    await expectParity(model, [randomInput([2, 7, 8, 3], 12)]);
    model.dispose();
  });

  it('MaxPooling2D and AveragePooling2D with valid and same padding', async () => {
    const input = tf.input({ shape: [7, 9, 2] });
    const pools = [
      L.maxPooling2d({ poolSize: 2 }),
      L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      L.averagePooling2d({ poolSize: [2, 3] }),
      L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    ];
    // A conv first makes the pools consume a channels-first value, as in real CNNs.
    const conv = L.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const outputs = pools.map((p) => p.apply(conv) as tf.SymbolicTensor);
    const model = tf.model({
      inputs: input,
      outputs: [
        ...outputs,
        L.averagePooling2d({ poolSize: 2, padding: 'same' }).apply(input) as tf.SymbolicTensor,
      ],
    });
    randomizeWeights(model, 13);
    await expectParity(model, [randomInput([2, 7, 9, 2], 14)]);
    model.dispose();
  });

  it('GlobalAveragePooling2D / GlobalMaxPooling2D and the 1-D layers (Conv1D, pools)', async () => {
    const image = tf.input({ shape: [5, 6, 3] });
    const conv = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(image) as tf.SymbolicTensor;
    const seq = tf.input({ shape: [10, 3] });
    const c1 = L.conv1d({ filters: 4, kernelSize: 3, padding: 'same', dilationRate: 2 }).apply(
      seq,
    ) as tf.SymbolicTensor;
    const c2 = L.conv1d({ filters: 3, kernelSize: 4, strides: 2, padding: 'same' }).apply(
      c1,
    ) as tf.SymbolicTensor;
    const model = tf.model({
      inputs: [image, seq],
      outputs: [
        L.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor,
        L.globalMaxPooling2d({}).apply(conv) as tf.SymbolicTensor,
        L.globalAveragePooling2d({}).apply(image) as tf.SymbolicTensor,
        L.maxPooling1d({ poolSize: 2 }).apply(c2) as tf.SymbolicTensor,
        L.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same' }).apply(c1) as tf.SymbolicTensor,
        L.globalAveragePooling1d({}).apply(c2) as tf.SymbolicTensor,
        L.globalMaxPooling1d({}).apply(c1) as tf.SymbolicTensor,
      ],
    });
    randomizeWeights(model, 15);
    await expectParity(model, [randomInput([3, 5, 6, 3], 16), randomInput([3, 10, 3], 17)]);
    model.dispose();
  });

  it('BatchNormalization (inference form) on rank 2, 3 and 4, with and without scale/center', async () => {
    const flat = tf.input({ shape: [6] });
    const seq = tf.input({ shape: [4, 5] });
    const image = tf.input({ shape: [5, 4, 3] });
    const conv = L.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(image) as tf.SymbolicTensor;
    const model = tf.model({
      inputs: [flat, seq, image],
      outputs: [
        L.batchNormalization({}).apply(flat) as tf.SymbolicTensor,
        L.batchNormalization({ center: false, epsilon: 0.1 }).apply(seq) as tf.SymbolicTensor,
        L.batchNormalization({ scale: false }).apply(seq) as tf.SymbolicTensor,
        L.batchNormalization({}).apply(conv) as tf.SymbolicTensor,
        L.batchNormalization({ axis: 3 }).apply(image) as tf.SymbolicTensor,
      ],
    });
    randomizeWeights(model, 17);
    await expectParity(model, [
      randomInput([3, 6], 18),
      randomInput([3, 4, 5], 19),
      randomInput([3, 5, 4, 3], 20),
    ]);
    model.dispose();
  });

  for (const opset of [13, 17, 21]) {
    it(`LayerNormalization over the last axis and trailing axes (opset ${opset})`, async () => {
      const flat = tf.input({ shape: [6] });
      const seq = tf.input({ shape: [4, 5] });
      const model = tf.model({
        inputs: [flat, seq],
        outputs: [
          L.layerNormalization({}).apply(flat) as tf.SymbolicTensor,
          L.layerNormalization({ epsilon: 1e-5 }).apply(seq) as tf.SymbolicTensor,
          L.layerNormalization({ axis: [-2, -1], center: false }).apply(seq) as tf.SymbolicTensor,
          L.globalAveragePooling1d({}).apply(seq) as tf.SymbolicTensor,
        ],
      });
      randomizeWeights(model, 21);
      await expectParity(model, [randomInput([3, 6], 22), randomInput([3, 4, 5], 23)], {
        options: { opset },
      });
      model.dispose();
    });
  }

  it('Flatten, Reshape, Permute, RepeatVector and Dropout-style layers (identity at inference)', async () => {
    const model = tf.sequential({
      layers: [
        L.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 5, 2] }),
        L.dropout({ rate: 0.5 }),
        L.permute({ dims: [2, 1, 3] }),
        L.reshape({ targetShape: [6, 6] }),
        L.gaussianNoise({ stddev: 1 }),
        L.flatten(),
        L.dense({ units: 4 }),
        L.repeatVector({ n: 3 }),
        L.spatialDropout1d({ rate: 0.3 }),
        L.gaussianDropout({ rate: 0.3 }),
        L.alphaDropout({ rate: 0.3 }),
        L.reshape({ targetShape: [-1, 2] }),
      ],
    });
    randomizeWeights(model, 25);
    await expectParity(model, [randomInput([2, 4, 5, 2], 26)]);
    model.dispose();
    // Flatten with dataFormat 'channelsFirst' moves axis 1 last before flattening.
    const cf = tf.sequential({
      layers: [
        L.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 5, 2] }),
        L.flatten({ dataFormat: 'channelsFirst' }),
      ],
    });
    randomizeWeights(cf, 27);
    await expectParity(cf, [randomInput([2, 4, 5, 2], 28)]);
    cf.dispose();
  });

  it('activation layers: Activation (on a channels-first conv output), ReLU, LeakyReLU, ELU, PReLU, Softmax, ThresholdedReLU', async () => {
    const image = tf.input({ shape: [4, 3, 5] });
    const conv = L.conv2d({ filters: 4, kernelSize: 1 }).apply(image) as tf.SymbolicTensor;
    const flat = tf.input({ shape: [6] });
    const model = tf.model({
      inputs: [image, flat],
      outputs: [
        L.activation({ activation: 'softmax' }).apply(conv) as tf.SymbolicTensor,
        L.activation({ activation: 'tanh' }).apply(conv) as tf.SymbolicTensor,
        L.reLU({ maxValue: 0.5 }).apply(conv) as tf.SymbolicTensor,
        L.reLU({}).apply(flat) as tf.SymbolicTensor,
        L.leakyReLU({ alpha: 0.2 }).apply(conv) as tf.SymbolicTensor,
        L.elu({}).apply(flat) as tf.SymbolicTensor,
        L.prelu({}).apply(conv) as tf.SymbolicTensor,
        L.softmax({ axis: -1 }).apply(conv) as tf.SymbolicTensor,
        L.softmax({}).apply(flat) as tf.SymbolicTensor,
        L.thresholdedReLU({ theta: 0.3 }).apply(flat) as tf.SymbolicTensor,
      ],
    });
    randomizeWeights(model, 27);
    await expectParity(model, [randomInput([2, 4, 3, 5], 28), randomInput([2, 6], 29)]);
    model.dispose();
  });

  it('Add, Multiply, Average, Maximum, Minimum and Concatenate in a functional model', async () => {
    const image = tf.input({ shape: [5, 5, 2] });
    const a = L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(
      image,
    ) as tf.SymbolicTensor;
    const b = L.conv2d({ filters: 3, kernelSize: 1 }).apply(image) as tf.SymbolicTensor;
    const residual = L.add().apply([a, b]) as tf.SymbolicTensor; // both channels-first
    const mixed = L.add().apply([
      residual,
      L.conv2d({ filters: 3, kernelSize: 1 }).apply(image) as tf.SymbolicTensor,
    ]) as tf.SymbolicTensor;
    const catChannels = L.concatenate({}).apply([mixed, image]) as tf.SymbolicTensor; // channels-first + native
    const catRows = L.concatenate({ axis: 1 }).apply([a, b]) as tf.SymbolicTensor;
    const x = tf.input({ shape: [4] });
    const y = tf.input({ shape: [4] });
    const model = tf.model({
      inputs: [image, x, y],
      outputs: [
        L.flatten().apply(catChannels) as tf.SymbolicTensor,
        catRows,
        L.multiply().apply([x, y, x]) as tf.SymbolicTensor,
        L.average().apply([x, y]) as tf.SymbolicTensor,
        L.maximum().apply([x, y]) as tf.SymbolicTensor,
        L.minimum().apply([x, y]) as tf.SymbolicTensor,
        L.concatenate({}).apply([x, y]) as tf.SymbolicTensor,
      ],
    });
    randomizeWeights(model, 31);
    await expectParity(model, [
      randomInput([2, 5, 5, 2], 32),
      randomInput([2, 4], 33),
      randomInput([2, 4], 34),
    ]);
    model.dispose();
  });

  it('ZeroPadding2D and a nested Sequential model used as a layer', async () => {
    const inner = tf.sequential({
      layers: [L.dense({ units: 4, inputShape: [6], activation: 'relu' }), L.dense({ units: 3 })],
    });
    const image = tf.input({ shape: [3, 4, 2] });
    const padded = L.zeroPadding2d({
      padding: [
        [1, 2],
        [0, 1],
      ],
    }).apply(L.conv2d({ filters: 2, kernelSize: 1 }).apply(image) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const flat = tf.input({ shape: [6] });
    const model = tf.model({
      inputs: [image, flat],
      outputs: [
        padded,
        L.zeroPadding2d({ padding: 1 }).apply(image) as tf.SymbolicTensor,
        inner.apply(flat) as tf.SymbolicTensor,
      ],
    });
    randomizeWeights(model, 35);
    await expectParity(model, [randomInput([2, 3, 4, 2], 36), randomInput([2, 6], 37)]);
    model.dispose();
  });

  it('Embedding + LSTM (last output), with tfjs default hardSigmoid gates', async () => {
    const model = tf.sequential({
      layers: [
        L.embedding({ inputDim: 11, outputDim: 4, inputLength: 6 }),
        L.lstm({ units: 5 }),
        L.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    randomizeWeights(model, 39);
    await expectParity(model, [randomInput([3, 6], 40, { int: 11 })]);
    model.dispose();
  });

  it('LSTM variants: sequences, go-backwards, returned states, sigmoid/relu activations, no bias', async () => {
    const seq = tf.input({ shape: [5, 3] });
    const [out, h, c] = L.lstm({ units: 4, returnState: true, recurrentActivation: 'sigmoid' }).apply(
      seq,
    ) as tf.SymbolicTensor[];
    const model = tf.model({
      inputs: seq,
      outputs: [
        L.lstm({ units: 3, returnSequences: true }).apply(seq) as tf.SymbolicTensor,
        L.lstm({ units: 3, returnSequences: true, goBackwards: true, activation: 'relu' }).apply(
          seq,
        ) as tf.SymbolicTensor,
        L.lstm({ units: 2, goBackwards: true, useBias: false }).apply(seq) as tf.SymbolicTensor,
        out as tf.SymbolicTensor,
        h as tf.SymbolicTensor,
        c as tf.SymbolicTensor,
      ],
    });
    randomizeWeights(model, 41);
    await expectParity(model, [randomInput([2, 5, 3], 42)]);
    model.dispose();
  });

  it('GRU and SimpleRNN', async () => {
    const seq = tf.input({ shape: [6, 3] });
    const model = tf.model({
      inputs: seq,
      outputs: [
        L.gru({ units: 4 }).apply(seq) as tf.SymbolicTensor,
        L.gru({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid', goBackwards: true }).apply(
          seq,
        ) as tf.SymbolicTensor,
        L.simpleRNN({ units: 4, returnSequences: true }).apply(seq) as tf.SymbolicTensor,
        L.simpleRNN({ units: 3, activation: 'relu' }).apply(seq) as tf.SymbolicTensor,
      ],
    });
    randomizeWeights(model, 43);
    await expectParity(model, [randomInput([2, 6, 3], 44)]);
    model.dispose();
  });

  it('an int32 model input (indices) is exported as an int32 graph input', async () => {
    const ids = tf.input({ shape: [4], dtype: 'int32' });
    const emb = L.embedding({ inputDim: 9, outputDim: 3 }).apply(ids) as tf.SymbolicTensor;
    const model = tf.model({ inputs: ids, outputs: L.flatten().apply(emb) as tf.SymbolicTensor });
    randomizeWeights(model, 45);
    const bytes = exportOnnx(model);
    const decoded = onnxProto.onnx.ModelProto.decode(bytes);
    expect(decoded.graph?.input?.[0]?.type?.tensorType?.elemType).toBe(6);
    const x = tf.tensor(
      [
        [0, 8, 3, 3],
        [1, 2, 7, 0],
      ],
      [2, 4],
      'int32',
    );
    await expectParity(model, [x]);
    model.dispose();
  });

  for (const opset of [13, 17]) {
    it(`the runtime's TransformerEncoderBlock, alone and in a token classifier (opset ${opset})`, async () => {
      const seq = tf.input({ shape: [5, 8] });
      const block = new TransformerEncoderBlock({
        numHeads: 2,
        keyDim: 3,
        ffDim: 6,
        activation: 'tanh',
        epsilon: 1e-3,
      });
      const ids = tf.input({ shape: [7] });
      const emb = L.embedding({ inputDim: 13, outputDim: 8 }).apply(ids) as tf.SymbolicTensor;
      const encoded = new TransformerEncoderBlock({ numHeads: 4, keyDim: 2 }).apply(
        new TransformerEncoderBlock({ numHeads: 1, keyDim: 8, activation: 'elu' }).apply(emb),
      ) as tf.SymbolicTensor;
      const logits = L.dense({ units: 3 }).apply(
        L.globalAveragePooling1d({}).apply(encoded),
      ) as tf.SymbolicTensor;
      const model = tf.model({
        inputs: [seq, ids],
        outputs: [block.apply(seq) as tf.SymbolicTensor, logits],
      });
      randomizeWeights(model, 47);
      await expectParity(model, [randomInput([3, 5, 8], 48), randomInput([3, 7], 49, { int: 13 })], {
        options: { opset },
      });
      model.dispose();
    });
  }

  it("the runtime's model builders: createMlp, createCnn (every downsampling), createLstmClassifier, createTransformerClassifier", async () => {
    const mlp = createMlp({
      inputShape: [3, 4],
      hiddenSizes: [16, 8],
      outputSize: 5,
      activation: 'elu',
      seed: 1,
    });
    await expectParity(mlp, [randomInput([4, 3, 4], 50)]);
    mlp.dispose();
    for (const downsample of ['max', 'avg', 'stride'] as const) {
      const cnn = createCnn({
        inputShape: [9, 7, 2],
        numClasses: 4,
        filters: [4, 6],
        denseUnits: 8,
        downsample,
        seed: 2,
      });
      randomizeWeights(cnn, 51);
      await expectParity(cnn, [randomInput([3, 9, 7, 2], 52)]);
      cnn.dispose();
    }
    const lstm = createLstmClassifier({ vocabSize: 12, sequenceLength: 6, numClasses: 3, units: 5, seed: 3 });
    await expectParity(lstm, [randomInput([4, 6], 53, { int: 12 })]);
    lstm.dispose();
    const transformer = createTransformerClassifier({
      vocabSize: 12,
      sequenceLength: 6,
      numClasses: 3,
      modelDim: 8,
      numHeads: 2,
      numLayers: 2,
      seed: 4,
    });
    randomizeWeights(transformer, 54);
    await expectParity(transformer, [randomInput([4, 6], 55, { int: 12 })]);
    transformer.dispose();
  });

  it('PositionalEncoding with a known and an unknown sequence length', async () => {
    const fixed = tf.input({ shape: [9, 6] });
    const free = tf.input({ shape: [null, 6] });
    const model = tf.model({
      inputs: [fixed, free],
      outputs: [
        positionalEncoding().apply(fixed) as tf.SymbolicTensor,
        positionalEncoding().apply(free) as tf.SymbolicTensor,
      ],
    });
    const session = await expectParity(model, [randomInput([2, 9, 6], 56), randomInput([2, 40, 6], 57)]);
    // The in-graph table follows the actual length of each call.
    const inputs = [randomInput([1, 9, 6], 58), randomInput([1, 3, 6], 59)];
    const { output_1 } = await session.run({
      input_0: inputs[0] as tf.Tensor,
      input_1: inputs[1] as tf.Tensor,
    });
    const predicted = model.predict(inputs) as tf.Tensor[];
    expect(output_1?.dims).toEqual([1, 3, 6]);
    expect(mixedError(output_1?.data as Float32Array, (predicted[1] as tf.Tensor).dataSync())).toBeLessThan(
      1e-4,
    );
    tf.dispose([...inputs, ...predicted]);
    model.dispose();
  });
});
