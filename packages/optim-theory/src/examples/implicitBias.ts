import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type { ImplicitBiasResult } from '../implicitBias.js';
import { type Arrow, COLORS, createChart, figureCss, note, row, type Series } from './chart.js';

/** Options of the {@link implicitBias} example. */
export interface ImplicitBiasExampleOptions {
  /** Factor applied to the first coordinate of the data: stretched data separate GD from adaptive methods. Default: 5. */
  stretch: number;
  /** Steps of each optimiser (the effect is logarithmic in time: 1e4 to 1e6). Default: 50000. */
  steps: number;
  /** The adaptive method run for contrast, or 'none'. Default: 'adam'. */
  contrast: 'adam' | 'adagrad' | 'none';
  /** The loss of the margin. Default: 'logistic'. */
  loss: 'logistic' | 'exponential';
}

// Eight points, separable through the origin: two support vectors (the first two) and the others
// far from the boundary. Fixed data: the run is deterministic.
const BASE: readonly (readonly [number, number])[] = [
  [2, 0.5],
  [0.3, 1.5],
  [3, 3],
  [4, 1.5],
  [1.2, 4],
  [-2.5, -1],
  [-1, -3.5],
  [-3, -2.2],
];
const LABELS = BASE.map(([a]) => (a > 0 ? 1 : -1));
const FRAMES = 30;

function dataset(stretch: number): number[][] {
  return BASE.map(([a, b]) => [stretch * a, b]);
}

function domains(X: number[][]): { xDomain: [number, number]; yDomain: [number, number] } {
  const mx = 1.15 * Math.max(...X.map((p) => Math.abs(p[0] as number)));
  const my = 1.15 * Math.max(...X.map((p) => Math.abs(p[1] as number)));
  return { xDomain: [-mx, mx], yDomain: [-my, my] };
}

function planeOptions(X: number[][]) {
  return {
    ...domains(X),
    xLabel: 'x₁',
    yLabel: 'x₂',
    width: 340,
    height: 250,
    ariaLabel: 'the data and the decision boundaries of the SVM and of the trained linear models',
  };
}

const ANGLE_AXES = {
  xLabel: 'step t (log scale)',
  yLabel: 'angle to the SVM direction (°)',
  xLog: true,
  width: 340,
  height: 250,
} as const;

function pointSeries(X: number[][]): Series[] {
  const pick = (label: number) => X.filter((_, i) => LABELS[i] === label);
  const pos = pick(1);
  const neg = pick(-1);
  return [
    {
      x: pos.map((p) => p[0] as number),
      y: pos.map((p) => p[1] as number),
      color: COLORS.blue,
      line: false,
      marker: 4.5,
    },
    {
      x: neg.map((p) => p[0] as number),
      y: neg.map((p) => p[1] as number),
      color: COLORS.purple,
      line: false,
      marker: 4.5,
    },
  ];
}

/** The boundary {x : w.x = 0} as a long segment through the origin. */
function boundary(w: readonly number[], color: string, dash?: string): Arrow {
  const n = Math.hypot(w[0] as number, w[1] as number) || 1;
  const R = 1e3;
  const d = [-(w[1] as number) / n, (w[0] as number) / n];
  const arrow: Arrow = {
    from: [-R * d[0]!, -R * d[1]!],
    to: [R * d[0]!, R * d[1]!],
    color,
    head: false,
    width: 2,
  };
  if (dash) arrow.dash = dash;
  return arrow;
}

/** The unit vector at `angle` from `dir`, on the side whose normalised margin matches `margin`. */
function directionAt(dir: readonly number[], angle: number, margin: number, X: number[][]): number[] {
  const candidates = [angle, -angle].map((a) => {
    const c = Math.cos(a);
    const s = Math.sin(a);
    const u = [
      c * (dir[0] as number) - s * (dir[1] as number),
      s * (dir[0] as number) + c * (dir[1] as number),
    ];
    const m = Math.min(
      ...X.map((p, i) => (LABELS[i] as number) * ((p[0] as number) * u[0]! + (p[1] as number) * u[1]!)),
    );
    return { u, gap: Math.abs(m - margin) };
  });
  return (candidates[0]!.gap <= candidates[1]!.gap ? candidates[0]! : candidates[1]!).u;
}

/**
 * Live example: the implicit bias of gradient descent (Soudry et al. 2018). A linear model trained by
 * GD on the logistic loss of separable data has ||w(t)|| -> infinity, and its direction turns towards
 * the hard-margin SVM direction with an angle that falls like 1/log t (`implicitBias`,
 * `hardMarginSvm`). Adam (or AdaGrad) on the same stretched data ends at another direction. Left:
 * the data and the decision boundaries at the current time; right: the angle against log t.
 *
 * @example
 * ```ts
 * import { implicitBias } from '@dlf/optim-theory/examples';
 * implicitBias.mount(document.getElementById('bias')!, { steps: 1_000_000, contrast: 'adagrad' });
 * ```
 */
