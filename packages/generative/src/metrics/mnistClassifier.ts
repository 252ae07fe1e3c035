import { DlfError, mlp, ops } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/** The small MNIST classifier shipped as the default feature extractor of MNIST-FID / MNIST-IS. */
export interface MnistClassifier {
  /** Number of features per image (the hidden layer's width): 64. */
  readonly featureSize: number;
  /** Accuracy on the 2,000 test images of the runtime's `loadMnist()` subset, measured at training time. */
  readonly testAccuracy: number;
  /** The 64 ReLU hidden activations `[n, 64]` of images `[n, 28, 28, 1]` or `[n, 784]` in [0, 1]. */
  features(images: tf.Tensor): tf.Tensor2D;
  /** Class logits `[n, 10]`. */
  logits(images: tf.Tensor): tf.Tensor2D;
  /** Class probabilities `[n, 10]` (softmax of the logits). */
  probabilities(images: tf.Tensor): tf.Tensor2D;
  /** Frees the weights. */
  dispose(): void;
}

function decodeBase64(base64: string): Float32Array {
  const binary = atob(base64);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * Loads the package's MNIST feature extractor: the runtime's `mlp` [784, 64, 10] with a ReLU hidden
 * layer, trained on the 8,000 training images of `loadMnist()` (Adam, 20 epochs, seed 0; 93.7% test
 * accuracy; see `scripts/train-mnist-classifier.ts`). Its 64 hidden activations are the features of
 * "MNIST-FID" and its softmax the class probabilities of "MNIST-IS": numbers comparable with each
 * other, never with Inception-based FID/IS. The weights (200 KB) are imported lazily.
 *
 * @returns a {@link MnistClassifier}; call `dispose()` when done.
 * @example
 * ```ts
 * const clf = await loadMnistClassifier();
 * const score = fid(clf.features(realImages), clf.features(fakeImages));
 * clf.dispose();
 * ```
 */
export async function loadMnistClassifier(): Promise<MnistClassifier> {
  const { mnistClassifierWeights } = await import('./mnistClassifierWeights.generated.js');
  const net = mlp({ sizes: [...mnistClassifierWeights.sizes], activation: 'relu' });
  const w = tf.tensor1d(decodeBase64(mnistClassifierWeights.base64), 'float32');
  if (w.size !== net.numParams) {
    w.dispose();
    throw new DlfError(
      'INVALID_DATA',
      `mnist classifier weights have ${w.size} entries, expected ${net.numParams}`,
    );
  }
  const { weights, biases } = net.unflatten(w);
  const [w1, w2] = weights as [tf.Tensor2D, tf.Tensor2D];
  const [b1, b2] = biases as [tf.Tensor1D, tf.Tensor1D];
  let disposed = false;
  const flat = (images: tf.Tensor): tf.Tensor2D => {
    if (disposed)
      throw new DlfError('INVALID_ARGUMENT', 'the MNIST classifier was disposed', { param: 'this' });
    if (
      !(images instanceof tf.Tensor) ||
      images.size === 0 ||
      images.size % 784 !== 0 ||
      images.shape[0] === undefined
    ) {
      throw new DlfError(
        'INVALID_SHAPE',
        `images must be a tensor [n, 28, 28, 1] or [n, 784], received ${images instanceof tf.Tensor ? `shape [${images.shape.join(', ')}]` : typeof images}`,
        { param: 'images' },
      );
    }
    const n = images.shape[0];
    if (images.size !== n * 784) {
      throw new DlfError(
        'INVALID_SHAPE',
        `images must be [n, 28, 28, 1] or [n, 784], received [${images.shape.join(', ')}]`,
        {
          param: 'images',
        },
      );
    }
    return tf.reshape(images.dtype === 'float32' ? images : tf.cast(images, 'float32'), [n, 784]);
  };
  const hidden = (images: tf.Tensor): tf.Tensor2D =>
    tf.relu(tf.add(tf.matMul(flat(images), w1), b1)) as tf.Tensor2D;
  const logits = (images: tf.Tensor): tf.Tensor2D => tf.add(tf.matMul(hidden(images), w2), b2) as tf.Tensor2D;
  return {
    featureSize: 64,
    testAccuracy: mnistClassifierWeights.testAccuracy,
    features: (images) => tf.tidy(() => hidden(images)),
    logits: (images) => tf.tidy(() => logits(images)),
    probabilities: (images) => tf.tidy(() => ops.softmax(logits(images))),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      tf.dispose([w, w1, w2, b1, b2]);
    },
  };
}
