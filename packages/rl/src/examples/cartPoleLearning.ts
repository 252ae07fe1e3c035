import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type { DqnOptions } from '../dqn.js';
import type { Env } from '../envs/Env.js';
import { chartCss, createLineChart } from './lineChart.js';

/** Options of the {@link cartPoleLearning} example. */
export interface CartPoleLearningExampleOptions {
  /** Environment steps of training. Default: 1500 (a few seconds; it does not solve the task). */
  totalSteps: number;
  /** Hidden layer widths of the Q network. Default: [64, 64]. */
  hiddenSizes: number[];
  /** Adam step size. Default: 0.0023. */
  learningRate: number;
  /** Minibatch size. Default: 64. */
  batchSize: number;
  /** Steps of pure exploration before learning starts. Default: 300. */
  learningStarts: number;
  /** Environment steps per gradient step. Default: 2. */
  trainFrequency: number;
  /** Gradient steps between copies into the target network. Default: 50. */
  targetUpdateInterval: number;
  /** Fraction of the steps over which epsilon decays linearly from 1 to 0.04. Default: 0.3. */
  explorationFraction: number;
  /** Double DQN targets. Default: false. */
  doubleDqn: boolean;
  /**
   * Train with the settings of the package's benchmark instead (50,000 steps, 256-256 network,
   * 128 gradient steps every 256 environment steps: rl-baselines3-zoo's CartPole-v1 settings), which
   * aim to solve CartPole-v1 (mean greedy return >= 475). Takes minutes. Default: false.
   */
  long: boolean;
  /** Seed of the network, the replay sampling, exploration and the episodes. Default: 0. */
  seed: number;
  /** Steps of the greedy episode drawn after training, three per frame (the episode is run to its end either way). Default: 200. */
  playbackSteps: number;
}

const X_LIMIT = 2.4;
const THETA_LIMIT = (12 * Math.PI) / 180;

/** Draws the cart and pole for states (x, x_dot, theta, theta_dot); earlier states fainter. */
function drawCartPole(canvas: HTMLCanvasElement, states: readonly ArrayLike<number>[], label: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = canvas.width / Number.parseFloat(canvas.style.width || String(canvas.width));
  const w = canvas.width / dpr;
  const h = canvas.height / dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const scale = w / (2 * X_LIMIT + 0.8);
  const groundY = h - 34;
  const px = (x: number) => w / 2 + x * scale;
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(px(-X_LIMIT), groundY - 2, 2 * X_LIMIT * scale, 4);
  ctx.strokeStyle = '#cf222e';
  ctx.lineWidth = 1;
  for (const edge of [-X_LIMIT, X_LIMIT]) {
    ctx.beginPath();
    ctx.moveTo(px(edge), groundY - 60);
    ctx.lineTo(px(edge), groundY + 8);
    ctx.stroke();
  }
  ctx.strokeStyle = '#8c959f';
  ctx.beginPath();
  ctx.moveTo(0, groundY);
  ctx.lineTo(w, groundY);
  ctx.stroke();
  const cartW = 0.5 * scale;
  const cartH = 0.3 * scale;
  const pole = 1.0 * scale;
  states.forEach((s, i) => {
    const alpha = states.length === 1 ? 1 : 0.15 + (0.85 * (i + 1)) / states.length;
    const x = s[0] as number;
    const theta = s[2] as number;
    ctx.globalAlpha = alpha;
    ctx.fillStyle = '#57606a';
    ctx.fillRect(px(x) - cartW / 2, groundY - cartH, cartW, cartH);
    ctx.strokeStyle = Math.abs(theta) > THETA_LIMIT ? '#cf222e' : '#bf8700';
    ctx.lineWidth = 6;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(px(x), groundY - cartH);
    ctx.lineTo(px(x) + pole * Math.sin(theta), groundY - cartH - pole * Math.cos(theta));
    ctx.stroke();
  });
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#57606a';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(label, 8, h - 10);
}

