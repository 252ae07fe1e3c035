import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type { FiniteMdp } from '../finiteMdp.js';
import {
  createGridPanel,
  DEFAULT_LAYOUT,
  editLayout,
  type GridPanel,
  gridCss,
  type Paint,
} from './gridView.js';
import { chartCss, createLineChart, type LineChart } from './lineChart.js';

/** Options of the {@link gridWorldDp} example. */
export interface GridWorldDpExampleOptions {
  /** The grid, one string per row: '.' free, '#' wall, 'S' start, 'G' goal, 'H' pit. Default: a 5 x 7 maze. */
  layout: string[];
  /** Discount factor in [0, 1). Default: 0.9. */
  gamma: number;
  /** Probability of slipping to one of the two perpendicular moves. Default: 0.2. */
  slip: number;
  /** Reward added on every step. Default: -0.04. */
  stepReward: number;
  /** Reward for entering the goal G (terminal). Default: 1. */
  goalReward: number;
  /** Reward for entering the pit H (terminal). Default: -1. */
  pitReward: number;
  /** Value iteration stops once gamma / (1 - gamma) * ||V_k - V_k-1|| <= tolerance (so ||V_k - V*|| <= tolerance). Default: 1e-6. */
  tolerance: number;
  /** Milliseconds each of the first `slowFrames` steps stays on screen. Default: 250. */
  frameMs: number;
  /** Steps shown one at a time before value iteration speeds up. Default: 6. */
  slowFrames: number;
}

interface Solvers {
  GridWorld: typeof import('../envs/GridWorld.js').GridWorld;
  valueIteration: typeof import('../valueIteration.js').valueIteration;
  policyIteration: typeof import('../policyIteration.js').policyIteration;
}

/** The editable state of one mounted example: the grid and rewards the reader set. */
interface DpState {
  layout: readonly string[];
  gamma: number;
  slip: number;
  stepReward: number;
  goalReward: number;
  pitReward: number;
  tolerance: number;
  paint: Paint;
  /** Bumped by every edit; a running sweep loop restarts when it changes. */
  version: number;
  running: boolean;
  solvers?: Solvers;
  vi: GridPanel;
  pi: GridPanel;
  chart: LineChart;
  note: HTMLElement;
}

const states = new WeakMap<HTMLElement, DpState>();

function buildMdp(st: DpState, solvers: Solvers): FiniteMdp {
  const env = new solvers.GridWorld({
    layout: st.layout,
    rewards: { G: st.goalReward, H: st.pitReward },
    terminals: 'GH',
    stepReward: st.stepReward,
    slip: st.slip,
  });
  return env.toMdp(st.gamma);
}

/** Non-terminal free cells, where a policy acts. */
function actingStates(layout: readonly string[]): number[] {
  const cells = layout.join('');
  const out: number[] = [];
  for (let s = 0; s < cells.length; s++) if (!'#GH'.includes(cells[s] as string)) out.push(s);
  return out;
}

/** Arrows only where a policy acts. */
function arrowsOn(layout: readonly string[], policy: ArrayLike<number>): Int32Array {
  const out = new Int32Array(policy.length).fill(-1);
  for (const s of actingStates(layout)) out[s] = policy[s] as number;
  return out;
}

/** States where `policy` is not greedy with respect to the optimal q (up to ties within `tol`). */
function suboptimalStates(
  layout: readonly string[],
  policy: ArrayLike<number>,
  qStar: ArrayLike<number>,
  tol: number,
): number[] {
  const bad: number[] = [];
  for (const s of actingStates(layout)) {
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < 4; a++) best = Math.max(best, qStar[s * 4 + a] as number);
    if ((qStar[s * 4 + (policy[s] as number)] as number) < best - tol) bad.push(s);
  }
  return bad;
}

