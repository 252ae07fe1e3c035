import { type SeedLike, toRng } from '../createRng.js';
import { assertInRange } from '../validate.js';
import { assertLabeledData, type LabeledData } from './labeledData.js';

/** Options of {@link randomLabels}. */
export interface RandomLabelsOptions {
  /** Probability that each label is redrawn, in [0, 1]. Default: 1 (all labels random). */
  fraction?: number;
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/** What {@link randomLabels} returns: the corrupted copy and which labels were redrawn. */
export interface RandomLabeled extends LabeledData {
  /** 1 where the label was redrawn (it may equal the original by chance), 0 where it was kept. */
  replaced: Uint8Array;
}

/**
 * A copy of a dataset in which each label, independently with probability `fraction`, is replaced
 * by a uniformly random one: the randomization test of Zhang et al. (2017), "Understanding deep
 * learning requires rethinking generalization".
 *
 * Random labels are uniform over `0..numClasses-1` when `data.numClasses` is set, otherwise over the
 * distinct label values present (e.g. {-1, +1}); for real targets (Float32Array `y`) a replaced label
 * is the target of a uniformly chosen example. A redrawn label equals the old one with probability
 * `1/K`, so about `fraction * (1 - 1/K)` of the labels change. `x` is copied, never shared; fields other than those of
 * `LabeledData` (e.g. a generator's `weights`) are not carried over.
 *
 * @returns `{ x, y, n, shape, numClasses?, replaced }`: `y` of the same type as `data.y`, `replaced` 1 where redrawn.
 * @example
 * ```ts
 * const { train } = await loadMnist();
 * const noisy = randomLabels(train, { fraction: 0.5, seed: 0 });
 * console.log(noisy.replaced.reduce((a, b) => a + b, 0)); // about 4000 of 8000
 * ```
 */
export function randomLabels(data: LabeledData, options: RandomLabelsOptions = {}): RandomLabeled {
  const { fraction = 1, seed } = options;
  assertLabeledData('data', data);
  assertInRange('fraction', fraction, 0, 1);
  const rng = toRng(seed);
  const { n } = data;
  const replaced = new Uint8Array(n);
  let y: Int32Array | Float32Array;
  if (data.y instanceof Float32Array) {
    const source = data.y;
    const out = Float32Array.from(source);
    for (let i = 0; i < n; i++) {
      if (rng.random() < fraction) {
        replaced[i] = 1;
        out[i] = source[rng.int(0, n)] as number;
      }
    }
    y = out;
  } else {
    const values =
      data.numClasses !== undefined
        ? Array.from({ length: data.numClasses }, (_, c) => c)
        : [...new Set(data.y)].sort((a, b) => a - b);
    const out = Int32Array.from(data.y);
    for (let i = 0; i < n; i++) {
      if (rng.random() < fraction) {
        replaced[i] = 1;
        out[i] = values[rng.int(0, values.length)] as number;
      }
    }
    y = out;
  }
  const copy: RandomLabeled = { x: Float32Array.from(data.x), y, n, shape: [...data.shape], replaced };
  if (data.numClasses !== undefined) copy.numClasses = data.numClasses;
  return copy;
}