function createCanvas(parent: HTMLElement, width: number, height: number): HTMLCanvasElement {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const heading = document.createElement('figcaption');
  heading.className = 'grid-title';
  heading.textContent = 'CartPole-v1';
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'the cart and its pole');
  figure.append(heading, canvas);
  parent.append(figure);
  return canvas;
}

const LONG_SETTINGS = {
  totalSteps: 50_000,
  hiddenSizes: [256, 256] as number[],
  learningRate: 2.3e-3,
  batchSize: 64,
  bufferSize: 100_000,
  learningStarts: 1000,
  trainFrequency: 256,
  gradientSteps: 128,
  targetUpdateInterval: 128,
  explorationFraction: 0.16,
} as const;

/**
 * Live example: DQN (`dqn`: replay buffer, target network, Huber loss, epsilon-greedy) learns
 * CartPole-v1. The chart shows every training episode's return; the canvas shows the last finished
 * episode as fading snapshots while training (the page updates when `dqn` yields, every 1000 steps),
 * then plays one greedy episode of the learned Q network. The default run is a few seconds and does
 * not solve the task (return 475 of 500); `long: true` trains with the benchmark's settings.
 *
 * @example
 * ```ts
 * import { cartPoleLearning } from '@dlf/rl/examples';
 * cartPoleLearning.mount(document.getElementById('cartpole')!, { totalSteps: 5000, start: 'click' });
 * ```
 */
