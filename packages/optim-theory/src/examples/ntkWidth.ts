import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import { COLORS, createChart, figureCss, note, row, type Series } from './chart.js';

/** Options of the {@link ntkWidth} example. */
export interface NtkWidthExampleOptions {
  /** Hidden widths m of the two-layer ReLU network. Default: [16, 64, 256, 1024, 4096]. */
  widths: number[];
  /** Random initialisations per width. Default: 4. */
  draws: number;
  /** Number of inputs n (drawn uniformly on the unit sphere). Default: 6. */
  n: number;
  /** Input dimension d. Default: 3. */
  dim: number;
  /** Seed of the inputs and the initialisations. Default: 0. */
  seed: number;
}

const ERROR_AXES = {
  xLabel: 'width m',
  yLabel: 'relative distance to the limit kernel',
  xLog: true,
  yLog: true,
  width: 340,
  height: 250,
} as const;

const SCATTER_AXES = {
  xLabel: 'analytic NTK entry',
  yLabel: 'empirical NTK entry',
  width: 300,
  height: 250,
} as const;

/**
 * Live example: the empirical neural tangent kernel J J^T of a randomly initialised two-layer ReLU
 * network in the NTK parameterisation (`empiricalNtk`) approaches the analytic infinite-width kernel
 * (`ntkTwoLayerRelu`) as the width m grows, at the rate 1/sqrt(m) of an average of m independent
 * terms. Left: relative Frobenius distance against m (log-log), with the slope -1/2 for reference;
 * right: kernel entries, empirical against analytic, for the narrowest and the widest network.
 *
 * @example
 * ```ts
 * import { ntkWidth } from '@dlf/optim-theory/examples';
 * ntkWidth.mount(document.getElementById('ntk')!, { widths: [32, 128, 512, 2048, 8192], draws: 8 });
 * ```
 */
