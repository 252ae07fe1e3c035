import { assertInRange, assertInteger, assertPositive } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';

export interface DomainBatchNormArgs {
  /** Number of domains, each with its own statistics and affine parameters. Default: 2. */
  numDomains?: number;
  /** Weight of the old value in the moving averages (as `tf.layers.batchNormalization`). Default: 0.99. */
  momentum?: number;
  /** Added to the variance before the square root. Default: 1e-3. */
  epsilon?: number;
  /** Layer name. */
  name?: string;
  /** Example shape, when this is the first layer of a `tf.sequential` model. */
  inputShape?: tf.Shape;
}

/**
 * Domain-specific batch normalisation (DSBN, Chang et al. 2019): a batch-normalisation layer over the
 * last axis with one set of statistics (moving mean and variance) and one set of affine parameters
 * (gamma, beta) per domain. The `domain` property chooses which set the next call uses: in training
 * mode the batch is normalised by its own moments and that domain's moving averages are updated
 * (m <- momentum m + (1 - momentum) batch moment, biased batch variance); in inference mode the
 * domain's moving averages are used. Every other layer stays shared, so domain-specific differences in
 * feature statistics are removed before the shared layers see them.
 *
 * Set the domain with `setDomain(model, d)` (every such layer in a model) before applying the model to
 * a batch of domain d; `adapt` does this for source (0) and target (1) batches. Not serialisable (no
 * registered class), so keep it in models you build in code.
 *
 * @example
 * ```ts
 * const features = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [2], units: 16 }), new DomainBatchNorm(), tf.layers.reLU() ] });
 * setDomain(features, 1); // the next calls use the target domain's statistics
 * ```
 */
export class DomainBatchNorm extends tf.layers.Layer {
  static className = 'DlfDomainBatchNorm';
  /** Domain used by the next call, in [0, numDomains). */
  domain = 0;
  readonly numDomains: number;
  readonly momentum: number;
  readonly epsilon: number;
  private gammas: tf.LayerVariable[] = [];
  private betas: tf.LayerVariable[] = [];
  private movingMeans: tf.LayerVariable[] = [];
  private movingVariances: tf.LayerVariable[] = [];

  constructor({
    numDomains = 2,
    momentum = 0.99,
    epsilon = 1e-3,
    name,
    inputShape,
  }: DomainBatchNormArgs = {}) {
    super({ ...(name === undefined ? {} : { name }), ...(inputShape === undefined ? {} : { inputShape }) });
    assertInteger('numDomains', numDomains, { min: 1 });
    assertInRange('momentum', momentum, 0, 1);
    assertPositive('epsilon', epsilon);
    this.numDomains = numDomains;
    this.momentum = momentum;
    this.epsilon = epsilon;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (typeof channels !== 'number') {
      throw new DlfError(
        'INVALID_SHAPE',
        `DomainBatchNorm needs a known last axis, received input shape ${describeValue(shape)}`,
        { param: 'inputShape' },
      );
    }
    const ones = tf.initializers.ones();
    const zeros = tf.initializers.zeros();
    for (let d = 0; d < this.numDomains; d++) {
      this.gammas.push(this.addWeight(`gamma_${d}`, [channels], 'float32', ones, undefined, true));
      this.betas.push(this.addWeight(`beta_${d}`, [channels], 'float32', zeros, undefined, true));
      this.movingMeans.push(
        this.addWeight(`moving_mean_${d}`, [channels], 'float32', zeros, undefined, false),
      );
      this.movingVariances.push(
        this.addWeight(`moving_variance_${d}`, [channels], 'float32', ones, undefined, false),
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!x) throw new DlfError('INVALID_ARGUMENT', 'DomainBatchNorm needs one input', { param: 'inputs' });
    const d = this.domain;
    if (!Number.isInteger(d) || d < 0 || d >= this.numDomains) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `domain must be an integer in [0, ${this.numDomains - 1}], received ${describeValue(d)}`,
        { param: 'domain' },
      );
    }
    const gamma = (this.gammas[d] as tf.LayerVariable).read();
    const beta = (this.betas[d] as tf.LayerVariable).read();
    const movingMean = this.movingMeans[d] as tf.LayerVariable;
    const movingVariance = this.movingVariances[d] as tf.LayerVariable;
    return tf.tidy(() => {
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      if (kwargs.training) {
        const { mean, variance } = tf.moments(x, axes);
        for (const [variable, value] of [
          [movingMean, mean],
          [movingVariance, variance],
        ] as const) {
          tf.tidy(() => {
            const old = variable.read();
            variable.write(tf.add(tf.mul(old, this.momentum), tf.mul(value, 1 - this.momentum)));
          });
        }
        return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon))), gamma), beta);
      }
      const scale = tf.div(gamma, tf.sqrt(tf.add(movingVariance.read(), this.epsilon)));
      return tf.add(tf.mul(tf.sub(x, movingMean.read()), scale), beta);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numDomains: this.numDomains,
      momentum: this.momentum,
      epsilon: this.epsilon,
    };
  }
}

/**
 * Sets the domain of every `DomainBatchNorm` layer of a model (nested models included) and returns
 * how many layers it set.
 *
 * @example
 * ```ts
 * setDomain(featureExtractor, 0); // source statistics for the next forward pass
 * ```
 */
export function setDomain(model: tf.LayersModel, domain: number): number {
  if (!(model instanceof tf.LayersModel)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `model must be a tf.LayersModel, received ${describeValue(model)}`,
      {
        param: 'model',
      },
    );
  }
  assertInteger('domain', domain, { min: 0 });
  let count = 0;
  const visit = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      if (layer instanceof DomainBatchNorm) {
        if (domain >= layer.numDomains) {
          throw new DlfError(
            'INVALID_ARGUMENT',
            `domain must be below the layer's numDomains ${layer.numDomains}, received ${domain}`,
            { param: 'domain' },
          );
        }
        layer.domain = domain;
        count++;
      } else if (layer instanceof tf.LayersModel) {
        visit(layer.layers);
      }
    }
  };
  visit(model.layers);
  return count;
}
