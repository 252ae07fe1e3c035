import { defineExample } from '@dlf/runtime/examples';
import type { RuntimeModule } from './checkOptions.js';
import { createPlot2d, type Plot2d } from './plot2d.js';
import { gaussianCloud, pointRng } from './seededPoints.js';

/** Options of the {@link otPlan} example. */
export interface OtPlanExampleOptions {
  /** Source points (one Gaussian blob, uniform weights). Default: 14. */
  sources: number;
  /** Target points (two blobs, uniform weights). Default: 10. */
  targets: number;
  /** Initial entropic regularisation of Sinkhorn, in units of the squared-distance cost. Default: 0.05. */
  reg: number;
  /** Seed of the point clouds. Default: 0. */
  seed: number;
}

const BOUNDS = [-1.9, 1.9, -1.5, 1.5] as const;
const SOURCE = '#1f77b4';
const TARGET = '#e6781e';
const REG_MIN = -3;
const REG_MAX = 0;

function clouds(o: OtPlanExampleOptions): { x: number[][]; y: number[][] } {
  const rng = pointRng(o.seed);
  const x = gaussianCloud(rng, o.sources, [-0.9, 0], [0.3, 0.45]);
  const upper = Math.ceil(o.targets / 2);
  const y = [
    ...gaussianCloud(rng, upper, [0.9, 0.7], [0.2, 0.15]),
    ...gaussianCloud(rng, o.targets - upper, [0.9, -0.7], [0.2, 0.15]),
  ];
  return { x, y };
}

interface Panels {
  exact: Plot2d;
  entropic: Plot2d;
  slider: HTMLInputElement;
  regLabel: HTMLElement;
  readout: HTMLElement;
}

function buildView(view: HTMLElement, reg: number): Panels {
  view.replaceChildren();
  const wrap = document.createElement('div');
  wrap.className = 'ot-wrap';
  const panel = (title: string): HTMLElement => {
    const figure = document.createElement('figure');
    figure.className = 'ot-panel';
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    figure.append(caption);
    wrap.append(figure);
    return figure;
  };
  const common = { bounds: BOUNDS, width: 280, height: 220 };
  const exact = createPlot2d(panel('exact plan (emd)'), {
    ...common,
    ariaLabel: 'the exact optimal transport plan between the two point clouds',
  });
  const entropic = createPlot2d(panel('entropic plan (sinkhorn)'), {
    ...common,
    ariaLabel: 'the entropic optimal transport plan between the two point clouds',
  });
  const controls = document.createElement('label');
  controls.className = 'ot-controls';
  const slider = document.createElement('input');
  slider.type = 'range';
  slider.min = String(REG_MIN);
  slider.max = String(REG_MAX);
  slider.step = '0.05';
  slider.value = String(Math.min(REG_MAX, Math.max(REG_MIN, Math.log10(reg))));
  slider.disabled = true;
  slider.setAttribute('aria-label', 'Sinkhorn regularisation, log10 scale');
  const regLabel = document.createElement('span');
  regLabel.className = 'ot-reg';
  regLabel.textContent = `reg = ${reg.toPrecision(2)}`;
  controls.append('Sinkhorn reg (log scale) ', slider, regLabel);
  const readout = document.createElement('p');
  readout.className = 'ot-readout';
  view.append(wrap, controls, readout);
  return { exact, entropic, slider, regLabel, readout };
}

/** Draws a plan: one segment per pair with mass, its width and opacity proportional to the mass. */
function drawPlan(plot: Plot2d, x: number[][], y: number[][], plan: number[][], label: string): void {
  plot.clear();
  let max = 0;
  for (const row of plan) for (const p of row) max = Math.max(max, p);
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < y.length; j++) {
      const share = max > 0 ? ((plan[i] as number[])[j] as number) / max : 0;
      if (share < 0.02) continue;
      plot.segment(
        x[i] as number[],
        y[j] as number[],
        `rgba(60, 60, 60, ${(0.15 + 0.75 * share).toFixed(3)})`,
        0.5 + 2.5 * share,
      );
    }
  }
  plot.dots(x, SOURCE, 3.5);
  plot.dots(y, TARGET, 3.5);
  plot.label(label);
}

/**
 * Live example: the optimal transport plan between two small point clouds with uniform weights and
 * squared Euclidean cost, exact (`emd`, network simplex) next to entropic (`sinkhorn` in the log
 * domain with epsilon scaling). Each pair is joined by a line whose width and opacity grow with the
 * mass it carries; the slider changes Sinkhorn's `reg` and recomputes the entropic plan, so the
 * reader sees it blur as `reg` grows and sharpen into the exact plan as `reg` shrinks, with the EMD
 * cost shown for reference.
 *
 * @example
 * ```ts
 * import { otPlan } from '@dlf/generative/examples';
 * otPlan.mount(document.getElementById('demo')!, { reg: 0.2, start: 'click' });
 * ```
 */
