import * as tf from '@tensorflow/tfjs';
import { assertInRange, assertOneOf, assertPositive } from './validate.js';

/** A `{ name, tensor }` pair, as tf.Optimizer's weights and gradients (tfjs does not export the type). */
export type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];

/** What `tf.Optimizer.applyGradients` takes. */
export type VariableGradients = tf.NamedTensorMap | NamedTensor[];

/** How the min-max optimisers turn a gradient into a step direction. */
export type PreconditionerName = 'none' | 'adam';

/** Options shared by the min-max optimisers. */
export interface MinMaxOptimizerOptions {
  /** Step size eta. Required, > 0. */
  learningRate: number;
  /**
   * `'none'` (default): the direction is the gradient (OGDA / extragradient as in the theory).
   * `'adam'`: the direction is Adam's `m_hat / (sqrt(v_hat) + epsilon)`, giving optimistic Adam
   * (Daskalakis et al. 2018) and extra-Adam (Gidel et al. 2019).
   */
  preconditioner?: PreconditionerName;
  /** Adam's first-moment decay. Default: 0.5 (the value of Gidel et al. and Daskalakis et al. for GANs). */
  beta1?: number;
  /** Adam's second-moment decay. Default: 0.9. */
  beta2?: number;
  /** Adam's epsilon. Default: 1e-8. */
  epsilon?: number;
}

/** @internal Per-variable step directions: the gradient, or Adam's normalised moment. */
export class Preconditioner {
  readonly name: PreconditionerName;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly state = new Map<string, { m: tf.Variable; v: tf.Variable; t: number }>();

  constructor(options: MinMaxOptimizerOptions) {
    const { preconditioner = 'none', beta1 = 0.5, beta2 = 0.9, epsilon = 1e-8 } = options;
    assertOneOf('preconditioner', preconditioner, ['none', 'adam'] as const);
    assertInRange('beta1', beta1, 0, 1, { maxInclusive: false });
    assertInRange('beta2', beta2, 0, 1, { maxInclusive: false });
    assertPositive('epsilon', epsilon);
    this.name = preconditioner;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** The direction for `gradient` of variable `name` (a new tensor; updates Adam's state). */
  direction(name: string, gradient: tf.Tensor): tf.Tensor {
    if (this.name === 'none') return tf.clone(gradient);
    let s = this.state.get(name);
    if (!s) {
      const zeros = (): tf.Variable => tf.tidy(() => tf.variable(tf.zerosLike(gradient), false));
      s = { m: zeros(), v: zeros(), t: 0 };
      this.state.set(name, s);
    }
    const st = s;
    st.t += 1;
    const { beta1, beta2, epsilon } = this;
    return tf.tidy(() => {
      st.m.assign(tf.add(tf.mul(beta1, st.m), tf.mul(1 - beta1, gradient)));
      st.v.assign(tf.add(tf.mul(beta2, st.v), tf.mul(1 - beta2, tf.square(gradient))));
      const mHat = tf.div(st.m, 1 - beta1 ** st.t);
      const vHat = tf.div(st.v, 1 - beta2 ** st.t);
      return tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon));
    });
  }

  dispose(): void {
    for (const s of this.state.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.state.clear();
  }
}

/** @internal The (name, gradient) pairs of a tf.Optimizer's `applyGradients` argument. */
export function gradientList(variableGradients: VariableGradients): { name: string; tensor: tf.Tensor }[] {
  if (Array.isArray(variableGradients))
    return variableGradients.map(({ name, tensor }) => ({ name, tensor }));
  return Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
}

/** @internal The registered variable of a name (tf.Optimizer's convention). */
export function variableNamed(name: string): tf.Variable {
  const v = tf.engine().registeredVariables[name];
  if (!v) throw new Error(`no variable named ${name}`);
  return v;
}
