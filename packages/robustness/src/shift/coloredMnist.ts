import type { LabeledData, SeedLike } from '@dlf/runtime';
import { assertInRange, assertInteger, assertLabeledData, loadMnist, toRng } from '@dlf/runtime';
import { DlfError } from '../errors.js';

/** One colored-MNIST environment: 2-channel images, binary labels. */
export interface ColoredEnvironment extends LabeledData {
  y: Int32Array;
  /** Probability that the color disagrees with the (noisy) label in this environment. */
  colorFlip: number;
  /** The original digit of each image. */
  digits: Int32Array;
  /** The channel (0 or 1) that holds each image. */
  colors: Int32Array;
}

export interface ColoredMnistOptions {
  /** Color-flip probability of each environment. Default: [0.1, 0.2, 0.9] (two training, one test; Arjovsky et al. 2019). */
  environments?: readonly number[];
  /** Probability of flipping the binary label. Default: 0.25. */
  labelNoise?: number;
  /** Images per environment (disjoint). Default: as many as the data allows. */
  samplesPerEnvironment?: number;
  /** Keep every other row and column (28x28 -> 14x14), as the original construction. Default: true. */
  downsample?: boolean;
  /** Source images `[h, w, 1]` with digit labels 0-9. Default: the training part of the runtime's `loadMnist()`. */
  data?: LabeledData;
  /** Seed or generator (assignment to environments, label noise, colors). Default: 0. */
  seed?: SeedLike;
}

/**
 * Colored MNIST (Arjovsky et al. 2019): the label is y = [digit >= 5], flipped with probability
 * `labelNoise` (so the shape predicts y with 75% accuracy); the color is y flipped with the
 * environment's probability e, and the grey image is written into channel `color` of a 2-channel
 * image (the other channel is 0). Color predicts y with accuracy 1 - e: strongly in the training
 * environments, inversely in the test one.
 *
 * @returns `{ environments }`, each `{ x, y, n, shape: [h, w, 2], numClasses: 2, colorFlip, digits, colors }`.
 * @example
 * ```ts
 * const { environments: [e1, e2, test] } = await coloredMnist({ seed: 0 });
 * ```
 */
export async function coloredMnist(
  options: ColoredMnistOptions = {},
): Promise<{ environments: ColoredEnvironment[] }> {
  const { environments = [0.1, 0.2, 0.9], labelNoise = 0.25, downsample = true } = options;
  if (!Array.isArray(environments) || environments.length === 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      'environments must be a non-empty array of color-flip probabilities',
      {
        param: 'environments',
      },
    );
  }
  environments.forEach((e, i) => {
    assertInRange(`environments[${i}]`, e, 0, 1);
  });
  assertInRange('labelNoise', labelNoise, 0, 1);
  const data = options.data ?? (await loadMnist()).train;
  assertLabeledData('data', data);
  if (data.shape.length !== 3 || data.shape[2] !== 1) {
    throw new DlfError(
      'INVALID_SHAPE',
      `data must hold grey images [h, w, 1], received example shape [${data.shape}]`,
      {
        param: 'data',
      },
    );
  }
  const [h, w] = data.shape as [number, number, number];
  const oh = downsample ? Math.ceil(h / 2) : h;
  const ow = downsample ? Math.ceil(w / 2) : w;
  const step = downsample ? 2 : 1;
  const perEnv = options.samplesPerEnvironment ?? Math.floor(data.n / environments.length);
  assertInteger('samplesPerEnvironment', perEnv, { min: 1, max: Math.floor(data.n / environments.length) });
  const rng = toRng(options.seed);
  const order = rng.permutation(data.n);
  const d = h * w;
  const out = environments.map((colorFlip, e) => {
    const x = new Float32Array(perEnv * oh * ow * 2);
    const y = new Int32Array(perEnv);
    const digits = new Int32Array(perEnv);
    const colors = new Int32Array(perEnv);
    for (let k = 0; k < perEnv; k++) {
      const src = order[e * perEnv + k] as number;
      const digit = data.y[src] as number;
      const label = (digit >= 5 ? 1 : 0) ^ (rng.random() < labelNoise ? 1 : 0);
      const color = label ^ (rng.random() < colorFlip ? 1 : 0);
      digits[k] = digit;
      y[k] = label;
      colors[k] = color;
      for (let r = 0; r < oh; r++) {
        for (let c = 0; c < ow; c++) {
          x[((k * oh + r) * ow + c) * 2 + color] = data.x[src * d + r * step * w + c * step] as number;
        }
      }
    }
    return { x, y, n: perEnv, shape: [oh, ow, 2], numClasses: 2, colorFlip, digits, colors };
  });
  return { environments: out };
}
