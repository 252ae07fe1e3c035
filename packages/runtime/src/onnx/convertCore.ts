import { applyActivation } from './activations.js';
import type { ConvertContext, LayerConverter } from './converter.js';
import { expectInputs, normAxis, outShape, readWeight, unsupported } from './converter.js';
import type { GraphValue, OnnxGraph } from './onnxGraph.js';
import { channelsLastPerm, physicalAxis } from './onnxGraph.js';

/** Casts a non-float value to float32 (layers compute in float32 like tfjs). */
export function asFloat(g: OnnxGraph, v: GraphValue): GraphValue {
  if (v.dtype === 'float32') return v;
  return { ...v, name: g.op('Cast', [v.name], { to: { i: 1 } }), dtype: 'float32' };
}

function only(inputs: readonly GraphValue[], ctx: ConvertContext): GraphValue {
  expectInputs(ctx, inputs, 1);
  return inputs[0] as GraphValue;
}

function native(ctx: ConvertContext, name: string, k = 0): GraphValue {
  return { name, shape: outShape(ctx, k), dtype: 'float32', layout: 'native' };
}

/** Dense: y = act(x W + b) over the last axis (any rank). */
const dense: LayerConverter = (ctx, inputs) => {
  const { g, layer, where, config } = ctx;
  const x = asFloat(g, g.toNative(only(inputs, ctx)));
  const kernel = readWeight(layer, 'kernel', where);
  let y = g.op('MatMul', [x.name, g.floatConst(`${layer.name}/kernel`, kernel.data, kernel.shape)]);
  if (config.useBias !== false) {
    const bias = readWeight(layer, 'bias', where);
    y = g.op('Add', [y, g.floatConst(`${layer.name}/bias`, bias.data, bias.shape)]);
  }
  return [applyActivation(g, native(ctx, y), String(config.activation ?? 'linear'), where)];
};

const activation: LayerConverter = (ctx, inputs) => [
  applyActivation(
    ctx.g,
    asFloat(ctx.g, only(inputs, ctx)),
    String(ctx.config.activation ?? 'linear'),
    ctx.where,
  ),
];

const relu: LayerConverter = (ctx, inputs) => {
  const { g, config } = ctx;
  const x = asFloat(g, only(inputs, ctx));
  const max = config.maxValue;
  if (max == null) return [{ ...x, name: g.op('Relu', [x.name]) }];
  return [
    { ...x, name: g.op('Clip', [x.name, g.floats('zero', [0], []), g.floats('max', [Number(max)], [])]) },
  ];
};

const leakyRelu: LayerConverter = (ctx, inputs) => {
  const x = asFloat(ctx.g, only(inputs, ctx));
  const alpha = Number(ctx.config.alpha ?? 0.3);
  return [{ ...x, name: ctx.g.op('LeakyRelu', [x.name], { alpha: { f: alpha } }) }];
};

const elu: LayerConverter = (ctx, inputs) => {
  const x = asFloat(ctx.g, only(inputs, ctx));
  const alpha = Number(ctx.config.alpha ?? 1);
  if (alpha !== 1) {
    // tfjs's ELU layer ignores alpha != 1 in its kernel (K.elu only supports alpha = 1).
    unsupported(ctx.where, `alpha = ${alpha} (tfjs only computes alpha = 1)`);
  }
  return [{ ...x, name: ctx.g.op('Elu', [x.name], { alpha: { f: alpha } }) }];
};

const thresholdedRelu: LayerConverter = (ctx, inputs) => {
  const x = asFloat(ctx.g, only(inputs, ctx));
  const theta = Number(ctx.config.theta ?? 1);
  return [{ ...x, name: ctx.g.op('ThresholdedRelu', [x.name], { alpha: { f: theta } }) }];
};

const softmaxLayer: LayerConverter = (ctx, inputs) => {
  const x = asFloat(ctx.g, only(inputs, ctx));
  const axisCfg = ctx.config.axis ?? -1;
  const axisNum = Array.isArray(axisCfg) ? (axisCfg.length === 1 ? axisCfg[0] : undefined) : axisCfg;
  if (typeof axisNum !== 'number')
    unsupported(ctx.where, `softmax over several axes (${JSON.stringify(axisCfg)})`);
  const axis = physicalAxis(x, normAxis(axisNum, x.shape.length));
  return [{ ...x, name: ctx.g.op('Softmax', [x.name], { axis: { i: axis } }) }];
};

const prelu: LayerConverter = (ctx, inputs) => {
  const { g, layer, where } = ctx;
  const x = g.toNative(asFloat(g, only(inputs, ctx)));
  const alpha = readWeight(layer, 'alpha', where);
  // alpha has the input shape without the batch axis (1 on shared axes): broadcasts from the right.
  return [
    { ...x, name: g.op('PRelu', [x.name, g.floatConst(`${layer.name}/alpha`, alpha.data, alpha.shape)]) },
  ];
};

const identity: LayerConverter = (ctx, inputs) => [only(inputs, ctx)];

