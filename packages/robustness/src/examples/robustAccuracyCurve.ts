import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import type { Series } from './digitCanvas.js';
import { el, lineChart, robustnessCss } from './digitCanvas.js';
import type { OptionChecks } from './trainedDigits.js';

/** Options of the {@link robustAccuracyCurve} example. */
export interface RobustAccuracyCurveExampleOptions {
  /** L-infinity radius of the adversarially trained model's inner PGD (pixels in [0, 1]). Default: 0.1. */
  trainEpsilon: number;
  /** Inner PGD steps of adversarial training. Default: 3. */
  trainSteps: number;
  /** Passes over the 1,437 training digits (batches of 128) of the standard network. Default: 3. */
  epochs: number;
  /**
   * Passes of PGD adversarial training that turn a copy of the standard network into the robust one.
   * Default: 2.
   */
  adversarialEpochs: number;
  /** Largest radius of the evaluation sweep (0 and 4 equally spaced radii up to it). Default: 0.2. */
  maxEpsilon: number;
  /** PGD steps of the evaluation attack. Default: 5. */
  attackSteps: number;
  /** Hidden units of the 64-h-10 networks. Default: 64. */
  hidden: number;
  /** Seed of the weights, the batch order and the random starts. Default: 0. */
  seed: number;
}

const STANDARD = '#1f77b4';
const ROBUST = '#d62728';

/**
 * Live example: a network trained normally on the runtime's 8x8 digits and a copy of it fine-tuned
 * by Madry et al.'s PGD adversarial training (`adversarialTraining`, the same function with epsilon
 * 0 for the standard one); then `epsilonSweep` attacks both with PGD on the 360 test digits and
 * draws robust accuracy against the L-infinity radius.
 *
 * @example
 * ```ts
 * import { robustAccuracyCurve } from '@dlf/robustness/examples';
 * robustAccuracyCurve.mount(document.getElementById('curve')!, { trainEpsilon: 0.15, epochs: 20 });
 * ```
 */
