/**
 * Domain generalisation on rotated MNIST (one angle held out) and colored MNIST (the 90%-flipped
 * environment held out): test-domain accuracy of ERM, DANN and IRM under each model-selection rule
 * (training-domain validation, leave-one-domain-out, oracle), DomainBed-style:
 *   - every environment is split once into "in" (80%, trained on) and "out" (20%, validation);
 *   - each method runs a small hyper-parameter grid; every run is evaluated at several checkpoints on
 *     the in/out parts of every environment; leave-one-domain-out adds one run per training
 *     environment without it;
 *   - each rule picks a (setting, checkpoint) per method, and the table shows the test accuracy of the
 *     pick (mean +- sd over trials).
 * DANN here is the adaptation variant: the unlabelled "in" part of the test environment is its
 * target domain (the runtime's two-domain `dann`), so it sees test inputs that ERM and IRM never see.
 *
 * Run (long: minutes to an hour on wasm):
 *   npx tsx --conditions=@dlf/source bench/shift.bench.ts [--smoke] [--trials 3] [--steps 400]
 * `--smoke` runs a tiny configuration (a few seconds) to check that everything is wired.
 */
import type { LabeledData } from '@dlf/runtime';
import { createRng, setupBackend } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { dannLambda } from '../src/gradientReversal.js';
import { coloredMnist } from '../src/shift/coloredMnist.js';
import { dann } from '../src/shift/dann.js';
import { irm } from '../src/shift/irm.js';
import type { SelectionRecord, SelectionResult } from '../src/shift/modelSelection.js';
import { leaveOneDomainOut, oracleSelection, trainingDomainValidation } from '../src/shift/modelSelection.js';
import { rotatedMnist } from '../src/shift/rotatedMnist.js';

interface Config {
  trials: number;
  steps: number;
  checkpoints: number;
  rotatedPerEnv: number;
  rotatedAngles: number[];
  coloredPerEnv: number;
  hidden: number;
}

function parseArgs(): Config {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  if (args.includes('--smoke')) {
    return {
      trials: 1,
      steps: 6,
      checkpoints: 2,
      rotatedPerEnv: 60,
      rotatedAngles: [0, 30, 60],
      coloredPerEnv: 80,
      hidden: 16,
    };
  }
  return {
    trials: value('--trials', 3),
    steps: value('--steps', 400),
    checkpoints: value('--checkpoints', 4),
    rotatedPerEnv: value('--per-env', 1000),
    rotatedAngles: [0, 15, 30, 45, 60, 75],
    coloredPerEnv: value('--colored-per-env', 2500),
    hidden: value('--hidden', 128),
  };
}

/** Splits an environment into in (first 80% of a seeded permutation) and out parts. */
function split(env: LabeledData, seed: number): { in: LabeledData; out: LabeledData } {
  const d = env.x.length / env.n;
  const order = createRng(seed).permutation(env.n);
  const cut = Math.round(env.n * 0.8);
  const take = (idx: number[]): LabeledData => {
    const x = new Float32Array(idx.length * d);
    const y = new Int32Array(idx.length);
    idx.forEach((src, r) => {
      x.set(env.x.subarray(src * d, (src + 1) * d), r * d);
      y[r] = env.y[src] as number;
    });
    const part: LabeledData = { x, y, n: idx.length, shape: [...env.shape] };
    if (env.numClasses !== undefined) part.numClasses = env.numClasses;
    return part;
  };
  return { in: take(order.slice(0, cut)), out: take(order.slice(cut)) };
}

function pool(envs: LabeledData[]): LabeledData {
  const d = (envs[0] as LabeledData).x.length / (envs[0] as LabeledData).n;
  const n = envs.reduce((s, e) => s + e.n, 0);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  let at = 0;
  for (const e of envs) {
    x.set(e.x, at * d);
    y.set(e.y, at);
    at += e.n;
  }
  const out: LabeledData = { x, y, n, shape: [...(envs[0] as LabeledData).shape] };
  const k = (envs[0] as LabeledData).numClasses;
  if (k !== undefined) out.numClasses = k;
  return out;
}

