import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { figureCss, note, panel } from './draw.js';

/** Options of the {@link mamlSinusoid} example. */
export interface MamlSinusoidExampleOptions {
  /**
   * Show the two inits shipped with the package (1-40-40-1 network, 1,000 meta-steps each, written
   * by `scripts/mamlSinusoidInits.ts` with these seeds) instead of meta-training here; `metaSteps`,
   * `metaBatchSize`, `hidden`, `innerLr` and `outerLr` then do not apply. Default: true.
   */
  cached: boolean;
  /** Meta-training steps of each init (MAML, and the joint pre-training it is compared with). Default: 100. */
  metaSteps: number;
  /** Tasks per meta-step. Default: 4. */
  metaBatchSize: number;
  /** Width of the two hidden tanh layers. Default: 32. */
  hidden: number;
  /** Inner (adaptation) step size alpha. Default: 0.1. */
  innerLr: number;
  /** Adam step size of the outer loop. Default: 0.01. */
  outerLr: number;
  /** K, support points of each task. Default: 10. */
  kShot: number;
  /** Held-out tasks the table averages over. Default: 40. */
  testTasks: number;
  /** Seed of the initialisation, the task streams and the task drawn. Default: 0. */
  seed: number;
}

const W = 330;
const H = 210;
const X_RANGE = [-5, 5] as const;
const Y_RANGE = [-5.5, 5.5] as const;
const GRID = 161;
const SHOWN_STEPS = [0, 1, 5] as const;
const STEP_COLORS = ['#8c959f', '#f0a35e', '#d62728'] as const;

