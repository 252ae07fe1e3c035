// GANs: (1) a ring of 8 Gaussians trained with GDA, OGDA and extragradient: modes covered and share
// of high-quality samples over training, and a scatter PNG per method; (2) a GAN on the MNIST
// subset: wall time, MNIST-FID, MNIST-IS and a PNG of samples (.bench-out/).
// Run: npx tsx --conditions=@dlf/source bench/gan.bench.ts   (env: RING_STEPS=3000, MNIST_STEPS=3000, SEED=0)
import { mkdirSync } from 'node:fs';
import { loadMnist, mlp, setupBackend } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { gan, gaussianMixture2d, mnistFid, mnistInceptionScore, modeCoverage } from '../src/index.js';
import { writeDigitGrid, writePng } from './png.js';

const ringSteps = Number(process.env.RING_STEPS ?? 3000);
const mnistSteps = Number(process.env.MNIST_STEPS ?? 3000);
const seed = Number(process.env.SEED ?? 0);
await setupBackend({ prefer: 'wasm' });
mkdirSync('.bench-out', { recursive: true });

const ring = gaussianMixture2d({ modes: 8, radius: 2, std: 0.02 });
const data = tf.tensor2d(ring.sample(10_000, seed));
for (const [method, updates] of [
  ['gda', 'alternating'],
  ['ogda', 'alternating'],
  ['extragradient', 'simultaneous'],
] as const) {
  const model = gan({
    generator: mlp({ sizes: [2, 128, 128, 2], activation: 'relu', initScale: Math.SQRT2 }),
    discriminator: mlp({ sizes: [2, 128, 128, 1], activation: 'relu', initScale: Math.SQRT2 }),
    loss: 'non-saturating',
    seed,
  });
  const t0 = performance.now();
  const log: string[] = [];
  await model.fit(data, {
    steps: ringSteps,
    batchSize: 256,
    method,
    updates,
    learningRate: 1e-3,
    seed,
    progressEvery: Math.max(1, Math.floor(ringSteps / 6)),
    onProgress: ({ step }) => {
      const s = model.sample(2000, { seed: 1 });
      const cov = modeCoverage(s as tf.Tensor2D, ring.centers, { std: ring.std });
      s.dispose();
      log.push(
        `${step}: ${cov.modesCovered}/8 modes, ${(100 * cov.highQualityFraction).toFixed(1)}% high quality`,
      );
    },
  });
  const s = model.sample(2000, { seed: 1 });
  const pts = s.arraySync() as number[][];
  s.dispose();
  const size = 256;
  const img = new Float32Array(size * size * 3).fill(1);
  const plot = (p: number[], rgb: number[]): void => {
    const x = Math.round(((p[0]! + 3) / 6) * (size - 1));
    const y = Math.round(((3 - p[1]!) / 6) * (size - 1));
    if (x < 0 || y < 0 || x >= size || y >= size) return;
    for (let c = 0; c < 3; c++) img[(y * size + x) * 3 + c] = rgb[c]!;
  };
  for (const c of ring.sample(2000, 5)) plot(c, [0.6, 0.6, 0.6]);
  for (const p of pts) plot(p, [0.8, 0.1, 0.1]);
  writePng(`.bench-out/gan-ring-${method}.png`, img, size, size, 3);
  console.log(
    `ring, ${method} (${updates}), ${ringSteps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${log.join('; ')}`,
  );
  model.dispose();
}
data.dispose();

const { train, test } = await loadMnist();
const xTrain = tf.tensor2d(train.x, [train.n, 784]);
const xTest = tf.tensor2d(test.x, [test.n, 784]);
const mnistGan = gan({
  generator: mlp({
    sizes: [32, 256, 784],
    activation: 'relu',
    outputActivation: 'sigmoid',
    initScale: Math.SQRT2,
  }),
  discriminator: mlp({ sizes: [784, 256, 1], activation: 'relu', initScale: Math.SQRT2 }),
  loss: 'non-saturating',
  seed,
});
const t0 = performance.now();
await mnistGan.fit(xTrain, {
  steps: mnistSteps,
  batchSize: 64,
  learningRate: 2e-4,
  seed,
  progressEvery: 500,
  onProgress: (p) => console.log(p),
});
const seconds = (performance.now() - t0) / 1000;
const samples = mnistGan.sample(2000, { seed: 3 });
const fidValue = await mnistFid(xTest, samples);
const is = await mnistInceptionScore(samples, { splits: 10 });
console.log(
  `MNIST GAN: ${mnistSteps} steps in ${seconds.toFixed(1)} s, MNIST-FID ${fidValue.toFixed(2)}, MNIST-IS ${is.mean.toFixed(2)} +- ${is.std.toFixed(2)}`,
);
writeDigitGrid('.bench-out/gan-mnist-samples.png', samples.dataSync(), 100, 10);
tf.dispose([xTrain, xTest, samples]);
mnistGan.dispose();