export const cartPoleLearning = defineExample<CartPoleLearningExampleOptions>({
  package: 'rl',
  name: 'cartPoleLearning',
  title: 'DQN learns to balance CartPole-v1',
  description:
    'A Q network trained by DQN on CartPole-v1: the return of every training episode, and the cart and pole of the last episode, then of one greedy episode.',
  defaults: {
    totalSteps: 1500,
    hiddenSizes: [64, 64],
    learningRate: 2.3e-3,
    batchSize: 64,
    learningStarts: 300,
    trainFrequency: 2,
    targetUpdateInterval: 50,
    explorationFraction: 0.3,
    doubleDqn: false,
    long: false,
    seed: 0,
    playbackSteps: 200,
  },
  css: `${chartCss}
.panels { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.grid-title { font-size: 13px; font-weight: 600; margin-bottom: 4px; }`,
  setup(view) {
    const panels = document.createElement('div');
    panels.className = 'panels';
    view.replaceChildren(panels);
    const canvas = createCanvas(panels, 340, 150);
    drawCartPole(canvas, [[0, 0, 0.05, 0]], 'not started');
  },
  async run({ runtime, options, view, progress, tick, signal }) {
    // An explicitly typed name: TypeScript needs one to call assertion functions.
    const check: Pick<typeof Runtime, 'assertInRange' | 'assertInteger'> = runtime;
    check.assertInteger('totalSteps', options.totalSteps, { min: 1 });
    check.assertInRange('explorationFraction', options.explorationFraction, 0, 1);
    check.assertInteger('playbackSteps', options.playbackSteps, { min: 0, max: 500 });
    const [{ dqn }, { CartPole }, { linearSchedule }] = await Promise.all([
      import('../dqn.js'),
      import('../envs/CartPole.js'),
      import('../schedules.js'),
    ]);
    const settings = options.long
      ? { ...LONG_SETTINGS, doubleDqn: options.doubleDqn }
      : {
          totalSteps: options.totalSteps,
          hiddenSizes: options.hiddenSizes,
          learningRate: options.learningRate,
          batchSize: options.batchSize,
          bufferSize: 50_000,
          learningStarts: options.learningStarts,
          trainFrequency: options.trainFrequency,
          gradientSteps: 1,
          targetUpdateInterval: options.targetUpdateInterval,
          explorationFraction: options.explorationFraction,
          doubleDqn: options.doubleDqn,
        };
    const { totalSteps, explorationFraction, ...rest } = settings;

    view.replaceChildren();
    const panels = document.createElement('div');
    panels.className = 'panels';
    view.append(panels);
    const canvas = createCanvas(panels, 340, 150);
    const chart = createLineChart(panels, {
      title: 'Return per training episode',
      xLabel: 'episode',
      width: 320,
    });

    // Record the states of the running episode by wrapping the environment.
    const env = new CartPole();
    let episode: Float64Array[] = [];
    let lastEpisode: Float64Array[] = [];
    const recorder: Env<ArrayLike<number>, number> = {
      id: env.id,
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
      maxEpisodeSteps: env.maxEpisodeSteps,
      reset(resetOptions) {
        const r = env.reset(resetOptions);
        episode = [Float64Array.from(env.state)];
        return r;
      },
      step(action) {
        const r = env.step(action);
        episode.push(Float64Array.from(env.state));
        if (r.terminated || r.truncated) lastEpisode = episode;
        return r;
      },
    };
    const returns: number[] = [];
    const solvedLine = (n: number) => ({
      y: Array(Math.max(2, n)).fill(475),
      color: '#2e8555',
      dash: '4 3',
      label: 'solved (475)',
    });
    const drawChart = () =>
      chart.draw(
        [{ y: returns, color: '#0969da', width: 1.2, label: 'episode return' }, solvedLine(returns.length)],
        { yDomain: [0, 500] },
      );
    drawChart();
    progress(0, 'training…');
    await tick();
    const options$: DqnOptions = {
      ...rest,
      totalSteps,
      gamma: 0.99,
      epsilon: linearSchedule({
        start: 1,
        end: 0.04,
        steps: Math.max(1, Math.round(explorationFraction * totalSteps)),
      }),
      seed: options.seed,
      signal,
      onProgress: ({ episode: n, episodeReturn }) => {
        returns.push(episodeReturn);
        drawChart();
        const snaps = lastEpisode.filter((_, i) => i % Math.max(1, Math.floor(lastEpisode.length / 8)) === 0);
        drawCartPole(canvas, snaps, `training episode ${n}: ${episodeReturn} steps`);
        const steps = returns.reduce((a, b) => a + b, 0);
        progress((0.85 * steps) / totalSteps, `training: episode ${n}, ${steps} of ${totalSteps} steps`);
      },
    };
    const agent = await dqn(recorder, options$);
    try {
      if (agent.aborted) throw new runtime.DlfError('ABORTED', 'rl/cartPoleLearning was stopped');
      drawChart();
      // One greedy episode of the learned Q network, drawn for playbackSteps steps, run to its end.
      const test = new CartPole();
      let { observation } = test.reset({ seed: 10_000 + options.seed });
      let length = 0;
      for (;;) {
        const r = test.step(agent.policy(observation));
        observation = r.observation;
        length++;
        if (length <= options.playbackSteps && (length % 3 === 0 || r.terminated || r.truncated)) {
          drawCartPole(canvas, [test.state], `greedy policy: step ${length}`);
          progress(
            0.85 + (0.15 * length) / Math.max(1, options.playbackSteps),
            `greedy episode: step ${length}`,
          );
          await tick();
        }
        if (r.terminated || r.truncated) break;
      }
      drawCartPole(
        canvas,
        [test.state],
        `greedy policy: ${length} steps${length === 500 ? ' (time limit)' : ''}`,
      );
      const last10 = returns.slice(-10);
      const mean = last10.reduce((a, b) => a + b, 0) / Math.max(1, last10.length);
      const verdict =
        length >= 475
          ? 'it balanced the pole to the limit.'
          : options.long
            ? 'not yet at 475.'
            : 'the default run is short and does not solve CartPole (475 of 500); long: true trains for minutes with the benchmark settings.';
      return `DQN, ${totalSteps} steps, ${returns.length} episodes (last 10 mean return ${mean.toFixed(1)}); greedy episode: ${length} steps: ${verdict}`;
    } finally {
      agent.dispose();
    }
  },
});
