import * as tf from '@tensorflow/tfjs';
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
 * Optimistic gradient descent (OGDA; Popov 1980, Daskalakis et al. 2018) as a `tf.Optimizer`:
 * `theta_{t+1} = theta_t - eta (2 d_t - d_{t-1})`, with `d_t` the gradient (or Adam's direction,
 * `preconditioner: 'adam'`, "optimistic Adam") and `d_{-1} = d_0`. On the bilinear game
 * `min_x max_y x y` it converges where plain gradient descent-ascent spirals out. For a game,
 * minimise `f(x, gradientReversal(y))` over both players, or give each player its own optimiser.
 *
 * @example
 * ```ts
 * const opt = new OptimisticOptimizer({ learningRate: 0.1 });
 * opt.minimize(() => tf.sum(tf.mul(x, gradientReversal(y))), false, [x, y]);
 * ```
 */
export class OptimisticOptimizer extends tf.Optimizer {
  /** @nocollapse */
  static get className(): string {
    return 'DlfOptimistic';
  }

  readonly learningRate: number;
  private readonly precond: Preconditioner;
  private readonly previous = new Map<string, tf.Tensor>();
  private readonly options: MinMaxOptimizerOptions;

  constructor(options: MinMaxOptimizerOptions) {
    super();
    assertPositive('learningRate', options?.learningRate);
    this.options = { ...options };
    this.learningRate = options.learningRate;
    this.precond = new Preconditioner(options);
  }

  applyGradients(variableGradients: VariableGradients): void {
    for (const { name, tensor } of gradientList(variableGradients)) {
      if (tensor == null) continue;
      const value = variableNamed(name);
      const d = this.precond.direction(name, tensor);
      const prev = this.previous.get(name);
      tf.tidy(() => {
        const step = prev ? tf.sub(tf.mul(2, d), prev) : d;
        value.assign(tf.sub(value, tf.mul(this.learningRate, step)));
      });
      prev?.dispose();
      this.previous.set(name, tf.keep(d));
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const t of this.previous.values()) t.dispose();
    this.previous.clear();
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
