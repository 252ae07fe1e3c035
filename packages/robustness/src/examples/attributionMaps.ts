import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { el, grayCanvas, robustnessCss, signedCanvas } from './digitCanvas.js';
import { DIGIT_CNN_LABEL, digitCnn } from './digitCnn.js';
import type { OptionChecks } from './trainedDigits.js';

/** Options of the {@link attributionMaps} example. */
export interface AttributionMapsExampleOptions {
  /** Index of the explained image among the 2,000 MNIST test images. Default: 0. */
  digit: number;
  /** Training images of the explained CNN (the first ones of the 8,000; one pass). Default: 4000. */
  trainSize: number;
  /** SmoothGrad's noise samples. Default: 50. */
  samples: number;
  /** SmoothGrad's noise level, as a fraction of the image's pixel range. Default: 0.15. */
  noiseLevel: number;
  /** Integrated-gradients step counts offered by the slider (the first one is shown first). Default: [1, 2, 4, 8, 16, 32, 64, 128]. */
  steps: number[];
  /** Integrated-gradients quadrature rule. Default: `'riemann_trapezoid'`. */
  method: 'riemann_left' | 'riemann_right' | 'riemann_middle' | 'riemann_trapezoid' | 'gausslegendre';
  /** Step count shown first (must be one of `steps`). Default: 32. */
  initialSteps: number;
  /** Seed of the weights, the batch order and SmoothGrad's noise. Default: 0. */
  seed: number;
}

const SIDE = 28;
const PX = 120;
const METHODS = [
  'riemann_left',
  'riemann_right',
  'riemann_middle',
  'riemann_trapezoid',
  'gausslegendre',
] as const;

/** The 99th percentile of |values|: a display scale that a few extreme pixels do not wash out. */
function robustScale(values: ArrayLike<number>): number {
  const abs = Float32Array.from(values, (v) => Math.abs(v)).sort();
  return Math.max(abs[Math.floor(0.99 * (abs.length - 1))] as number, 1e-12);
}

/**
 * Live example: three attribution methods on one MNIST test digit, for a small CNN trained in the
 * page: the saliency map |d z_t / d x| (`saliency`), SmoothGrad's average of it over noisy copies of
 * the input (`smoothGrad`, shown as |mean gradient|) and integrated gradients from the black image
 * (`integratedGradients`, signed: red raises the class logit, blue lowers it). The slider picks the
 * number of integration steps; the table gives, for each, the sum of the attributions, the logit
 * difference z_t(x) - z_t(0) it should equal by completeness, and the gap `delta` between them.
 *
 * @example
 * ```ts
 * import { attributionMaps } from '@dlf/robustness/examples';
 * attributionMaps.mount(document.getElementById('maps')!, { digit: 7, method: 'riemann_right' });
 * ```
 */
