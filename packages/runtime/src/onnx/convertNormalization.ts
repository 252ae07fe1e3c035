import { asFloat } from './convertCore.js';
import type { LayerConverter } from './converter.js';
import { expectInputs, normAxis, outShape, readWeight, unsupported } from './converter.js';
import type { GraphValue, OnnxGraph } from './onnxGraph.js';

function ones(n: number): Float32Array {
  return new Float32Array(n).fill(1);
}

/**
 * BatchNormalization in inference form, y = (x - movingMean) / sqrt(movingVariance + eps) * gamma + beta
 * over the channel (last) axis, as ONNX BatchNormalization on the channels-first value (which also
 * keeps convolution outputs channels-first). tfjs's inference kernel broadcasts the statistics
 * along the last axis only, so a layer with another `axis` does not compute this formula in
 * tfjs and is refused.
 */
const batchNormalization: LayerConverter = (ctx, inputs) => {
  const { g, layer, where, config } = ctx;
  expectInputs(ctx, inputs, 1);
  let x = asFloat(g, inputs[0] as GraphValue);
  const rank = x.shape.length;
  const axis = normAxis(Number(config.axis ?? -1), rank);
  if (axis !== rank - 1) {
    unsupported(
      where,
      `axis = ${String(config.axis)} on a rank-${rank} input (tfjs's inference kernel only normalises the last axis correctly)`,
    );
  }
  if (rank < 2) unsupported(where, 'a rank-1 input');
  const eps = Number(config.epsilon ?? 1e-3);
  const mean = readWeight(layer, 'movingMean', where);
  const variance = readWeight(layer, 'movingVariance', where);
  const channels = mean.data.length;
  const gamma = config.scale === false ? ones(channels) : readWeight(layer, 'gamma', where).data;
  const beta = config.center === false ? new Float32Array(channels) : readWeight(layer, 'beta', where).data;
  if (rank >= 3) x = g.toChannelsFirst(x);
  const param = (field: string, data: Float32Array) =>
    g.floatConst(`${layer.name}/${field}`, data, [channels]);
  const y = g.op(
    'BatchNormalization',
    [
      x.name,
      param('gamma', gamma),
      param('beta', beta),
      param('moving_mean', mean.data),
      param('moving_variance', variance.data),
    ],
    { epsilon: { f: eps } },
  );
  return [{ ...x, name: y, shape: outShape(ctx) }];
};

/**
 * y = (x - mean) / sqrt(var + eps) * gamma + beta over trailing axes [k, ..., r-1]: ONNX
 * LayerNormalization from opset 17, the same computation from primitive ops before it.
 */
export function layerNorm(
  g: OnnxGraph,
  x: string,
  k: number,
  rank: number,
  gamma: string,
  beta: string,
  eps: number,
): string {
  if (g.opset >= 17) {
    return g.op('LayerNormalization', [x, gamma, beta], { axis: { i: k }, epsilon: { f: eps } });
  }
  const axes = Array.from({ length: rank - k }, (_, j) => k + j);
  const centered = g.op('Sub', [x, g.reduce('ReduceMean', x, axes, true)]);
  const variance = g.reduce('ReduceMean', g.op('Mul', [centered, centered]), axes, true);
  const std = g.op('Sqrt', [g.op('Add', [variance, g.floats('eps', [eps], [])])]);
  return g.op('Add', [g.op('Mul', [g.op('Div', [centered, std]), gamma]), beta]);
}

const layerNormalization: LayerConverter = (ctx, inputs) => {
  const { g, layer, where, config } = ctx;
  expectInputs(ctx, inputs, 1);
  const x = g.toNative(asFloat(g, inputs[0] as GraphValue));
  const rank = x.shape.length;
  const axisCfg = config.axis ?? -1;
  const axes = (Array.isArray(axisCfg) ? axisCfg : [axisCfg])
    .map((a) => normAxis(Number(a), rank))
    .sort((a, b) => a - b);
  const k = axes[0] as number;
  if (k < 1 || axes.some((a, j) => a !== k + j) || axes[axes.length - 1] !== rank - 1) {
    unsupported(
      where,
      `normalising over axes ${JSON.stringify(axisCfg)} (only trailing axes, not the batch axis)`,
    );
  }
  const paramShape = axes.map((a) => x.shape[a]);
  if (paramShape.some((d) => d == null)) unsupported(where, 'normalised axes of unknown size');
  const dims = paramShape as number[];
  const size = dims.reduce((p, d) => p * d, 1);
  const gamma = config.scale === false ? ones(size) : readWeight(layer, 'gamma', where).data;
  const beta = config.center === false ? new Float32Array(size) : readWeight(layer, 'beta', where).data;
  const y = layerNorm(
    g,
    x.name,
    k,
    rank,
    g.floatConst(`${layer.name}/gamma`, gamma, dims),
    g.floatConst(`${layer.name}/beta`, beta, dims),
    Number(config.epsilon ?? 1e-3),
  );
  return [{ ...x, name: y, shape: outShape(ctx) }];
};

/** Converters for normalisation layers, by tfjs class name. */
export const NORMALIZATION_CONVERTERS: Record<string, LayerConverter> = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
};
