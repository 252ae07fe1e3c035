import { applyActivation } from './activations.js';
import { asFloat } from './convertCore.js';
import type { ConvertContext, LayerConverter } from './converter.js';
import { expectInputs, outShape, readWeight, unsupported } from './converter.js';
import type { Attr, GraphValue } from './onnxGraph.js';
import { transposeData } from './onnxGraph.js';

/** A number or tuple config entry as a tuple of length n. */
function tuple(value: unknown, n: number, name: string, ctx: ConvertContext): number[] {
  if (typeof value === 'number') return new Array<number>(n).fill(value);
  if (Array.isArray(value) && value.length === n && value.every((v) => typeof v === 'number'))
    return [...value];
  if (Array.isArray(value) && value.length === 1 && n > 1 && typeof value[0] === 'number') {
    return new Array<number>(n).fill(value[0]);
  }
  return unsupported(ctx.where, `${name} = ${JSON.stringify(value)}`);
}

function checkChannelsLast(ctx: ConvertContext): void {
  const fmt = ctx.config.dataFormat;
  if (fmt != null && fmt !== 'channelsLast') unsupported(ctx.where, `dataFormat '${String(fmt)}'`);
}

/** The spatial input in channels-first layout, and its spatial rank. */
function spatialInput(ctx: ConvertContext, inputs: readonly GraphValue[], spatial: number): GraphValue {
  expectInputs(ctx, inputs, 1);
  const x = inputs[0] as GraphValue;
  if (x.shape.length !== spatial + 2) {
    unsupported(ctx.where, `an input of rank ${x.shape.length} (expected ${spatial + 2})`);
  }
  return ctx.g.toChannelsFirst(asFloat(ctx.g, x));
}

/**
 * ONNX padding attributes reproducing tfjs/TensorFlow padding: 'valid' is none; 'same' pads
 * total = max((ceil(in/s) - 1) s + (k - 1) d + 1 - in, 0) with the extra element at the end
 * (explicit pads when the spatial size is known, SAME_UPPER otherwise).
 */