export const otPlan = defineExample<OtPlanExampleOptions>({
  package: 'generative',
  name: 'otPlan',
  title: 'Exact and entropic transport plans',
  description:
    'emd and sinkhorn between two point clouds (squared Euclidean cost): line width and opacity show the mass moved between two points; the slider sets Sinkhorn\u2019s regularisation.',
  defaults: { sources: 14, targets: 10, reg: 0.05, seed: 0 },
  css: `
.ot-wrap { display: flex; flex-wrap: wrap; gap: 10px; }
.ot-panel { margin: 0; }
.ot-panel figcaption { font-size: 12px; color: var(--dlf-example-muted, #57606a); margin-bottom: 2px; }
.ot-panel canvas { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; }
.ot-controls { display: flex; align-items: center; gap: 8px; margin-top: 8px; font-size: 13px; }
.ot-controls input { flex: 1; max-width: 320px; accent-color: var(--dlf-example-accent, #2e8555); }
.ot-reg { font-variant-numeric: tabular-nums; min-width: 7em; }
.ot-readout { margin: 6px 0 0; font-size: 13px; font-variant-numeric: tabular-nums; }
`,
  setup(view, options) {
    const { x, y } = clouds(options);
    const panels = buildView(view, options.reg);
    for (const plot of [panels.exact, panels.entropic]) {
      plot.clear();
      plot.dots(x, SOURCE, 3.5);
      plot.dots(y, TARGET, 3.5);
    }
    panels.readout.textContent = 'Blue: sources, orange: targets. The plans are computed on start.';
  },
  async run({ runtime, options, view, progress, tick, signal }) {
    const rt: RuntimeModule = runtime;
    rt.assertInteger('sources', options.sources, { min: 2, max: 200 });
    rt.assertInteger('targets', options.targets, { min: 2, max: 200 });
    rt.assertPositive('reg', options.reg);
    rt.assertInteger('seed', options.seed);
    const [{ dist }, { emd }, { sinkhorn }] = await Promise.all([
      import('../ot/dist.js'),
      import('../ot/emd.js'),
      import('../ot/sinkhorn.js'),
    ]);
    const { x, y } = clouds(options);
    const a = new Array<number>(x.length).fill(1 / x.length);
    const b = new Array<number>(y.length).fill(1 / y.length);
    const M = dist(x, y);
    const panels = buildView(view, options.reg);
    progress(0.2, 'exact plan (network simplex)…');
    await tick();
    const exact = emd(a, b, M, { signal });
    const exactSupport = exact.plan.flat().filter((p) => p > 1e-12).length;
    drawPlan(panels.exact, x, y, exact.plan, `cost ${exact.cost.toFixed(4)}`);
    progress(0.6, 'entropic plan (Sinkhorn)…');
    await tick();

    const solve = (reg: number): string => {
      const result = sinkhorn(a, b, M, { reg, maxIter: 20_000, tol: 1e-9, epsilonScaling: true, signal });
      const support = result.plan.flat().filter((p) => p > 1e-6 / (x.length * y.length)).length;
      drawPlan(panels.entropic, x, y, result.plan, `cost ${result.cost.toFixed(4)}`);
      panels.regLabel.textContent = `reg = ${reg.toPrecision(2)}`;
      panels.readout.textContent =
        `EMD cost ${exact.cost.toFixed(4)} (${exactSupport} pairs carry mass, at most n + m - 1 = ${x.length + y.length - 1}); ` +
        `Sinkhorn cost <P, M> = ${result.cost.toFixed(4)} (+${(result.cost - exact.cost).toExponential(1)}), ` +
        `${support} of ${x.length * y.length} pairs carry mass, ${result.iterations} iterations, ` +
        `${result.converged ? 'converged' : 'NOT converged'} (marginal error ${result.marginalError.toExponential(1)}).`;
      return `EMD cost ${exact.cost.toFixed(4)}, Sinkhorn cost ${result.cost.toFixed(4)} at reg ${reg.toPrecision(2)}: move the slider to recompute`;
    };
    const summary = solve(options.reg);
    panels.slider.disabled = false;
    panels.slider.addEventListener('input', () => {
      if (signal.aborted) return;
      solve(10 ** Number(panels.slider.value));
    });
    return summary;
  },
});
