// Inference throughput of the ONNX path against tfjs (issue 3, `bench/inference`).
//
// For an MLP 784-256-256-10 and the default createCnn at 28x28x1, at batch 1 and 256, it times
//   tfjs cpu, tfjs wasm, onnxruntime-web wasm (createSession with runtime 'onnxruntime-web') and
//   onnxruntime-node (createSession with its defaults: the default Node path)
// and prints samples/s and the ratio to tfjs wasm as a markdown table, with the machine, the
// versions and the load average so that readers can judge the noise.
//
// Method: every engine gets the same seeded input and weights, is warmed up (>= 3 runs and >= 0.3 s)
// and its output is checked against tfjs wasm's (relative max error). Then the engines of one
// (model, batch) case are timed in interleaved rounds: each round times one block of about 100 ms
// per engine (k calls in a row, k fixed from the warm-up), in an order that rotates every round.
// Throughput is batch / median(block time per call); the ratio to tfjs wasm is the median over rounds
// of the ratio within the round, so slow drifts of the machine's load affect both sides alike.
// A run includes reading the output back into JS memory (`await y.data()` for tfjs, the output
// array for onnxruntime), not the creation of the input.
//
// Run from packages/runtime:  npm run bench:inference    (about 3 minutes)
// Env: BENCH_SECONDS (interleaved timing in all, default 110; batch-256 cases get 30% each, batch-1
// cases 20% each; tfjs cpu's few slow calls come on top), BENCH_JSON=path (also write the raw results).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createCnn } from '../src/createCnn.js';
import { createMlp } from '../src/createMlp.js';
import { createSession, exportOnnx, type OnnxSession } from '../src/onnx/index.js';
import { setupBackend } from '../src/setupBackend.js';

const TOTAL_SECONDS = Number(process.env.BENCH_SECONDS ?? 110);
/** Share of TOTAL_SECONDS per case, by batch size: the batch-256 cases carry the goal. */
const CASE_SHARE: Record<number, number> = { 1: 0.2, 256: 0.3 };
const BATCHES = [1, 256] as const;
const BLOCK_MS = 100;
const MIN_ROUNDS = 5;
const MAX_ROUNDS = 400;
const WARMUP_RUNS = 3;
const WARMUP_MS = 300;
/**
 * A call slower than this (tfjs cpu at batch 256: seconds) gets one warm-up run, takes part in the
 * first SLOW_ROUNDS rounds only, and its time does not count against the case's time.
 */
const SLOW_MS = 1000;
const SLOW_ROUNDS = 2;
const BASELINE = 'tfjs wasm';
const GOAL = 3;

/** One way of running a model: `bind` fixes an input and returns the call that is timed. */
interface Engine {
  name: string;
  /** Makes this engine's runtime the active one (switches the tfjs backend); not timed. */
  activate(): Promise<void>;
  bind(x: Float32Array, dims: number[]): Runner;
  dispose(): Promise<void>;
}

interface Runner {
  /** One forward pass, output read back into JS memory. */
  run(): Promise<ArrayLike<number>>;
  dispose(): void;
}

