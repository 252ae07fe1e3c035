import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../DlfError.js';
import { assertInteger } from '../validate.js';
import { CONV_CONVERTERS } from './convertConv.js';
import { CORE_CONVERTERS } from './convertCore.js';
import type { ConvertContext, LayerConverter } from './converter.js';
import { NORMALIZATION_CONVERTERS } from './convertNormalization.js';
import { RECURRENT_CONVERTERS } from './convertRecurrent.js';
import { TRANSFORMER_CONVERTERS } from './convertTransformer.js';
import type { GraphValue, ValueDtype } from './onnxGraph.js';
import { OnnxGraph } from './onnxGraph.js';

/** Options of `exportOnnx`. */
export interface ExportOnnxOptions {
  /** ONNX operator set version of the default domain, 13 to 21. Default 17. */
  opset?: number;
  /**
   * Name of the graph input. Default 'input'. A model with several inputs gets `${inputName}_${k}`,
   * or pass one name per input.
   */
  inputName?: string | readonly string[];
  /** Name of the graph output, like `inputName` for several outputs. Default 'output'. */
  outputName?: string | readonly string[];
}

/** The lowest and highest `opset` accepted. */
export const ONNX_OPSET_RANGE = { min: 13, max: 21 } as const;

const CONVERTERS: Record<string, LayerConverter> = {
  ...CORE_CONVERTERS,
  ...CONV_CONVERTERS,
  ...NORMALIZATION_CONVERTERS,
  ...RECURRENT_CONVERTERS,
  ...TRANSFORMER_CONVERTERS,
};

/** tfjs layer class names `exportOnnx` can export (nested Sequential/functional models too). */
export const SUPPORTED_ONNX_LAYERS: readonly string[] = Object.keys(CONVERTERS).sort();

