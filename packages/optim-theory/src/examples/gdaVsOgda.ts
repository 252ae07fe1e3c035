import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { COLORS, createChart, figureCss, note, row } from './chart.js';

/** Options of the {@link gdaVsOgda} example. */
export interface GdaVsOgdaExampleOptions {
  /** Step size eta of both methods. Default: 0.2. */
  learningRate: number;
  /** Number of steps. Default: 80. */
  steps: number;
  /**
   * c in f(x, y) = x y + (c/2) x^2 - (c/2) y^2; c = 0 is the bilinear game, c > 0 makes GDA stable
   * for eta < 2c / (c^2 + 1). Default: 0.
   */
  curvature: number;
  /** Starting point (x0, y0). Default: [1, 0.5]. */
  start: [number, number];
}

const PLANE = { width: 300, height: 270 } as const;

function planeAxes(radius: number) {
  // Equal scales on both axes: the plot area is (width - 62) x (height - 48) pixels.
  const pw = PLANE.width - 62;
  const ph = PLANE.height - 48;
  const rx = pw >= ph ? (radius * pw) / ph : radius;
  const ry = pw >= ph ? radius : (radius * ph) / pw;
  return {
    ...PLANE,
    xLabel: 'x (minimiser)',
    yLabel: 'y (maximiser)',
    xDomain: [-rx, rx] as [number, number],
    yDomain: [-ry, ry] as [number, number],
    ariaLabel: 'trajectories of GDA and OGDA in the (x, y) plane',
  };
}

const NORM_AXES = {
  xLabel: 'step t',
  yLabel: '‖(x_t, y_t)‖²',
  yLog: true,
  width: 320,
  height: 270,
} as const;

/**
 * Live example: simultaneous gradient descent-ascent against optimistic GDA on
 * f(x, y) = x y (+ (c/2)(x^2 - y^2)), from `gda` and `ogda`. On the bilinear game GDA spirals out,
 * multiplying ||(x, y)||^2 by exactly 1 + eta^2 per step (the spectral radius of I + eta H squared,
 * from `gameJacobian` and `spectralRadius`), while OGDA spirals in to the equilibrium (0, 0).
 * `gdaStableStepSize` gives the largest stable GDA step: 0 for c = 0.
 *
 * @example
 * ```ts
 * import { gdaVsOgda } from '@dlf/optim-theory/examples';
 * gdaVsOgda.mount(document.getElementById('games')!, { curvature: 0.3, learningRate: 0.3 });
 * ```
 */
