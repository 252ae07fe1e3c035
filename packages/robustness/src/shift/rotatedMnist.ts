import type { LabeledData, SeedLike } from '@dlf/runtime';
import { assertFiniteNumber, assertInteger, assertLabeledData, loadMnist, toRng } from '@dlf/runtime';
import { DlfError } from '../errors.js';
import { rotateImages } from './rotateImages.js';

/** One environment of a shifted dataset. */
export interface RotatedEnvironment extends LabeledData {
  /** Rotation of every image in degrees (counter-clockwise). */
  angle: number;
}

export interface RotatedMnistOptions {
  /** One environment per angle, in degrees. Default: [0, 15, 30, 45, 60, 75] (Ghifary et al. 2015). */
  angles?: readonly number[];
  /** Images per environment (disjoint across environments). Default: as many as the data allows, at most 1000. */
  samplesPerEnvironment?: number;
  /** Source images `[h, w, c]` with class labels. Default: the training part of the runtime's `loadMnist()`. */
  data?: LabeledData;
  /** Seed or generator of the shuffle that assigns images to environments. Default: 0. */
  seed?: SeedLike;
}

/**
 * Rotated MNIST (Ghifary et al. 2015, as in DomainBed): disjoint random subsets of the images, one
 * per angle, each rotated by its angle (bilinear, about the centre). Use the environments for domain
 * generalisation (train on some angles, test on a held-out one).
 *
 * @returns `{ environments }`, each `{ x, y, n, shape, numClasses, angle }`.
 * @example
 * ```ts
 * const { environments } = await rotatedMnist({ angles: [0, 30, 60], samplesPerEnvironment: 500, seed: 0 });
 * const heldOut = environments[2]; // 60 degrees
 * ```
 */
export async function rotatedMnist(
  options: RotatedMnistOptions = {},
): Promise<{ environments: RotatedEnvironment[] }> {
  const { angles = [0, 15, 30, 45, 60, 75] } = options;
  if (!Array.isArray(angles) || angles.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'angles must be a non-empty array of degrees', {
      param: 'angles',
    });
  }
  angles.forEach((a, i) => {
    assertFiniteNumber(`angles[${i}]`, a);
  });
  const data = options.data ?? (await loadMnist()).train;
  assertLabeledData('data', data);
  if (data.shape.length !== 3) {
    throw new DlfError(
      'INVALID_SHAPE',
      `data must hold images [h, w, c], received example shape [${data.shape}]`,
      {
        param: 'data',
      },
    );
  }
  const perEnv = options.samplesPerEnvironment ?? Math.min(1000, Math.floor(data.n / angles.length));
  assertInteger('samplesPerEnvironment', perEnv, { min: 1, max: Math.floor(data.n / angles.length) });
  const d = data.shape.reduce((a, b) => a * b, 1);
  const order = toRng(options.seed).permutation(data.n);
  const environments = angles.map((angle, e) => {
    const x = new Float32Array(perEnv * d);
    const y = new Int32Array(perEnv);
    for (let k = 0; k < perEnv; k++) {
      const src = order[e * perEnv + k] as number;
      x.set(data.x.subarray(src * d, (src + 1) * d), k * d);
      y[k] = data.y[src] as number;
    }
    const env: RotatedEnvironment = {
      x: rotateImages(x, data.shape, angle),
      y,
      n: perEnv,
      shape: [...data.shape],
      angle,
    };
    if (data.numClasses !== undefined) env.numClasses = data.numClasses;
    return env;
  });
  return { environments };
}