export const robustAccuracyCurve = defineExample<RobustAccuracyCurveExampleOptions>({
  package: 'robustness',
  name: 'robustAccuracyCurve',
  title: 'Robust accuracy against epsilon: standard vs adversarial training',
  description:
    'A 64-64-10 network trained on clean 8x8 digits, and a copy of it fine-tuned on PGD adversarial digits; PGD then measures the accuracy of both as the L-infinity radius grows.',
  defaults: {
    trainEpsilon: 0.1,
    trainSteps: 3,
    epochs: 3,
    adversarialEpochs: 2,
    maxEpsilon: 0.2,
    attackSteps: 5,
    hidden: 64,
    seed: 0,
  },
  css: robustnessCss,
  setup(view) {
    view.innerHTML =
      '<p>Trains two small networks on the 8x8 digits (one adversarially) when started, then attacks both.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const check: OptionChecks = runtime;
    check.assertInRange('trainEpsilon', options.trainEpsilon, 0, 1);
    check.assertInteger('trainSteps', options.trainSteps, { min: 1 });
    check.assertInteger('epochs', options.epochs, { min: 1 });
    check.assertInteger('adversarialEpochs', options.adversarialEpochs, { min: 1 });
    check.assertInRange('maxEpsilon', options.maxEpsilon, 0, 1, { minInclusive: false });
    check.assertInteger('attackSteps', options.attackSteps, { min: 1 });
    check.assertInteger('hidden', options.hidden, { min: 1 });
    check.assertInteger('seed', options.seed);
    const [{ adversarialTraining }, { epsilonSweep }, { pgd }] = await Promise.all([
      import('../adversarialTraining.js'),
      import('../epsilonSweep.js'),
      import('../pgd.js'),
    ]);

    progress(0, 'loading the 8x8 digits…');
    const { train, test } = await runtime.loadDigits();
    const historyBox = el('div', 'rb-panel');
    const sweepBox = el('div', 'rb-panel');
    const note = el('p', 'rb-caption rb-muted');
    const row = el('div', 'rb-row');
    row.append(historyBox, sweepBox);
    view.replaceChildren(row, note);

    const eps = options.trainEpsilon;
    const kinds = [
      { name: 'standard', epsilon: 0, colour: STANDARD },
      { name: `adversarial (eps ${eps})`, epsilon: eps, colour: ROBUST },
    ];
    const curves: Series[] = [];
    const totalEpochs = options.epochs + options.adversarialEpochs;
    const drawHistory = () => {
      historyBox.replaceChildren(
        el('span', 'rb-caption', `training: clean and PGD (eps ${eps}) accuracy`),
        lineChart(curves, {
          height: 190,
          xLabel: 'epoch',
          yLabel: 'accuracy',
          ...(totalEpochs <= 12 ? { xTicks: Array.from({ length: totalEpochs + 1 }, (_, i) => i) } : {}),
        }),
      );
    };
    const validation = {
      x: test.x.subarray(0, 96 * 64),
      y: test.y.subarray(0, 96),
      n: 96,
      shape: [...test.shape],
    };
    const models: TF.LayersModel[] = [];
    const xTest = tf.tensor4d(test.x, [test.n, 8, 8, 1]);
    try {
      // The standard network, then a copy of it fine-tuned on PGD adversarial digits (Madry training
      // from a warm start: the same min-max objective, a fraction of the cost of training from scratch).
      let epochOffset = 0;
      for (const [k, kind] of kinds.entries()) {
        const model = runtime.createMlp({
          inputShape: [8, 8, 1],
          hiddenSizes: [options.hidden],
          outputSize: 10,
          seed: options.seed,
        });
        models.push(model);
        if (k > 0) model.setWeights((models[0] as TF.LayersModel).getWeights());
        const epochs = k === 0 ? options.epochs : options.adversarialEpochs;
        const clean: Series = { label: `${kind.name}, clean`, colour: kind.colour, x: [], y: [] };
        const robust: Series = {
          label: `${kind.name}, PGD`,
          colour: kind.colour,
          x: [],
          y: [],
          dashed: true,
        };
        curves.push(clean, robust);
        const result = await adversarialTraining(model, train, {
          epsilon: kind.epsilon,
          evalEpsilon: eps,
          steps: options.trainSteps,
          evalSteps: 3,
          epochs,
          batchSize: 128,
          learningRate: 0.01,
          validation,
          seed: options.seed,
          signal,
          onProgress: (p) => {
            progress(
              0.35 * k + (0.35 * (p.epoch + (p.batch + 1) / p.batches)) / p.epochs,
              `training the ${kind.name} network: epoch ${p.epoch + 1}/${p.epochs}`,
            );
          },
        });
        if (result.stopped)
          throw new runtime.DlfError('ABORTED', 'robustness/robustAccuracyCurve was stopped');
        if (k > 0 && curves[0] && curves[1]) {
          // The fine-tuned network starts where the standard one ended.
          clean.x.push(epochOffset);
          clean.y.push(curves[0].y.at(-1) as number);
          robust.x.push(epochOffset);
          robust.y.push(curves[1].y.at(-1) as number);
        }
        for (const h of result.history) {
          clean.x.push(epochOffset + h.epoch + 1);
          clean.y.push(h.cleanAccuracy);
          robust.x.push(epochOffset + h.epoch + 1);
          robust.y.push(h.robustAccuracy);
        }
        epochOffset += epochs;
        drawHistory();
        await tick();
      }

      // Radius 0 is the clean accuracy, which epsilonSweep reports without running the attack.
      const epsilons = Array.from({ length: 4 }, (_, i) => (options.maxEpsilon * (i + 1)) / 4);
      const sweeps: Series[] = [];
      const rows: string[] = [];
      for (const [k, kind] of kinds.entries()) {
        const sweep = await epsilonSweep(pgd, models[k] as TF.LayersModel, xTest, test.y, {
          epsilons,
          steps: options.attackSteps,
          seed: options.seed,
          signal,
          onProgress: (p: object) => {
            const index = 'index' in p ? (p.index as number) : 0;
            progress(
              0.7 + 0.15 * k + (0.15 * (index + 1)) / epsilons.length,
              `PGD on the ${kind.name} network`,
            );
          },
        });
        sweeps.push({
          label: kind.name,
          colour: kind.colour,
          x: [0, ...sweep.epsilons],
          y: [sweep.cleanAccuracy, ...sweep.robustAccuracy],
        });
        const at = sweep.epsilons.findIndex((e) => e >= eps - 1e-12);
        const atEps = at < 0 ? sweep.cleanAccuracy : (sweep.robustAccuracy[at] as number);
        rows.push(
          `${kind.name}: clean ${(100 * sweep.cleanAccuracy).toFixed(1)}%, at eps ${eps} ${(100 * atEps).toFixed(1)}%`,
        );
        sweepBox.replaceChildren(
          el(
            'span',
            'rb-caption',
            `test accuracy under PGD (${options.attackSteps} steps), ${test.n} digits`,
          ),
          lineChart(sweeps, {
            height: 190,
            xLabel: 'L-infinity radius eps',
            yLabel: 'robust accuracy',
          }),
        );
        await tick();
      }
      note.textContent = `${rows.join(' · ')}. Each curve never increases: a point broken at a radius is counted as broken at every larger one.`;
      return `${rows.join('; ')}`;
    } finally {
      xTest.dispose();
      for (const m of models) m.dispose();
    }
  },
});
