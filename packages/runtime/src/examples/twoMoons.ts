import type * as TF from '@tensorflow/tfjs';
import { DlfError } from '../DlfError.js';
import { twoMoons as makeTwoMoons } from '../data/twoMoons.js';
import { assertInteger, assertPositive } from '../validate.js';
import { defineExample } from './defineExample.js';
import { createPlaneView } from './planeView.js';

/** Options of the {@link twoMoons} example. */
export interface TwoMoonsExampleOptions {
  /** Number of training points. Default: 200. */
  samples: number;
  /** Standard deviation of the noise on each coordinate. Default: 0.15. */
  noise: number;
  /** Widths of the hidden tanh layers. Default: [16, 16]. */
  hidden: number[];
  /** Full-batch Adam steps. Default: 150. */
  epochs: number;
  /** Adam step size. Default: 0.03. */
  learningRate: number;
  /** Seed of the data and of the initial weights. Default: 0. */
  seed: number;
  /** Redraw the decision boundary every this many epochs. Default: 10. */
  drawEvery: number;
}

const BOUNDS = [-1.6, 2.6, -1.15, 1.65] as const;

function points(options: TwoMoonsExampleOptions) {
  return makeTwoMoons({ n: options.samples, noise: options.noise, seed: options.seed });
}

/**
 * Live example: a small tanh MLP (`createMlp`) learns the two-moons set by full-batch Adam on the
 * logistic loss (`fit` with `'binaryCrossEntropy'`); the canvas shows its probability field and
 * decision boundary as it trains. Data and initial weights come from `seed`, so a seed gives the
 * same run on every backend up to float rounding.
 *
 * @example
 * ```ts
 * import { twoMoons } from '@dlf/runtime/examples';
 * const handle = twoMoons.mount(document.getElementById('demo')!, { epochs: 500, start: 'click' });
 * // later: handle.destroy();
 * ```
 */
export const twoMoons = defineExample<TwoMoonsExampleOptions>({
  package: 'runtime',
  name: 'twoMoons',
  title: 'An MLP learns two moons',
  description:
    'A 2-16-16-1 tanh network trained by full-batch Adam on the logistic loss; the shading is its predicted class and the dark line its decision boundary.',
  defaults: {
    samples: 200,
    noise: 0.15,
    hidden: [16, 16],
    epochs: 150,
    learningRate: 0.03,
    seed: 0,
    drawEvery: 10,
  },
  validate(o) {
    assertInteger('samples', o.samples, { min: 2 });
    assertPositive('learningRate', o.learningRate);
    assertInteger('epochs', o.epochs, { min: 1 });
    assertInteger('drawEvery', o.drawEvery, { min: 1 });
    if (!Array.isArray(o.hidden) || o.hidden.length === 0) {
      throw new DlfError('INVALID_ARGUMENT', `hidden must be a non-empty array of layer widths`, {
        param: 'hidden',
      });
    }
    for (const [i, h] of o.hidden.entries()) assertInteger(`hidden[${i}]`, h, { min: 1 });
  },
  setup(view, options) {
    const data = points(options);
    createPlaneView(view, { x: data.x, y: data.y, bounds: BOUNDS });
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const { createMlp, fit } = runtime;
    const data = points(options);
    view.replaceChildren();
    const plane = createPlaneView(view, { x: data.x, y: data.y, bounds: BOUNDS });
    const n = data.n;
    const x = tf.tensor2d(data.x, [n, 2]);
    const y = tf.tensor2d(Float32Array.from(data.y), [n, 1]);
    const grid = tf.tensor2d(plane.grid, [plane.gridWidth * plane.gridHeight, 2]);
    const model = createMlp({
      inputSize: 2,
      hiddenSizes: options.hidden,
      outputSize: 1,
      activation: 'tanh',
      seed: options.seed,
    });
    const drawBoundary = async () => {
      const probs = tf.tidy(() => tf.sigmoid(model.predict(grid) as TF.Tensor));
      plane.draw(await probs.data());
      probs.dispose();
    };
    let loss = Number.NaN;
    let accuracy = 0;
    try {
      await drawBoundary();
      const history = await fit(
        model,
        { x, y },
        {
          loss: 'binaryCrossEntropy',
          optimizer: 'adam',
          learningRate: options.learningRate,
          epochs: options.epochs,
          batchSize: n,
          seed: options.seed,
          signal,
          onEpochEnd: async (epoch, logs) => {
            loss = logs.loss;
            accuracy = logs.accuracy ?? accuracy;
            const done = epoch + 1;
            if (done % options.drawEvery !== 0 && done !== options.epochs) return;
            await drawBoundary();
            progress(
              done / options.epochs,
              `epoch ${done}/${options.epochs} · loss ${loss.toFixed(3)} · train accuracy ${(100 * accuracy).toFixed(1)}%`,
            );
            try {
              await tick();
            } catch {
              // Stopped: fit sees the aborted signal and returns after this epoch.
            }
          },
        },
      );
      if (history.stopped) throw new DlfError('ABORTED', 'runtime/twoMoons was stopped');
    } finally {
      model.dispose();
      for (const t of [x, y, grid]) t.dispose();
    }
    return `train accuracy ${(100 * accuracy).toFixed(1)}% after ${options.epochs} epochs (logistic loss ${loss.toFixed(3)})`;
  },
});
