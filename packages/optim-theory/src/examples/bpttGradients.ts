import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import { COLORS, createChart, figureCss, note, row, type Series } from './chart.js';

/** Options of the {@link bpttGradients} example. */
export interface BpttGradientsExampleOptions {
  /** Largest singular values s of W = s Q (Q a random orthogonal matrix), one curve each. Default: [0.8, 0.95, 1.05, 1.25]. */
  scales: number[];
  /** Hidden size d. Default: 8. */
  hidden: number;
  /** Steps T back through time. Default: 60. */
  steps: number;
  /** Standard deviation of the scalar inputs x_t of the right panel (fed through a random U). Default: 0.3. */
  inputScale: number;
  /** Seed of Q, U and the inputs. Default: 0. */
  seed: number;
}

const PALETTE = [COLORS.blue, COLORS.sky, COLORS.orange, COLORS.red, COLORS.purple, COLORS.green];

function axes(title: string) {
  return { xLabel: 'steps back k', yLabel: title, yLog: true, width: 330, height: 260 };
}

/** A d x d orthogonal matrix: Gram-Schmidt on Gaussian rows. */
function orthogonal(d: number, normal: () => number): number[][] {
  const Q: number[][] = [];
  while (Q.length < d) {
    let v = Array.from({ length: d }, normal);
    for (const q of Q) {
      const p = q.reduce((s, a, i) => s + a * (v[i] as number), 0);
      v = v.map((a, i) => a - p * (q[i] as number));
    }
    const n = Math.hypot(...v);
    if (n > 1e-8) Q.push(v.map((a) => a / n));
  }
  return Q;
}

/**
 * Live example: vanishing and exploding gradients through time (Bengio et al. 1994; Pascanu et al.
 * 2013). For h_t = tanh(W h_{t-1} + U x_t) with W = s Q, `bpttGradientNorms` computes the norms of
 * d h_T / d h_{T-k}, the factors backpropagation through time multiplies into every gradient. Left:
 * states at 0, where tanh' = 1 and the norms are exactly s^k, vanishing for s < 1 and exploding for
 * s > 1. Right: with inputs the states saturate, and the norms stay under the bound s^k (dashed).
 *
 * @example
 * ```ts
 * import { bpttGradients } from '@dlf/optim-theory/examples';
 * bpttGradients.mount(document.getElementById('rnn')!, { scales: [0.9, 1.1], steps: 200 });
 * ```
 */
export const bpttGradients = defineExample<BpttGradientsExampleOptions>({
  package: 'optim-theory',
  name: 'bpttGradients',
  title: 'Vanishing and exploding gradients through time',
  description:
    'Norms of ∂h_T/∂h_{T−k} in a tanh recurrent network with W = sQ: geometric decay for s < 1, growth for s > 1, and the bound s^k when the states saturate.',
  defaults: { scales: [0.8, 0.95, 1.05, 1.25], hidden: 8, steps: 60, inputScale: 0.3, seed: 0 },
  css: figureCss,
  setup(view) {
    const figures = row(view);
    createChart(figures, axes('‖∂h_T/∂h_{T−k}‖, states at 0'));
    createChart(figures, axes('‖∂h_T/∂h_{T−k}‖, with inputs'));
    note(view, 'One colour per largest singular value s of W; dashed: the bound s^k.');
  },
  async run({ runtime, options, view, progress, tick }) {
    const rt: typeof Runtime = runtime;
    const { createRng, DlfError } = runtime;
    const { scales, hidden: d, steps: T, inputScale, seed } = options;
    if (!Array.isArray(scales) || scales.length === 0 || scales.length > PALETTE.length) {
      throw new DlfError('INVALID_ARGUMENT', `scales must be an array of 1 to ${PALETTE.length} numbers`, {
        param: 'scales',
      });
    }
    scales.forEach((s, i) => {
      rt.assertPositive(`scales[${i}]`, s);
    });
    rt.assertInteger('hidden', d, { min: 1, max: 500 });
    rt.assertInteger('steps', T, { min: 1, max: 10_000 });
    rt.assertNonNegative('inputScale', inputScale);
    rt.assertInteger('seed', seed);
    const { bpttGradientNorms } = await import('../bpttGradientNorms.js');
    const rng = createRng(seed);
    const Q = orthogonal(d, () => rng.normal());
    const U = Array.from({ length: d }, () => [rng.normal()]);
    const inputs = Array.from({ length: T }, () => [inputScale * rng.normal()]);
    const k = Array.from({ length: T + 1 }, (_, i) => i);
    view.replaceChildren();
    const figures = row(view);
    const left = createChart(figures, axes('‖∂h_T/∂h_{T−k}‖, states at 0'));
    const right = createChart(figures, axes('‖∂h_T/∂h_{T−k}‖, with inputs'));
    const stats = note(view, '', 'ot-stats');
    note(
      view,
      `d = ${d}, W = sQ with Q orthogonal, so σmax(W) = s. Left: h₀ = 0 and no input, tanh′ = 1: the norms are s^k exactly. ` +
        `Right: inputs x_t ~ N(0, ${inputScale}²) through a random U; saturated units (tanh′ < 1) pull the norms below s^k (dashed).`,
    );
    const leftSeries: Series[] = [];
    const rightSeries: Series[] = [];
    const summary: string[] = [];
    for (const [i, s] of scales.entries()) {
      const W = Q.map((r) => r.map((v) => s * v));
      const linear = bpttGradientNorms(W, T);
      const driven = bpttGradientNorms(W, T, { U, inputs });
      const color = PALETTE[i] as string;
      leftSeries.push({ x: k, y: linear.norms, color, label: `s = ${s}` });
      rightSeries.push({ x: k, y: driven.bound, color, dash: '4 4', width: 1.2 });
      rightSeries.push({ x: k, y: driven.norms, color, label: `s = ${s}` });
      left.draw(leftSeries);
      right.draw(rightSeries);
      summary.push(
        `s = ${s}: ${(linear.norms.at(-1) as number).toExponential(1)} (states at 0), ${(driven.norms.at(-1) as number).toExponential(1)} (inputs)`,
      );
      stats.textContent = `after ${T} steps back, ${summary.join(' · ')}`;
      progress((i + 1) / scales.length, `s = ${s}`);
      await tick();
    }
    return `‖∂h_T/∂h_0‖ with states at 0: ${scales.map((s) => `${(s ** T).toExponential(1)} for s = ${s}`).join(', ')}`;
  },
});
