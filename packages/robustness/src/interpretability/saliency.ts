import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../classifier.js';
import type { AttributionOptions } from './attributionCore.js';
import { prepareAttribution, targetGradient } from './attributionCore.js';

export interface SaliencyOptions extends AttributionOptions {
  /** Return |grad| (captum's `Saliency` default). Default: true. */
  abs?: boolean;
  /** Return grad * x (gradient x input, captum's `InputXGradient`); `abs` then applies to the product. Default: false. */
  multiplyByInputs?: boolean;
}

/**
 * Saliency map (Simonyan et al. 2014): the gradient of the target logit with respect to the input,
 * d z_t(x) / d x, optionally as |grad| (`abs`, default) or gradient x input x * d z_t / d x
 * (`multiplyByInputs`). For a linear model z = x W + b this is W[:, t] (and x * W[:, t]).
 *
 * @param model - a LayersModel or a function x -> logits (softmax outputs are read as log p).
 * @param x - inputs `[n, ...shape]`.
 * @returns attributions shaped like `x` (yours to dispose).
 * @example
 * ```ts
 * const map = await saliency(model, x, { target: 3, abs: false });
 * const gxi = await saliency(model, x, { multiplyByInputs: true, abs: false });
 * ```
 */
export async function saliency(
  model: Classifier,
  x: tf.Tensor,
  options: SaliencyOptions = {},
): Promise<tf.Tensor> {
  const { abs = true, multiplyByInputs = false } = options;
  const p = prepareAttribution(model, x, options.target);
  return tf.tidy(() => {
    let g = targetGradient(p.f, x, p.targets);
    if (multiplyByInputs) g = tf.mul(g, x);
    return abs ? tf.abs(g) : g;
  });
}
