import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { checkWidths, type RuntimeModule } from './checkOptions.js';
import { createPlot2d, type Plot2d } from './plot2d.js';

/** Options of the {@link flowMoons} example. */
export interface FlowMoonsExampleOptions {
  /** Training points of the two-moons set. Default: 400. */
  samples: number;
  /** Standard deviation of the noise on each coordinate. Default: 0.06. */
  noise: number;
  /** Affine coupling layers (masks alternate between the two coordinates). Default: 4. */
  couplings: number;
  /** Hidden widths of each coupling's conditioner network. Default: [24, 24]. */
  hidden: number[];
  /** Full-batch Adam steps on the negative log-likelihood (500 gives a sharper fit). Default: 90. */
  steps: number;
  /** Adam step size. Default: 0.01. */
  learningRate: number;
  /** Redraw the density every this many steps. Default: 15. */
  drawEvery: number;
  /** Seed of the data, the conditioners' initialisation and the samples. Default: 0. */
  seed: number;
}

const BOUNDS = [-1.6, 2.6, -1.1, 1.6] as const;
const DATA = 'rgba(31, 119, 180, 0.55)';
const SAMPLE = 'rgba(214, 39, 40, 0.6)';

/**
 * Live example: a RealNVP-style normalizing flow (an `actNorm` layer, then `affineCoupling` layers
 * with alternating masks, composed by `flow`) trained by maximum likelihood on two moons. The exact
 * density `exp(logProb(x))` (change of variables) is drawn as a heat map while it trains; at the end
 * the right panel shows samples `f^-1(z)`, `z ~ N(0, I)`, over the data.
 *
 * @example
 * ```ts
 * import { flowMoons } from '@dlf/generative/examples';
 * flowMoons.mount(document.getElementById('demo')!, { steps: 500, start: 'click' });
 * ```
 */
export const flowMoons = defineExample<FlowMoonsExampleOptions>({
  package: 'generative',
  name: 'flowMoons',
  title: 'A normalizing flow learns two moons',
  description:
    'actNorm and affine couplings (RealNVP) trained by exact maximum likelihood: left, the model density exp(log p(x)) under the data; right, samples from the flow.',
  defaults: {
    samples: 400,
    noise: 0.06,
    couplings: 4,
    hidden: [24, 24],
    steps: 90,
    learningRate: 0.01,
    drawEvery: 15,
    seed: 0,
  },
  css: `
.fm-wrap { display: flex; flex-wrap: wrap; gap: 10px; }
.fm-panel { margin: 0; }
.fm-panel figcaption { font-size: 12px; color: var(--dlf-example-muted, #57606a); margin-bottom: 2px; }
.fm-panel canvas { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; }
`,
  setup(view) {
    view.innerHTML =
      '<p>Trains a 4-coupling RealNVP flow on 400 two-moons points when started (a few seconds).</p>';
  },
  async run({ tf, runtime, options, view, progress, tick }) {
    const rt: RuntimeModule = runtime;
    rt.assertInteger('samples', options.samples, { min: 16 });
    rt.assertNonNegative('noise', options.noise);
    rt.assertInteger('couplings', options.couplings, { min: 1 });
    rt.assertInteger('steps', options.steps, { min: 1 });
    rt.assertPositive('learningRate', options.learningRate);
    rt.assertInteger('drawEvery', options.drawEvery, { min: 1 });
    rt.assertInteger('seed', options.seed);
    checkWidths(rt, 'hidden', options.hidden);
    const [{ flow }, { actNorm }, { affineCoupling }, { alternatingMask }] = await Promise.all([
      import('../flows/flow.js'),
      import('../flows/actNorm.js'),
      import('../flows/affineCoupling.js'),
      import('../flows/masks.js'),
    ]);
    const data = runtime.twoMoons({ n: options.samples, noise: options.noise, seed: options.seed });
    const points: number[][] = Array.from({ length: data.n }, (_, i) => [
      data.x[2 * i] as number,
      data.x[2 * i + 1] as number,
    ]);

    view.replaceChildren();
    const wrap = document.createElement('div');
    wrap.className = 'fm-wrap';
    view.append(wrap);
    const panel = (title: string, ariaLabel: string): Plot2d => {
      const figure = document.createElement('figure');
      figure.className = 'fm-panel';
      const caption = document.createElement('figcaption');
      caption.textContent = title;
      figure.append(caption);
      wrap.append(figure);
      return createPlot2d(figure, { bounds: BOUNDS, width: 280, height: 180, gridWidth: 64, ariaLabel });
    };
    const density = panel('model density p(x) and the data', 'heat map of the flow density over the plane');
    const samplesPlot = panel(
      'samples from the flow (red) and the data',
      'samples of the flow over the data',
    );
    density.clear();
    density.dots(points, DATA, 1.5);
    samplesPlot.clear();
    samplesPlot.dots(points, DATA, 1.5);

    const seeds = runtime.createRng(options.seed);
    const model = flow([
      actNorm({ channels: 2 }),
      ...Array.from({ length: options.couplings }, (_, k) =>
        affineCoupling({
          mask: alternatingMask(2, (k % 2) as 0 | 1),
          hidden: options.hidden,
          activation: 'tanh',
          seed: seeds.nextSeed(),
        }),
      ),
    ]);
    const x = tf.tensor2d(data.x, [data.n, 2]);
    const grid = tf.tensor2d(density.grid, [density.gridWidth * density.gridHeight, 2]);
    const optimizer = tf.train.adam(options.learningRate);
    const variables = model.layers.flatMap((l) => l.variables);
    const drawDensity = async (label: string): Promise<void> => {
      const p = tf.tidy(() => tf.exp(model.logProb(grid as TF.Tensor2D)));
      const values = await p.data();
      p.dispose();
      density.clear();
      density.heat(values, [46, 133, 85]);
      density.dots(points, 'rgba(31, 119, 180, 0.35)', 1.2);
      density.label(label);
    };
    let nll = Number.NaN;
    try {
      model.initialize(x);
      for (let step = 1; step <= options.steps; step++) {
        const cost = optimizer.minimize(
          () => tf.neg(tf.mean(model.logProb(x))) as TF.Scalar,
          true,
          variables,
        ) as TF.Scalar;
        if (step % options.drawEvery === 0 || step === options.steps) {
          nll = (await cost.data())[0] as number;
          cost.dispose();
          await drawDensity(`step ${step}: -log p = ${nll.toFixed(3)} nats`);
          progress(
            step / options.steps,
            `step ${step}/${options.steps} · mean -log p(x) ${nll.toFixed(3)} nats`,
          );
          await tick();
        } else cost.dispose();
      }
      const s = model.sample(600, { seed: seeds.nextSeed() });
      const sampled = (await s.array()) as number[][];
      s.dispose();
      samplesPlot.clear();
      samplesPlot.dots(points, 'rgba(31, 119, 180, 0.35)', 1.5);
      samplesPlot.dots(sampled, SAMPLE, 1.5);
      samplesPlot.label(`${sampled.length} samples`);
    } finally {
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, grid]);
    }
    return `mean -log p(x) = ${nll.toFixed(3)} nats on the training points after ${options.steps} full-batch Adam steps (${options.couplings} couplings)`;
  },
});