function paddingAttrs(
  ctx: ConvertContext,
  padding: unknown,
  inShape: readonly (number | null)[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): Record<string, Attr> {
  const n = kernel.length;
  if (padding === 'valid' || padding == null) return { pads: { ints: new Array<number>(2 * n).fill(0) } };
  if (padding === 'causal') unsupported(ctx.where, "padding 'causal' (tfjs does not implement it either)");
  if (padding !== 'same') unsupported(ctx.where, `padding '${String(padding)}'`);
  const spatialDims = inShape.slice(1, 1 + n);
  if (spatialDims.some((d) => d == null)) return { auto_pad: { s: 'SAME_UPPER' } };
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < n; i++) {
    const size = spatialDims[i] as number;
    const s = strides[i] as number;
    const effective = ((kernel[i] as number) - 1) * (dilations[i] as number) + 1;
    const total = Math.max((Math.ceil(size / s) - 1) * s + effective - size, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return { pads: { ints: [...before, ...after] } };
}

function cf(ctx: ConvertContext, name: string): GraphValue {
  return { name, shape: outShape(ctx), dtype: 'float32', layout: 'channelsFirst' };
}

/** Conv1D / Conv2D: ONNX Conv on the channels-first input, kernel [k..., in, out] -> [out, in, k...]. */
function conv(spatial: number): LayerConverter {
  return (ctx, inputs) => {
    const { g, layer, where, config } = ctx;
    checkChannelsLast(ctx);
    const x = spatialInput(ctx, inputs, spatial);
    const kernel = readWeight(layer, 'kernel', where);
    const ks = kernel.shape.slice(0, spatial);
    const strides = tuple(config.strides ?? 1, spatial, 'strides', ctx);
    const dilations = tuple(config.dilationRate ?? 1, spatial, 'dilationRate', ctx);
    const perm = [spatial + 1, spatial, ...Array.from({ length: spatial }, (_, k) => k)];
    const w = transposeData(kernel.data, kernel.shape, perm);
    const wDims = perm.map((p) => kernel.shape[p] as number);
    const convInputs = [x.name, g.floatConst(`${layer.name}/kernel`, w, wDims)];
    if (config.useBias !== false) {
      const bias = readWeight(layer, 'bias', where);
      convInputs.push(g.floatConst(`${layer.name}/bias`, bias.data, bias.shape));
    }
    const y = g.op('Conv', convInputs, {
      kernel_shape: { ints: ks },
      strides: { ints: strides },
      dilations: { ints: dilations },
      group: { i: 1 },
      ...paddingAttrs(ctx, config.padding, x.shape, ks, strides, dilations),
    });
    return [applyActivation(g, cf(ctx, y), String(config.activation ?? 'linear'), where)];
  };
}

/** Depthwise kernel [kh, kw, C, M] -> ONNX grouped-conv weight [C*M, 1, kh, kw] (output c*M + m). */
function depthwiseWeight(
  ctx: ConvertContext,
  field: string,
): { name: string; channels: number; ks: number[] } {
  const k = readWeight(ctx.layer, field, ctx.where);
  const [kh, kw, c, m] = k.shape as [number, number, number, number];
  const w = transposeData(k.data, k.shape, [2, 3, 0, 1]);
  return {
    name: ctx.g.floatConst(`${ctx.layer.name}/${field}`, w, [c * m, 1, kh, kw]),
    channels: c,
    ks: [kh, kw],
  };
}

const depthwiseConv2d: LayerConverter = (ctx, inputs) => {
  const { g, layer, where, config } = ctx;
  checkChannelsLast(ctx);
  const x = spatialInput(ctx, inputs, 2);
  const dw = depthwiseWeight(ctx, 'depthwiseKernel');
  const strides = tuple(config.strides ?? 1, 2, 'strides', ctx);
  const dilations = tuple(config.dilationRate ?? 1, 2, 'dilationRate', ctx);
  const convInputs = [x.name, dw.name];
  if (config.useBias !== false) {
    const bias = readWeight(layer, 'bias', where);
    convInputs.push(g.floatConst(`${layer.name}/bias`, bias.data, bias.shape));
  }
  const y = g.op('Conv', convInputs, {
    kernel_shape: { ints: dw.ks },
    strides: { ints: strides },
    dilations: { ints: dilations },
    group: { i: dw.channels },
    ...paddingAttrs(ctx, config.padding, x.shape, dw.ks, strides, dilations),
  });
  return [applyActivation(g, cf(ctx, y), String(config.activation ?? 'linear'), where)];
};

/** SeparableConv2D: the depthwise conv, then a 1x1 pointwise conv with the bias. */
const separableConv2d: LayerConverter = (ctx, inputs) => {
  const { g, layer, where, config } = ctx;
  checkChannelsLast(ctx);
  const x = spatialInput(ctx, inputs, 2);
  const dw = depthwiseWeight(ctx, 'depthwiseKernel');
  const strides = tuple(config.strides ?? 1, 2, 'strides', ctx);
  const dilations = tuple(config.dilationRate ?? 1, 2, 'dilationRate', ctx);
  const depthwise = g.op('Conv', [x.name, dw.name], {
    kernel_shape: { ints: dw.ks },
    strides: { ints: strides },
    dilations: { ints: dilations },
    group: { i: dw.channels },
    ...paddingAttrs(ctx, config.padding, x.shape, dw.ks, strides, dilations),
  });
  const pk = readWeight(layer, 'pointwiseKernel', where);
  const [, , cm, f] = pk.shape as [number, number, number, number];
  const pw = g.floatConst(`${layer.name}/pointwiseKernel`, transposeData(pk.data, pk.shape, [3, 2, 0, 1]), [
    f,
    cm,
    1,
    1,
  ]);
  const pwInputs = [depthwise, pw];
  if (config.useBias !== false) {
    const bias = readWeight(layer, 'bias', where);
    pwInputs.push(g.floatConst(`${layer.name}/bias`, bias.data, bias.shape));
  }
  const y = g.op('Conv', pwInputs, { kernel_shape: { ints: [1, 1] }, pads: { ints: [0, 0, 0, 0] } });
  return [applyActivation(g, cf(ctx, y), String(config.activation ?? 'linear'), where)];
};

/** MaxPool / AveragePool (padding excluded from averages, like TensorFlow). */
function pool(opType: 'MaxPool' | 'AveragePool', spatial: number): LayerConverter {
  return (ctx, inputs) => {
    const { g, config } = ctx;
    checkChannelsLast(ctx);
    const x = spatialInput(ctx, inputs, spatial);
    const ks = tuple(config.poolSize, spatial, 'poolSize', ctx);
    const strides = tuple(config.strides ?? ks, spatial, 'strides', ctx);
    const ones = new Array<number>(spatial).fill(1);
    const attrs: Record<string, Attr> = {
      kernel_shape: { ints: ks },
      strides: { ints: strides },
      ...paddingAttrs(ctx, config.padding, x.shape, ks, strides, ones),
    };
    if (opType === 'AveragePool') attrs.count_include_pad = { i: 0 };
    return [cf(ctx, g.op(opType, [x.name], attrs))];
  };
}

/** Global average/max pooling: reduce the spatial axes, giving [N, C]. */
function globalPool(opType: 'ReduceMean' | 'ReduceMax', spatial: number): LayerConverter {
  return (ctx, inputs) => {
    checkChannelsLast(ctx);
    if (ctx.config.keepDims === true) unsupported(ctx.where, 'keepDims = true');
    expectInputs(ctx, inputs, 1);
    const x = asFloat(ctx.g, inputs[0] as GraphValue);
    if (x.shape.length !== spatial + 2) unsupported(ctx.where, `an input of rank ${x.shape.length}`);
    const axes = Array.from({ length: spatial }, (_, k) => (x.layout === 'channelsFirst' ? k + 2 : k + 1));
    const y = ctx.g.reduce(opType, x.name, axes, false);
    return [{ name: y, shape: outShape(ctx), dtype: 'float32', layout: 'native' }];
  };
}

/** ZeroPadding2D: Pad with zeros, padding [[top, bottom], [left, right]]. */
const zeroPadding2d: LayerConverter = (ctx, inputs) => {
  checkChannelsLast(ctx);
  const x = spatialInput(ctx, inputs, 2);
  const p = ctx.config.padding as [[number, number], [number, number]];
  const pads = ctx.g.int64s([0, 0, p[0][0], p[1][0], 0, 0, p[0][1], p[1][1]]);
  return [cf(ctx, ctx.g.op('Pad', [x.name, pads], { mode: { s: 'constant' } }))];
};

/** Converters for convolution and pooling layers, by tfjs class name. */
export const CONV_CONVERTERS: Record<string, LayerConverter> = {
  Conv1D: conv(1),
  Conv2D: conv(2),
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  MaxPooling1D: pool('MaxPool', 1),
  MaxPooling2D: pool('MaxPool', 2),
  AveragePooling1D: pool('AveragePool', 1),
  AveragePooling2D: pool('AveragePool', 2),
  GlobalAveragePooling1D: globalPool('ReduceMean', 1),
  GlobalAveragePooling2D: globalPool('ReduceMean', 2),
  GlobalMaxPooling1D: globalPool('ReduceMax', 1),
  GlobalMaxPooling2D: globalPool('ReduceMax', 2),
  ZeroPadding2D: zeroPadding2d,
};
