/**
 * Training-step time of an MLP 784-128-10 (ReLU, softmax cross-entropy, Adam, batch 128) on the
 * tfjs cpu and wasm backends, against PyTorch on the CPU (bench/torch_step.py, same model and
 * step) in the same run. Prints ms/step and ratios to PyTorch as a Markdown table.
 *
 *   npm run bench -w @dlf/runtime            (or: npx tsx bench/trainStep.bench.ts [--steps 100] [--rounds 5])
 *
 * Variants (each measured in a fresh child process, because the wasm kernel changes are global):
 * - `cpu`: the tfjs cpu backend (plain JavaScript kernels).
 * - `wasm-stock`: tfjs-backend-wasm 4.22 as shipped.
 * - `wasm-dlf`: after `registerWasmTrainingKernels()` (transposed products through XNNPACK).
 * - `wasm-dlf-fit`: the same step inside `fit` (batch cutting and loss read-back included).
 * - `wasm-dlf-prod`: `wasm-dlf` after `tf.enableProdMode()` (skips tfjs's debug checks).
 * PyTorch runs with 1 thread (wasm is single-threaded in Node) and with all cores. The variants
 * and PyTorch run interleaved, round after round, and each row reports the median over rounds,
 * so a change in machine load during the run affects all rows alike.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createMlp } from '../src/createMlp.js';
import { fit } from '../src/fit.js';
import { registerWasmTrainingKernels } from '../src/registerWasmTrainingKernels.js';
import { setupBackend } from '../src/setupBackend.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STEPS = arg('--steps', 100);
const ROUNDS = arg('--rounds', 5);
const WARMUP = 10;
const BATCH = 128;

const VARIANTS = {
  cpu: 'tfjs cpu',
  'wasm-stock': 'tfjs wasm (stock 4.22)',
  'wasm-dlf': 'tfjs wasm + registerWasmTrainingKernels',
  'wasm-dlf-fit': 'tfjs wasm + dlf kernels, inside fit()',
  'wasm-dlf-prod': 'tfjs wasm + dlf kernels + tf.enableProdMode()',
} as const;
type Variant = keyof typeof VARIANTS;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** ms per step over `steps` optimizer.minimize steps (loss read back each step), after warm-up. */
function timeRawSteps(steps: number): number {
  const model = createMlp({ inputSize: 784, hiddenSizes: [128], outputSize: 10, seed: 0 });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([BATCH, 784], 0, 1, 'float32', 1);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => {
    const cost = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
      variables,
    ) as tf.Scalar;
    cost.dataSync();
    cost.dispose();
  };
  for (let i = 0; i < WARMUP; i++) step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  const ms = (performance.now() - start) / steps;
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return ms;
}

/** ms per step of `fit` over `steps` batches of BATCH (one epoch, fixed order), after warm-up. */
async function timeFitSteps(steps: number): Promise<number> {
  const model = createMlp({ inputSize: 784, hiddenSizes: [128], outputSize: 10, seed: 0 });
  const n = BATCH * steps;
  const x = tf.randomNormal([n, 784], 0, 1, 'float32', 2);
  const y = tf.tensor1d(
    Array.from({ length: n }, (_, i) => i % 10),
    'int32',
  );
  const warm = { x: tf.slice(x, 0, BATCH * WARMUP), y: tf.slice(y, 0, BATCH * WARMUP) };
  await fit(model, warm, { epochs: 1, batchSize: BATCH, shuffle: false, metrics: [] });
  const start = performance.now();
  await fit(model, { x, y }, { epochs: 1, batchSize: BATCH, shuffle: false, metrics: [] });
  const ms = (performance.now() - start) / steps;
  tf.dispose([x, y, warm.x, warm.y]);
  model.dispose();
  return ms;
}

/** Child-process mode: measure one variant and print its ms/step. */
async function measure(variant: Variant, steps: number): Promise<void> {
  await setupBackend({ prefer: variant === 'cpu' ? 'cpu' : 'wasm', strict: true });
  if (variant.startsWith('wasm-dlf')) registerWasmTrainingKernels();
  if (variant === 'wasm-dlf-prod') tf.enableProdMode();
  const ms = variant === 'wasm-dlf-fit' ? await timeFitSteps(steps) : timeRawSteps(steps);
  console.log(JSON.stringify({ ms }));
}

function lastJson(out: string): { ms?: number; msPerStep?: number; threads?: number; torch?: string } {
  return JSON.parse(out.trim().split('\n').pop() as string);
}

function runVariant(variant: Variant, steps: number): number {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--measure', variant, '--steps', String(steps)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return lastJson(out).ms as number;
}

function runTorch(threads: number): { ms: number; threads: number; version: string } {
  const out = execFileSync(
    'python3',
    [
      join(HERE, 'torch_step.py'),
      '--steps',
      String(STEPS),
      '--warmup',
      String(WARMUP),
      '--repeats',
      '1',
      '--threads',
      String(threads),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const r = lastJson(out);
  return { ms: r.msPerStep as number, threads: r.threads as number, version: r.torch as string };
}

async function main(): Promise<void> {
  const measureAt = process.argv.indexOf('--measure');
  if (measureAt > 0) {
    await measure(process.argv[measureAt + 1] as Variant, STEPS);
    return;
  }
  let torchOk = true;
  try {
    runTorch(1);
  } catch (error) {
    torchOk = false;
    console.log(
      `PyTorch unavailable, timing tfjs only (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
  const times = new Map<string, number[]>();
  const add = (name: string, ms: number) => times.set(name, [...(times.get(name) ?? []), ms]);
  let torchVersion = '';
  const torchThreads = [1, cpus().length];
  for (let round = 0; round < ROUNDS; round++) {
    if (torchOk) {
      for (const threads of torchThreads) {
        const t = runTorch(threads);
        torchVersion = t.version;
        add(`PyTorch ${t.version} CPU, ${t.threads} thread${t.threads === 1 ? '' : 's'}`, t.ms);
      }
    }
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      // The cpu backend is ~20x slower: fewer steps keep the run short.
      add(
        VARIANTS[variant],
        runVariant(variant, variant === 'cpu' ? Math.max(5, Math.round(STEPS / 10)) : STEPS),
      );
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const rows = [...times.entries()].map(([name, ms]) => ({ name, ms: median(ms) }));
  const refs = rows.filter((r) => r.name.startsWith('PyTorch'));
  const tfjs = rows.filter((r) => !r.name.startsWith('PyTorch'));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nMLP 784-128-10, Adam, batch ${BATCH}: ms per training step (median over ${ROUNDS} interleaved rounds of ${STEPS} steps)`,
  );
  console.log(
    `${new Date().toISOString().slice(0, 10)}, ${cpu}, ${cpus().length} cores, Node ${process.version}, tfjs ${tf.version.tfjs}${torchVersion ? `, PyTorch ${torchVersion}` : ''}\n`,
  );
  const header = [
    'variant',
    'ms/step',
    ...refs.map((r) => `ratio to torch ${r.name.replace(/^PyTorch \S+ CPU, /, '')}`),
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of [...tfjs, ...refs]) {
    const ratios = refs.map((r) => (row.ms / r.ms).toFixed(2));
    console.log(`| ${row.name} | ${row.ms.toFixed(2)} | ${ratios.join(' | ')} |`);
  }
}

await main();
