import * as tf from '@tensorflow/tfjs';
import { createRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { ACTIVATIONS, type Activation } from './mlp.js';
import { ops } from './ops.js';
import { assertInteger, assertOneOf, assertPositive } from './validate.js';

/** Options of {@link TransformerEncoderBlock} (also its serialised config). */
export interface TransformerEncoderBlockOptions {
  /** Number of attention heads h, >= 1. */
  numHeads: number;
  /** Width of each head's queries, keys and values (d_k = d_v), >= 1. */
  keyDim: number;
  /** Hidden width of the position-wise feed-forward network. Default: 4 * model width. */
  ffDim?: number;
  /** Activation of the feed-forward hidden layer. Default: 'relu'. */
  activation?: Activation;
  /** Added to the variance in both layer normalisations. Default: 1e-5. */
  epsilon?: number;
  /**
   * Seed of the Glorot-uniform initialisation of the projection and feed-forward kernels.
   * Default: unseeded (tfjs's global randomness), like tfjs's own layers.
   */
  seed?: number | null;
  /** Ordinary tfjs layer options. */
  name?: string;
  trainable?: boolean;
  inputShape?: number[];
}

type LayerVar = tf.LayerVariable;

/**
 * One post-norm transformer encoder block (Vaswani et al. 2017) on `[batch, length, d]`:
 *
 * ```
 * A   = MultiHead(x) = concat_h(softmax(Q_h K_h^T / sqrt(keyDim)) V_h) Wo + bo,
 *       Q = x Wq + bq, K = x Wk + bk, V = x Wv + bv (head h = columns h*keyDim .. (h+1)*keyDim - 1)
 * x1  = LayerNorm1(x + A)
 * out = LayerNorm2(x1 + act(x1 W1 + c1) W2 + c2)
 * ```
 *
 * with `LayerNorm(z) = gamma * (z - mean(z)) / sqrt(var(z) + epsilon) + beta` over the last axis
 * (biased variance). No masking, no dropout. The softmax and activation go through the runtime's
 * second-order-safe `ops`, so Hessians through the block are exact.
 *
 * Public weights, for exporters (each a `tf.LayerVariable`; `.read()` gives the tensor):
 * `wq, wk, wv` `[d, numHeads * keyDim]`, `bq, bk, bv` `[numHeads * keyDim]`, `wo`
 * `[numHeads * keyDim, d]`, `bo` `[d]`, `ln1Gamma, ln1Beta, ln2Gamma, ln2Beta` `[d]`, `ff1Kernel`
 * `[d, ffDim]`, `ff1Bias` `[ffDim]`, `ff2Kernel` `[ffDim, d]`, `ff2Bias` `[d]`; plus `numHeads`,
 * `keyDim`, `ffDim`, `activation`, `epsilon`. `trainableWeights` lists them in the order
 * `wq, bq, wk, bk, wv, bv, wo, bo, ln1Gamma, ln1Beta, ff1Kernel, ff1Bias, ff2Kernel, ff2Bias,
 * ln2Gamma, ln2Beta`. Registered with `tf.serialization` (class name `TransformerEncoderBlock`).
 *
 * @example
 * ```ts
 * const block = new TransformerEncoderBlock({ numHeads: 2, keyDim: 8, seed: 0 });
 * const y = block.apply(tf.randomNormal([4, 10, 16])) as tf.Tensor; // [4, 10, 16]
 * ```
 */
export class TransformerEncoderBlock extends tf.layers.Layer {
  static className = 'TransformerEncoderBlock';

  readonly numHeads: number;
  readonly keyDim: number;
  /** Feed-forward width; fixed when the block is built (4 * d unless given). */
  ffDim: number | undefined;
  readonly activation: Activation;
  readonly epsilon: number;
  readonly seed: number | undefined;

  wq!: LayerVar;
  bq!: LayerVar;
  wk!: LayerVar;
  bk!: LayerVar;
  wv!: LayerVar;
  bv!: LayerVar;
  wo!: LayerVar;
  bo!: LayerVar;
  ln1Gamma!: LayerVar;
  ln1Beta!: LayerVar;
  ff1Kernel!: LayerVar;
  ff1Bias!: LayerVar;
  ff2Kernel!: LayerVar;
  ff2Bias!: LayerVar;
  ln2Gamma!: LayerVar;
  ln2Beta!: LayerVar;

  constructor(options: TransformerEncoderBlockOptions) {
    const { numHeads, keyDim, ffDim, activation = 'relu', epsilon = 1e-5, seed, ...layerArgs } = options;
    super(layerArgs);
    assertInteger('numHeads', numHeads, { min: 1 });
    assertInteger('keyDim', keyDim, { min: 1 });
    if (ffDim !== undefined) assertInteger('ffDim', ffDim, { min: 1 });
    assertOneOf('activation', activation, ACTIVATIONS);
    assertPositive('epsilon', epsilon);
    if (seed !== undefined && seed !== null) assertInteger('seed', seed);
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.ffDim = ffDim;
    this.activation = activation;
    this.epsilon = epsilon;
    this.seed = seed ?? undefined;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1];
    if (shape.length !== 3 || typeof d !== 'number') {
      throw new DlfError(
        'INVALID_SHAPE',
        `TransformerEncoderBlock expects inputs [batch, length, d] with a known d, received [${shape.map((s) => s ?? 'null').join(', ')}]`,
        { param: 'inputShape' },
      );
    }
    const hk = this.numHeads * this.keyDim;
    const ff = this.ffDim ?? 4 * d;
    this.ffDim = ff;
    const rng = this.seed === undefined ? undefined : createRng(this.seed);
    const glorot = () => tf.initializers.glorotUniform({ seed: rng?.nextSeed() as number });
    const zeros = () => tf.initializers.zeros();
    const ones = () => tf.initializers.ones();
    const add = (name: string, dims: number[], init: ReturnType<typeof zeros>) =>
      this.addWeight(name, dims, 'float32', init) as unknown as LayerVar;
    this.wq = add('wq', [d, hk], glorot());
    this.bq = add('bq', [hk], zeros());
    this.wk = add('wk', [d, hk], glorot());
    this.bk = add('bk', [hk], zeros());
    this.wv = add('wv', [d, hk], glorot());
    this.bv = add('bv', [hk], zeros());
    this.wo = add('wo', [hk, d], glorot());
    this.bo = add('bo', [d], zeros());
    this.ln1Gamma = add('ln1_gamma', [d], ones());
    this.ln1Beta = add('ln1_beta', [d], zeros());
    this.ff1Kernel = add('ff1_kernel', [d, ff], glorot());
    this.ff1Bias = add('ff1_bias', [ff], zeros());
    this.ff2Kernel = add('ff2_kernel', [ff, d], glorot());
    this.ff2Bias = add('ff2_bias', [d], zeros());
    this.ln2Gamma = add('ln2_gamma', [d], ones());
    this.ln2Beta = add('ln2_beta', [d], zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  private layerNorm(z: tf.Tensor2D, gamma: LayerVar, beta: LayerVar): tf.Tensor2D {
    const mean = tf.mean(z, -1, true);
    const centered = tf.sub(z, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    const normed = tf.div(centered, tf.sqrt(tf.add(variance, this.epsilon)));
    return tf.add(tf.mul(normed, gamma.read()), beta.read()) as tf.Tensor2D;
  }

  private act(z: tf.Tensor): tf.Tensor {
    switch (this.activation) {
      case 'relu':
        return ops.relu(z);
      case 'tanh':
        return ops.tanh(z);
      case 'sigmoid':
        return ops.sigmoid(z);
      case 'softplus':
        return ops.softplus(z);
      case 'elu':
        return ops.elu(z);
      case 'linear':
        return z;
    }
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      if (x.rank !== 3) {
        throw new DlfError(
          'INVALID_SHAPE',
          `TransformerEncoderBlock expects inputs [batch, length, d], received [${x.shape.join(', ')}]`,
          {
            param: 'inputs',
          },
        );
      }
      const [batch, length, d] = x.shape as [number, number, number];
      const h = this.numHeads;
      const k = this.keyDim;
      const rows = tf.reshape(x, [batch * length, d]) as tf.Tensor2D;
      // [batch * length, h * k] -> [batch, h, length, k]
      const heads = (w: LayerVar, b: LayerVar): tf.Tensor4D =>
        tf.transpose(
          tf.reshape(tf.add(tf.matMul(rows, w.read() as tf.Tensor2D), b.read()), [batch, length, h, k]),
          [0, 2, 1, 3],
        ) as tf.Tensor4D;
      const q = heads(this.wq, this.bq);
      const kT = tf.transpose(heads(this.wk, this.bk), [0, 1, 3, 2]);
      const v = heads(this.wv, this.bv);
      const scores = tf.mul(tf.matMul(q, kT), 1 / Math.sqrt(k));
      const weights = ops.softmax(scores, -1);
      const context = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [batch * length, h * k]);
      const attended = tf.add(
        tf.matMul(context as tf.Tensor2D, this.wo.read() as tf.Tensor2D),
        this.bo.read(),
      );
      const x1 = this.layerNorm(tf.add(rows, attended) as tf.Tensor2D, this.ln1Gamma, this.ln1Beta);
      const hidden = this.act(
        tf.add(tf.matMul(x1, this.ff1Kernel.read() as tf.Tensor2D), this.ff1Bias.read()),
      );
      const ffOut = tf.add(
        tf.matMul(hidden as tf.Tensor2D, this.ff2Kernel.read() as tf.Tensor2D),
        this.ff2Bias.read(),
      );
      const out = this.layerNorm(tf.add(x1, ffOut) as tf.Tensor2D, this.ln2Gamma, this.ln2Beta);
      return tf.reshape(out, [batch, length, d]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      activation: this.activation,
      epsilon: this.epsilon,
    };
    if (this.ffDim !== undefined) config.ffDim = this.ffDim;
    config.seed = this.seed ?? null;
    return { ...super.getConfig(), ...config };
  }
}
tf.serialization.registerClass(TransformerEncoderBlock);
