import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { checkWidths, type RuntimeModule } from './checkOptions.js';
import { createPlot2d, type Plot2d } from './plot2d.js';

/** Options of the {@link ganMixture} example. */
export interface GanMixtureExampleOptions {
  /** Components of the ring-shaped Gaussian mixture. Default: 8. */
  modes: number;
  /** Standard deviation of each component (the ring has radius 2). Default: 0.2. */
  std: number;
  /** Hidden widths of both networks (ReLU). Default: [32, 32]. */
  hidden: number[];
  /** Latent dimension of the generator. Default: 2. */
  latentDim: number;
  /** Simultaneous updates of both players, for each method (1000 for a long run). Default: 150. */
  steps: number;
  /** Real and generated points per update. Default: 128. */
  batchSize: number;
  /** Step size of both players. Default: 0.02. */
  learningRate: number;
  /** `'adam'` (default; beta1 0.5, beta2 0.9) or `'none'` (plain gradient steps). */
  preconditioner: 'adam' | 'none';
  /** Redraw every this many steps. Default: 15. */
  drawEvery: number;
  /** Seed of the data, the (shared) initial weights and the minibatches. Default: 0. */
  seed: number;
}

const R = 2;
const BOUNDS = [-3, 3, -3, 3] as const;
const METHODS = [
  { key: 'gda', title: 'GDA (simultaneous gradient descent-ascent)' },
  { key: 'ogda', title: 'OGDA (optimistic GDA)' },
] as const;

/** The ring's centres, as `gaussianMixture2d({ modes, radius: 2 })` places them (for the idle view). */
function ringCenters(modes: number): number[][] {
  return Array.from({ length: modes }, (_, k) => {
    const a = (2 * Math.PI * k) / modes;
    return [R * Math.cos(a), R * Math.sin(a)];
  });
}

