import { createRng } from '../createRng.js';
import { assertInRange, assertInteger } from '../validate.js';
import { defineExample } from './defineExample.js';

/** Options of the {@link seededNormals} example. */
export interface SeededNormalsExampleOptions {
  /** Seed of the generator. Default: 42. */
  seed: number;
  /** Largest sample size; the example doubles n from 100 up to it. Default: 200000. */
  maxSamples: number;
  /** Level of the DKW band: the band holds with probability at least 1 - alpha. Default: 0.05. */
  alpha: number;
}

/** Standard normal CDF via erf (Abramowitz and Stegun 7.1.26, absolute error < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Kolmogorov-Smirnov statistic sup |F_n - Phi| of a sample against N(0, 1). */
function ksStatistic(sample: Float64Array): number {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = normalCdf(sorted[i] as number);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

const css = `
.sn-grid { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.sn-canvas { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; }
.sn-streams { font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; margin: 0; white-space: pre; }
.sn-table { border-collapse: collapse; font-size: 12px; margin-top: 6px; }
.sn-table th, .sn-table td { padding: 2px 8px; text-align: right; border-bottom: 1px solid var(--dlf-example-border, #d0d7de); font-variant-numeric: tabular-nums; }
`;

function drawHistogram(canvas: HTMLCanvasElement, sample: Float64Array): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const w = canvas.width;
  const h = canvas.height;
  const bins = 48;
  const lo = -4;
  const hi = 4;
  const width = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  for (const s of sample) {
    const b = Math.floor((s - lo) / width);
    if (b >= 0 && b < bins) counts[b] = (counts[b] as number) + 1;
  }
  const ymax = 0.45;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = 'rgba(31, 119, 180, 0.55)';
  for (let b = 0; b < bins; b++) {
    const density = (counts[b] as number) / (sample.length * width);
    const bh = (density / ymax) * (h - 4);
    ctx.fillRect((b / bins) * w + 0.5, h - bh, w / bins - 1, bh);
  }
  ctx.strokeStyle = '#d62728';
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let px = 0; px <= w; px++) {
    const z = lo + (px / w) * (hi - lo);
    const py = h - (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) / ymax) * (h - 4);
    if (px === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
  ctx.stroke();
}

/**
 * Live example: seeded reproducibility and the law of the sample. Two generators made with the
 * same seed give the same stream (a third, with the next seed, does not); then the histogram of
 * `n` normal draws of `createRng(seed)` approaches the N(0, 1) density, and the Kolmogorov-Smirnov
 * distance `D_n = sup |F_n - Phi|` stays inside the Dvoretzky-Kiefer-Wolfowitz band
 * `sqrt(ln(2 / alpha) / (2n))` while `sqrt(n) D_n` stays of order one. No tfjs computation.
 *
 * @example
 * ```ts
 * import { seededNormals } from '@dlf/runtime/examples';
 * seededNormals.mount(document.getElementById('rng')!, { seed: 7 });
 * ```
 */
export const seededNormals = defineExample<SeededNormalsExampleOptions>({
  package: 'runtime',
  name: 'seededNormals',
  title: 'Seeded normal draws: same seed, same stream; more draws, closer to N(0, 1)',
  description:
    'Streams of createRng with equal and different seeds, then a histogram of n normal draws against the density, with the KS distance and its DKW band.',
  defaults: { seed: 42, maxSamples: 200_000, alpha: 0.05 },
  css,
  validate(o) {
    assertInteger('seed', o.seed);
    assertInteger('maxSamples', o.maxSamples, { min: 100, max: 10_000_000 });
    assertInRange('alpha', o.alpha, 0, 1, { minInclusive: false, maxInclusive: false });
  },
  setup(view) {
    view.innerHTML = '<p class="sn-streams">press Start to draw</p>';
  },
  async run({ view, options, progress, tick }) {
    const head = (rng: ReturnType<typeof createRng>) =>
      Array.from({ length: 4 }, () => rng.normal().toFixed(6).padStart(10)).join(' ');
    const streams = document.createElement('pre');
    streams.className = 'sn-streams';
    streams.textContent = [
      `createRng(${options.seed}).normal() x4:     ${head(createRng(options.seed))}`,
      `createRng(${options.seed}) again:           ${head(createRng(options.seed))}`,
      `createRng(${options.seed + 1}).normal() x4:     ${head(createRng(options.seed + 1))}`,
    ].join('\n');
    const canvas = document.createElement('canvas');
    canvas.className = 'sn-canvas';
    canvas.width = 320;
    canvas.height = 150;
    const table = document.createElement('table');
    table.className = 'sn-table';
    table.innerHTML =
      '<thead><tr><th>n</th><th>D_n</th><th>DKW band</th><th>√n·D_n</th></tr></thead><tbody></tbody>';
    const grid = document.createElement('div');
    grid.className = 'sn-grid';
    grid.append(canvas, table);
    view.replaceChildren(streams, grid);

    const sizes: number[] = [];
    for (let n = 100; n <= options.maxSamples; n *= 4) sizes.push(n);
    let inside = 0;
    const rng = createRng(options.seed);
    for (const [k, n] of sizes.entries()) {
      const sample = new Float64Array(n);
      for (let i = 0; i < n; i++) sample[i] = rng.normal();
      const d = ksStatistic(sample);
      const band = Math.sqrt(Math.log(2 / options.alpha) / (2 * n));
      if (d <= band) inside++;
      drawHistogram(canvas, sample);
      const tr = document.createElement('tr');
      for (const text of [String(n), d.toFixed(4), band.toFixed(4), (Math.sqrt(n) * d).toFixed(2)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      table.tBodies[0]?.append(tr);
      progress((k + 1) / sizes.length, `n = ${n}: D_n = ${d.toFixed(4)} (band ${band.toFixed(4)})`);
      await tick();
    }
    return `D_n inside the ${(100 * (1 - options.alpha)).toFixed(0)}% DKW band at ${inside} of ${sizes.length} sample sizes`;
  },
});