const flatten: LayerConverter = (ctx, inputs) => {
  const { g } = ctx;
  const x = g.toNative(only(inputs, ctx));
  let name = x.name;
  if (ctx.config.dataFormat === 'channelsFirst' && x.shape.length > 2) {
    // tfjs moves axis 1 to the end before flattening.
    name = g.op('Transpose', [name], { perm: { ints: channelsLastPerm(x.shape.length) } });
  }
  // Row-major flattening of the channels-last tensor: the same element order as tfjs.
  return [{ ...x, name: g.op('Flatten', [name], { axis: { i: 1 } }), shape: outShape(ctx) }];
};

const reshape: LayerConverter = (ctx, inputs) => {
  const x = ctx.g.toNative(only(inputs, ctx));
  const target = ctx.config.targetShape as (number | null)[];
  // 0 copies the batch dimension from the input; tfjs allows one unknown size (-1, kept as null
  // in its config), as ONNX does with -1.
  const shape = ctx.g.int64s([0, ...target.map((d) => (d == null ? -1 : d))]);
  return [{ ...x, name: ctx.g.op('Reshape', [x.name, shape]), shape: outShape(ctx) }];
};

const permute: LayerConverter = (ctx, inputs) => {
  const x = ctx.g.toNative(only(inputs, ctx));
  const dims = ctx.config.dims as number[];
  return [
    { ...x, name: ctx.g.op('Transpose', [x.name], { perm: { ints: [0, ...dims] } }), shape: outShape(ctx) },
  ];
};

const repeatVector: LayerConverter = (ctx, inputs) => {
  const { g } = ctx;
  const x = g.toNative(only(inputs, ctx));
  const n = Number(ctx.config.n);
  const expanded = g.op('Unsqueeze', [x.name, g.int64s([1])]);
  return [{ ...x, name: g.op('Tile', [expanded, g.int64s([1, n, 1])]), shape: outShape(ctx) }];
};

const embedding: LayerConverter = (ctx, inputs) => {
  const { g, layer, where, config } = ctx;
  if (config.maskZero === true) {
    unsupported(where, 'maskZero = true (masks change what downstream layers compute)');
  }
  const x = g.toNative(only(inputs, ctx));
  // tfjs casts the indices to int32 (truncation toward zero), as ONNX Cast to int64 does.
  const indices = x.dtype === 'int64' ? x.name : g.op('Cast', [x.name], { to: { i: 7 } });
  const table = readWeight(layer, 'embeddings', where);
  const tableName = g.floatConst(`${layer.name}/embeddings`, table.data, table.shape);
  return [native(ctx, g.op('Gather', [tableName, indices], { axis: { i: 0 } }))];
};

/** Inputs of an elementwise merge in one common layout (channels-first only if all already are). */
function mergeLayout(ctx: ConvertContext, inputs: readonly GraphValue[]): GraphValue[] {
  if (inputs.length < 2) unsupported(ctx.where, `a merge of ${inputs.length} input(s)`);
  const rank = (inputs[0] as GraphValue).shape.length;
  if (inputs.some((v) => v.shape.length !== rank)) {
    unsupported(ctx.where, 'merging inputs of different ranks');
  }
  const floats = inputs.map((v) => asFloat(ctx.g, v));
  if (floats.every((v) => v.layout === 'channelsFirst')) return floats;
  return floats.map((v) => ctx.g.toNative(v));
}

function variadic(opType: 'Sum' | 'Mul' | 'Max' | 'Min' | 'Mean'): LayerConverter {
  return (ctx, inputs) => {
    const xs = mergeLayout(ctx, inputs);
    const first = xs[0] as GraphValue;
    let name: string;
    if (opType === 'Mul') {
      name = xs.slice(1).reduce((acc, v) => ctx.g.op('Mul', [acc, v.name]), first.name);
    } else {
      name = ctx.g.op(
        opType,
        xs.map((v) => v.name),
      );
    }
    return [{ ...first, name, shape: outShape(ctx) }];
  };
}

const concatenate: LayerConverter = (ctx, inputs) => {
  const xs = mergeLayout(ctx, inputs);
  const first = xs[0] as GraphValue;
  const axis = physicalAxis(first, normAxis(Number(ctx.config.axis ?? -1), first.shape.length));
  return [
    {
      ...first,
      name: ctx.g.op(
        'Concat',
        xs.map((v) => v.name),
        { axis: { i: axis } },
      ),
      shape: outShape(ctx),
    },
  ];
};

/** Converters for core, activation, reshaping, embedding and merge layers, by tfjs class name. */
export const CORE_CONVERTERS: Record<string, LayerConverter> = {
  Dense: dense,
  Activation: activation,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  ELU: elu,
  ThresholdedReLU: thresholdedRelu,
  Softmax: softmaxLayer,
  PReLU: prelu,
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  RepeatVector: repeatVector,
  Embedding: embedding,
  Add: variadic('Sum'),
  Multiply: variadic('Mul'),
  Average: variadic('Mean'),
  Maximum: variadic('Max'),
  Minimum: variadic('Min'),
  Concatenate: concatenate,
};