function drawChart(st: DpState, viResiduals: number[], piResiduals: number[]): void {
  const first = viResiduals[0] ?? 1;
  const bound = viResiduals.map((_, k) => first * st.gamma ** k);
  const floor = Math.max(1e-12, Math.min(...viResiduals.filter((r) => r > 0), first) / 10);
  st.chart.draw(
    [
      { y: viResiduals, color: '#0969da', label: 'value iteration' },
      { y: bound, color: '#8c959f', dash: '4 3', label: 'gamma^k bound' },
      {
        y: piResiduals.map((r) => Math.max(r, floor)),
        color: '#bf3989',
        marker: 3,
        label: 'policy iteration',
      },
    ],
    { yDomain: [floor, Math.max(first, ...piResiduals, 1e-9)] },
  );
}

/** Solves the current grid to convergence at once (after an edit, when no run is animating it). */
function solveNow(st: DpState): void {
  const solvers = st.solvers;
  if (!solvers) {
    drawLayoutOnly(st);
    return;
  }
  const mdp = buildMdp(st, solvers);
  const vi = solvers.valueIteration(mdp, { tolerance: st.tolerance });
  const pi = solvers.policyIteration(mdp);
  const scale = Math.max(Math.abs(st.goalReward), Math.abs(st.pitReward), 1e-9);
  st.vi.draw({
    layout: st.layout,
    values: vi.values,
    scale,
    policy: arrowsOn(st.layout, vi.policy),
    caption: `converged in ${vi.iterations} sweeps, last residual ${vi.residuals.at(-1)?.toExponential(1)}`,
  });
  st.pi.draw({
    layout: st.layout,
    values: pi.values,
    scale,
    policy: arrowsOn(st.layout, pi.policy),
    caption: `stable after ${pi.iterations} rounds (${pi.iterations - 1} improvements)`,
  });
  drawChart(st, vi.residuals, pi.residuals);
  st.note.textContent = 'Solved the edited grid; press Run again to watch it step by step.';
}

function drawLayoutOnly(st: DpState): void {
  st.vi.draw({ layout: st.layout, caption: 'V_0 = 0' });
  st.pi.draw({ layout: st.layout, caption: 'pi_0 = left everywhere' });
}