interface TfNode {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

function ioNames(option: string | readonly string[], count: number, param: string): string[] {
  if (typeof option === 'string') {
    if (option.length === 0) {
      throw new DlfError('INVALID_ARGUMENT', `${param} must be a non-empty string, received ""`, { param });
    }
    return count === 1 ? [option] : Array.from({ length: count }, (_, k) => `${option}_${k}`);
  }
  if (
    !Array.isArray(option) ||
    option.length !== count ||
    option.some((n) => typeof n !== 'string' || n === '')
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be a string or ${count} non-empty strings (one per model ${param === 'inputName' ? 'input' : 'output'}), received ${describeValue(option)}`,
      { param },
    );
  }
  return [...option];
}

function dtypeOf(t: tf.SymbolicTensor, where: string): ValueDtype {
  if (t.dtype === 'float32' || t.dtype === 'int32') return t.dtype;
  throw new DlfError(
    'UNSUPPORTED',
    `${where} has dtype ${t.dtype}; only float32 and int32 inputs can be exported`,
  );
}

/**
 * Exports a trained tfjs `LayersModel` (Sequential or functional) to an ONNX model: a ModelProto
 * (IR version 8) whose graph computes `model.predict` in inference mode (dropout off, batch
 * normalisation with its moving statistics) for any batch size (symbolic dimension 'batch').
 * The ONNX model takes and returns tensors of the same shapes as the tfjs model (channels-last);
 * convolutions run channels-first inside the graph with the transposes added automatically.
 * Layers without an exact ONNX form throw `DlfError('UNSUPPORTED')` naming the layer and its class:
 * the export never produces a model that computes something else. See `SUPPORTED_ONNX_LAYERS`.
 *
 * @param model A built tfjs LayersModel.
 * @param options `opset` (13-21, default 17), `inputName` ('input'), `outputName` ('output').
 * @returns The encoded `.onnx` file.
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const bytes = exportOnnx(model);                       // Uint8Array, a .onnx file
 * const session = await createSession(bytes);
 * const { output } = await session.run(tf.randomNormal([2, 4])); // output.dims = [2, 3]
 * ```
 */
export function exportOnnx(model: tf.LayersModel, options: ExportOnnxOptions = {}): Uint8Array {
  if (!(model instanceof tf.LayersModel)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `model must be a tf.LayersModel, received ${describeValue(model)}`,
      {
        param: 'model',
      },
    );
  }
  const { opset = 17, inputName = 'input', outputName = 'output' } = options;
  assertInteger('opset', opset, { min: ONNX_OPSET_RANGE.min, max: ONNX_OPSET_RANGE.max });
  const modelInputs = model.inputs;
  const modelOutputs = model.outputs;
  const inNames = ioNames(inputName, modelInputs.length, 'inputName');
  const outNames = ioNames(outputName, modelOutputs.length, 'outputName');
  const g = new OnnxGraph(opset);
  for (const n of [...inNames, ...outNames]) g.reserve(n, inNames.includes(n) ? 'inputName' : 'outputName');

  const inputs: GraphValue[] = modelInputs.map((t, k) => {
    const name = inNames[k] as string;
    const dtype = dtypeOf(t, `model input ${k}`);
    g.addInput(name, dtype, symbolicDims(t.shape, name));
    return { name, shape: [...t.shape], dtype, layout: 'native' };
  });
  const outputs = convertModel(g, model, inputs);
  outputs.forEach((v, k) => {
    const value = g.toNative(v);
    const name = outNames[k] as string;
    g.nodeTo('Identity', [value.name], name);
    g.addOutput(name, value.dtype, symbolicDims(value.shape, name));
  });
  return g.encode({
    graphName: model.name,
    producerVersion: tf.version.tfjs,
    docString: `exported from tfjs ${tf.version.tfjs} LayersModel '${model.name}' by @dlf/runtime`,
  });
}

function symbolicDims(shape: readonly (number | null)[], name: string): (number | string)[] {
  return shape.map((d, k) => (d != null ? d : k === 0 ? 'batch' : `${name}_dim${k}`));
}

/** Converts `model`'s graph with its inputs bound to `inputs`; returns its output values. */
function convertModel(g: OnnxGraph, model: tf.LayersModel, inputs: readonly GraphValue[]): GraphValue[] {
  const values = new Map<number, GraphValue>();
  if (inputs.length !== model.inputs.length) {
    throw new DlfError(
      'UNSUPPORTED',
      `nested model '${model.name}' was called with ${inputs.length} inputs, it has ${model.inputs.length}`,
    );
  }
  model.inputs.forEach((t, k) => {
    values.set(t.id, inputs[k] as GraphValue);
  });
  const visiting = new Set<number>();

  const visit = (t: tf.SymbolicTensor): GraphValue => {
    const known = values.get(t.id);
    if (known) return known;
    const layer = t.sourceLayer;
    const where = `layer "${layer.name}" (${layer.getClassName()})`;
    if (visiting.has(t.id)) throw new DlfError('UNSUPPORTED', `${where}: the model graph has a cycle`);
    visiting.add(t.id);
    const node = layer.inboundNodes[t.nodeIndex] as unknown as TfNode | undefined;
    if (!node || layer.getClassName() === 'InputLayer') {
      throw new DlfError(
        'UNSUPPORTED',
        `${where}: reached an input that is not an input of model '${model.name}'`,
      );
    }
    const ins = node.inputTensors.map(visit);
    const outs = convertLayer(g, layer, node, ins, where);
    if (outs.length !== node.outputTensors.length) {
      throw new DlfError(
        'UNSUPPORTED',
        `${where}: produced ${outs.length} outputs, tfjs has ${node.outputTensors.length} (unsupported configuration)`,
      );
    }
    node.outputTensors.forEach((o, k) => {
      values.set(o.id, outs[k] as GraphValue);
    });
    visiting.delete(t.id);
    const result = values.get(t.id);
    if (!result) throw new DlfError('UNSUPPORTED', `${where}: output ${t.name} was not produced`);
    return result;
  };
  return model.outputs.map(visit);
}

function convertLayer(
  g: OnnxGraph,
  layer: tf.layers.Layer,
  node: TfNode,
  inputs: GraphValue[],
  where: string,
): GraphValue[] {
  if (layer instanceof tf.LayersModel) return convertModel(g, layer, inputs);
  const className = layer.getClassName();
  const converter = Object.hasOwn(CONVERTERS, className) ? CONVERTERS[className] : undefined;
  if (!converter) {
    throw new DlfError(
      'UNSUPPORTED',
      `${where} cannot be exported to ONNX: no converter for class ${className} (supported: ${SUPPORTED_ONNX_LAYERS.join(', ')})`,
    );
  }
  const ctx: ConvertContext = {
    g,
    layer,
    where,
    config: layer.getConfig() as Record<string, unknown>,
    outputShapes: node.outputTensors.map((t) => t.shape),
    convertModel: (m, ins) => convertModel(g, m, ins),
  };
  return converter(ctx, inputs);
}
