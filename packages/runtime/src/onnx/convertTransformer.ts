import { applyActivation } from './activations.js';
import { asFloat } from './convertCore.js';
import type { LayerConverter } from './converter.js';
import { expectInputs, outShape, readWeight, unsupported } from './converter.js';
import { layerNorm } from './convertNormalization.js';
import type { GraphValue } from './onnxGraph.js';

/**
 * The runtime's `TransformerEncoderBlock` (post-norm) as ONNX MatMul/Softmax/LayerNormalization:
 * per head h, softmax(Q_h K_h^T / sqrt(keyDim)) V_h with the heads as a [batch, heads, length,
 * keyDim] tensor, then Wo, the residual + LayerNorm1, the feed-forward network and the residual +
 * LayerNorm2. Reads the block's documented public weights (`wq`, `bq`, ..., `ln2Beta`).
 */
const transformerEncoderBlock: LayerConverter = (ctx, inputs) => {
  const { g, layer, where, config } = ctx;
  expectInputs(ctx, inputs, 1);
  const x = g.toNative(asFloat(g, inputs[0] as GraphValue));
  if (x.shape.length !== 3)
    unsupported(where, `an input of rank ${x.shape.length} (expected [batch, length, d])`);
  const heads = Number(config.numHeads);
  const keyDim = Number(config.keyDim);
  const epsilon = Number(config.epsilon ?? 1e-5);
  if (!Number.isInteger(heads) || !Number.isInteger(keyDim) || heads < 1 || keyDim < 1) {
    unsupported(where, `numHeads = ${String(config.numHeads)}, keyDim = ${String(config.keyDim)}`);
  }
  const w = (field: string) => {
    const data = readWeight(layer, field, where);
    return g.floatConst(`${layer.name}/${field}`, data.data, data.shape);
  };
  const dense = (input: string, kernel: string, bias: string) =>
    g.op('Add', [g.op('MatMul', [input, w(kernel)]), w(bias)]);
  // [batch, length, h*k] -> [batch, length, h, k] -> perm
  const split = (v: string, perm: number[]) =>
    g.op('Transpose', [g.op('Reshape', [v, g.int64s([0, 0, heads, keyDim])])], { perm: { ints: perm } });
  const q = split(dense(x.name, 'wq', 'bq'), [0, 2, 1, 3]);
  const kT = split(dense(x.name, 'wk', 'bk'), [0, 2, 3, 1]);
  const v = split(dense(x.name, 'wv', 'bv'), [0, 2, 1, 3]);
  const scores = g.op('Mul', [g.op('MatMul', [q, kT]), g.floats('inv_sqrt_dk', [1 / Math.sqrt(keyDim)], [])]);
  const weights = g.op('Softmax', [scores], { axis: { i: 3 } });
  const merged = g.op('Transpose', [g.op('MatMul', [weights, v])], { perm: { ints: [0, 2, 1, 3] } });
  const context = g.op('Reshape', [merged, g.int64s([0, 0, heads * keyDim])]);
  const attended = dense(context, 'wo', 'bo');
  const x1 = layerNorm(g, g.op('Add', [x.name, attended]), 2, 3, w('ln1Gamma'), w('ln1Beta'), epsilon);
  const pre: GraphValue = { ...x, name: dense(x1, 'ff1Kernel', 'ff1Bias') };
  const hidden = applyActivation(g, pre, String(config.activation ?? 'relu'), where);
  const ffOut = dense(hidden.name, 'ff2Kernel', 'ff2Bias');
  const out = layerNorm(g, g.op('Add', [x1, ffOut]), 2, 3, w('ln2Gamma'), w('ln2Beta'), epsilon);
  return [{ name: out, shape: outShape(ctx), dtype: 'float32', layout: 'native' }];
};

/**
 * The runtime's `PositionalEncoding`: y[b, t] = x[b, t] + PE[t] with the sinusoidal table. A known
 * sequence length embeds the layer's own table (`table(length, dim)`, float64-computed); an unknown
 * one builds PE[t, k] = sin(t * f_k + phase_k) in the graph (phase pi/2 turns sin into cos on odd k).
 */
const positionalEncoding: LayerConverter = (ctx, inputs) => {
  const { g, layer, where } = ctx;
  expectInputs(ctx, inputs, 1);
  const x = g.toNative(asFloat(g, inputs[0] as GraphValue));
  const [, length, dim] = x.shape;
  if (x.shape.length !== 3 || typeof dim !== 'number') {
    unsupported(
      where,
      `an input of shape [${x.shape.join(', ')}] (expected [batch, length, dim] with a known dim)`,
    );
  }
  let table: string;
  if (typeof length === 'number') {
    const make = (layer as unknown as { table?: (l: number, d: number) => Float32Array }).table;
    if (typeof make !== 'function')
      unsupported(where, 'a positional encoding without a table(length, dim) method');
    table = g.floatConst(`${layer.name}/table`, make.call(layer, length, dim), [length, dim]);
  } else {
    const frequencies = Array.from({ length: dim }, (_, k) => 1 / 10000 ** ((k - (k % 2)) / dim));
    const phases = Array.from({ length: dim }, (_, k) => (k % 2 === 0 ? 0 : Math.PI / 2));
    const steps = g.op('Gather', [g.op('Shape', [x.name]), g.int64s([1], [])], { axis: { i: 0 } });
    const positions = g.op('Cast', [g.op('Range', [g.int64s([0], []), steps, g.int64s([1], [])])], {
      to: { i: 1 },
    });
    const angles = g.op('Mul', [
      g.op('Unsqueeze', [positions, g.int64s([1])]),
      g.floats('pe_frequencies', frequencies),
    ]);
    table = g.op('Sin', [g.op('Add', [angles, g.floats('pe_phases', phases)])]);
  }
  return [{ ...x, name: g.op('Add', [x.name, table]), shape: outShape(ctx) }];
};

/** Converters for the runtime's transformer layers, by tfjs class name. */
export const TRANSFORMER_CONVERTERS: Record<string, LayerConverter> = {
  TransformerEncoderBlock: transformerEncoderBlock,
  PositionalEncoding: positionalEncoding,
};
