/**
 * The small convolutional MNIST classifier explained by the attribution examples (internal): built
 * with the runtime's `createCnn`, trained with `fit` and shared through `trainedDigits`, so examples
 * on one page train it once. tfjs and the runtime arrive as arguments: nothing heavy is imported here.
 */
import type * as Runtime from '@dlf/runtime';
import type * as TF from '@tensorflow/tfjs';
import type { TrainedDigits } from './trainedDigits.js';
import { trainedDigits } from './trainedDigits.js';

type Tf = typeof TF;
type Rt = typeof Runtime;

/** What the attribution examples train: the first `trainSize` training images, one pass. */
export interface DigitCnnOptions {
  /** Training images used (the first ones of the 8,000). */
  trainSize: number;
  /** Seed of the weights and the batch order. */
  seed: number;
  signal: AbortSignal;
  /** Called every few batches with the fraction of training done; may await `tick()`. */
  onBatch: (fraction: number) => Promise<void>;
}

/** A description of the network for captions. */
export const DIGIT_CNN_LABEL = 'conv 8 - avg pool - conv 16 - avg pool - dense 32 - dense 10 (ReLU)';

/**
 * `createCnn({ filters: [8, 16], denseUnits: 32, downsample: 'avg' })` (ReLU, logits out) trained
 * by Adam (step 0.003, batches of 64) for one pass over the first `trainSize` MNIST training images.
 * Cached per backend, size and seed.
 */
export function digitCnn(tf: Tf, runtime: Rt, options: DigitCnnOptions): Promise<TrainedDigits> {
  const { trainSize, seed, signal } = options;
  return trainedDigits(
    tf,
    `cnn8-16avg-mnist-n${trainSize}-s${seed}`,
    async () => {
      const { train: all, test } = await runtime.loadMnist();
      const d = 28 * 28;
      const train = {
        ...all,
        n: trainSize,
        x: all.x.slice(0, trainSize * d),
        y: all.y.slice(0, trainSize),
      };
      const model = runtime.createCnn({
        inputShape: [28, 28, 1],
        numClasses: 10,
        filters: [8, 16],
        denseUnits: 32,
        downsample: 'avg',
        seed,
      });
      const data = runtime.toTensors(train);
      try {
        const history = await runtime.fit(model, data, {
          epochs: 1,
          batchSize: 64,
          learningRate: 0.003,
          seed,
          signal,
          onProgress: async (p) => {
            if (p.batch % 8 === 0 || p.batch + 1 === p.batches)
              await options.onBatch((p.batch + 1) / p.batches);
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
      return { model, train, test, side: 28 };
    },
    signal,
  );
}