/** Float32 values from little-endian base64 (the cached inits). */
function decodeFloats(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

interface Curves {
  /** Predictions on the grid after 0, 1 and 5 steps. */
  after: Float32Array[];
}

function drawPanel(
  ctx: CanvasRenderingContext2D,
  title: string,
  grid: Float32Array,
  truth: Float32Array,
  support: { x: ArrayLike<number>; y: ArrayLike<number> },
  curves: Curves | undefined,
): void {
  const px = (x: number) => 8 + ((x - X_RANGE[0]) / (X_RANGE[1] - X_RANGE[0])) * (W - 16);
  const py = (y: number) => H - 8 - ((y - Y_RANGE[0]) / (Y_RANGE[1] - Y_RANGE[0])) * (H - 16);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = '#d0d7de';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(px(X_RANGE[0]), py(0));
  ctx.lineTo(px(X_RANGE[1]), py(0));
  ctx.stroke();
  const line = (values: Float32Array, color: string, width: number, dash: number[] = []) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.beginPath();
    for (let i = 0; i < grid.length; i++) {
      const y = Math.max(Y_RANGE[0] - 1, Math.min(Y_RANGE[1] + 1, values[i] as number));
      if (i === 0) ctx.moveTo(px(grid[i] as number), py(y));
      else ctx.lineTo(px(grid[i] as number), py(y));
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line(truth, '#1c1e21', 1.5, [5, 4]);
  curves?.after.forEach((values, k) => {
    line(values, STEP_COLORS[k] as string, k === 2 ? 2.2 : 1.6);
  });
  ctx.fillStyle = '#1c1e21';
  for (let i = 0; i < support.x.length; i++) {
    ctx.beginPath();
    ctx.arc(px(support.x[i] as number), py(support.y[i] as number), 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.fillStyle = '#57606a';
  ctx.font = '12px sans-serif';
  ctx.fillText(title, 10, 16);
}

/**
 * Live example: MAML (Finn, Abbeel and Levine 2017; `maml`, exact second order, one inner step)
 * meta-trains a 1-h-h-1 tanh network on the sinusoid tasks `y = A sin(x - phase)`
 * (`sinusoidTaskSampler`); a second copy is pre-trained jointly on the same task stream
 * (`innerSteps: 0`, the plain average loss). On a new task, each init is adapted with one and five
 * gradient steps on its K support points (`mamlAdapt`); the curves show both, and the table the mean
 * query MSE over held-out tasks (`metaTest`) with 95% confidence intervals. By default the two inits
 * are the ones shipped with the package (`cached`, trained for 1,000 meta-steps by
 * `scripts/mamlSinusoidInits.ts`); `cached: false` meta-trains both in the page, briefly.
 *
 * @example
 * ```ts
 * import { mamlSinusoid } from '@dlf/selfsup/examples';
 * mamlSinusoid.mount(document.getElementById('maml')!, { cached: false, metaSteps: 300, start: 'click' });
 * ```
 */
export const mamlSinusoid = defineExample<MamlSinusoidExampleOptions>({
  package: 'selfsup',
  name: 'mamlSinusoid',
  title: 'MAML adapts to a new sinusoid in one step',
  description:
    'A meta-learned init (MAML) against an init pre-trained on the same tasks: one and five gradient steps on ten points of a new sinusoid.',
  defaults: {
    cached: true,
    metaSteps: 100,
    metaBatchSize: 4,
    hidden: 32,
    innerLr: 0.1,
    outerLr: 0.01,
    kShot: 10,
    testTasks: 40,
    seed: 0,
  },
  css: figureCss,
  setup(view) {
    note(
      view,
      'Meta-trains an init with MAML and another by plain joint training on sinusoid tasks, then adapts both to a new sinusoid from ten points.',
    );
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const { DlfError, mlp } = runtime;
    const check: Pick<typeof Runtime, 'assertInteger' | 'assertPositive'> = runtime;
    const { cached, metaSteps, metaBatchSize, kShot, testTasks, seed } = options;
    if (typeof cached !== 'boolean') {
      throw new DlfError('INVALID_ARGUMENT', `cached must be a boolean, received ${String(cached)}`, {
        param: 'cached',
      });
    }
    // The cached inits (19 kB of base64) load with the run, not with the examples module.
    const { jointInitBase64, mamlInitBase64, mamlSinusoidInitsConfig } = await import(
      './mamlSinusoidInits.generated.js'
    );
    const hidden = cached ? mamlSinusoidInitsConfig.hidden : options.hidden;
    const innerLr = cached ? mamlSinusoidInitsConfig.innerLr : options.innerLr;
    const outerLr = options.outerLr;
    check.assertInteger('metaSteps', metaSteps, { min: 1, max: 100_000 });
    check.assertInteger('metaBatchSize', metaBatchSize, { min: 1, max: 1000 });
    check.assertInteger('hidden', options.hidden, { min: 1, max: 1000 });
    check.assertPositive('innerLr', options.innerLr);
    check.assertPositive('outerLr', outerLr);
    check.assertInteger('kShot', kShot, { min: 1, max: 1000 });
    check.assertInteger('testTasks', testTasks, { min: 2, max: 10_000 });
    check.assertInteger('seed', seed);
    const [{ maml, mamlAdapt, mamlPredict }, { metaTest }, { sinusoidTaskSampler }] = await Promise.all([
      import('../maml.js'),
      import('../metaTest.js'),
      import('../sinusoidTaskSampler.js'),
    ]);

    const model = mlp({ sizes: [1, hidden, hidden, 1], activation: 'tanh' });
    // The task drawn: a new sinusoid of large amplitude (in the upper half of the training range), where
    // a poor init shows most.
    const task = sinusoidTaskSampler({ kShot, kQuery: 1, amplitudeRange: [2.5, 5], seed: seed + 2 }).sample();
    const grid = Float32Array.from(
      { length: GRID },
      (_, i) => X_RANGE[0] + (i * (X_RANGE[1] - X_RANGE[0])) / (GRID - 1),
    );
    const truth = grid.map((x) => task.amplitude * Math.sin(x - task.phase));
    const gridT = tf.tensor2d(grid, [GRID, 1]);

    view.replaceChildren();
    const row = document.createElement('div');
    row.className = 'ss-row';
    view.append(row);
    const metaPanel = panel(row, W, H, 'MAML init: adapted with 0, 1 and 5 steps');
    const jointPanel = panel(row, W, H, 'Jointly pre-trained init: adapted with 0, 1 and 5 steps');
    const legend = document.createElement('div');
    legend.className = 'ss-legend';
    legend.innerHTML =
      '<span><i style="background:#1c1e21"></i>true sinusoid (dashed) and the K support points</span>' +
      SHOWN_STEPS.map(
        (k, i) => `<span><i style="background:${STEP_COLORS[i]}"></i>${k} step${k === 1 ? '' : 's'}</span>`,
      ).join('');
    view.append(legend);
    const table = document.createElement('table');
    table.className = 'ss-table';
    view.append(table);
    const summary = note(view, '');

    const curvesOf = (params: TF.Tensor1D): Curves => ({
      after: SHOWN_STEPS.map((k) => {
        const phi = mamlAdapt(model, params, task.support, { innerSteps: k, innerLr });
        const out = tf.tidy(() => model.apply(phi, gridT));
        const values = Float32Array.from(out.dataSync());
        tf.dispose([phi, out]);
        return values;
      }),
    });
    const title = (name: string, step: number) => `${name}, meta-step ${step}/${metaSteps}`;
    drawPanel(metaPanel.ctx, 'MAML', grid, truth, task.support, undefined);
    drawPanel(jointPanel.ctx, 'joint pre-training', grid, truth, task.support, undefined);

    const sampler = () => sinusoidTaskSampler({ kShot, kQuery: 10, seed: seed + 1 });
    const common = { metaSteps, metaBatchSize, outerLr, innerLr, seed, signal };
    const drawEvery = Math.max(1, Math.round(metaSteps / 10));
    const train = async (innerSteps: number, offset: number, ctx: CanvasRenderingContext2D, name: string) => {
      const result = await maml(model, sampler(), {
        ...common,
        innerSteps,
        onProgress: async ({ step, loss, params }) => {
          if (step % drawEvery !== 0 && step !== metaSteps) return;
          drawPanel(ctx, title(name, step), grid, truth, task.support, curvesOf(params));
          progress(
            offset + (0.4 * step) / metaSteps,
            `${name}: meta-step ${step}/${metaSteps} · loss ${loss.toFixed(3)}`,
          );
          try {
            await tick();
          } catch {
            // Stopped: maml sees the aborted signal after this step.
          }
        },
      });
      if (result.aborted) {
        result.params.dispose();
        throw new DlfError('ABORTED', 'selfsup/mamlSinusoid was stopped');
      }
      return result.params;
    };

    const owned: TF.Tensor[] = [gridT];
    try {
      let metaParams: TF.Tensor1D;
      let jointParams: TF.Tensor1D;
      if (cached) {
        metaParams = tf.tensor1d(decodeFloats(mamlInitBase64));
        owned.push(metaParams);
        jointParams = tf.tensor1d(decodeFloats(jointInitBase64));
        owned.push(jointParams);
        const steps = mamlSinusoidInitsConfig.metaSteps;
        drawPanel(
          metaPanel.ctx,
          `MAML, ${steps} meta-steps (cached)`,
          grid,
          truth,
          task.support,
          curvesOf(metaParams),
        );
        drawPanel(
          jointPanel.ctx,
          `joint pre-training, ${steps} steps (cached)`,
          grid,
          truth,
          task.support,
          curvesOf(jointParams),
        );
      } else {
        progress(0, 'MAML meta-training…');
        metaParams = await train(1, 0, metaPanel.ctx, 'MAML');
        owned.push(metaParams);
        jointParams = await train(0, 0.4, jointPanel.ctx, 'joint pre-training');
        owned.push(jointParams);
      }
      const trained = cached ? mamlSinusoidInitsConfig.metaSteps : metaSteps;
      progress(0.8, `mean query MSE over ${testTasks} held-out tasks…`);
      await tick();
      const heldOut = sinusoidTaskSampler({ kShot, kQuery: 10, seed: seed + 3 }).sampleBatch(testTasks);
      const results: { mean: number; ci95: number }[][] = [];
      for (const params of [metaParams, jointParams]) {
        const perSteps = [];
        for (const k of SHOWN_STEPS) {
          perSteps.push(
            await metaTest(heldOut, (t) => mamlPredict(model, params, t, { innerSteps: k, innerLr }), {
              signal,
            }),
          );
          await tick();
        }
        results.push(perSteps);
      }
      table.innerHTML = '';
      const head = table.insertRow();
      for (const text of [
        'query MSE (95% CI)',
        ...SHOWN_STEPS.map((k) => `${k} step${k === 1 ? '' : 's'}`),
      ]) {
        const th = document.createElement('th');
        th.textContent = text;
        head.append(th);
      }
      const fmt = (r: { mean: number; ci95: number }) => `${r.mean.toFixed(2)} ± ${r.ci95.toFixed(2)}`;
      ['MAML init', 'pre-trained init'].forEach((name, i) => {
        const r = table.insertRow();
        r.insertCell().textContent = name;
        for (const cell of results[i] as { mean: number; ci95: number }[])
          r.insertCell().textContent = fmt(cell);
      });
      const [m, j] = results as unknown as [{ mean: number }[], { mean: number }[]];
      const [m1, m5, j1, j5] = [m[1], m[2], j[1], j[2]].map((r) => (r as { mean: number }).mean) as [
        number,
        number,
        number,
        number,
      ];
      summary.textContent =
        `On ${testTasks} new sinusoids, one step from the MAML init leaves a mean squared error of ${m1.toFixed(2)} ` +
        `(five steps: ${m5.toFixed(2)}), one step from the pre-trained init ${j1.toFixed(2)} (five steps: ${j5.toFixed(2)}). ` +
        'The pre-trained init fits something like the average of the tasks, from which small steps on ten points move ' +
        'little; MAML chose an init from which one step goes far.';
      return `one-step query MSE: MAML ${m1.toFixed(2)} vs pre-trained ${j1.toFixed(2)} (${trained} meta-steps each${cached ? ', cached' : ''}, ${testTasks} held-out tasks)`;
    } finally {
      tf.dispose(owned);
    }
  },
});
