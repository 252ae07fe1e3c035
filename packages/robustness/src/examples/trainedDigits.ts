/**
 * Small classifiers on the runtime's shipped digit sets, trained once per page and shared by the
 * examples (internal). tfjs and the runtime arrive as arguments: nothing heavy is imported here.
 */
import type * as Runtime from '@dlf/runtime';
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof TF;
type Rt = typeof Runtime;

/** Which shipped set: the 28x28 MNIST subset (8,000 / 2,000) or the 8x8 digits (1,437 / 360). */
export type DigitSet = 'mnist' | 'digits';

/** A trained model and the data it was trained on. */
export interface TrainedDigits {
  model: TF.LayersModel;
  train: Runtime.LabeledData;
  test: Runtime.LabeledData;
  /** Side of the square images (28 or 8). */
  side: number;
}

const cache = new Map<string, Promise<TrainedDigits>>();

/** The train and test parts of a shipped set (the runtime caches the decoded bytes). */
export async function loadSet(
  runtime: Rt,
  set: DigitSet,
): Promise<{ train: Runtime.LabeledData; test: Runtime.LabeledData }> {
  return set === 'mnist' ? runtime.loadMnist() : runtime.loadDigits();
}

/**
 * The model trained by `train` under `key` on this backend: trained on first use, then reused by
 * every later run and every other example of the page. A run that was stopped while training
 * leaves nothing behind, so the next run trains again.
 */
export async function trainedDigits(
  tf: Tf,
  key: string,
  train: () => Promise<TrainedDigits>,
  signal: AbortSignal,
): Promise<TrainedDigits> {
  const fullKey = `${tf.getBackend()}:${key}`;
  for (;;) {
    let entry = cache.get(fullKey);
    if (!entry) {
      entry = train();
      cache.set(fullKey, entry);
      entry.catch(() => {
        if (cache.get(fullKey) === entry) cache.delete(fullKey);
      });
    }
    try {
      return await entry;
    } catch (error) {
      // Another run's training was stopped: train again unless this run is stopped too.
      if (signal.aborted || cache.has(fullKey)) throw error;
    }
  }
}

/**
 * A `createMlp` network (one hidden ReLU layer) trained with `fit` (Adam, batches of 128) on a
 * shipped set, with progress reported through `onBatch`.
 */
export async function trainMlp(
  runtime: Rt,
  options: {
    set: DigitSet;
    /** Training examples used: the first ones of the set. */
    trainSize: number;
    hidden: number;
    epochs: number;
    seed: number;
    signal: AbortSignal;
    onBatch: (fraction: number) => Promise<void>;
  },
): Promise<TrainedDigits> {
  const { train, test } = await loadSet(runtime, options.set);
  const side = train.shape[0] as number;
  const model = runtime.createMlp({
    inputShape: train.shape,
    hiddenSizes: [options.hidden],
    outputSize: 10,
    seed: options.seed,
  });
  const m = Math.min(options.trainSize, train.n);
  const d = train.x.length / train.n;
  const data = runtime.toTensors({
    x: train.x.subarray(0, m * d),
    y: train.y.subarray(0, m),
    n: m,
    shape: train.shape,
  });
  try {
    const history = await runtime.fit(model, data, {
      epochs: options.epochs,
      batchSize: 128,
      learningRate: 0.005,
      seed: options.seed,
      signal: options.signal,
      onProgress: async (p) => {
        if (p.batch % 10 === 0 || p.batch + 1 === p.batches) {
          await options.onBatch((p.epoch + (p.batch + 1) / p.batches) / p.epochs);
        }
      },
    });
    if (history.stopped) throw new runtime.DlfError('ABORTED', 'training was stopped');
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    data.x.dispose();
    data.y.dispose();
  }
  return { model, train, test, side };
}

/** Softmax probabilities of the model on a batch, as one Float32Array per example. */
export async function probabilities(tf: Tf, model: TF.LayersModel, x: TF.Tensor): Promise<Float32Array[]> {
  const p = tf.tidy(() => tf.softmax(model.predict(x) as TF.Tensor));
  const data = (await p.data()) as Float32Array;
  const n = p.shape[0] as number;
  p.dispose();
  return Array.from({ length: n }, (_, i) => data.slice(i * 10, (i + 1) * 10));
}

/** "a 4", "an 8": a digit with its article. */
export function aDigit(digit: number): string {
  return `${digit === 8 ? 'an' : 'a'} ${digit}`;
}

/** Index of the largest entry. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** The runtime's option checks (they throw `DlfError('INVALID_ARGUMENT')` naming the option). */
export type OptionChecks = Pick<Rt, 'assertInRange' | 'assertInteger' | 'assertOneOf' | 'assertPositive'>;
