import type * as tf from '@tensorflow/tfjs';
import { extractFeatures } from './extractFeatures.js';
import { fid } from './fid.js';
import { type InceptionScoreResult, inceptionScore } from './inceptionScore.js';
import { loadMnistClassifier } from './mnistClassifier.js';

/**
 * MNIST-FID: {@link fid} between the features that the package's MNIST classifier
 * ({@link loadMnistClassifier}) gives two image sets. Comparable only with other MNIST-FIDs from
 * this package at similar sample sizes; not with Inception FID.
 *
 * @param realImages - `[n, 28, 28, 1]` or `[n, 784]` in [0, 1], n >= 2 (not disposed).
 * @param fakeImages - `[m, ...]` likewise.
 * @returns the FID (squared feature units, >= 0).
 * @example
 * ```ts
 * const score = await mnistFid(testImages, vae.sample(2000, 0));
 * ```
 */
export async function mnistFid(realImages: tf.Tensor, fakeImages: tf.Tensor): Promise<number> {
  const clf = await loadMnistClassifier();
  try {
    const a = await extractFeatures(clf.features, realImages);
    const b = await extractFeatures(clf.features, fakeImages);
    try {
      return fid(a, b);
    } finally {
      a.dispose();
      b.dispose();
    }
  } finally {
    clf.dispose();
  }
}

/**
 * MNIST-IS: {@link inceptionScore} of the package's MNIST classifier's class probabilities on
 * `images` (between 1 and 10).
 *
 * @param images - `[n, 28, 28, 1]` or `[n, 784]` in [0, 1] (not disposed).
 * @param options - `splits` (default 1).
 * @example
 * ```ts
 * const { mean } = await mnistInceptionScore(generatedImages, { splits: 10 });
 * ```
 */
export async function mnistInceptionScore(
  images: tf.Tensor,
  options: { splits?: number } = {},
): Promise<InceptionScoreResult> {
  const clf = await loadMnistClassifier();
  try {
    const probs = await extractFeatures(clf.probabilities, images);
    try {
      return inceptionScore(probs, options);
    } finally {
      probs.dispose();
    }
  } finally {
    clf.dispose();
  }
}