function drawMixture(plot: Plot2d, centers: number[][], std: number): void {
  plot.clear();
  const ctx = plot.canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = 'rgba(46, 133, 85, 0.16)';
  ctx.strokeStyle = 'rgba(46, 133, 85, 0.6)';
  const scale = plot.canvas.width / (BOUNDS[1] - BOUNDS[0]);
  for (const c of centers) {
    const [px, py] = plot.toPx(c[0] as number, c[1] as number);
    ctx.beginPath();
    ctx.arc(px, py, Math.max(3 * plot.dpr, 3 * std * scale), 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

/**
 * Live example: two GANs (`gan`, non-saturating loss) with the same initial weights, data and
 * minibatches learn a ring of Gaussians by simultaneous updates of both players, one with gradient
 * descent-ascent and one with optimistic GDA (`OptimisticOptimizer` from `@dlf/runtime`), the only
 * difference. Each panel draws the generator's samples over the true modes (green discs of radius
 * 3 std) and reports `modeCoverage`: modes covered and the share of high-quality samples.
 *
 * @example
 * ```ts
 * import { ganMixture } from '@dlf/generative/examples';
 * ganMixture.mount(document.getElementById('demo')!, { steps: 2000, start: 'click' });
 * ```
 */
export const ganMixture = defineExample<GanMixtureExampleOptions>({
  package: 'generative',
  name: 'ganMixture',
  title: 'A GAN on a ring of Gaussians: GDA against OGDA',
  description:
    'The same GAN, data and minibatches trained by simultaneous gradient descent-ascent and by optimistic GDA; green discs are the true modes, red dots the generator\u2019s samples.',
  defaults: {
    modes: 8,
    std: 0.2,
    hidden: [32, 32],
    latentDim: 2,
    steps: 150,
    batchSize: 128,
    learningRate: 0.02,
    preconditioner: 'adam',
    drawEvery: 15,
    seed: 0,
  },
  css: `
.gm-wrap { display: flex; flex-wrap: wrap; gap: 10px; }
.gm-panel { margin: 0; max-width: 262px; }
.gm-panel figcaption { font-size: 12px; color: var(--dlf-example-muted, #57606a); margin-bottom: 2px; }
.gm-panel canvas { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; }
.gm-stat { font-size: 12px; font-variant-numeric: tabular-nums; margin-top: 2px; }
`,
  setup(view, options) {
    view.replaceChildren();
    const wrap = document.createElement('div');
    wrap.className = 'gm-wrap';
    view.append(wrap);
    const centers = ringCenters(Math.max(1, Math.trunc(options.modes) || 1));
    for (const { title } of METHODS) {
      const figure = document.createElement('figure');
      figure.className = 'gm-panel';
      const caption = document.createElement('figcaption');
      caption.textContent = title;
      figure.append(caption);
      wrap.append(figure);
      drawMixture(
        createPlot2d(figure, {
          bounds: BOUNDS,
          width: 260,
          height: 260,
          ariaLabel: `${title}: the true modes`,
        }),
        centers,
        options.std,
      );
    }
  },
  async run({ tf, runtime, options, view, progress, tick }) {
    const rt: RuntimeModule = runtime;
    rt.assertInteger('modes', options.modes, { min: 1, max: 64 });
    rt.assertPositive('std', options.std);
    rt.assertInteger('latentDim', options.latentDim, { min: 1 });
    rt.assertInteger('steps', options.steps, { min: 1 });
    rt.assertInteger('batchSize', options.batchSize, { min: 1 });
    rt.assertPositive('learningRate', options.learningRate);
    rt.assertOneOf('preconditioner', options.preconditioner, ['adam', 'none'] as const);
    rt.assertInteger('drawEvery', options.drawEvery, { min: 1 });
    rt.assertInteger('seed', options.seed);
    checkWidths(rt, 'hidden', options.hidden);
    const [{ gan }, { gaussianMixture2d }, { modeCoverage }] = await Promise.all([
      import('../gan/gan.js'),
      import('../gan/gaussianMixture2d.js'),
      import('../gan/modeCoverage.js'),
    ]);
    const { mlp, OptimisticOptimizer, ExtragradientOptimizer, createRng } = runtime;
    const ring = gaussianMixture2d({ modes: options.modes, radius: R, std: options.std });
    const real = tf.tensor2d(ring.sample(4096, options.seed));
    const n = real.shape[0];
    const B = Math.min(options.batchSize, n);

    view.replaceChildren();
    const wrap = document.createElement('div');
    wrap.className = 'gm-wrap';
    view.append(wrap);
    const players = METHODS.map(({ key, title }) => {
      const figure = document.createElement('figure');
      figure.className = 'gm-panel';
      const caption = document.createElement('figcaption');
      caption.textContent = title;
      figure.append(caption);
      wrap.append(figure);
      const plot = createPlot2d(figure, {
        bounds: BOUNDS,
        width: 260,
        height: 260,
        ariaLabel: `${title}: generator samples over the true modes`,
      });
      const stat = document.createElement('div');
      stat.className = 'gm-stat';
      figure.append(stat);
      drawMixture(plot, ring.centers, ring.std);
      // Same seed: both games start from the same weights and see the same minibatches and latents.
      const model = gan({
        generator: mlp({
          sizes: [options.latentDim, ...options.hidden, 2],
          activation: 'relu',
          initScale: Math.SQRT2,
        }),
        discriminator: mlp({ sizes: [2, ...options.hidden, 1], activation: 'relu', initScale: Math.SQRT2 }),
        loss: 'non-saturating',
        seed: options.seed,
      });
      const make = () =>
        key === 'ogda'
          ? new OptimisticOptimizer({
              learningRate: options.learningRate,
              preconditioner: options.preconditioner,
            })
          : // GDA is the extragradient optimiser's plain step (no extrapolation), as in gan().fit.
            new ExtragradientOptimizer({
              learningRate: options.learningRate,
              preconditioner: options.preconditioner,
            });
      return {
        key,
        plot,
        stat,
        model,
        optD: make(),
        optG: make(),
        rng: createRng(options.seed + 1),
        coverage: { modesCovered: 0, highQualityFraction: 0 },
      };
    });

    const draw = async (step: number): Promise<void> => {
      for (const p of players) {
        const s = p.model.sample(1000, { seed: options.seed + 7 });
        const points = (await s.array()) as number[][];
        s.dispose();
        const cov = modeCoverage(points, ring.centers, { std: ring.std });
        p.coverage = cov;
        drawMixture(p.plot, ring.centers, ring.std);
        p.plot.dots(points.slice(0, 500), 'rgba(214, 39, 40, 0.55)', 1.6);
        p.plot.label(`step ${step}`);
        p.stat.textContent = `${cov.modesCovered}/${options.modes} modes covered, ${(100 * cov.highQualityFraction).toFixed(0)}% of samples within 3 std of a mode`;
      }
    };

    try {
      await draw(0);
      for (let step = 1; step <= options.steps; step++) {
        for (const p of players) {
          const idx = tf.tensor1d(
            Array.from({ length: B }, () => p.rng.int(0, n)),
            'int32',
          );
          const batch = tf.gather(real, idx);
          const fake = p.model.sample(B, { seed: p.rng.nextSeed() });
          const z = tf.tensor2d(p.rng.normalArray(B * options.latentDim), [B, options.latentDim]);
          // Simultaneous: both players' gradients at the current point, then both updates.
          const gd = p.optD.computeGradients(
            () => p.model.discriminatorLoss(batch, fake),
            [p.model.discriminatorParams],
          );
          const gg = p.optG.computeGradients(
            () => p.model.generatorLoss(z as TF.Tensor2D),
            [p.model.generatorParams],
          );
          p.optD.applyGradients(gd.grads);
          p.optG.applyGradients(gg.grads);
          tf.dispose([idx, batch, fake, z, gd.value, gd.grads, gg.value, gg.grads]);
        }
        if (step % options.drawEvery === 0 || step === options.steps) {
          await draw(step);
          progress(
            step / options.steps,
            `step ${step}/${options.steps} · GDA ${players[0]?.coverage.modesCovered}/${options.modes} modes, OGDA ${players[1]?.coverage.modesCovered}/${options.modes}`,
          );
          await tick();
        }
      }
    } finally {
      for (const p of players) {
        p.optD.dispose();
        p.optG.dispose();
        p.model.dispose();
      }
      real.dispose();
    }
    const [g, o] = players;
    return `after ${options.steps} simultaneous steps: GDA covers ${g?.coverage.modesCovered}/${options.modes} modes (${(100 * (g?.coverage.highQualityFraction ?? 0)).toFixed(0)}% high-quality samples), OGDA ${o?.coverage.modesCovered}/${options.modes} (${(100 * (o?.coverage.highQualityFraction ?? 0)).toFixed(0)}%)`;
  },
});