export const implicitBias = defineExample<ImplicitBiasExampleOptions>({
  package: 'optim-theory',
  name: 'implicitBias',
  title: 'Gradient descent turns towards the max-margin direction',
  description:
    'Logistic regression by GD on separable data: w(t)/‖w(t)‖ rotates towards the hard-margin SVM direction, with an angle falling like 1/log t; Adam on the same data settles elsewhere.',
  defaults: { stretch: 5, steps: 50_000, contrast: 'adam', loss: 'logistic' },
  css: figureCss,
  setup(view, options) {
    const X = dataset(options.stretch);
    const figures = row(view);
    createChart(figures, planeOptions(X)).draw(pointSeries(X));
    createChart(figures, ANGLE_AXES);
    note(view, 'Dashed: the SVM boundary. Blue: GD. Orange: the adaptive method.');
  },
  async run({ runtime, options, view, progress, tick, signal }) {
    const rt: typeof Runtime = runtime;
    rt.assertPositive('stretch', options.stretch);
    rt.assertInteger('steps', options.steps, { min: 10, max: 100_000_000 });
    rt.assertOneOf('contrast', options.contrast, ['adam', 'adagrad', 'none']);
    rt.assertOneOf('loss', options.loss, ['logistic', 'exponential']);
    const { implicitBias: train } = await import('../implicitBias.js');
    const X = dataset(options.stretch);
    const { steps, loss, contrast } = options;
    progress(0.05, `GD, ${steps} steps`);
    await tick();
    const gd = train(X, LABELS, { loss, steps, records: FRAMES, signal });
    let other: ImplicitBiasResult | undefined;
    if (contrast !== 'none') {
      progress(0.35, `${contrast}, ${steps} steps`);
      await tick();
      other = train(X, LABELS, { loss, optimizer: contrast, steps, records: FRAMES, signal });
    }
    const svm = gd.svm;
    const contrastName = contrast === 'adam' ? 'Adam' : 'AdaGrad';

    view.replaceChildren();
    const figures = row(view);
    const plane = createChart(figures, planeOptions(X));
    const top = Math.max(...gd.angle.slice(1), ...(other?.angle.slice(1) ?? []).filter(Number.isFinite));
    const angles = createChart(figures, { ...ANGLE_AXES, yDomain: [0, ((1.1 * top) / Math.PI) * 180] });
    const stats = note(view, '', 'ot-stats');
    note(
      view,
      `Dashed: the SVM boundary (margin ${svm.margin.toFixed(3)}). Blue: GD${other ? `. Orange: ${contrastName}` : ''}. ` +
        'Grey, dotted: 1/(a + b log t) fitted to the GD angles from t = 1000 on.',
    );
    const deg = (a: number) => (a * 180) / Math.PI;
    const last = gd.angle.at(-1) as number;
    const tEnd = gd.t.at(-1) as number;
    // Soudry et al.: angle ~ C / (log t + c'), i.e. 1/angle affine in log t; fitted on t >= 1000.
    const late = gd.t.map((t, k) => ({ t, k })).filter(({ t }) => t >= Math.min(1000, tEnd / 10));
    const lx = late.map(({ t }) => Math.log(t));
    const ly = late.map(({ k }) => 1 / (gd.angle[k] as number));
    const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
    const my = ly.reduce((a, b) => a + b, 0) / ly.length;
    let sxy = 0;
    let sxx = 0;
    lx.forEach((x, i) => {
      sxy += (x - mx) * ((ly[i] as number) - my);
      sxx += (x - mx) ** 2;
    });
    const slope = sxx > 0 ? sxy / sxx : 0;
    const intercept = my - slope * mx;
    const fit = (t: number) => 1 / (intercept + slope * Math.log(t));
    const ref = gd.t.filter((t) => t >= 100 && fit(t) > 0 && fit(t) < Math.PI / 4);
    // Each run records at the same log-spaced times; animate along them.
    for (let k = 1; k < gd.t.length; k++) {
      const t = gd.t[k] as number;
      const arrows: Arrow[] = [boundary(svm.w, COLORS.black, '6 4')];
      arrows.push(
        boundary(directionAt(svm.direction, gd.angle[k] as number, gd.margin[k] as number, X), COLORS.blue),
      );
      if (other && Number.isFinite(other.angle[k])) {
        arrows.push(
          boundary(
            directionAt(svm.direction, other.angle[k] as number, other.margin[k] as number, X),
            COLORS.orange,
          ),
        );
      }
      plane.draw(pointSeries(X), arrows);
      const series: Series[] = [
        {
          x: ref.filter((r) => r <= t),
          y: ref.filter((r) => r <= t).map((r) => deg(fit(r))),
          color: COLORS.grey,
          dash: '2 3',
          width: 1.5,
          label: '1/(a + b log t)',
        },
        { x: gd.t.slice(1, k + 1), y: gd.angle.slice(1, k + 1).map(deg), color: COLORS.blue, label: 'GD' },
      ];
      if (other) {
        series.push({
          x: other.t.slice(1, k + 1),
          y: other.angle.slice(1, k + 1).map(deg),
          color: COLORS.orange,
          label: contrastName,
        });
      }
      angles.draw(series);
      stats.textContent =
        `t = ${t} · GD: angle ${deg(gd.angle[k] as number).toFixed(2)}°, ‖w‖ = ${(gd.norm[k] as number).toFixed(2)}` +
        (other ? ` · ${contrastName}: angle ${deg(other.angle[k] as number).toFixed(2)}°` : '');
      progress(0.4 + (0.6 * k) / (gd.t.length - 1), `t = ${t}`);
      await tick();
    }
    return (
      `after ${steps} steps GD is ${deg(last).toFixed(2)}° from the SVM direction` +
      (other ? `, ${contrastName} ${deg(other.angle.at(-1) as number).toFixed(1)}°` : '')
    );
  },
});
