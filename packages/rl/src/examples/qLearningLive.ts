import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type { Env } from '../envs/Env.js';
import { createGridPanel, DEFAULT_LAYOUT, gridCss } from './gridView.js';
import { chartCss, createLineChart } from './lineChart.js';

/** Options of the {@link qLearningLive} example. */
export interface QLearningLiveExampleOptions {
  /** The grid ('.' free, '#' wall, 'S' start, 'G' goal +1, 'H' pit -1). Default: the 5 x 7 maze of `gridWorldDp`. */
  layout: string[];
  /** Probability of slipping to a perpendicular move. Default: 0.1. */
  slip: number;
  /** Reward added on every step. Default: -0.01. */
  stepReward: number;
  /** Discount factor. Default: 0.95. */
  gamma: number;
  /** Training episodes (each ends at G, H or after 200 steps). Default: 1500. */
  episodes: number;
  /** Exploration rate at the first episode, decayed linearly to `epsilonEnd`. Default: 1. */
  epsilonStart: number;
  /** Exploration rate from 70% of the episodes on. Default: 0.1. */
  epsilonEnd: number;
  /** Step sizes alpha_n = 1 / n^alphaPower for the n-th update of a pair; in (0.5, 1] they meet the Robbins-Monro conditions. Default: 0.6. */
  alphaPower: number;
  /** Seed of the episodes and of exploration. Default: 0. */
  seed: number;
  /** Episodes replayed step by step (at most 30 steps of each) before the replay speeds up. Default: 1. */
  stepEpisodes: number;
  /** Frames of the fast replay of the remaining episodes. Default: 90. */
  frames: number;
}

const MAX_EPISODE_STEPS = 200;

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
 * Live example: tabular Q-learning (`qLearning`, epsilon-greedy with a linear schedule, step sizes
 * 1 / n^p) on a slippery grid world. The episodes are computed first (a fraction of a second, pure
 * JavaScript, seeded) and replayed: the agent and its path, visit counts as heat, and the return
 * curve. At the end the learned greedy policy and max_a Q are set beside value iteration's V* and
 * pi*, with the states where Q-learning's action is not optimal outlined in red.
 *
 * @example
 * ```ts
 * import { qLearningLive } from '@dlf/rl/examples';
 * qLearningLive.mount(document.getElementById('ql')!, { episodes: 5000, seed: 1 });
 * ```
 */
