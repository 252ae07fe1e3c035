import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import type { Series } from './digitCanvas.js';
import { el, grayCanvas, lineChart, robustnessCss } from './digitCanvas.js';
import { DIGIT_CNN_LABEL, digitCnn } from './digitCnn.js';
import type { OptionChecks } from './trainedDigits.js';

/** Options of the {@link sanityCascade} example. */
export interface SanityCascadeExampleOptions {
  /** Index of the first explained MNIST test image; maps are shown for it. Default: 0. */
  digit: number;
  /** Test images the rank correlations are averaged over (from `digit` on). Default: 8. */
  examples: number;
  /** Training images of the explained CNN (the first ones of the 8,000; one pass). Default: 4000. */
  trainSize: number;
  /** `'cascading'` (layers re-initialised cumulatively from the top) or `'independent'` (one at a time). Default: `'cascading'`. */
  mode: 'cascading' | 'independent';
  /** Integrated-gradients steps (Gauss-Legendre). Default: 16. */
  igSteps: number;
  /** Seed of the weights, the batch order and the re-initialisation. Default: 0. */
  seed: number;
}

const SIDE = 28;
const PX = 76;

interface Method {
  key: string;
  label: string;
  colour: string;
  explain: (model: TF.LayersModel, x: TF.Tensor, target: Int32Array) => Promise<TF.Tensor>;
}

/** Display scale: the 99th percentile of the values (maps here are non-negative). */
function scaled(map: Float32Array): Float32Array {
  const sorted = Float32Array.from(map).sort();
  const s = Math.max(sorted[Math.floor(0.99 * (sorted.length - 1))] as number, 1e-12);
  return map.map((v) => v / s);
}

/**
 * Live example: Adebayo et al.'s model-parameter randomisation test (`modelRandomizationTest`) on a
 * small CNN trained in the page. The layers are re-initialised from the top (logits) down, and after
 * each stage three attribution methods are recomputed: saliency |grad|, |gradient x input| and
 * |integrated gradients| (black baseline). Each row shows one method's map of the first digit as the
 * cascade proceeds, with the Spearman rank correlation (of absolute values) with the original map
 * averaged over `examples` digits; the chart draws the same numbers. A map that explains the model
 * should decorrelate once the model is destroyed; maps that multiply by the input keep the digit's
 * outline whatever the weights.
 *
 * @example
 * ```ts
 * import { sanityCascade } from '@dlf/robustness/examples';
 * sanityCascade.mount(document.getElementById('cascade')!, { mode: 'independent' });
 * ```
 */