interface Row {
  model: string;
  batch: number;
  engine: string;
  rounds: number;
  callsPerBlock: number;
  msPerBatch: number;
  samplesPerSecond: number;
  /** Median process CPU time (user + system, all threads) per call, ms. */
  cpuMsPerBatch: number;
  /** Median over rounds of tfjs wasm's CPU time / this engine's CPU time. */
  cpuRatio: number;
  ratio: number;
  ratioP25: number;
  ratioP75: number;
  maxRelError: number;
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const median = (values: readonly number[]): number => quantile(values, 0.5);

/** A tfjs backend: the model is built while that backend is active so its weights live there. */
async function tfjsEngine(backend: 'cpu' | 'wasm', build: () => tf.LayersModel): Promise<Engine> {
  const activate = async () => {
    if (tf.getBackend() !== backend) await setupBackend({ prefer: backend, strict: true });
  };
  await activate();
  const model = build();
  return {
    name: `tfjs ${backend}`,
    activate,
    bind(x, dims) {
      const input = tf.tensor(x, dims);
      return {
        async run() {
          const y = model.predict(input) as tf.Tensor;
          const values = await y.data();
          y.dispose();
          return values as Float32Array;
        },
        dispose: () => input.dispose(),
      };
    },
    dispose: async () => {
      model.dispose();
    },
  };
}

/** An onnxruntime session made by createSession; `expected` checks which runtime it got. */
async function onnxEngine(
  name: string,
  bytes: Uint8Array,
  options: Parameters<typeof createSession>[1],
  expected: OnnxSession['runtime'],
): Promise<Engine | string> {
  const session = await createSession(bytes, options);
  if (session.runtime !== expected) {
    const why = `createSession picked ${session.runtime} (${session.fallbacks.join('; ') || 'no reason given'})`;
    await session.dispose();
    return why;
  }
  return {
    name,
    activate: async () => {},
    bind(x, dims) {
      const feed = { data: x, dims };
      return {
        async run() {
          const out = await session.run(feed);
          return Object.values(out)[0]!.data as Float32Array;
        },
        dispose: () => {},
      };
    },
    dispose: () => session.dispose(),
  };
}

function maxRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
  }
  return got.length === want.length ? diff / Math.max(scale, 1e-12) : Number.POSITIVE_INFINITY;
}

/** Wall-clock and process CPU time per call (ms) over `calls` calls in a row. */
async function timeBlock(runner: Runner, calls: number): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await runner.run();
  const wall = (performance.now() - t0) / calls;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 / calls };
}

/** Warms up, checks outputs, then times the engines in interleaved rounds for about `seconds`. */
async function measureCase(
  model: string,
  engines: readonly Engine[],
  batch: number,
  inputShape: readonly number[],
  seconds: number,
): Promise<Row[]> {
  const dims = [batch, ...inputShape];
  const x = tf.tidy(() => tf.randomUniform(dims, 0, 1, 'float32', 1234).dataSync() as Float32Array);
  const runners = engines.map((e) => e.bind(x, dims));
  const calls: number[] = [];
  const slow: boolean[] = [];
  const outputs: ArrayLike<number>[] = [];
  const base = engines.findIndex((e) => e.name === BASELINE);
  for (const [i, engine] of engines.entries()) {
    await engine.activate();
    const runner = runners[i]!;
    const t0 = performance.now();
    const warm: number[] = [];
    let out: ArrayLike<number> = [];
    while (
      (warm.length < WARMUP_RUNS || performance.now() - t0 < WARMUP_MS) &&
      !(warm.length >= 1 && performance.now() - t0 > 2 * SLOW_MS)
    ) {
      const s = performance.now();
      out = await runner.run();
      warm.push(performance.now() - s);
    }
    outputs.push(Array.from(out));
    // The first call carries one-off costs (kernel setup, allocation); size blocks on the rest.
    const perCall = median(warm.length > 1 ? warm.slice(1) : warm);
    calls.push(Math.max(1, Math.round(BLOCK_MS / Math.max(perCall, 1e-3))));
    slow.push(i !== base && perCall > SLOW_MS);
  }
  const errors = outputs.map((o) => maxRelError(o, outputs[base]!));

  // times[i][r]: ms per call of engine i in round r (NaN when a slow engine sat the round out).
  const times: number[][] = engines.map(() => []);
  const cpuTimes: number[][] = engines.map(() => []);
  let clock = 0; // ms spent timing the engines that are not slow
  let round = 0;
  while (round < MAX_ROUNDS && (round < MIN_ROUNDS || clock < seconds * 1000)) {
    for (let j = 0; j < engines.length; j++) {
      const i = (j + round) % engines.length;
      if (slow[i] && round >= SLOW_ROUNDS) {
        times[i]![round] = Number.NaN;
        cpuTimes[i]![round] = Number.NaN;
        continue;
      }
      await engines[i]!.activate();
      const s = performance.now();
      const { wall, cpu } = await timeBlock(runners[i]!, calls[i]!);
      times[i]![round] = wall;
      cpuTimes[i]![round] = cpu;
      if (!slow[i]) clock += performance.now() - s;
    }
    round++;
  }
  for (const r of runners) r.dispose();
  return engines.map((engine, i) => {
    const taken = times[i]!.flatMap((t, r) => (Number.isNaN(t) ? [] : [{ t, r }]));
    const ratios = taken.map(({ t, r }) => times[base]![r]! / t);
    const ms = median(taken.map(({ t }) => t));
    return {
      model,
      batch,
      engine: engine.name,
      rounds: taken.length,
      callsPerBlock: calls[i]!,
      msPerBatch: ms,
      samplesPerSecond: (batch * 1000) / ms,
      cpuMsPerBatch: median(taken.map(({ r }) => cpuTimes[i]![r]!)),
      cpuRatio: median(taken.map(({ r }) => cpuTimes[base]![r]! / cpuTimes[i]![r]!)),
      ratio: median(ratios),
      ratioP25: quantile(ratios, 0.25),
      ratioP75: quantile(ratios, 0.75),
      maxRelError: errors[i]!,
    };
  });
}

