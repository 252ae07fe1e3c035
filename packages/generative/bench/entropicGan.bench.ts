// Entropic GAN on a 2-D mixture whose density is known: a ring of 4 Gaussians (std 0.2). Reports the
// entropic OT objective over training, modes covered, and how well the surrogate log-likelihoods of
// Balaji et al. (2019) rank test points against the true log-density (Spearman), next to the model's
// own Monte Carlo log-density. Writes .bench-out/entropic-gan-ring.png.
// Run: npx tsx --conditions=@dlf/source bench/entropicGan.bench.ts   (env: STEPS=600, SEED=0)
import { mkdirSync } from 'node:fs';
import { createRng, mlp, setupBackend } from '@dlf/runtime';
import { entropicGan, gaussianMixture2d, modeCoverage } from '../src/index.js';
import { writePng } from './png.js';

const steps = Number(process.env.STEPS ?? 600);
const seed = Number(process.env.SEED ?? 0);
await setupBackend({ prefer: 'wasm' });
mkdirSync('.bench-out', { recursive: true });

const ring = gaussianMixture2d({ modes: 4, radius: 2, std: 0.2 });
const data = ring.sample(4000, seed);
const model = entropicGan({
  generator: mlp({ sizes: [2, 64, 64, 2], activation: 'relu', initScale: Math.SQRT2 }),
  lambda: 0.05,
  seed,
});
const t0 = performance.now();
const log: string[] = [];
await model.fit(data, {
  steps,
  batchSize: 256,
  learningRate: 2e-3,
  seed,
  progressEvery: Math.max(1, Math.floor(steps / 6)),
  onProgress: ({ step, objective }) => log.push(`${step + 1}: ${objective.toFixed(3)}`),
});
const seconds = (performance.now() - t0) / 1000;
const s = model.sample(2000, { seed: 1 });
const pts = s.arraySync() as number[][];
s.dispose();
const cov = modeCoverage(pts, ring.centers, { std: ring.std });

const rng = createRng(seed + 1);
const test = [
  ...ring.sample(100, seed + 2),
  ...Array.from({ length: 100 }, () => [rng.uniform(-3, 3), rng.uniform(-3, 3)]),
];
const truth = ring.logDensity(test);
const surrogate = model.surrogateLogLikelihood(test, { samples: 2000, seed: 3 });
const mc = model.logLikelihood(test, { samples: 2000, seed: 3 });

function spearman(a: number[], b: number[]): number {
  const rank = (v: number[]) => {
    const r = new Array<number>(v.length);
    v.map((x, i) => [x, i] as const)
      .sort((p, q) => p[0] - q[0])
      .forEach(([, i], k) => {
        r[i] = k;
      });
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const d2 = ra.reduce((t, x, i) => t + (x - (rb[i] as number)) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

const size = 256;
const img = new Float32Array(size * size * 3).fill(1);
const plot = (p: number[], rgb: number[]): void => {
  const x = Math.round((((p[0] as number) + 3) / 6) * (size - 1));
  const y = Math.round(((3 - (p[1] as number)) / 6) * (size - 1));
  if (x < 0 || y < 0 || x >= size || y >= size) return;
  for (let c = 0; c < 3; c++) img[(y * size + x) * 3 + c] = rgb[c] as number;
};
for (const c of ring.sample(2000, 5)) plot(c, [0.6, 0.6, 0.6]);
for (const p of pts) plot(p, [0.8, 0.1, 0.1]);
writePng('.bench-out/entropic-gan-ring.png', img, size, size, 3);

console.log(`entropic GAN, ring of 4 (std 0.2), lambda 0.05, ${steps} steps in ${seconds.toFixed(1)} s`);
console.log(`  objective: ${log.join('; ')}`);
console.log(
  `  modes covered ${cov.modesCovered}/4, high-quality share ${(100 * cov.highQualityFraction).toFixed(1)}%`,
);
console.log(
  `  Spearman vs true log-density over 200 test points: surrogate ${spearman(surrogate, truth).toFixed(3)}, model MC log-density ${spearman(mc, truth).toFixed(3)}`,
);
model.dispose();