interface Nets {
  featureExtractor: tf.LayersModel;
  labelClassifier: tf.LayersModel;
  domainClassifier: tf.LayersModel;
  logits: (x: tf.Tensor) => tf.Tensor;
  variables: tf.Variable[];
  dispose: () => void;
}

function makeNets(shape: number[], numClasses: number, hidden: number, seed: number): Nets {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 7 + s });
  const featureExtractor = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: shape }),
      tf.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init(2) }),
    ],
  });
  const labelClassifier = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [hidden], units: numClasses, kernelInitializer: init(3) })],
  });
  const domainClassifier = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [hidden],
        units: hidden,
        activation: 'relu',
        kernelInitializer: init(4),
      }),
      tf.layers.dense({ units: 2, kernelInitializer: init(5) }),
    ],
  });
  const models = [featureExtractor, labelClassifier, domainClassifier];
  return {
    featureExtractor,
    labelClassifier,
    domainClassifier,
    logits: (x) => labelClassifier.apply(featureExtractor.apply(x)) as tf.Tensor,
    variables: [featureExtractor, labelClassifier].flatMap((m) =>
      m.trainableWeights.map((w) => w.read() as tf.Variable),
    ),
    dispose: () => {
      for (const m of models) m.dispose();
    },
  };
}

function accuracy(nets: Nets, data: LabeledData): number {
  let correct = 0;
  const d = data.x.length / data.n;
  for (let start = 0; start < data.n; start += 500) {
    const m = Math.min(500, data.n - start);
    const pred = tf.tidy(() =>
      tf
        .argMax(nets.logits(tf.tensor(data.x.subarray(start * d, (start + m) * d), [m, ...data.shape])), 1)
        .dataSync(),
    );
    for (let i = 0; i < m; i++) if (pred[i] === data.y[start + i]) correct++;
  }
  return correct / data.n;
}

type Method = 'ERM' | 'DANN' | 'IRM';
interface Setting {
  name: string;
  learningRate: number;
  /** IRM penalty weight or DANN's final lambda. */
  weight: number;
}

function grid(method: Method, smoke: boolean): Setting[] {
  const rates = smoke ? [1e-3] : [1e-3, 3e-3];
  const weights =
    method === 'ERM' ? [0] : method === 'IRM' ? (smoke ? [100] : [100, 1e4]) : smoke ? [1] : [0.1, 1];
  return rates.flatMap((learningRate) =>
    weights.map((weight) => ({ name: `lr=${learningRate} w=${weight}`, learningRate, weight })),
  );
}

/** Trains one run and returns a record per checkpoint. */
async function run(
  method: Method,
  setting: Setting,
  parts: Array<{ in: LabeledData; out: LabeledData }>,
  test: number,
  heldOut: number | undefined,
  cfg: Config,
  seed: number,
): Promise<SelectionRecord[]> {
  const trainEnvs = parts.map((p, e) => ({ p, e })).filter(({ e }) => e !== test && e !== heldOut);
  const first = (parts[0] as { in: LabeledData }).in;
  const numClasses = first.numClasses ?? 10;
  const nets = makeNets(first.shape, numClasses, cfg.hidden, seed);
  const optimizer = tf.train.adam(setting.learningRate);
  const records: SelectionRecord[] = [];
  const chunk = Math.max(1, Math.floor(cfg.steps / cfg.checkpoints));
  const source = pool(trainEnvs.map(({ p }) => p.in));
  const target = (parts[test] as { in: LabeledData }).in;
  const batchSize = 128;
  try {
    for (let c = 1; c <= cfg.checkpoints; c++) {
      if (method === 'DANN') {
        // `chunk` minibatch steps, as whole epochs of the pooled source (at least one).
        const epochs = Math.max(1, Math.round((chunk * batchSize) / source.n));
        await dann(
          nets,
          source,
          { x: target.x, n: target.n, shape: target.shape },
          {
            epochs,
            batchSize,
            optimizer,
            lambda: setting.weight * dannLambda(c / cfg.checkpoints),
            seed: seed * 100 + c,
          },
        );
      } else {
        const done = (c - 1) * chunk;
        await irm(
          nets.logits,
          trainEnvs.map(({ p }) => p.in),
          {
            steps: chunk,
            penaltyWeight: method === 'IRM' ? setting.weight : 0,
            penaltyAnnealSteps: method === 'IRM' ? Math.max(0, Math.floor(cfg.steps / 4) - done) : 0,
            optimizer,
            variables: nets.variables,
          },
        );
      }
      const record: SelectionRecord = {
        hparams: setting.name,
        step: c * chunk,
        inAccuracy: parts.map((p) => accuracy(nets, p.in)),
        outAccuracy: parts.map((p) => accuracy(nets, p.out)),
      };
      if (heldOut !== undefined) record.heldOut = heldOut;
      records.push(record);
    }
  } finally {
    optimizer.dispose();
    nets.dispose();
  }
  return records;
}

