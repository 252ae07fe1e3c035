import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type { Trajectory } from '../reinforce.js';
import { chartCss, createLineChart } from './lineChart.js';

/** Options of the {@link policyGradients} example. */
export interface PolicyGradientsExampleOptions {
  /**
   * `'variance'`: the four REINFORCE estimators of one policy's gradient, against the exact gradient;
   * `'learning'`: REINFORCE (vanilla and with baseline + reward-to-go), actor-critic and the natural
   * policy gradient learning the same grid. Default: 'variance'.
   */
  part: 'variance' | 'learning';
  /** Episodes sampled for the variance estimates. Default: 2000. */
  samples: number;
  /** Training episodes of each learner. Default: 1000. */
  episodes: number;
  /** Step size of every learner. Default: 0.3. */
  learningRate: number;
  /** Standard deviation of the random softmax parameters whose gradient is estimated. Default: 0.5. */
  thetaScale: number;
  /** Seed of the parameters, the episodes and the learners. Default: 0. */
  seed: number;
}

/** The grid of the package's variance test: 3 x 3, a wall, goal G (+1), pit H (-1), slippery. */
const LAYOUT = ['S..', '.#G', '..H'];
const GAMMA = 0.9;
const A = 4;

const VARIANTS = [
  { name: 'vanilla', color: '#cf222e', options: { rewardToGo: false } },
  { name: 'baseline', color: '#bf8700', options: { rewardToGo: false, baseline: true } },
  { name: 'reward-to-go', color: '#0969da', options: { rewardToGo: true } },
  { name: 'both', color: '#2e8555', options: { rewardToGo: true, baseline: true } },
] as const;

const LEARNERS = [
  { name: 'REINFORCE, vanilla', color: '#cf222e' },
  { name: 'REINFORCE, baseline + reward-to-go', color: '#0969da' },
  { name: 'actor-critic', color: '#2e8555' },
  { name: 'natural policy gradient', color: '#8250df' },
] as const;

function table(rows: readonly (readonly string[])[]): HTMLTableElement {
  const el = document.createElement('table');
  rows.forEach((cells, i) => {
    const tr = document.createElement('tr');
    for (const text of cells) {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      cell.textContent = text;
      tr.append(cell);
    }
    el.append(tr);
  });
  return el;
}

