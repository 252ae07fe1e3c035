/**
 * Throughput of the robustness workloads on a small MNIST CNN:
 *   - PGD steps per second (forward + backward on a batch), tfjs wasm;
 *   - certification samples per second of randomised smoothing, tfjs wasm (sampling + forward);
 *   - the same forward-only sampling with onnxruntime-web (wasm) on the exported model.
 * Run: npm run bench -w @dlf/robustness   (prints a table; not part of the test suite)
 */
import { loadMnist, setupBackend } from '@dlf/runtime';
import { createSession, exportOnnx } from '@dlf/runtime/onnx';
import * as tf from '@tensorflow/tfjs';
import { pgd } from '../src/pgd.js';
import { smooth } from '../src/smoothing/smooth.js';

function cnn(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 8,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, kernelInitializer: init(3) }),
    ],
  });
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
}

async function main(): Promise<void> {
  const backend = await setupBackend({ prefer: 'wasm' });
  const { train, test } = await loadMnist();
  // Untrained weights: throughput does not depend on them. (Training a CNN on the wasm backend needs
  // the runtime's Conv2DBackpropFilter kernel, which the runtime registers inside its own fit().)
  void train;
  const model = cnn();
  const rows: [string, string][] = [];

  const batch = 64;
  const x = tf.tensor(test.x.subarray(0, batch * 784), [batch, 28, 28, 1]);
  const y = test.y.subarray(0, batch);
  await pgd(model, x, y, { eps: 0.1, steps: 2 }).then((r) => r.adversarial.dispose()); // warm-up
  const steps = 20;
  const [res, pgdSeconds] = await time(() => pgd(model, x, y, { eps: 0.1, steps, seed: 0 }));
  rows.push([`PGD steps/s (batch ${batch})`, (steps / pgdSeconds).toFixed(1)]);
  res.adversarial.dispose();

  const n = 4000;
  const one = tf.tensor(test.x.subarray(0, 784), [1, 28, 28, 1]);
  const g = smooth(model, { sigma: 0.25, batchSize: 500, seed: 0 });
  await g.sampleCounts(one, 500);
  const [, tfSeconds] = await time(() => g.sampleCounts(one, n));
  rows.push([`smoothing samples/s, tfjs ${backend}`, (n / tfSeconds).toFixed(0)]);

  const session = await createSession(exportOnnx(model));
  const base = test.x.subarray(0, 784);
  const runOnnx = async (count: number) => {
    const counts = new Int32Array(10);
    const rng = (await import('@dlf/runtime')).createRng(0);
    for (let done = 0; done < count; done += 500) {
      const b = Math.min(500, count - done);
      const data = rng.normalArray(b * 784, 0, 0.25);
      for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) + (base[i % 784] as number);
      const { output } = await session.run({ data, dims: [b, 28, 28, 1] });
      const logits = output?.data as Float32Array;
      for (let i = 0; i < b; i++) {
        let best = 0;
        for (let c = 1; c < 10; c++)
          if ((logits[i * 10 + c] as number) > (logits[i * 10 + best] as number)) best = c;
        counts[best] = (counts[best] as number) + 1;
      }
    }
    return counts;
  };
  await runOnnx(500);
  const [, onnxSeconds] = await time(() => runOnnx(n));
  rows.push([
    `smoothing samples/s, onnxruntime ${session.runtime}/${session.provider}`,
    (n / onnxSeconds).toFixed(0),
  ]);
  await session.dispose();

  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  x.dispose();
  one.dispose();
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