function packageVersion(name: string): string {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve(name));
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? '?';
      }
      dir = dirname(dir);
    }
  } catch {
    return 'not installed';
  }
  return '?';
}

function machine(): { cpu: string; logical: number; physical: string; load: string } {
  let cpu = os.cpus()[0]?.model ?? '?';
  let physical = '?';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1] ?? cpu;
    const cores = new Set(
      info
        .split('\n\n')
        .map(
          (block) =>
            `${/^physical id\s*:\s*(\d+)/m.exec(block)?.[1]}-${/^core id\s*:\s*(\d+)/m.exec(block)?.[1]}`,
        ),
    );
    cores.delete('undefined-undefined');
    if (cores.size > 0) physical = String(cores.size);
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    logical: os.availableParallelism(),
    physical,
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', '),
  };
}

const fmt = (v: number): string =>
  v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toPrecision(2);

// --- run ---------------------------------------------------------------------------------------

const host = machine();
const startedAt = new Date();
let kernel = '';
try {
  kernel = execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
} catch {
  kernel = os.platform();
}
const ortWeb = await import('onnxruntime-web');

const models = [
  {
    name: 'MLP 784-256-256-10',
    inputShape: [784],
    build: () => createMlp({ inputSize: 784, hiddenSizes: [256, 256], outputSize: 10, seed: 0 }),
  },
  {
    name: 'CNN 28x28x1 (createCnn defaults)',
    inputShape: [28, 28, 1],
    build: () => createCnn({ inputShape: [28, 28, 1], numClasses: 10, seed: 0 }),
  },
];

const rows: Row[] = [];
const skipped: string[] = [];
let nodeProvider = '';
for (const spec of models) {
  const engines: Engine[] = [await tfjsEngine('cpu', spec.build), await tfjsEngine('wasm', spec.build)];
  await engines[1]!.activate();
  const exported = spec.build();
  const bytes = exportOnnx(exported);
  exported.dispose();
  const web = await onnxEngine(
    'onnxruntime-web wasm',
    bytes,
    { runtime: 'onnxruntime-web' },
    'onnxruntime-web',
  );
  if (typeof web === 'string') skipped.push(`onnxruntime-web wasm: ${web}`);
  else engines.push(web);
  const node = await onnxEngine('onnxruntime-node', bytes, {}, 'onnxruntime-node');
  if (typeof node === 'string') skipped.push(`onnxruntime-node (default createSession): ${node}`);
  else {
    engines.push(node);
    nodeProvider = 'cpu';
  }
  for (const batch of BATCHES) {
    const seconds = TOTAL_SECONDS * CASE_SHARE[batch]!;
    process.stderr.write(`timing ${spec.name}, batch ${batch} (${Math.round(seconds)} s)...\n`);
    rows.push(...(await measureCase(spec.name, engines, batch, spec.inputShape, seconds)));
  }
  for (const e of engines) await e.dispose();
}
const elapsed = (Date.now() - startedAt.getTime()) / 1000;

const versions = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-web', 'onnxruntime-node']
  .map((p) => `${p} ${packageVersion(p)}`)
  .join(', ');