function movingAverage(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    if (i >= window) sum -= values[i - window] as number;
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

/**
 * Live example on a 3 x 3 slippery grid world with softmax policies. `part: 'variance'` samples
 * episodes of one random policy and estimates its gradient with the four REINFORCE variants
 * (`reinforceGradient`: vanilla, baseline V^pi, reward-to-go, both) on the same episodes: the error
 * of each running mean against the exact gradient of the policy gradient theorem
 * (`exactPolicyGradient`) shrinks like 1/sqrt(n) for all four (same mean), and the table gives each
 * estimator's variance. `part: 'learning'` trains `reinforce`, `actorCritic` and
 * `naturalPolicyGradient` and compares their returns and the exact value of the policies they learn.
 *
 * @example
 * ```ts
 * import { policyGradients } from '@dlf/rl/examples';
 * policyGradients.mount(document.getElementById('pg')!, { part: 'learning', episodes: 2000 });
 * ```
 */
export const policyGradients = defineExample<PolicyGradientsExampleOptions>({
  package: 'rl',
  name: 'policyGradients',
  title: 'Policy gradient estimators and learners',
  description:
    'REINFORCE gradient estimates with and without baseline and reward-to-go against the exact policy gradient, or REINFORCE, actor-critic and the natural policy gradient learning a small grid.',
  defaults: { part: 'variance', samples: 2000, episodes: 1000, learningRate: 0.3, thetaScale: 0.5, seed: 0 },
  css: `${chartCss}
.panels { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.grid-title { font-size: 13px; font-weight: 600; margin-bottom: 4px; }
table { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid var(--dlf-example-border, #d0d7de); }
th:first-child, td:first-child { text-align: left; }
.hint { font-size: 12px; color: var(--dlf-example-muted, #57606a); margin: 0 0 6px; max-width: 640px; }`,
  setup(view, options) {
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.textContent =
      options.part === 'learning'
        ? `Trains four policy-gradient learners for ${options.episodes} episodes each on a 3 x 3 slippery grid.`
        : `Estimates the gradient of one softmax policy on a 3 x 3 slippery grid from ${options.samples} episodes, four ways.`;
    view.replaceChildren(hint);
  },
  async run({ runtime, options, view, progress, tick, signal }) {
    // An explicitly typed name: TypeScript needs one to call assertion functions.
    const check: Pick<
      typeof Runtime,
      'assertOneOf' | 'assertInteger' | 'assertPositive' | 'assertNonNegative'
    > = runtime;
    check.assertOneOf('part', options.part, ['variance', 'learning'] as const);
    check.assertInteger('samples', options.samples, { min: 2 });
    check.assertInteger('episodes', options.episodes, { min: 1 });
    check.assertPositive('learningRate', options.learningRate);
    check.assertNonNegative('thetaScale', options.thetaScale);
    const [{ GridWorld }, pg, { softmaxPolicy, exactPolicyGradient }, learners, { evaluatePolicy }, vi] =
      await Promise.all([
        import('../envs/GridWorld.js'),
        import('../reinforce.js'),
        import('../softmaxPolicy.js'),
        Promise.all([import('../actorCritic.js'), import('../naturalPolicyGradient.js')]),
        import('../evaluatePolicy.js'),
        import('../valueIteration.js'),
      ]);
    const makeEnv = () =>
      new GridWorld({ layout: LAYOUT, slip: 0.2, stepReward: -0.1, maxEpisodeSteps: 1000 });
    const mdp = makeEnv().toMdp(GAMMA);
    const S = mdp.numStates;
    view.replaceChildren();
    const hint = document.createElement('p');
    hint.className = 'hint';
    const panels = document.createElement('div');
    panels.className = 'panels';
    view.append(hint, panels);

    if (options.part === 'learning') {
      hint.textContent = `Four learners, ${options.episodes} episodes each, step size ${options.learningRate}, gamma ${GAMMA}. REINFORCE steps once per batch of 10 episodes; actor-critic at every step.`;
      const chart = createLineChart(panels, {
        title: 'Return (mean of the last 100 episodes)',
        xLabel: 'episode',
        width: 340,
      });
      const out = document.createElement('div');
      panels.append(out);
      const env = makeEnv();
      const common = {
        episodes: options.episodes,
        gamma: GAMMA,
        learningRate: options.learningRate,
        seed: options.seed,
        signal,
      };
      const runs = [
        () => pg.reinforce(env, { ...common, rewardToGo: false, baseline: false }),
        () => pg.reinforce(env, { ...common, rewardToGo: true, baseline: true }),
        () => learners[0].actorCritic(env, common),
        () => learners[1].naturalPolicyGradient(env, common),
      ];
      const optimum = vi.valueIteration(mdp, { tolerance: 1e-12 }).values[0] as number;
      const curves: { y: number[]; color: string; label: string }[] = [];
      const rows: string[][] = [['learner', 'exact J of the learned policy', 'J*']];
      for (const [i, learn] of runs.entries()) {
        const result = learn();
        if (result.aborted) throw new runtime.DlfError('ABORTED', 'rl/policyGradients was stopped');
        const learner = LEARNERS[i] as (typeof LEARNERS)[number];
        curves.push({
          y: movingAverage(result.episodeReturns, 100),
          color: learner.color,
          label: learner.name,
        });
        const rowsOfPi = Array.from({ length: S }, (_, s) => result.probabilities.slice(s * A, s * A + A));
        const j = evaluatePolicy(mdp, rowsOfPi).values[0] as number;
        rows.push([learner.name, j.toFixed(3), optimum.toFixed(3)]);
        chart.draw(curves, { xMax: options.episodes });
        out.replaceChildren(table(rows));
        progress(
          (i + 1) / runs.length,
          `${learner.name}: exact J = ${j.toFixed(3)} (J* = ${optimum.toFixed(3)})`,
        );
        await tick();
      }
      const best = rows.slice(1).reduce((a, b) => (Number(b[1]) > Number(a[1]) ? b : a));
      return `after ${options.episodes} episodes the best learned policy is ${best[0]}'s, J = ${best[1]} of J* = ${optimum.toFixed(3)}.`;
    }

    // Variance of the four estimators of one policy's gradient.
    const rng = runtime.createRng(options.seed);
    const theta = Float64Array.from({ length: S * A }, () => rng.normal(0, options.thetaScale));
    const exact = exactPolicyGradient(mdp, theta);
    const pi = softmaxPolicy(theta, A);
    const env = makeEnv();
    const sample = (): Trajectory => {
      const states: number[] = [];
      const actions: number[] = [];
      const rewards: number[] = [];
      let s = env.reset({ seed: rng.nextSeed() }).observation;
      for (;;) {
        let u = rng.random();
        let a = 0;
        while (a < A - 1 && u >= (pi[s * A + a] as number)) {
          u -= pi[s * A + a] as number;
          a++;
        }
        const step = env.step(a);
        states.push(s);
        actions.push(a);
        rewards.push(step.reward);
        if (step.terminated || step.truncated)
          return { states, actions, rewards, terminated: step.terminated };
        s = step.observation;
      }
    };
    hint.textContent = `One random softmax policy (theta ~ N(0, ${options.thetaScale}^2)); its exact gradient from the policy gradient theorem has norm ${Math.hypot(...exact.gradient).toFixed(3)}. Each episode feeds all four estimators.`;
    const chart = createLineChart(panels, {
      title: '||mean of n estimates - exact gradient|| (log)',
      xLabel: 'episodes n',
      yLog: true,
      width: 340,
    });
    const out = document.createElement('div');
    panels.append(out);
    const P = S * A;
    const sums = VARIANTS.map(() => new Float64Array(P));
    const squares = VARIANTS.map(() => new Float64Array(P));
    const errors = VARIANTS.map(() => [] as number[]);
    const xs: number[] = [];
    const chunk = Math.max(1, Math.round(options.samples / 40));
    let n = 0;
    const stats = (v: number) => {
      let error = 0;
      let variance = 0;
      for (let j = 0; j < P; j++) {
        const mean = (sums[v]?.[j] as number) / n;
        error += (mean - (exact.gradient[j] as number)) ** 2;
        variance += (squares[v]?.[j] as number) / n - mean * mean;
      }
      return { error: Math.sqrt(error), variance };
    };
    while (n < options.samples) {
      const batch = Math.min(chunk, options.samples - n);
      for (let i = 0; i < batch; i++) {
        const tr = sample();
        VARIANTS.forEach((variant, v) => {
          const { baseline, ...rest } = variant.options as { rewardToGo: boolean; baseline?: boolean };
          const g = pg.reinforceGradient([tr], theta, A, {
            gamma: GAMMA,
            ...rest,
            ...(baseline ? { baseline: exact.values } : {}),
          });
          const sum = sums[v] as Float64Array;
          const square = squares[v] as Float64Array;
          for (let j = 0; j < P; j++) {
            sum[j] = (sum[j] as number) + (g[j] as number);
            square[j] = (square[j] as number) + (g[j] as number) ** 2;
          }
        });
      }
      n += batch;
      xs.push(n);
      const rows: string[][] = [['estimator', 'total variance', '||mean - exact||', 'standard error']];
      VARIANTS.forEach((variant, v) => {
        const { error, variance } = stats(v);
        errors[v]?.push(error);
        rows.push([variant.name, variance.toFixed(3), error.toFixed(4), Math.sqrt(variance / n).toFixed(4)]);
      });
      chart.draw(
        VARIANTS.map((variant, v) => ({
          x: xs,
          y: errors[v] as number[],
          color: variant.color,
          label: variant.name,
        })),
        { xMax: options.samples },
      );
      out.replaceChildren(table(rows));
      progress(n / options.samples, `${n} of ${options.samples} episodes`);
      await tick();
    }
    const vanilla = stats(0);
    const both = stats(3);
    return `${n} episodes: every estimator's mean is within a few standard errors of the exact gradient; baseline + reward-to-go has ${(vanilla.variance / both.variance).toFixed(1)} times less variance than vanilla REINFORCE.`;
  },
});