export const ntkWidth = defineExample<NtkWidthExampleOptions>({
  package: 'optim-theory',
  name: 'ntkWidth',
  title: 'The empirical NTK converges to its infinite-width limit',
  description:
    'Distance between the empirical tangent kernel of a random two-layer ReLU network and the analytic NTK, against the width m: it falls like 1/√m.',
  defaults: { widths: [16, 64, 256, 1024, 4096], draws: 4, n: 6, dim: 3, seed: 0 },
  css: figureCss,
  setup(view) {
    const figures = row(view);
    createChart(figures, ERROR_AXES);
    createChart(figures, SCATTER_AXES);
    note(view, 'Dots: one initialisation each. Line: their mean. Dashed: slope −1/2.');
  },
  async run({ tf, runtime, options, view, progress, tick }) {
    const rt: typeof Runtime = runtime;
    const { createRng, DlfError, mlp } = runtime;
    const { widths, draws, n, dim, seed } = options;
    if (!Array.isArray(widths) || widths.length < 2) {
      throw new DlfError('INVALID_ARGUMENT', 'widths must be an array of at least two widths', {
        param: 'widths',
      });
    }
    widths.forEach((m, i) => {
      rt.assertInteger(`widths[${i}]`, m, { min: 1, max: 1_000_000 });
    });
    rt.assertInteger('draws', draws, { min: 1, max: 1_000 });
    rt.assertInteger('n', n, { min: 1, max: 1_000 });
    rt.assertInteger('dim', dim, { min: 1, max: 10_000 });
    rt.assertInteger('seed', seed);
    const { empiricalNtk } = await import('../empiricalNtk.js');
    const { ntkTwoLayerRelu } = await import('../ntkTwoLayerRelu.js');
    const rng = createRng(seed);
    const X = Array.from({ length: n }, () => {
      const v = Array.from({ length: dim }, () => rng.normal());
      const s = Math.hypot(...v);
      return v.map((a) => a / s);
    });
    // mlp in the NTK parameterisation computes (1/sqrt m) sum_i b_i relu(a_i.x / sqrt d): its limit
    // kernel is ntkTwoLayerRelu at x / sqrt d.
    const limit = ntkTwoLayerRelu(X.map((x) => x.map((v) => v / Math.sqrt(dim))));
    const limitFlat = limit.flat();
    const limitNorm = Math.hypot(...limitFlat);
    const xs = tf.tensor2d(X);
    view.replaceChildren();
    const figures = row(view);
    const errChart = createChart(figures, ERROR_AXES);
    const scatter = createChart(figures, SCATTER_AXES);
    const stats = note(view, '', 'ot-stats');
    note(
      view,
      `${n} unit inputs in ${dim} dimensions. Left: dots one initialisation each, line their mean, dashed slope −1/2. ` +
        'Right: the kernel entries of one initialisation, empirical against analytic; on the diagonal they agree.',
    );
    const all: { m: number; error: number }[] = [];
    const means: { m: number; error: number }[] = [];
    const kernels: number[][] = [];
    const sorted = [...widths].sort((a, b) => a - b);
    const total = sorted.length * draws;
    try {
      for (const [wi, m] of sorted.entries()) {
        const net = mlp({ sizes: [dim, m, 1], activation: 'relu', parameterization: 'ntk', bias: false });
        let mean = 0;
        for (let s = 0; s < draws; s++) {
          const w = net.init(seed * 1_000_003 + m * 101 + s);
          let K: number[][];
          try {
            K = empiricalNtk(net, w, xs);
          } finally {
            w.dispose();
          }
          const flat = K.flat();
          const error = Math.hypot(...flat.map((v, i) => v - (limitFlat[i] as number))) / limitNorm;
          all.push({ m, error });
          mean += error / draws;
          if (s === 0) kernels[wi] = flat;
          progress((wi * draws + s + 1) / total, `m = ${m}, draw ${s + 1}`);
          await tick();
        }
        means.push({ m, error: mean });
        const first = means[0] as { m: number; error: number };
        const series: Series[] = [
          {
            x: sorted,
            y: sorted.map((mm) => first.error * Math.sqrt(first.m / mm)),
            color: COLORS.grey,
            dash: '5 4',
            width: 1.5,
            label: 'slope −1/2',
          },
          {
            x: all.map((a) => a.m),
            y: all.map((a) => a.error),
            color: COLORS.sky,
            line: false,
            marker: 2.5,
            opacity: 0.8,
          },
          {
            x: means.map((a) => a.m),
            y: means.map((a) => a.error),
            color: COLORS.blue,
            marker: 4,
            label: 'mean',
          },
        ];
        errChart.draw(series);
        const lo = Math.min(...limitFlat);
        const hi = Math.max(...limitFlat);
        const scatterSeries: Series[] = [
          { x: [lo, hi], y: [lo, hi], color: COLORS.grey, dash: '4 4', width: 1 },
          {
            x: limitFlat,
            y: kernels[0] as number[],
            color: COLORS.orange,
            line: false,
            marker: 3.5,
            label: `m = ${sorted[0]}`,
          },
        ];
        if (wi > 0) {
          scatterSeries.push({
            x: limitFlat,
            y: kernels[wi] as number[],
            color: COLORS.blue,
            line: false,
            marker: 3.5,
            label: `m = ${m}`,
          });
        }
        scatter.draw(scatterSeries);
        stats.textContent = `m = ${m}: mean relative distance ${mean.toExponential(2)}`;
      }
    } finally {
      xs.dispose();
    }
    // Least-squares slope of log(mean error) against log(m).
    const lx = means.map((a) => Math.log(a.m));
    const ly = means.map((a) => Math.log(a.error));
    const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
    const my = ly.reduce((a, b) => a + b, 0) / ly.length;
    let sxy = 0;
    let sxx = 0;
    lx.forEach((x, i) => {
      sxy += (x - mx) * ((ly[i] as number) - my);
      sxx += (x - mx) ** 2;
    });
    const slope = sxy / sxx;
    stats.textContent = `fitted log-log slope ${slope.toFixed(2)} (theory −0.5); at m = ${sorted.at(-1)} the mean relative distance is ${(means.at(-1) as { error: number }).error.toExponential(2)}`;
    return `log-log slope ${slope.toFixed(2)} (theory −0.5)`;
  },
});