const lines = [
  `Machine: ${host.cpu}, ${host.logical} logical CPUs (${host.physical} physical cores), ${kernel}`,
  `Date: ${startedAt.toISOString()}; Node ${process.version}; ${versions}`,
  `Load average at start (1, 5, 15 min): ${host.load}; at end: ${machine().load}`,
  `Threads: tfjs cpu and wasm 1 (tfjs-backend-wasm has no threads in Node; SIMD ${String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT'))}); onnxruntime-web wasm ${ortWeb.env.wasm.numThreads ?? '?'}; onnxruntime-node its default (intra-op = physical cores)`,
  `Default createSession() in Node: ${nodeProvider ? `onnxruntime-node (${nodeProvider})` : 'onnxruntime-web (onnxruntime-node not loadable)'}`,
  `Method: warm-up, then interleaved rounds of one ~${BLOCK_MS} ms block per engine (a call > ${SLOW_MS} ms is one block, and such an engine takes only ${SLOW_ROUNDS} rounds; others >= ${MIN_ROUNDS}); medians over rounds; ratio = median of per-round ratios to tfjs wasm, [IQR]; run took ${elapsed.toFixed(0)} s`,
  `Rounds per case (engines in table order): ${[...new Set(rows.map((r) => `${r.model} b${r.batch}`))]
    .map(
      (c) =>
        `${c}: ${rows
          .filter((r) => `${r.model} b${r.batch}` === c)
          .map((r) => r.rounds)
          .join('/')}`,
    )
    .join('; ')}`,
  'Columns: samples/s = batch / median wall time per call; CPU ms = process CPU time (all threads) per call, which does not depend on the load: for the 1-thread engines it is the time on an idle core, for onnxruntime-node it adds up its threads (spin-waits included)',
  '',
  '| Model | Batch | Engine | samples/s | ms / batch | vs tfjs wasm [IQR] | CPU ms / batch |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.model} | ${r.batch} | ${r.engine} | ${fmt(r.samplesPerSecond)} | ${fmt(r.msPerBatch)} | ${r.ratio.toFixed(2)}x [${r.ratioP25.toFixed(2)}-${r.ratioP75.toFixed(2)}] | ${fmt(r.cpuMsPerBatch)} |`,
  ),
];
console.log(lines.join('\n'));
for (const s of skipped) console.log(`Not measured: ${s}`);

console.log('');
let ok = true;
for (const r of rows) {
  if (r.maxRelError > 1e-4) {
    ok = false;
    console.log(
      `OUTPUT MISMATCH: ${r.engine} on ${r.model} batch ${r.batch}: max rel error ${r.maxRelError.toExponential(2)}`,
    );
  }
}
if (ok) {
  const worst = Math.max(...rows.map((r) => r.maxRelError));
  console.log(`Outputs agree with tfjs wasm: max relative error ${worst.toExponential(1)} (limit 1e-4).`);
}
for (const spec of models) {
  const r = rows.find(
    (row) => row.model === spec.name && row.batch === 256 && row.engine === 'onnxruntime-node',
  );
  console.log(
    r
      ? `Goal (default Node path >= ${GOAL}x tfjs wasm at batch 256), ${spec.name}: ${r.ratio.toFixed(2)}x [IQR ${r.ratioP25.toFixed(2)}-${r.ratioP75.toFixed(2)}] -> ${r.ratio >= GOAL ? 'met' : 'NOT met'}${(r.ratioP25 < GOAL) !== (r.ratioP75 < GOAL) ? ' (the IQR straddles the goal: noisy)' : ''}; by CPU time ${r.cpuRatio.toFixed(2)}x (conservative: it counts every onnxruntime-node thread)`
      : `Goal, ${spec.name}: not measured (onnxruntime-node not loadable)`,
  );
}

if (process.env.BENCH_JSON) {
  writeFileSync(
    process.env.BENCH_JSON,
    `${JSON.stringify({ host, startedAt: startedAt.toISOString(), node: process.version, versions, rows }, null, 2)}\n`,
  );
}
if (!ok) process.exitCode = 1;
