import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import { type Arrow, COLORS, createChart, figureCss, note } from './chart.js';

/** Options of the {@link doubleDescent} example. */
export interface DoubleDescentExampleOptions {
  /** Training examples n. Default: 30. */
  n: number;
  /** Total number of Gaussian features D. Default: 80. */
  numFeatures: number;
  /** Label noise standard deviation sigma. Default: 0.3. */
  noise: number;
  /** Feature order: the p largest |beta_j| first ('prescient') or a random subset ('random'). Default: 'prescient'. */
  ordering: 'prescient' | 'random';
  /** Model sizes p simulated (spread over 1..D, avoiding the infinite band). Default: 14. */
  points: number;
  /** Simulated training sets per p. Default: 40. */
  trials: number;
  /** Seed of the simulation. Default: 0. */
  seed: number;
}

function axes(n: number, D: number) {
  return {
    xLabel: 'number of features used, p',
    yLabel: 'test risk E(y − x·β̂)²',
    yLog: true,
    xDomain: [0, D] as [number, number],
    width: 540,
    height: 280,
    ariaLabel: `test risk against the number of features p, with the interpolation threshold at p = ${n}`,
  };
}

/** About `count` sizes in 1..D, denser near p = n, skipping the band n - 1 <= p <= n + 1. */
function simulatedSizes(n: number, D: number, count: number): number[] {
  const out = new Set<number>();
  for (let k = 0; k < count; k++) {
    const u = (k + 0.5) / count;
    // Half the points below n, half above, each half denser towards the threshold.
    const p =
      u < 0.5
        ? Math.round(1 + (n - 3) * Math.sqrt(2 * u))
        : Math.round(n + 2 + (D - n - 2) * (2 * u - 1) ** 2);
    if (p >= 1 && p <= D && (p <= n - 2 || p >= n + 2)) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Live example: double descent of minimum-norm least squares (Belkin, Hsu and Xu 2019). The risk of
 * regressing y = x.beta + noise on the first p of D Gaussian features, in closed form (line,
 * infinite at p = n) and simulated with seeded data (dots with standard errors), both from
 * `doubleDescent`.
 *
 * @example
 * ```ts
 * import { doubleDescent } from '@dlf/optim-theory/examples';
 * doubleDescent.mount(document.getElementById('dd')!, { ordering: 'random', trials: 200 });
 * ```
 */
export const doubleDescent = defineExample<DoubleDescentExampleOptions>({
  package: 'optim-theory',
  name: 'doubleDescent',
  title: 'Double descent: closed form and simulation',
  description:
    'Test risk of the minimum-norm least-squares fit on p of D Gaussian features: the closed form (line) blows up at p = n and falls again beyond it; seeded simulations (dots) agree.',
  defaults: { n: 30, numFeatures: 80, noise: 0.3, ordering: 'prescient', points: 14, trials: 40, seed: 0 },
  css: figureCss,
  setup(view, options) {
    createChart(view, axes(options.n, options.numFeatures));
    note(view, 'Line: closed form. Dots: mean simulated risk ± one standard error. Dashed: p = n.');
  },
  async run({ runtime, options, view, progress, tick, signal }) {
    const rt: typeof Runtime = runtime;
    const { n, numFeatures: D, noise, ordering, points, trials, seed } = options;
    rt.assertInteger('n', n, { min: 4, max: 2_000 });
    rt.assertInteger('numFeatures', D, { min: n + 2, max: 5_000 });
    rt.assertNonNegative('noise', noise);
    rt.assertOneOf('ordering', ordering, ['prescient', 'random']);
    rt.assertInteger('points', points, { min: 1, max: 500 });
    rt.assertInteger('trials', trials, { min: 2, max: 100_000 });
    rt.assertInteger('seed', options.seed);
    const { doubleDescent: risk } = await import('../doubleDescent.js');
    const theory = risk({ n, numFeatures: D, noise, ordering, trials: 0 });
    const finite = theory.theory.filter(Number.isFinite);
    const lo = Math.min(...finite);
    const yDomain: [number, number] = [lo / 1.6, Math.max(3, 12 * lo)];
    view.replaceChildren();
    const chart = createChart(view, { ...axes(n, D), yDomain });
    const stats = note(view, '', 'ot-stats');
    note(
      view,
      `n = ${n} training examples, D = ${D} features, β_j² ∝ 1/j², σ = ${noise}, ${ordering} ordering. ` +
        'Line: closed form (infinite for n − 1 ≤ p ≤ n + 1). Dots: mean simulated risk ± one standard error. Dashed: p = n.',
    );
    const sizes = simulatedSizes(n, D, points);
    const sim: { p: number; mean: number; se: number }[] = [];
    const draw = () => {
      const bars: Arrow[] = sim.map((s) => ({
        from: [s.p, Math.max(yDomain[0], s.mean - s.se)],
        to: [s.p, s.mean + s.se],
        color: COLORS.orange,
        head: false,
        width: 1.5,
      }));
      bars.push({
        from: [n, yDomain[0]],
        to: [n, yDomain[1]],
        color: COLORS.grey,
        dash: '4 4',
        head: false,
        width: 1,
      });
      chart.draw(
        [
          { x: theory.p, y: theory.theory, color: COLORS.blue, label: 'closed form' },
          {
            x: sim.map((s) => s.p),
            y: sim.map((s) => s.mean),
            color: COLORS.orange,
            line: false,
            marker: 4,
            label: `simulation (${trials} sets)`,
          },
        ],
        bars,
      );
    };
    draw();
    let worst = 0;
    for (const [k, p] of sizes.entries()) {
      const r = risk({
        n,
        numFeatures: D,
        noise,
        ordering,
        ps: [p],
        trials,
        seed: seed * 100_003 + p,
        signal,
      });
      const mean = r.simulated[0] as number;
      const se = r.standardError[0] as number;
      const z = Math.abs(mean - (r.theory[0] as number)) / se;
      worst = Math.max(worst, z);
      sim.push({ p, mean, se });
      draw();
      stats.textContent = `p = ${p}: simulated ${mean.toFixed(3)} ± ${se.toFixed(3)}, closed form ${(r.theory[0] as number).toFixed(3)}`;
      progress((k + 1) / sizes.length, `p = ${p}`);
      await tick();
    }
    stats.textContent = `largest gap between simulation and closed form: ${worst.toFixed(1)} standard errors over ${sizes.length} sizes`;
    return `simulation within ${worst.toFixed(1)} standard errors of the closed form at all ${sizes.length} sizes`;
  },
});