export const attributionMaps = defineExample<AttributionMapsExampleOptions>({
  package: 'robustness',
  name: 'attributionMaps',
  title: 'Saliency, SmoothGrad and integrated gradients on a digit',
  description:
    'A small CNN trained on MNIST in the page; three attribution maps of its predicted class for one test digit, and the completeness gap of integrated gradients as the number of steps grows.',
  defaults: {
    digit: 0,
    trainSize: 4000,
    samples: 50,
    noiseLevel: 0.15,
    steps: [1, 2, 4, 8, 16, 32, 64, 128],
    method: 'riemann_trapezoid',
    initialSteps: 32,
    seed: 0,
  },
  css: robustnessCss,
  setup(view) {
    view.innerHTML =
      '<p>Trains a small CNN on the MNIST subset (2 MB) when started, then explains one test digit three ways.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const check: OptionChecks = runtime;
    check.assertInteger('digit', options.digit, { min: 0, max: 1999 });
    check.assertInteger('trainSize', options.trainSize, { min: 64, max: 8000 });
    check.assertInteger('samples', options.samples, { min: 1 });
    check.assertInRange('noiseLevel', options.noiseLevel, 0, 1);
    check.assertOneOf('method', options.method, METHODS);
    check.assertInteger('seed', options.seed);
    if (!Array.isArray(options.steps) || options.steps.length === 0) {
      throw new runtime.DlfError('INVALID_ARGUMENT', 'steps must be a non-empty array of step counts', {
        param: 'steps',
      });
    }
    for (const [i, s] of options.steps.entries())
      check.assertInteger(`steps[${i}]`, s, { min: 1, max: 4096 });
    if (!options.steps.includes(options.initialSteps)) {
      throw new runtime.DlfError(
        'INVALID_ARGUMENT',
        `initialSteps must be one of steps [${options.steps}], received ${options.initialSteps}`,
        { param: 'initialSteps' },
      );
    }
    const [{ saliency }, { smoothGrad }, { integratedGradients }] = await Promise.all([
      import('../interpretability/saliency.js'),
      import('../interpretability/smoothGrad.js'),
      import('../interpretability/integratedGradients.js'),
    ]);

    progress(0, 'loading MNIST and training…');
    const trained = await digitCnn(tf, runtime, {
      trainSize: options.trainSize,
      seed: options.seed,
      signal,
      onBatch: async (f) => {
        progress(0.7 * f, `training the CNN: ${(100 * f).toFixed(0)}%`);
        await tick();
      },
    });
    const { model, test } = trained;
    const { digit } = options;
    const pixels = test.x.slice(digit * SIDE * SIDE, (digit + 1) * SIDE * SIDE);
    const label = test.y[digit] as number;
    const x = tf.tensor4d(pixels, [1, SIDE, SIDE, 1]);
    const owned: TF.Tensor[] = [x];
    try {
      const logits = tf.tidy(() => (model.predict(x) as TF.Tensor).dataSync());
      let predicted = 0;
      for (let c = 1; c < 10; c++) if ((logits[c] as number) > (logits[predicted] as number)) predicted = c;
      const zeroLogits = tf.tidy(() => (model.predict(tf.zerosLike(x)) as TF.Tensor).dataSync());
      const gap = (logits[predicted] as number) - (zeroLogits[predicted] as number);

      progress(0.75, 'saliency and SmoothGrad…');
      await tick();
      const sal = await saliency(model, x, { target: predicted });
      owned.push(sal);
      const smooth = await smoothGrad(model, x, {
        target: predicted,
        samples: options.samples,
        noiseLevel: options.noiseLevel,
        seed: options.seed,
        signal,
      });
      owned.push(smooth);
      const salMap = (await sal.data()) as Float32Array;
      const smoothMap = ((await smooth.data()) as Float32Array).map(Math.abs);

      const igRuns: { steps: number; map: Float32Array; sum: number; delta: number }[] = [];
      for (const [i, steps] of options.steps.entries()) {
        progress(0.8 + (0.2 * i) / options.steps.length, `integrated gradients, ${steps} steps…`);
        await tick();
        const { attributions, delta } = await integratedGradients(model, x, {
          target: predicted,
          steps,
          method: options.method,
          internalBatchSize: 64,
          signal,
        });
        const map = (await attributions.data()) as Float32Array;
        attributions.dispose();
        let sum = 0;
        for (const v of map) sum += v;
        igRuns.push({ steps, map, sum, delta: delta[0] as number });
      }

      // Layout: the digit and the three maps, then the steps slider and the completeness table.
      const panel = (canvas: HTMLCanvasElement, caption: string) => {
        const p = el('div', 'rb-panel');
        p.append(canvas, el('span', 'rb-caption', caption));
        return p;
      };
      const igPanel = el('div', 'rb-panel');
      const igCaption = el('span', 'rb-caption');
      const panels = el('div', 'rb-row');
      panels.append(
        panel(grayCanvas(pixels, SIDE, PX), `digit #${digit}: label ${label}, predicted ${predicted}`),
        panel(
          grayCanvas(
            salMap.map((v) => v / robustScale(salMap)),
            SIDE,
            PX,
          ),
          'saliency |grad|',
        ),
        panel(
          grayCanvas(
            smoothMap.map((v) => v / robustScale(smoothMap)),
            SIDE,
            PX,
          ),
          `SmoothGrad, ${options.samples} samples`,
        ),
        igPanel,
      );
      const slider = el('input');
      slider.type = 'range';
      slider.min = '0';
      slider.max = String(igRuns.length - 1);
      slider.step = '1';
      slider.value = String(options.steps.indexOf(options.initialSteps));
      slider.setAttribute('aria-label', 'integrated-gradients steps');
      const stepsLabel = el('span', 'rb-caption');
      const label2 = el('label', undefined, 'integrated-gradients steps ');
      label2.append(slider, stepsLabel);
      const controls = el('div', 'rb-controls');
      controls.append(label2);
      const table = el('table', 'rb-table');
      const head = el('tr');
      for (const h of ['steps', 'sum of attributions', 'z_t(x) - z_t(0)', 'delta', '|delta| / |gap|'])
        head.append(el('th', undefined, h));
      table.append(head);
      const rows = igRuns.map((r) => {
        const tr = el('tr');
        for (const v of [
          String(r.steps),
          r.sum.toFixed(4),
          gap.toFixed(4),
          r.delta.toExponential(2),
          (Math.abs(r.delta) / Math.max(Math.abs(gap), 1e-12)).toExponential(1),
        ])
          tr.append(el('td', undefined, v));
        table.append(tr);
        return tr;
      });
      const note = el('p', 'rb-caption rb-muted');
      note.style.textAlign = 'left';
      note.textContent = `Model: ${DIGIT_CNN_LABEL}, trained for one pass over ${options.trainSize} images. Saliency and SmoothGrad (noise level ${options.noiseLevel}) maps: darker is larger; integrated gradients (${options.method.replace('_', ' ')} rule, baseline the black image): red raises the logit of class ${predicted}, blue lowers it. Completeness says the attributions sum to z_t(x) - z_t(0); delta is what the quadrature misses.`;
      view.replaceChildren(panels, controls, table, note);

      const show = (index: number) => {
        const r = igRuns[index] as (typeof igRuns)[number];
        stepsLabel.textContent = ` ${r.steps}`;
        igPanel.replaceChildren(signedCanvas(r.map, SIDE, PX, robustScale(r.map)), igCaption);
        igCaption.textContent = `integrated gradients, ${r.steps} steps`;
        rows.forEach((tr, i) => {
          tr.style.fontWeight = i === index ? '700' : '';
          tr.style.background = i === index ? 'rgba(46, 133, 85, 0.12)' : '';
        });
      };
      slider.addEventListener('input', () => show(Number(slider.value)));
      show(Number(slider.value));
      const mid = igRuns[Math.floor((igRuns.length - 1) / 2)] as (typeof igRuns)[number];
      const last = igRuns[igRuns.length - 1] as (typeof igRuns)[number];
      const steps = (r: (typeof igRuns)[number]) => `${r.steps} step${r.steps === 1 ? '' : 's'}`;
      return `digit #${digit} (label ${label}) predicted ${predicted}; integrated gradients' completeness gap |delta| is ${Math.abs(mid.delta).toExponential(1)} with ${steps(mid)} and ${Math.abs(last.delta).toExponential(1)} with ${steps(last)}, against z_t(x) - z_t(0) = ${gap.toFixed(3)}`;
    } finally {
      for (const t of owned) t.dispose();
    }
  },
});