function createState(view: HTMLElement, o: GridWorldDpExampleOptions): DpState {
  view.replaceChildren();
  const hint = document.createElement('p');
  hint.className = 'hint';
  hint.textContent =
    'Click a cell to paint it (click again to clear), shift+click to toggle a goal. Values are colours and numbers, arrows the greedy policy.';
  const controls = document.createElement('div');
  controls.className = 'controls';
  const panels = document.createElement('div');
  panels.className = 'panels';
  const note = document.createElement('p');
  note.className = 'hint';
  view.append(hint, controls, panels, note);
  const onCell = (row: number, col: number, event: MouseEvent) => {
    const edited = editLayout(st.layout, row, col, event.shiftKey ? 'goal' : st.paint);
    if (edited === st.layout) return;
    st.layout = edited;
    changed();
  };
  const st: DpState = {
    layout: [...o.layout],
    gamma: o.gamma,
    slip: o.slip,
    stepReward: o.stepReward,
    goalReward: o.goalReward,
    pitReward: o.pitReward,
    tolerance: o.tolerance,
    paint: 'wall',
    version: 0,
    running: false,
    vi: createGridPanel(panels, { title: 'Value iteration: V_k and its greedy policy', onCell }),
    pi: createGridPanel(panels, { title: 'Policy iteration: V of pi_k, and pi_k', onCell }),
    chart: createLineChart(panels, { title: 'Residuals (log scale)', xLabel: 'iteration k', yLog: true }),
    note,
  };
  const changed = () => {
    st.version++;
    if (st.running) st.note.textContent = 'Grid edited: the run starts over on the new grid.';
    else solveNow(st);
  };

  const select = document.createElement('select');
  select.setAttribute('aria-label', 'what a click paints');
  for (const p of ['wall', 'goal', 'pit', 'start', 'empty'] as const) {
    const option = document.createElement('option');
    option.value = p;
    option.textContent = p === 'goal' ? 'goal G' : p === 'pit' ? 'pit H' : p;
    select.append(option);
  }
  select.addEventListener('change', () => {
    st.paint = select.value as Paint;
  });
  const paintLabel = document.createElement('label');
  paintLabel.append('click paints', select);
  controls.append(paintLabel);

  const numberInput = (
    label: string,
    key: 'goalReward' | 'pitReward' | 'stepReward' | 'gamma' | 'slip',
    min: number,
    max: number,
    step: number,
  ) => {
    const input = document.createElement('input');
    input.type = 'number';
    input.min = String(min);
    input.max = String(max);
    input.step = String(step);
    input.value = String(st[key]);
    input.addEventListener('change', () => {
      const v = Number(input.value);
      const ok = input.value.trim() !== '' && Number.isFinite(v) && v >= min && v <= max;
      input.setAttribute('aria-invalid', String(!ok));
      if (!ok || v === st[key]) return;
      st[key] = v;
      changed();
    });
    const wrap = document.createElement('label');
    wrap.append(label, input);
    controls.append(wrap);
  };
  numberInput('goal reward', 'goalReward', -100, 100, 0.5);
  numberInput('pit reward', 'pitReward', -100, 100, 0.5);
  numberInput('step reward', 'stepReward', -10, 10, 0.01);
  numberInput('gamma', 'gamma', 0, 0.99, 0.05);
  numberInput('slip', 'slip', 0, 1, 0.1);

  states.set(view, st);
  drawLayoutOnly(st);
  return st;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Live example: value iteration and policy iteration side by side on an editable grid world. Each
 * frame does one Bellman optimality sweep `V_k+1 = T V_k` (`valueIteration` with one iteration,
 * warm-started) and, until it is stable, one evaluate-improve round of `policyIteration`; the chart
 * shows the sweep residuals under the gamma^k contraction bound. Clicking cells paints walls, goals,
 * pits and start cells, and the inputs set rewards, gamma and slip: a run in progress starts over on
 * the edited grid, and after a run the edited grid is solved at once.
 *
 * @example
 * ```ts
 * import { gridWorldDp } from '@dlf/rl/examples';
 * gridWorldDp.mount(document.getElementById('dp')!, { gamma: 0.95, slip: 0 });
 * ```
 */
export const gridWorldDp = defineExample<GridWorldDpExampleOptions>({
  package: 'rl',
  name: 'gridWorldDp',
  title: 'Value iteration and policy iteration on an editable grid world',
  description:
    'One Bellman sweep of value iteration and one evaluate-improve round of policy iteration per step, with values as colours, greedy arrows and residuals. Click cells to edit walls and rewards.',
  defaults: {
    layout: [...DEFAULT_LAYOUT],
    gamma: 0.9,
    slip: 0.2,
    stepReward: -0.04,
    goalReward: 1,
    pitReward: -1,
    tolerance: 1e-6,
    frameMs: 250,
    slowFrames: 6,
  },
  css: gridCss + chartCss,
  setup(view, options) {
    createState(view, options);
  },
  async run({ runtime, options, view, progress, tick, signal }) {
    // An explicitly typed name: TypeScript needs one to call assertion functions.
    const check: Pick<
      typeof Runtime,
      'assertInRange' | 'assertInteger' | 'assertNonNegative' | 'assertPositive'
    > = runtime;
    check.assertInRange('gamma', options.gamma, 0, 0.999);
    check.assertInRange('slip', options.slip, 0, 1);
    check.assertPositive('tolerance', options.tolerance);
    check.assertNonNegative('frameMs', options.frameMs);
    check.assertInteger('slowFrames', options.slowFrames, { min: 0 });
    const [{ GridWorld }, { valueIteration }, { policyIteration }] = await Promise.all([
      import('../envs/GridWorld.js'),
      import('../valueIteration.js'),
      import('../policyIteration.js'),
    ]);
    const solvers: Solvers = { GridWorld, valueIteration, policyIteration };
    const st = states.get(view) ?? createState(view, options);
    st.solvers = solvers;
    st.running = true;
    st.note.textContent = '';
    let summary = '';
    try {
      let version = -1;
      let mdp: FiniteMdp | undefined;
      let values: Float64Array = new Float64Array(0);
      let policy: Int32Array = new Int32Array(0);
      let viResiduals: number[] = [];
      let piResiduals: number[] = [];
      let viDone = false;
      let piDone = false;
      let rounds = 0;
      let frame = 0;
      let piCaption = '';
      let piValues: Float64Array = new Float64Array(0);
      let piShown: Int32Array = new Int32Array(0);
      let viPolicy: Int32Array = new Int32Array(0);
      const scale = () => Math.max(Math.abs(st.goalReward), Math.abs(st.pitReward), 1e-9);
      for (;;) {
        if (version !== st.version) {
          version = st.version;
          mdp = buildMdp(st, solvers);
          values = new Float64Array(mdp.numStates);
          policy = new Int32Array(mdp.numStates);
          viResiduals = [];
          piResiduals = [];
          viDone = false;
          piDone = false;
          rounds = 0;
          frame = 0;
        }
        const m = mdp as FiniteMdp;
        const sweeps =
          frame < options.slowFrames ? 1 : Math.min(512, 2 ** Math.floor((frame - options.slowFrames) / 5));
        for (let i = 0; i < sweeps && !viDone; i++) {
          const r = valueIteration(m, { maxIterations: 1, initialValues: values, tolerance: 0 });
          values = r.values;
          viPolicy = r.policy;
          const residual = r.residuals[0] as number;
          viResiduals.push(residual);
          viDone = (m.gamma / (1 - m.gamma)) * residual <= st.tolerance;
        }
        if (!piDone) {
          // One round: evaluate pi_k exactly, then improve it greedily.
          const r = policyIteration(m, { maxIterations: 1, initialPolicy: policy });
          rounds++;
          piValues = r.values;
          piShown = policy;
          piResiduals.push(r.residuals[0] as number);
          const changes = r.policyChanges[0] as number;
          piDone = changes === 0;
          piCaption = piDone
            ? `round ${rounds}: pi_${rounds - 1} is greedy for its own values: optimal`
            : `round ${rounds}: evaluated pi_${rounds - 1}; improvement changes ${changes} states`;
          policy = r.policy;
        }
        const k = viResiduals.length;
        st.vi.draw({
          layout: st.layout,
          values,
          scale: scale(),
          policy: arrowsOn(st.layout, viPolicy),
          caption: `sweep k = ${k}, ||V_k - V_k-1|| = ${(viResiduals.at(-1) ?? 0).toExponential(2)}${viDone ? ' (converged)' : ''}`,
        });
        st.pi.draw({
          layout: st.layout,
          values: piValues,
          scale: scale(),
          policy: arrowsOn(st.layout, piShown),
          caption: piCaption,
        });
        drawChart(st, viResiduals, piResiduals);
        const first = viResiduals[0] || 1;
        const needed =
          m.gamma > 0
            ? Math.max(
                k,
                Math.log((st.tolerance * (1 - m.gamma)) / (m.gamma * first)) / Math.log(m.gamma) + 1,
              )
            : 1;
        progress(
          Math.min(1, k / needed),
          `value iteration: sweep ${k}; policy iteration: round ${rounds}${piDone ? ' (stable)' : ''}`,
        );
        if (viDone && piDone) {
          const bad = suboptimalStates(
            st.layout,
            piShown,
            valueIteration(m, { tolerance: st.tolerance }).q,
            1e-4,
          );
          summary =
            `value iteration: ${k} sweeps to within ${st.tolerance} of V*; policy iteration: ${rounds} rounds ` +
            `(${rounds - 1} improvements). ${bad.length === 0 ? 'Both greedy policies are optimal' : `${bad.length} states differ`}; edit the grid and it is solved again.`;
          break;
        }
        if (frame < options.slowFrames && options.frameMs > 0) await sleep(options.frameMs, signal);
        frame++;
        await tick();
      }
    } finally {
      st.running = false;
    }
    return summary;
  },
});
