import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import { COLORS, createChart, figureCss, note, row, type Series } from './chart.js';

/** Options of the {@link randomLabels} example. */
export interface RandomLabelsExampleOptions {
  /** Label corruption probabilities, one network trained per value. Default: [0, 0.5, 1]. */
  fractions: number[];
  /** Training examples (two Gaussian classes in `dim` dimensions). Default: 80. */
  n: number;
  /** Input dimension. Default: 30. */
  dim: number;
  /** Hidden width of the one-hidden-layer ReLU network. Default: 128. */
  hidden: number;
  /** Full-batch Adam steps. Default: 30. */
  epochs: number;
  /** Seed of the data, the corruption and the initialisation. Default: 0. */
  seed: number;
}

const PALETTE = [COLORS.blue, COLORS.orange, COLORS.purple, COLORS.green, COLORS.red, COLORS.sky];

function axes(label: string) {
  return {
    xLabel: 'epoch',
    yLabel: label,
    yDomain: [0.3, 1.02] as [number, number],
    width: 330,
    height: 250,
    legend: 'bottom-right' as const,
  };
}

/**
 * Live example: the randomisation test of Zhang et al. (2017) on a tiny scale
 * (`randomLabelsExperiment`). The same one-hidden-layer network is trained on true labels, on labels
 * redrawn at random with probability 1/2, and on fully random labels of two Gaussian classes: it
 * reaches 100% training accuracy in every case (later with more noise), while its accuracy on a test
 * set with true labels falls to chance.
 *
 * @example
 * ```ts
 * import { randomLabels } from '@dlf/optim-theory/examples';
 * randomLabels.mount(document.getElementById('zhang')!, { fractions: [0, 0.2, 0.8, 1], epochs: 150 });
 * ```
 */
export const randomLabels = defineExample<RandomLabelsExampleOptions>({
  package: 'optim-theory',
  name: 'randomLabels',
  title: 'A network memorises random labels',
  description:
    'One small network trained on true, half-random and fully random labels: training accuracy reaches 100% every time, test accuracy falls to chance.',
  defaults: { fractions: [0, 0.5, 1], n: 80, dim: 30, hidden: 128, epochs: 30, seed: 0 },
  css: figureCss,
  setup(view) {
    const figures = row(view);
    createChart(figures, axes('training accuracy (labels used)'));
    createChart(figures, axes('test accuracy (true labels)'));
    note(view, 'One curve per corruption probability: 0 (true labels), 0.5, 1 (fully random).');
  },
  async run({ runtime, options, view, progress, tick, signal }) {
    const rt: typeof Runtime = runtime;
    const { blobs, DlfError } = runtime;
    const { fractions, n, dim, hidden, epochs, seed } = options;
    if (!Array.isArray(fractions) || fractions.length === 0 || fractions.length > PALETTE.length) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `fractions must be an array of 1 to ${PALETTE.length} probabilities`,
        {
          param: 'fractions',
        },
      );
    }
    fractions.forEach((f, i) => {
      rt.assertInRange(`fractions[${i}]`, f, 0, 1);
    });
    rt.assertInteger('n', n, { min: 2, max: 100_000 });
    rt.assertInteger('dim', dim, { min: 1, max: 10_000 });
    rt.assertInteger('hidden', hidden, { min: 1, max: 100_000 });
    rt.assertInteger('epochs', epochs, { min: 1, max: 100_000 });
    rt.assertInteger('seed', seed);
    const { randomLabelsExperiment } = await import('../randomLabelsExperiment.js');
    // Two Gaussian classes, centres +-1.5 e_1: the Bayes accuracy is Phi(1.5) = 93%.
    const centers = [1.5, -1.5].map((c) => Array.from({ length: dim }, (_, i) => (i === 0 ? c : 0)));
    const train = blobs({ n, centers, std: 1, seed: 2 * seed + 1 });
    const test = blobs({ n: 400, centers, std: 1, seed: 2 * seed + 2 });
    view.replaceChildren();
    const figures = row(view);
    const trainChart = createChart(figures, axes('training accuracy (labels used)'));
    const testChart = createChart(figures, axes('test accuracy (true labels)'));
    const stats = note(view, '', 'ot-stats');
    note(
      view,
      `${n} training and 400 test points, two Gaussian classes in ${dim} dimensions; a ${dim}-${hidden}-2 ReLU network, full-batch Adam. ` +
        'Each label is redrawn uniformly with the given probability, once, before training. Chance is 50%.',
    );
    // One network per corruption probability (its own corruption and initialisation seeds), drawn
    // as each finishes.
    const r = {
      fraction: [] as number[],
      epochs: [] as number[],
      trainAccuracy: [] as number[][],
      testAccuracy: [] as number[][],
      epochsToFit: [] as number[],
    };
    for (const [i, fraction] of fractions.entries()) {
      progress(i / fractions.length, `corruption ${fraction}`);
      await tick();
      const one = await randomLabelsExperiment({
        train,
        test,
        fractions: [fraction],
        hidden: [hidden],
        epochs,
        recordEvery: 1,
        seed: seed * 1_000 + i,
        signal,
      });
      r.fraction.push(fraction);
      r.epochs = one.epochs;
      r.trainAccuracy.push(one.trainAccuracy[0] as number[]);
      r.testAccuracy.push(one.testAccuracy[0] as number[]);
      r.epochsToFit.push(one.epochsToFit[0] as number);
      // The legend (on the left chart only) names the colours of both.
      const curves = (acc: number[][], legend: boolean): Series[] =>
        r.fraction.map((f, k) => ({
          x: r.epochs,
          y: acc[k] as number[],
          color: PALETTE[k] as string,
          ...(legend ? { label: `corruption ${f}` } : {}),
        }));
      trainChart.draw(curves(r.trainAccuracy, true));
      testChart.draw(curves(r.testAccuracy, false));
    }
    progress(1, 'done');
    const fitText = r.fraction
      .map((f, i) => {
        const e = r.epochsToFit[i] as number;
        const testAcc = (r.testAccuracy[i] as number[]).at(-1) as number;
        return `${f}: ${Number.isNaN(e) ? 'not fitted' : `fitted at epoch ${e}`}, test ${(100 * testAcc).toFixed(0)}%`;
      })
      .join(' · ');
    stats.textContent = fitText;
    return fitText;
  },
});