async function benchmark(
  name: string,
  envs: LabeledData[],
  test: number,
  cfg: Config,
  smoke: boolean,
): Promise<string[][]> {
  const rows: string[][] = [];
  const rules: Array<[string, (r: SelectionRecord[], o: { testEnvironment: number }) => SelectionResult]> = [
    ['training-domain', trainingDomainValidation],
    ['leave-one-domain-out', leaveOneDomainOut],
    ['oracle', oracleSelection],
  ];
  for (const method of ['ERM', 'DANN', 'IRM'] as const) {
    const perRule = rules.map(() => [] as number[]);
    for (let trial = 0; trial < cfg.trials; trial++) {
      const parts = envs.map((e, i) => split(e, 1000 * trial + i));
      const records: SelectionRecord[] = [];
      for (const setting of grid(method, smoke)) {
        records.push(...(await run(method, setting, parts, test, undefined, cfg, trial)));
        for (let d = 0; d < envs.length; d++) {
          if (d !== test) records.push(...(await run(method, setting, parts, test, d, cfg, trial)));
        }
      }
      rules.forEach(([, rule], r) => {
        perRule[r]?.push(rule(records, { testEnvironment: test }).testAccuracy);
      });
    }
    const fmt = (v: number[]) => {
      const mean = v.reduce((s, t) => s + t, 0) / v.length;
      const sd = Math.sqrt(v.reduce((s, t) => s + (t - mean) ** 2, 0) / Math.max(1, v.length - 1));
      return `${(100 * mean).toFixed(1)} +- ${(100 * sd).toFixed(1)}`;
    };
    rows.push([name, method, ...perRule.map(fmt)]);
    console.error(`done: ${name} ${method}`);
  }
  return rows;
}

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const cfg = parseArgs();
  const backend = await setupBackend({ prefer: 'wasm' });
  const t0 = performance.now();
  const { environments: rotated } = await rotatedMnist({
    angles: cfg.rotatedAngles,
    samplesPerEnvironment: cfg.rotatedPerEnv,
    seed: 0,
  });
  const { environments: colored } = await coloredMnist({ samplesPerEnvironment: cfg.coloredPerEnv, seed: 0 });
  const rows = [
    ...(await benchmark(
      `rotated MNIST (test ${cfg.rotatedAngles.at(-1)} deg)`,
      rotated,
      rotated.length - 1,
      cfg,
      smoke,
    )),
    ...(await benchmark('colored MNIST (test e = 0.9)', colored, colored.length - 1, cfg, smoke)),
  ];
  const header = ['dataset', 'method', 'training-domain val.', 'leave-one-domain-out', 'oracle'];
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  console.log(
    `Test-domain accuracy (%), mean +- sd over ${cfg.trials} trial(s), ${cfg.steps} steps, backend ${backend}:\n`,
  );
  console.log(table);
  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
