import type * as tf from '@tensorflow/tfjs';

/**
 * One invertible layer of a normalizing flow on flat vectors `[n, dim]` (images are flattened in
 * HWC order). `forward` maps data towards the latent space and returns the per-example
 * `log |det d forward / d x|`; `inverse` undoes it. Layers own `tf.Variable`s (`variables`), which
 * `flow(...).fit` trains.
 */
export interface FlowLayer {
  readonly name: string;
  /** Length of the vectors the layer acts on. */
  readonly dim: number;
  /** The trainable parameters. */
  readonly variables: tf.Variable[];
  /** `{ y, logDet }`: `y = f(x)` `[n, dim]` and `log|det J_f(x)|` `[n]`. */
  forward(x: tf.Tensor2D): { y: tf.Tensor2D; logDet: tf.Tensor1D };
  /** `x = f^-1(y)`. */
  inverse(y: tf.Tensor2D): tf.Tensor2D;
  /** Data-dependent initialisation (actnorm), given a batch of this layer's inputs. */
  initialize?(x: tf.Tensor2D): void;
  dispose(): void;
}
