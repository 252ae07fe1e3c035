import type * as tf from '@tensorflow/tfjs';
import { DlfError } from '../DlfError.js';
import type { GraphValue, OnnxGraph } from './onnxGraph.js';

/** What a layer converter gets: the graph, the layer, its config and the output shapes tfjs inferred. */
export interface ConvertContext {
  readonly g: OnnxGraph;
  readonly layer: tf.layers.Layer;
  /** `layer "conv2d_1" (Conv2D)`, for error messages. */
  readonly where: string;
  readonly config: Record<string, unknown>;
  /** tfjs output shapes of this call of the layer (one per output tensor). */
  readonly outputShapes: readonly (readonly (number | null)[])[];
  /** Exports a nested LayersModel called as a layer, wiring `inputs` to its inputs. */
  readonly convertModel: (model: tf.LayersModel, inputs: readonly GraphValue[]) => GraphValue[];
}

/** Turns one call of a tfjs layer into ONNX nodes; returns one value per layer output. */
export type LayerConverter = (ctx: ConvertContext, inputs: readonly GraphValue[]) => GraphValue[];

/** A weight read from a layer: row-major values and the tfjs shape. */
export interface WeightData {
  data: Float32Array;
  shape: number[];
}

interface VariableLike {
  read(): tf.Tensor;
  shape: number[];
}

/** Reads a weight variable `field` of `owner` (a layer or an RNN cell), failing clearly if absent. */
export function readWeight(owner: object, field: string, where: string): WeightData {
  const v = (owner as Record<string, unknown>)[field] as VariableLike | null | undefined;
  if (v == null || typeof v.read !== 'function') {
    throw new DlfError(
      'UNSUPPORTED',
      `${where}: expected a weight '${field}' but the layer has none (is it built?)`,
    );
  }
  const t = v.read();
  if (t.dtype !== 'float32') {
    throw new DlfError('UNSUPPORTED', `${where}: weight '${field}' has dtype ${t.dtype}, expected float32`);
  }
  return { data: Float32Array.from(t.dataSync() as Float32Array), shape: [...t.shape] };
}

/** Like `readWeight`, but returns undefined when the layer has no such weight. */
export function readOptionalWeight(owner: object, field: string, where: string): WeightData | undefined {
  const v = (owner as Record<string, unknown>)[field];
  return v == null ? undefined : readWeight(owner, field, where);
}

/** Normalises a possibly negative axis for a tensor of rank `rank`. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Throws UNSUPPORTED naming the layer and the option that cannot be exported. */
export function unsupported(where: string, what: string): never {
  throw new DlfError('UNSUPPORTED', `${where}: ${what} cannot be exported to ONNX`);
}

/** The logical shape of a layer's output `k` (tfjs inferred it). */
export function outShape(ctx: ConvertContext, k = 0): (number | null)[] {
  const s = ctx.outputShapes[k];
  if (s === undefined) throw new DlfError('INVALID_SHAPE', `${ctx.where}: missing output shape ${k}`);
  return [...s];
}

/** Expects exactly `n` inputs. */
export function expectInputs(ctx: ConvertContext, inputs: readonly GraphValue[], n: number): void {
  if (inputs.length !== n) {
    unsupported(ctx.where, `a call with ${inputs.length} inputs (expected ${n}; initial states or masks)`);
  }
}
