import type { SeedLike } from '@dlf/runtime';
import { assertOneOf, throwIfAborted, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';
import type { AttributionProgress, AttributionTarget } from './attributionCore.js';
import { checkInput, prepareAttribution } from './attributionCore.js';
import { saliency } from './saliency.js';
import { spearman } from './spearman.js';

/** An attribution method under test: returns a map shaped like `x` for the given classes. */
export type Explainer = (model: tf.LayersModel, x: tf.Tensor, target: Int32Array) => Promise<tf.Tensor>;

export interface ModelRandomizationOptions {
  /** Attribution method. Default: saliency with `abs: true`. */
  explain?: Explainer;
  /** Class explained; fixed for all stages. Default: the original model's prediction. */
  target?: AttributionTarget;
  /**
   * `'cascading'` (default): re-initialise layers cumulatively from the top (output) layer down;
   * `'independent'`: re-initialise one layer at a time, the others kept.
   */
  mode?: 'cascading' | 'independent';
  /** Seed or generator of the re-initialisation. Default: 0. */
  seed?: SeedLike;
  /** Called after each stage. */
  onProgress?: (progress: AttributionProgress) => void;
  /** Aborts between stages with `DlfError('ABORTED')` (the weights are restored). */
  signal?: AbortSignal;
}

export interface RandomizationStage {
  /** Name of the layer re-initialised at this stage (in cascading mode, it and every layer above). */
  layer: string;
  /** Spearman rank correlation of each example's map with its original map. */
  perExample: Float64Array;
  /** Mean over examples of the signed and absolute-value rank correlations. */
  rankCorrelation: number;
  rankCorrelationAbs: number;
}

export interface ModelRandomizationResult {
  /** One stage per layer with weights, top layer first. */
  stages: RandomizationStage[];
}

/**
 * Model-parameter randomisation test (Adebayo et al. 2018): re-initialise the weights of the
 * model's layers, from the top layer down (cascading) or one at a time, recompute the explanation
 * and report its Spearman rank correlation with the original map (signed, and of absolute values).
 * A method that depends on the model should lose the correlation. Each weight tensor is redrawn from
 * N(0, s^2), s its original standard deviation (tensors with s = 0, such as fresh biases, are kept);
 * the original weights are restored before returning, also on error.
 *
 * @param model - a LayersModel (its weights are changed during the call and restored).
 * @param x - inputs `[n, ...shape]`.
 * @returns `{ stages }`, one per layer with weights, top first.
 * @example
 * ```ts
 * const { stages } = await modelRandomizationTest(model, x, { seed: 0 });
 * for (const s of stages) console.log(s.layer, s.rankCorrelationAbs);
 * ```
 */
export async function modelRandomizationTest(
  model: tf.LayersModel,
  x: tf.Tensor,
  options: ModelRandomizationOptions = {},
): Promise<ModelRandomizationResult> {
  if (!(model instanceof tf.LayersModel)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `model must be a tf.LayersModel, received ${describeValue(model)}`,
      {
        param: 'model',
      },
    );
  }
  const { mode = 'cascading', onProgress, signal } = options;
  assertOneOf('mode', mode, ['cascading', 'independent'] as const);
  checkInput(x);
  const explain: Explainer = options.explain ?? ((m, input, target) => saliency(m, input, { target }));
  const { targets, n, d } = prepareAttribution(model, x, options.target);
  const rng = toRng(options.seed);
  const layers = model.layers.filter((l) => l.getWeights().length > 0).reverse();
  const originals = layers.map((l) => l.getWeights().map((w) => tf.clone(w)));
  const mapOf = async (): Promise<Float32Array> => {
    const map = await explain(model, x, targets);
    try {
      if (map.size !== n * d) {
        throw new DlfError(
          'INVALID_SHAPE',
          `explain must return a map shaped like x [${x.shape}], received [${map.shape}]`,
          {
            param: 'explain',
          },
        );
      }
      return map.dataSync() as Float32Array;
    } finally {
      map.dispose();
    }
  };
  const randomize = (li: number) => {
    const fresh = (originals[li] as tf.Tensor[]).map((w) => {
      const values = w.dataSync();
      let mean = 0;
      for (const v of values) mean += v;
      mean /= values.length;
      let variance = 0;
      for (const v of values) variance += (v - mean) ** 2;
      const sd = Math.sqrt(variance / values.length);
      return sd > 0 ? tf.tensor(rng.normalArray(values.length, 0, sd), w.shape) : tf.clone(w);
    });
    (layers[li] as tf.layers.Layer).setWeights(fresh);
    for (const t of fresh) t.dispose();
  };
  try {
    const original = await mapOf();
    const stages: RandomizationStage[] = [];
    for (let li = 0; li < layers.length; li++) {
      throwIfAborted(signal, 'modelRandomizationTest');
      if (mode === 'independent')
        for (let k = 0; k < li; k++) (layers[k] as tf.layers.Layer).setWeights(originals[k] as tf.Tensor[]);
      randomize(li);
      const map = await mapOf();
      const perExample = new Float64Array(n);
      let signed = 0;
      let absolute = 0;
      for (let i = 0; i < n; i++) {
        const a = original.subarray(i * d, (i + 1) * d);
        const b = map.subarray(i * d, (i + 1) * d);
        perExample[i] = spearman(a, b);
        signed += perExample[i] as number;
        absolute += spearman(a.map(Math.abs), b.map(Math.abs));
      }
      stages.push({
        layer: (layers[li] as tf.layers.Layer).name,
        perExample,
        rankCorrelation: signed / n,
        rankCorrelationAbs: absolute / n,
      });
      onProgress?.({ done: li + 1, total: layers.length });
    }
    return { stages };
  } finally {
    layers.forEach((l, li) => {
      l.setWeights(originals[li] as tf.Tensor[]);
    });
    for (const ws of originals) for (const w of ws) w.dispose();
  }
}
