import * as tf from '@tensorflow/tfjs';
import { DlfError } from './DlfError.js';
import {
  gradientList,
  type MinMaxOptimizerOptions,
  type NamedTensor,
  Preconditioner,
  type VariableGradients,
  variableNamed,
} from './Preconditioner.js';
import { assertPositive } from './validate.js';

/**
 * The extragradient method (Korpelevich 1976; Gidel et al. 2019 for GANs) as a `tf.Optimizer`:
 * an extrapolation `theta' = theta - eta d(theta)`, then the update `theta <- theta - eta d(theta')`
 * from the saved point. `minimize(f)` does both (two evaluations of `f`); or call
 * `extrapolate(grads)` then `applyGradients(gradsAtExtrapolatedPoint)` yourself (e.g. for two
 * players with different losses). `preconditioner: 'adam'` gives extra-Adam. On
 * `min_x max_y x y` each step contracts the distance to the equilibrium by
 * `sqrt(1 - eta^2 + eta^4)`.
 *
 * @example
 * ```ts
 * const opt = new ExtragradientOptimizer({ learningRate: 0.3 });
 * for (let t = 0; t < 100; t++) opt.minimize(() => tf.sum(tf.mul(x, gradientReversal(y))), false, [x, y]);
 * ```
 */
export class ExtragradientOptimizer extends tf.Optimizer {
  /** @nocollapse */
  static get className(): string {
    return 'DlfExtragradient';
  }

  readonly learningRate: number;
  private readonly precond: Preconditioner;
  private readonly saved = new Map<string, tf.Tensor>();
  private readonly options: MinMaxOptimizerOptions;

  constructor(options: MinMaxOptimizerOptions) {
    super();
    assertPositive('learningRate', options?.learningRate);
    this.options = { ...options };
    this.learningRate = options.learningRate;
    this.precond = new Preconditioner(options);
  }

  /** Whether an extrapolation is pending (made, not yet followed by `applyGradients`). */
  get extrapolated(): boolean {
    return this.saved.size > 0;
  }

  /** The extrapolation step: saves each variable and moves it to `theta - eta d(theta)`. */
  extrapolate(variableGradients: VariableGradients): void {
    for (const { name, tensor } of gradientList(variableGradients)) {
      if (tensor == null) continue;
      if (this.saved.has(name)) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `variable ${name} was extrapolated twice without an update in between`,
          {
            param: 'variableGradients',
          },
        );
      }
      const value = variableNamed(name);
      this.saved.set(name, tf.keep(tf.clone(value)));
      const d = this.precond.direction(name, tensor);
      tf.tidy(() => value.assign(tf.sub(value, tf.mul(this.learningRate, d))));
      d.dispose();
    }
  }

  /**
   * The update: `theta <- theta_saved - eta d`, with `d` from gradients taken at the extrapolated
   * point; without a pending extrapolation it is a plain gradient step.
   */
  applyGradients(variableGradients: VariableGradients): void {
    for (const { name, tensor } of gradientList(variableGradients)) {
      if (tensor == null) continue;
      const value = variableNamed(name);
      const base = this.saved.get(name);
      const d = this.precond.direction(name, tensor);
      tf.tidy(() => value.assign(tf.sub(base ?? value, tf.mul(this.learningRate, d))));
      d.dispose();
      base?.dispose();
      this.saved.delete(name);
    }
    this.incrementIterations();
  }

  /** One full extragradient step on `f` (two gradient evaluations); returns the cost at the start if asked. */
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const first = this.computeGradients(f, varList);
    this.extrapolate(first.grads);
    tf.dispose(first.grads);
    const second = this.computeGradients(f, varList);
    this.applyGradients(second.grads);
    tf.dispose(second.grads);
    second.value.dispose();
    if (returnCost) return first.value;
    first.value.dispose();
    return null;
  }

  override dispose(): void {
    for (const t of this.saved.values()) t.dispose();
    this.saved.clear();
    this.precond.dispose();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations()];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await this.extractIterations(weightValues);
  }

  getConfig(): tf.serialization.ConfigDict {
    const { learningRate, preconditioner = 'none', beta1 = 0.5, beta2 = 0.9, epsilon = 1e-8 } = this.options;
    return { learningRate, preconditioner, beta1, beta2, epsilon };
  }
}
