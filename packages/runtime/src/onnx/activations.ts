import { DlfError } from '../DlfError.js';
import type { GraphValue, OnnxGraph } from './onnxGraph.js';
import { physicalAxis } from './onnxGraph.js';

/** tfjs activation identifiers (`getConfig().activation`) that `applyActivation` exports. */
export const SUPPORTED_ACTIVATIONS = [
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

/**
 * Appends the ONNX form of a tfjs activation to `value`. Elementwise activations keep the value's
 * layout; softmax and logSoftmax normalise over tfjs's last axis wherever it lives physically.
 * `where` names the layer for error messages.
 */
export function applyActivation(
  g: OnnxGraph,
  value: GraphValue,
  activation: string,
  where: string,
): GraphValue {
  const x = value.name;
  const out = (name: string): GraphValue => ({ ...value, name });
  switch (activation) {
    case 'linear':
      return value;
    case 'relu':
      return out(g.op('Relu', [x]));
    case 'relu6':
      return out(g.op('Clip', [x, g.floats('zero', [0], []), g.floats('six', [6], [])]));
    case 'tanh':
      return out(g.op('Tanh', [x]));
    case 'sigmoid':
      return out(g.op('Sigmoid', [x]));
    case 'hardSigmoid':
      // tfjs: clip(0.2 x + 0.5, 0, 1), which is ONNX HardSigmoid's default alpha/beta.
      return out(g.op('HardSigmoid', [x], { alpha: { f: 0.2 }, beta: { f: 0.5 } }));
    case 'softmax':
    case 'logSoftmax': {
      const axis = physicalAxis(value, value.shape.length - 1);
      return out(g.op(activation === 'softmax' ? 'Softmax' : 'LogSoftmax', [x], { axis: { i: axis } }));
    }
    case 'elu':
      return out(g.op('Elu', [x], { alpha: { f: 1 } }));
    case 'selu':
      // tfjs uses scale 1.0507009873554805 and alpha 1.6732632423543772: ONNX Selu's defaults.
      return out(g.op('Selu', [x], { alpha: { f: 1.6732632423543772 }, gamma: { f: 1.0507009873554805 } }));
    case 'softplus':
      return out(g.op('Softplus', [x]));
    case 'softsign':
      return out(g.op('Softsign', [x]));
    case 'swish':
      return out(g.op('Mul', [x, g.op('Sigmoid', [x])]));
    case 'mish':
      return out(g.op('Mul', [x, g.op('Tanh', [g.op('Softplus', [x])])]));
    case 'gelu': {
      // x * 0.5 * (1 + erf(x / sqrt 2))
      const erf = g.op('Erf', [g.op('Div', [x, g.floats('sqrt2', [Math.SQRT2], [])])]);
      const cdf = g.op('Mul', [g.op('Add', [erf, g.floats('one', [1], [])]), g.floats('half', [0.5], [])]);
      return out(g.op('Mul', [x, cdf]));
    }
    case 'gelu_new': {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      const x3 = g.op('Mul', [x, g.op('Mul', [x, x])]);
      const inner = g.op('Add', [x, g.op('Mul', [x3, g.floats('c', [0.044715], [])])]);
      const t = g.op('Tanh', [g.op('Mul', [inner, g.floats('k', [Math.sqrt(2 / Math.PI)], [])])]);
      const half = g.op('Mul', [g.op('Add', [t, g.floats('one', [1], [])]), g.floats('half', [0.5], [])]);
      return out(g.op('Mul', [x, half]));
    }
    default:
      throw new DlfError(
        'UNSUPPORTED',
        `${where}: activation '${activation}' cannot be exported to ONNX (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`,
      );
  }
}

/**
 * An ONNX recurrent-op activation. `alpha`/`beta` hold the parameters this function consumes from
 * the op's `activation_alpha`/`activation_beta` lists (which are read in order, one entry per
 * function that takes the parameter).
 */
export interface RecurrentActivation {
  name: string;
  alpha: number[];
  beta: number[];
}

/**
 * ONNX recurrent-op activation names (with alpha/beta) for a tfjs activation, as used by the LSTM,
 * GRU and RNN ops' `activations` attribute.
 */
export function recurrentActivation(activation: string, where: string): RecurrentActivation {
  switch (activation) {
    case 'tanh':
      return { name: 'Tanh', alpha: [], beta: [] };
    case 'sigmoid':
      return { name: 'Sigmoid', alpha: [], beta: [] };
    case 'hardSigmoid':
      return { name: 'HardSigmoid', alpha: [0.2], beta: [0.5] };
    case 'relu':
      return { name: 'Relu', alpha: [], beta: [] };
    case 'linear':
      return { name: 'Affine', alpha: [1], beta: [0] };
    case 'softsign':
      return { name: 'Softsign', alpha: [], beta: [] };
    case 'softplus':
      return { name: 'Softplus', alpha: [], beta: [] };
    case 'elu':
      return { name: 'Elu', alpha: [1], beta: [] };
    default:
      throw new DlfError(
        'UNSUPPORTED',
        `${where}: recurrent activation '${activation}' cannot be exported to ONNX (supported: tanh, sigmoid, hardSigmoid, relu, linear, softsign, softplus, elu)`,
      );
  }
}