export const gdaVsOgda = defineExample<GdaVsOgdaExampleOptions>({
  package: 'optim-theory',
  name: 'gdaVsOgda',
  title: 'GDA spirals out, optimistic GDA converges',
  description:
    'Gradient descent-ascent and optimistic GDA on f(x, y) = xy: GDA multiplies ‖θ‖² by 1 + η² every step, OGDA spirals into the equilibrium.',
  defaults: { learningRate: 0.2, steps: 80, curvature: 0, start: [1, 0.5] },
  css: figureCss,
  setup(view, options) {
    const figures = row(view);
    const plane = createChart(figures, planeAxes(2));
    // Options are validated when the example starts; draw the start only when it is a point.
    const [x0, y0] = Array.isArray(options.start) ? options.start : [];
    if (Number.isFinite(x0) && Number.isFinite(y0)) {
      plane.draw([{ x: [x0 as number], y: [y0 as number], color: COLORS.black, line: false, marker: 4 }]);
    }
    createChart(figures, NORM_AXES);
    note(view, 'Orange: simultaneous GDA. Blue: optimistic GDA. Both start at the dark dot.');
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const rt: typeof Runtime = runtime;
    const { DlfError } = runtime;
    const { learningRate: eta, steps, curvature: c, start } = options;
    rt.assertPositive('learningRate', eta);
    rt.assertInteger('steps', steps, { min: 1, max: 100_000 });
    rt.assertNonNegative('curvature', c);
    if (!Array.isArray(start) || start.length !== 2) {
      throw new DlfError('INVALID_ARGUMENT', 'start must be [x0, y0]', { param: 'start' });
    }
    rt.assertFiniteNumber('start[0]', start[0]);
    rt.assertFiniteNumber('start[1]', start[1]);
    const { gda } = await import('../minmax/gda.js');
    const { ogda } = await import('../minmax/ogda.js');
    const { gameJacobian } = await import('../minmax/gameJacobian.js');
    const { eigenvalues, gdaStableStepSize, spectralRadius } = await import('../minmax/eigenvalues.js');
    const f = (x: TF.Tensor1D, y: TF.Tensor1D): TF.Tensor =>
      tf.tidy(() => {
        const xy = tf.sum(tf.mul(x, y));
        return c === 0 ? xy : tf.add(xy, tf.mul(c / 2, tf.sub(tf.sum(tf.square(x)), tf.sum(tf.square(y)))));
      });
    // Linear analysis at the equilibrium (0, 0).
    const H = gameJacobian(f, [0], [0]);
    const eigs = eigenvalues(H);
    const stable = gdaStableStepSize(eigs);
    const M = H.map((r, i) => r.map((v, j) => (i === j ? 1 : 0) + eta * v));
    const factor = spectralRadius(M) ** 2;
    progress(0.1, 'running GDA and OGDA');
    await tick();
    const g = gda(f, [start[0]], [start[1]], { learningRate: eta, steps, signal });
    const o = ogda(f, [start[0]], [start[1]], { learningRate: eta, steps, signal });
    const path = (r: typeof g) => ({
      x: (r.xs ?? []).map((v) => v[0] as number),
      y: (r.ys ?? []).map((v) => v[0] as number),
    });
    const gp = path(g);
    const op = path(o);
    const sq = (p: { x: number[]; y: number[] }) => p.x.map((v, i) => v * v + (p.y[i] as number) ** 2);
    const gn = sq(gp);
    const on = sq(op);
    const radius = 1.05 * Math.sqrt(Math.max(...gn.filter(Number.isFinite), ...on));
    const t = gn.map((_, i) => i);
    const predicted = t.map((i) => (gn[0] as number) * factor ** i);

    view.replaceChildren();
    const figures = row(view);
    const plane = createChart(figures, planeAxes(radius));
    const norms = createChart(figures, NORM_AXES);
    const stats = note(view, '', 'ot-stats');
    const eigText = eigs
      .map((e) => `${e.re.toFixed(2)} ${e.im >= 0 ? '+' : '−'} ${Math.abs(e.im).toFixed(2)}i`)
      .join(', ');
    note(
      view,
      `Game Jacobian at (0, 0) has eigenvalues ${eigText}: largest stable GDA step ${stable.toPrecision(3)}` +
        `${stable === 0 ? ' (none)' : ''}; here η = ${eta}, so GDA multiplies ‖θ‖² by ρ(I + ηH)² = ${factor.toFixed(4)} per step. ` +
        'Orange: GDA. Blue: OGDA. Dashed: that prediction.',
    );
    const frames = Math.min(steps, 40);
    for (let k = 1; k <= frames; k++) {
      const upto = Math.round((k * steps) / frames);
      plane.draw([
        {
          x: gp.x.slice(0, upto + 1),
          y: gp.y.slice(0, upto + 1),
          color: COLORS.orange,
          width: 1.5,
          marker: 2,
          label: 'GDA',
        },
        {
          x: op.x.slice(0, upto + 1),
          y: op.y.slice(0, upto + 1),
          color: COLORS.blue,
          width: 1.5,
          marker: 2,
          label: 'OGDA',
        },
        { x: [start[0]], y: [start[1]], color: COLORS.black, line: false, marker: 4 },
        { x: [0], y: [0], color: COLORS.green, line: false, marker: 4 },
      ]);
      norms.draw([
        {
          x: t,
          y: predicted,
          color: COLORS.grey,
          dash: '5 4',
          width: 1.5,
          label: `GDA: ×${factor.toFixed(3)} per step`,
        },
        { x: t.slice(0, upto + 1), y: gn.slice(0, upto + 1), color: COLORS.orange, label: 'GDA' },
        { x: t.slice(0, upto + 1), y: on.slice(0, upto + 1), color: COLORS.blue, label: 'OGDA' },
      ]);
      stats.textContent = `t = ${upto} · GDA ‖θ‖² = ${(gn[upto] as number).toPrecision(4)} · OGDA ‖θ‖² = ${(on[upto] as number).toExponential(2)}`;
      progress(0.1 + (0.9 * k) / frames, `t = ${upto}`);
      await tick();
    }
    // Largest relative deviation of GDA's measured growth from the predicted factor.
    let dev = 0;
    for (let i = 1; i < gn.length; i++)
      dev = Math.max(dev, Math.abs((gn[i] as number) / (gn[i - 1] as number) / factor - 1));
    return `GDA: ‖θ_T‖²/‖θ_0‖² = ${((gn.at(-1) as number) / (gn[0] as number)).toPrecision(4)} (predicted ${(factor ** steps).toPrecision(4)}, per-step deviation ${dev.toExponential(1)}); OGDA: ${((on.at(-1) as number) / (on[0] as number)).toExponential(2)}`;
  },
});
