import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { COLORS, createChart, figureCss, note } from './chart.js';

/** Options of the {@link plBound} example. */
export interface PlBoundExampleOptions {
  /** Training points n (inputs and targets standard normal). Default: 8. */
  n: number;
  /** Input dimension d. Default: 2. */
  dim: number;
  /** Hidden width m of the two-layer tanh network (NTK parameterisation, no biases). Default: 256. */
  width: number;
  /** Gradient descent steps. Default: 250. */
  steps: number;
  /** Seed of the data, the initialisation and the Lanczos start vector. Default: 0. */
  seed: number;
}

const AXES = { xLabel: 'step t', yLabel: 'loss L(w_t)', yLog: true, width: 520, height: 260 } as const;

/**
 * Live example: gradient descent with step 1 / lambda_max(H(w_0)) on a wide two-layer tanh network
 * fitting a few random targets (many more parameters than equations), next to the PL bound
 * L(w_t) <= (1 - eta mu)^t L(w_0) with mu the smallest PL ratio measured along the path
 * (`plConvergenceCheck`). Log scale: the measured losses stay under a straight line.
 *
 * @example
 * ```ts
 * import { plBound } from '@dlf/optim-theory/examples';
 * plBound.mount(document.getElementById('pl')!, { width: 1024, steps: 300 });
 * ```
 */
export const plBound = defineExample<PlBoundExampleOptions>({
  package: 'optim-theory',
  name: 'plBound',
  title: 'Gradient descent under the PL bound',
  description:
    'GD with step 1/λmax on an over-parameterised two-layer network: the measured losses against the linear-rate bound (1 − ημ)^t L(w₀) of the PL condition.',
  defaults: { n: 8, dim: 2, width: 256, steps: 250, seed: 0 },
  css: figureCss,
  setup(view) {
    createChart(view, AXES);
    note(view, 'Blue: measured loss of GD. Orange, dashed: the PL bound (1 − ημ)^t L(w₀).');
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const rt: typeof Runtime = runtime;
    const { createRng, losses, mlp } = runtime;
    rt.assertInteger('n', options.n, { min: 1, max: 10_000 });
    rt.assertInteger('dim', options.dim, { min: 1, max: 1_000 });
    rt.assertInteger('width', options.width, { min: 1, max: 100_000 });
    rt.assertInteger('steps', options.steps, { min: 1, max: 100_000 });
    rt.assertInteger('seed', options.seed);
    const { plConvergenceCheck } = await import('../plConvergenceCheck.js');
    const { n, dim, width, steps, seed } = options;
    const rng = createRng(seed);
    const X = tf.tensor2d(rng.normalArray(n * dim), [n, dim]);
    const y = tf.tensor2d(rng.normalArray(n), [n, 1]);
    const net = mlp({ sizes: [dim, width, 1], activation: 'tanh', parameterization: 'ntk', bias: false });
    const w0 = net.init(seed);
    progress(0.1, `${net.numParams} parameters, ${n} equations: λmax(H) by Lanczos, then GD`);
    await tick();
    try {
      const check = await plConvergenceCheck((w: TF.Tensor1D) => losses.quadratic(y, net.apply(w, X)), w0, {
        steps,
        seed,
        signal,
      });
      const t = check.losses.map((_, i) => i);
      view.replaceChildren();
      const chart = createChart(view, AXES);
      chart.draw([
        { x: t, y: check.bound, color: COLORS.orange, dash: '6 4', label: 'PL bound (1 − ημ)^t L₀' },
        { x: t, y: check.losses, color: COLORS.blue, label: 'measured L(w_t)' },
      ]);
      note(
        view,
        `${net.numParams} parameters, ${n} targets · η = 1/λmax(H(w₀)) = ${check.learningRate.toPrecision(3)} · ` +
          `μ (smallest ‖∇L‖²/2L seen) = ${check.mu.toPrecision(3)} · rate 1 − ημ = ${(1 - check.learningRate * check.mu).toPrecision(4)}`,
        'ot-stats',
      );
      note(
        view,
        check.holds
          ? 'Every measured loss lies on or under the bound.'
          : 'Some measured loss lies above the bound: the local estimate λmax(H(w₀)) underestimates the smoothness along the path.',
      );
      progress(1, 'done');
      const ratio = check.losses.at(-1)! / check.losses[0]!;
      return `bound ${check.holds ? 'holds' : 'fails'}: L(w_T)/L(w_0) = ${ratio.toExponential(2)} vs bound ${(
        check.bound.at(-1)! / check.losses[0]!
      ).toExponential(2)} after ${steps} steps`;
    } finally {
      X.dispose();
      y.dispose();
      w0.dispose();
    }
  },
});