export const sanityCascade = defineExample<SanityCascadeExampleOptions>({
  package: 'robustness',
  name: 'sanityCascade',
  title: 'Sanity check: attribution maps as the model is randomised',
  description:
    'The layers of a trained CNN are re-initialised from the top down; saliency, gradient x input and integrated gradients are recomputed after each stage and compared with the original maps by rank correlation.',
  defaults: { digit: 0, examples: 8, trainSize: 4000, mode: 'cascading', igSteps: 16, seed: 0 },
  css: robustnessCss,
  setup(view) {
    view.innerHTML =
      '<p>Trains a small CNN on the MNIST subset (2 MB) when started, then randomises it layer by layer.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const check: OptionChecks = runtime;
    check.assertInteger('digit', options.digit, { min: 0, max: 1999 });
    check.assertInteger('examples', options.examples, { min: 1, max: 64 });
    check.assertInteger('trainSize', options.trainSize, { min: 64, max: 8000 });
    check.assertOneOf('mode', options.mode, ['cascading', 'independent'] as const);
    check.assertInteger('igSteps', options.igSteps, { min: 1, max: 512 });
    check.assertInteger('seed', options.seed);
    const [{ saliency }, { integratedGradients }, { modelRandomizationTest }, { spearman }] =
      await Promise.all([
        import('../interpretability/saliency.js'),
        import('../interpretability/integratedGradients.js'),
        import('../interpretability/modelRandomizationTest.js'),
        import('../interpretability/spearman.js'),
      ]);

    progress(0, 'loading MNIST and training…');
    const { model, test } = await digitCnn(tf, runtime, {
      trainSize: options.trainSize,
      seed: options.seed,
      signal,
      onBatch: async (f) => {
        progress(0.6 * f, `training the CNN: ${(100 * f).toFixed(0)}%`);
        await tick();
      },
    });
    const n = Math.min(options.examples, test.n - options.digit);
    const d = SIDE * SIDE;
    const pixels = test.x.slice(options.digit * d, (options.digit + n) * d);
    const x = tf.tensor4d(pixels, [n, SIDE, SIDE, 1]);
    /** Mean over the digits of the rank correlation of |a| and |b| on the ink (pixels > 0) only. */
    const inkCorrelation = (a: Float32Array, b: Float32Array) => {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const ink: number[] = [];
        for (let j = 0; j < d; j++) if ((pixels[i * d + j] as number) > 0) ink.push(i * d + j);
        total += spearman(
          ink.map((k) => Math.abs(a[k] as number)),
          ink.map((k) => Math.abs(b[k] as number)),
        );
      }
      return total / n;
    };
    // Short names of the layers with weights, top first (the order of the stages).
    const layerNames = new Map(
      model.layers
        .filter((l) => l.getWeights().length > 0)
        .map((l) => {
          const config = l.getConfig();
          const kind = l.getClassName() === 'Conv2D' ? 'conv' : 'dense';
          return [l.name, `${kind} ${config.filters ?? config.units}`] as const;
        }),
    );

    const methods: Method[] = [
      {
        key: 'saliency',
        label: 'saliency |grad|',
        colour: '#1f77b4',
        explain: (m, input, target) => saliency(m, input, { target }),
      },
      {
        key: 'gxi',
        label: '|gradient x input|',
        colour: '#d62728',
        explain: (m, input, target) => saliency(m, input, { target, multiplyByInputs: true }),
      },
      {
        key: 'ig',
        label: '|integrated gradients|',
        colour: '#2ca02c',
        explain: async (m, input, target) => {
          const { attributions } = await integratedGradients(m, input, {
            target,
            steps: options.igSteps,
            internalBatchSize: 128,
          });
          const abs = tf.abs(attributions);
          attributions.dispose();
          return abs;
        },
      },
    ];

    try {
      const rows: {
        method: Method;
        maps: Float32Array[];
        correlations: number[];
        ink: number[];
        layers: string[];
      }[] = [];
      for (const [k, method] of methods.entries()) {
        const maps: Float32Array[] = [];
        // Wrap the method to keep a copy of the first digit's map at every stage (original first).
        const explain = async (m: TF.LayersModel, input: TF.Tensor, target: Int32Array) => {
          const map = await method.explain(m, input, target);
          maps.push((map.dataSync() as Float32Array).slice());
          return map;
        };
        const { stages } = await modelRandomizationTest(model, x, {
          explain,
          mode: options.mode,
          seed: options.seed,
          signal,
          onProgress: ({ done, total }) =>
            progress(
              0.6 + (0.4 * (k + done / total)) / methods.length,
              `${method.label}: stage ${done}/${total}`,
            ),
        });
        rows.push({
          method,
          maps,
          correlations: [1, ...stages.map((s) => s.rankCorrelationAbs)],
          ink: maps.map((m) => inkCorrelation(maps[0] as Float32Array, m)),
          layers: stages.map((s) => s.layer),
        });
        await tick();
      }

      const layers = rows[0]?.layers ?? [];
      const heads = [
        'original',
        ...layers.map((name, i) =>
          options.mode === 'cascading'
            ? `${i === 0 ? '' : '+ '}${layerNames.get(name) ?? name}`
            : `only ${layerNames.get(name) ?? name}`,
        ),
      ];
      const grid = el('div', 'rb-grid');
      grid.style.gridTemplateColumns = `120px repeat(${heads.length}, ${PX + 12}px)`;
      grid.append(el('span'));
      for (const h of heads) grid.append(el('span', 'rb-caption rb-muted', h));
      for (const row of rows) {
        grid.append(el('span', 'rb-caption', row.method.label));
        row.maps.forEach((map, i) => {
          const cell = el('div', 'rb-panel');
          const fmt = (r: number) => (Number.isNaN(r) ? 'NaN' : (Math.abs(r) < 0.005 ? 0 : r).toFixed(2));
          cell.append(
            grayCanvas(scaled(map.subarray(0, d)), SIDE, PX),
            el('span', 'rb-caption', `all ${fmt(row.correlations[i] as number)}`),
            el('span', 'rb-caption rb-muted', `ink ${fmt(row.ink[i] as number)}`),
          );
          grid.append(cell);
        });
      }
      const clamp = (r: number) => (Number.isNaN(r) ? 0 : Math.max(0, r));
      const series: Series[] = rows.flatMap((row) => [
        {
          label: `${row.method.label}, all`,
          colour: row.method.colour,
          x: row.correlations.map((_, i) => i),
          y: row.correlations.map(clamp),
        },
        {
          label: 'ink only',
          colour: row.method.colour,
          dashed: true,
          x: row.ink.map((_, i) => i),
          y: row.ink.map(clamp),
        },
      ]);
      const chart = lineChart(series, {
        width: 380,
        height: 200,
        xLabel: `stage (0 = trained model; then ${options.mode === 'cascading' ? 'one more layer randomised' : 'one layer randomised'})`,
        yLabel: 'rank correlation',
      });
      const note = el('p', 'rb-caption rb-muted');
      note.style.textAlign = 'left';
      note.textContent = `Model: ${DIGIT_CNN_LABEL}, trained for one pass over ${options.trainSize} images. Maps of test digit #${options.digit} (darker is larger); numbers are Spearman rank correlations of |map| with the trained model's |map| over all pixels (as modelRandomizationTest reports them) and over the digit's ink only (pixels > 0; dashed in the chart), averaged over ${n} digits; negative values are drawn at 0. Methods that multiply by the input are 0 on the black background whatever the weights, which keeps their all-pixel correlation high.`;
      view.replaceChildren(grid, chart, note);
      const round = (r: number) => (Math.abs(r) < 0.005 ? 0 : r).toFixed(2);
      const end = (row: (typeof rows)[number]) => round(row.correlations.at(-1) as number);
      const endInk = (row: (typeof rows)[number]) => round(row.ink.at(-1) as number);
      return `after randomising every layer (${options.mode}): rank correlation (all pixels / ink) ${rows.map((r) => `${r.method.label} ${end(r)} / ${endInk(r)}`).join(', ')}`;
    } finally {
      x.dispose();
    }
  },
});