export const qLearningLive = defineExample<QLearningLiveExampleOptions>({
  package: 'rl',
  name: 'qLearningLive',
  title: 'Q-learning explores a grid world',
  description:
    'Epsilon-greedy tabular Q-learning on a slippery grid: the agent, its visit counts and returns, then its greedy policy beside the optimal one from value iteration.',
  defaults: {
    layout: [...DEFAULT_LAYOUT],
    slip: 0.1,
    stepReward: -0.01,
    gamma: 0.95,
    episodes: 1500,
    epsilonStart: 1,
    epsilonEnd: 0.1,
    alphaPower: 0.6,
    seed: 0,
    stepEpisodes: 1,
    frames: 90,
  },
  css: `${gridCss}${chartCss}`,
  setup(view, options) {
    const panels = document.createElement('div');
    panels.className = 'panels';
    view.replaceChildren(panels);
    createGridPanel(panels, { title: 'Q-learning: the agent and its visits' }).draw({
      layout: options.layout,
      caption: 'not started',
    });
  },
  async run({ runtime, options, view, progress, tick, signal }) {
    // An explicitly typed name: TypeScript needs one to call assertion functions.
    const check: Pick<typeof Runtime, 'assertInRange' | 'assertInteger'> = runtime;
    check.assertInRange('slip', options.slip, 0, 1);
    check.assertInRange('gamma', options.gamma, 0, 0.999);
    check.assertInteger('episodes', options.episodes, { min: 1 });
    check.assertInRange('epsilonStart', options.epsilonStart, 0, 1);
    check.assertInRange('epsilonEnd', options.epsilonEnd, 0, 1);
    check.assertInRange('alphaPower', options.alphaPower, 0, 1);
    check.assertInteger('stepEpisodes', options.stepEpisodes, { min: 0 });
    check.assertInteger('frames', options.frames, { min: 1 });
    const [{ GridWorld }, { qLearning }, { valueIteration }, { linearSchedule }] = await Promise.all([
      import('../envs/GridWorld.js'),
      import('../qLearning.js'),
      import('../valueIteration.js'),
      import('../schedules.js'),
    ]);
    const { layout, gamma } = options;
    const env = new GridWorld({
      layout,
      slip: options.slip,
      stepReward: options.stepReward,
      maxEpisodeSteps: MAX_EPISODE_STEPS,
    });
    const S = env.rows * env.cols;

    // Record every episode's states by wrapping the environment (same interface).
    const trajectories: number[][] = [];
    let current: number[] = [];
    const recorder: Env<number, number> = {
      id: env.id,
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
      maxEpisodeSteps: env.maxEpisodeSteps,
      reset(resetOptions) {
        const r = env.reset(resetOptions);
        current = [r.observation];
        trajectories.push(current);
        return r;
      },
      step(action) {
        const r = env.step(action);
        current.push(r.observation);
        return r;
      },
    };
    progress(0, 'running Q-learning…');
    await tick();
    const epsilon = linearSchedule({
      start: options.epsilonStart,
      end: options.epsilonEnd,
      steps: Math.max(1, Math.round(0.7 * options.episodes)),
    });
    const learned = qLearning(recorder, {
      episodes: options.episodes,
      gamma,
      epsilon,
      alpha: (n) => 1 / n ** options.alphaPower,
      seed: options.seed,
      signal,
    });
    const optimal = valueIteration(env.toMdp(gamma), { tolerance: 1e-10 });

    view.replaceChildren();
    const panels = document.createElement('div');
    panels.className = 'panels';
    view.append(panels);
    const left = createGridPanel(panels, { title: 'Q-learning: the agent and its visits' });
    const right = createGridPanel(panels, { title: 'Value iteration: V* and an optimal policy' });
    const chart = createLineChart(panels, { title: 'Return per episode', xLabel: 'episode' });
    const acting: number[] = [];
    for (let s = 0; s < S; s++) if (!'#GH'.includes(env.cellOf(s))) acting.push(s);
    const optimalArrows = new Int32Array(S).fill(-1);
    for (const s of acting) optimalArrows[s] = optimal.policy[s] as number;
    right.draw({
      layout,
      values: optimal.values,
      policy: optimalArrows,
      caption: `gamma = ${gamma}, slip = ${options.slip}`,
    });

    const visits = new Float64Array(S);
    const visit = (s: number) => {
      visits[s] = (visits[s] as number) + 1;
    };
    const returns = learned.episodeReturns;
    const E = returns.length;
    const average = movingAverage(returns, 50);
    const heat = () => {
      let max = 1;
      for (let s = 0; s < S; s++) max = Math.max(max, visits[s] as number);
      return Array.from(visits, (v) => Math.log1p(v) / Math.log1p(max));
    };
    const drawReturns = (upTo: number) =>
      chart.draw(
        [
          { y: returns.slice(0, upTo), color: '#0969da', width: 1, opacity: 0.35, label: 'episode return' },
          { y: average.slice(0, upTo), color: '#0969da', label: 'mean of last 50' },
        ],
        { xMax: E, yDomain: [Math.min(...returns), Math.max(...returns)] },
      );
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

    // Phase 1: the first episodes step by step (at most 30 steps of each shown).
    const slow = Math.min(options.stepEpisodes, E);
    for (let e = 0; e < slow; e++) {
      const path = trajectories[e] as number[];
      const shown = Math.min(path.length, 30);
      for (let t = 0; t < shown; t++) {
        visit(path[t] as number);
        left.draw({
          layout,
          heat: heat(),
          counts: visits,
          agent: path[t],
          trail: path.slice(Math.max(0, t - 12), t + 1),
          caption: `episode ${e + 1}, step ${t}, epsilon ${epsilon(e).toFixed(2)}`,
        });
        progress((0.3 * (e + t / shown)) / Math.max(1, slow), `episode ${e + 1}: exploring`);
        await sleep(30);
        await tick();
      }
      for (let t = shown; t < path.length; t++) visit(path[t] as number);
      drawReturns(e + 1);
    }
    // Phase 2: the remaining episodes, faster and faster.
    let done = slow;
    for (let f = 0; f < options.frames && done < E; f++) {
      const target = Math.min(E, slow + Math.ceil(((f + 1) / options.frames) ** 1.6 * (E - slow)));
      for (; done < target; done++) for (const s of trajectories[done] as number[]) visit(s);
      const last = trajectories[done - 1] as number[];
      left.draw({
        layout,
        heat: heat(),
        counts: visits,
        agent: last.at(-1),
        trail: last,
        caption: `episode ${done} of ${E} (epsilon ${epsilon(done - 1).toFixed(2)}): ${last.length - 1} steps, return ${(returns[done - 1] as number).toFixed(2)}`,
      });
      drawReturns(done);
      progress(0.3 + (0.7 * done) / E, `episode ${done} of ${E}`);
      await tick();
    }

    // The learned greedy policy against the optimal one.
    const A = 4;
    const maxQ = new Float64Array(S);
    const arrows = new Int32Array(S).fill(-1);
    const marked: number[] = [];
    let worst = 0;
    for (const s of acting) {
      let best = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < A; a++) best = Math.max(best, learned.q[s * A + a] as number);
      maxQ[s] = best;
      arrows[s] = learned.policy[s] as number;
      let bestStar = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < A; a++) bestStar = Math.max(bestStar, optimal.q[s * A + a] as number);
      if ((optimal.q[s * A + (learned.policy[s] as number)] as number) < bestStar - 1e-6) marked.push(s);
      worst = Math.max(worst, Math.abs(best - (optimal.values[s] as number)));
    }
    left.draw({
      layout,
      values: maxQ,
      policy: arrows,
      marked,
      caption: `learned max_a Q and greedy policy; red: not optimal (${marked.length} of ${acting.length} states)`,
    });
    drawReturns(E);
    return (
      `${E} episodes, ${learned.steps} steps: the greedy policy of Q is optimal in ${acting.length - marked.length} of ${acting.length} states ` +
      `(max |max_a Q - V*| = ${worst.toFixed(3)}); rarely visited states converge last.`
    );
  },
});
