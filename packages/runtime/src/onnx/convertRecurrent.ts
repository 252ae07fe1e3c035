import { recurrentActivation } from './activations.js';
import { asFloat } from './convertCore.js';
import type { LayerConverter } from './converter.js';
import { expectInputs, outShape, readWeight, unsupported } from './converter.js';
import type { GraphValue } from './onnxGraph.js';
import { transposeData } from './onnxGraph.js';

interface RecurrentKind {
  opType: 'LSTM' | 'GRU' | 'RNN';
  gates: number;
  /** For ONNX gate k (in ONNX order), the tfjs gate index it comes from. */
  gateOrder: readonly number[];
  /** Activation slots: 'recurrent' for tfjs recurrentActivation, 'main' for activation. */
  slots: readonly ('recurrent' | 'main')[];
  states: number;
}

// tfjs/Keras LSTM gates are [i, f, c, o]; ONNX LSTM wants [i, o, f, c].
const LSTM: RecurrentKind = {
  opType: 'LSTM',
  gates: 4,
  gateOrder: [0, 3, 1, 2],
  slots: ['recurrent', 'main', 'main'],
  states: 2,
};
// tfjs GRU gates are [z, r, h] with the reset gate applied before the recurrent matmul, like ONNX
// GRU with linear_before_reset = 0; the single tfjs bias is the input bias.
const GRU: RecurrentKind = {
  opType: 'GRU',
  gates: 3,
  gateOrder: [0, 1, 2],
  slots: ['recurrent', 'main'],
  states: 1,
};
const RNN: RecurrentKind = { opType: 'RNN', gates: 1, gateOrder: [0], slots: ['main'], states: 1 };

/**
 * A tfjs kernel [in, gates * H] (columns grouped by tfjs gate) as an ONNX weight [gates * H, in]
 * with the gates reordered.
 */
function reorderKernel(
  data: Float32Array,
  inDim: number,
  units: number,
  gateOrder: readonly number[],
): Float32Array {
  const t = transposeData(data, [inDim, gateOrder.length * units], [1, 0]);
  const out = new Float32Array(t.length);
  gateOrder.forEach((tfGate, k) => {
    out.set(t.subarray(tfGate * units * inDim, (tfGate + 1) * units * inDim), k * units * inDim);
  });
  return out;
}

function recurrent(kind: RecurrentKind): LayerConverter {
  return (ctx, inputs) => {
    const { g, layer, where, config } = ctx;
    if (config.stateful === true) unsupported(where, 'stateful = true');
    expectInputs(ctx, inputs, 1);
    const cell = (layer as unknown as { cell?: object }).cell;
    if (!cell) unsupported(where, 'a recurrent layer without a cell');
    const x0 = g.toNative(asFloat(g, inputs[0] as GraphValue));
    if (x0.shape.length !== 3)
      unsupported(where, `an input of rank ${x0.shape.length} (expected [batch, time, features])`);
    const units = Number(config.units);
    const kernel = readWeight(cell, 'kernel', where);
    const recurrentKernel = readWeight(cell, 'recurrentKernel', where);
    const inDim = kernel.shape[0] as number;
    const gh = kind.gates * units;
    const b = new Float32Array(2 * gh);
    if (config.useBias !== false) {
      const bias = readWeight(cell, 'bias', where).data;
      kind.gateOrder.forEach((tfGate, k) => {
        b.set(bias.subarray(tfGate * units, (tfGate + 1) * units), k * units);
      });
    }
    const acts = kind.slots.map((s) =>
      recurrentActivation(
        String((s === 'recurrent' ? config.recurrentActivation : config.activation) ?? 'tanh'),
        where,
      ),
    );
    let x = x0.name;
    if (config.goBackwards === true) {
      // tfjs reverses the sequence and runs forwards; outputs stay in processing order.
      x = g.op('Slice', [x, g.int64s([-1]), g.int64s([-(2 ** 63)]), g.int64s([1]), g.int64s([-1])]);
    }
    const timeMajor = g.op('Transpose', [x], { perm: { ints: [1, 0, 2] } });
    const W = g.floatConst(`${layer.name}/W`, reorderKernel(kernel.data, inDim, units, kind.gateOrder), [
      1,
      gh,
      inDim,
    ]);
    const R = g.floatConst(
      `${layer.name}/R`,
      reorderKernel(recurrentKernel.data, units, units, kind.gateOrder),
      [1, gh, units],
    );
    const B = g.floatConst(`${layer.name}/B`, b, [1, 2 * gh]);
    const alphas = acts.flatMap((a) => a.alpha);
    const betas = acts.flatMap((a) => a.beta);
    const outs = g.node(
      kind.opType,
      [timeMajor, W, R, B],
      {
        hidden_size: { i: units },
        direction: { s: 'forward' },
        activations: { strings: acts.map((a) => a.name) },
        ...(alphas.length > 0 ? { activation_alpha: { floats: alphas } } : {}),
        ...(betas.length > 0 ? { activation_beta: { floats: betas } } : {}),
        ...(kind.opType === 'GRU' ? { linear_before_reset: { i: 0 } } : {}),
      },
      { base: layer.name, nOutputs: 1 + kind.states },
    );
    const [y, yh, yc] = outs as [string, string, string | undefined];
    const value = (name: string, k: number): GraphValue => ({
      name,
      shape: outShape(ctx, k),
      dtype: 'float32',
      layout: 'native',
    });
    const lastH = g.op('Squeeze', [yh, g.int64s([0])]);
    const results: GraphValue[] = [];
    if (config.returnSequences === true) {
      const seq = g.op('Transpose', [g.op('Squeeze', [y, g.int64s([1])])], { perm: { ints: [1, 0, 2] } });
      results.push(value(seq, 0));
    } else {
      results.push(value(lastH, 0));
    }
    if (config.returnState === true) {
      results.push(value(lastH, 1));
      if (kind.states === 2 && yc !== undefined) results.push(value(g.op('Squeeze', [yc, g.int64s([0])]), 2));
    }
    return results;
  };
}

/** Converters for recurrent layers, by tfjs class name. */
export const RECURRENT_CONVERTERS: Record<string, LayerConverter> = {
  LSTM: recurrent(LSTM),
  GRU: recurrent(GRU),
  SimpleRNN: recurrent(RNN),
};
