// A VAE on the runtime's 8,000-image MNIST subset: wall time, test ELBO, MNIST-FID and MNIST-IS of
// samples, and PNGs of samples and of the decoded 2-D latent grid (.bench-out/).
// Run: npx tsx --conditions=@dlf/source bench/vae-mnist.bench.ts   (env: EPOCHS=20, LATENT=2, SEED=0)
import { mkdirSync } from 'node:fs';
import { loadMnist, mlp, setupBackend } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { mnistFid, mnistInceptionScore, vae } from '../src/index.js';
import { writeDigitGrid } from './png.js';

const epochs = Number(process.env.EPOCHS ?? 20);
const latentDim = Number(process.env.LATENT ?? 2);
const seed = Number(process.env.SEED ?? 0);
const backend = await setupBackend({ prefer: 'wasm' });
mkdirSync('.bench-out', { recursive: true });
const { train, test } = await loadMnist();
const xTrain = tf.tensor2d(train.x, [train.n, 784]);
const xTest = tf.tensor2d(test.x, [test.n, 784]);
const model = vae({
  encoder: mlp({ sizes: [784, 256, 2 * latentDim], activation: 'relu', initScale: Math.SQRT2 }),
  decoder: mlp({ sizes: [latentDim, 256, 784], activation: 'relu', initScale: Math.SQRT2 }),
  latentDim,
  likelihood: 'bernoulli',
  seed,
});
const t0 = performance.now();
await model.fit(xTrain, {
  epochs,
  batchSize: 128,
  learningRate: 1e-3,
  seed,
  onProgress: ({ epoch, elbo, kl }) =>
    console.log(`epoch ${epoch + 1}: train ELBO ${elbo.toFixed(2)} nats (KL ${kl.toFixed(2)})`),
});
const seconds = (performance.now() - t0) / 1000;
const testElbo = model.elbo(xTest, { seed: 1 });
const samples = model.sample(2000, { seed: 2 });
const fidValue = await mnistFid(xTest, samples);
const is = await mnistInceptionScore(samples, { splits: 10 });
const diag = model.diagnostics(xTest);
console.log(
  `backend ${backend}, latent ${latentDim}, ${epochs} epochs in ${seconds.toFixed(1)} s: test ELBO ${testElbo.elbo.toFixed(2)} nats ` +
    `(recon ${testElbo.reconstruction.toFixed(2)}, KL ${testElbo.kl.toFixed(2)}), active units ${diag.activeUnits}/${latentDim}, ` +
    `MNIST-FID ${fidValue.toFixed(2)}, MNIST-IS ${is.mean.toFixed(2)} +- ${is.std.toFixed(2)}`,
);
writeDigitGrid('.bench-out/vae-samples.png', samples.dataSync(), 100, 10);
if (latentDim === 2) {
  const side = 15;
  const grid: number[][] = [];
  for (let i = 0; i < side; i++)
    for (let j = 0; j < side; j++) grid.push([-2 + (4 * j) / (side - 1), 2 - (4 * i) / (side - 1)]);
  const z = tf.tensor2d(grid);
  const decoded = model.decode(z);
  writeDigitGrid('.bench-out/vae-latent-grid.png', decoded.dataSync(), side * side, side);
  tf.dispose([z, decoded]);
}
console.log('wrote .bench-out/vae-samples.png', latentDim === 2 ? 'and .bench-out/vae-latent-grid.png' : '');
tf.dispose([xTrain, xTest, samples]);
model.dispose();
