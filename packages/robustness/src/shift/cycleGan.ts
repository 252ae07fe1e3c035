import type { SeedLike } from '@dlf/runtime';
import { assertInteger, assertNonNegative, assertPositive, toRng } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../errors.js';
import type { UnlabeledData } from './dann.js';

/** The four networks of a CycleGAN. */
export interface CycleGanNetworks {
  /** Domain A -> domain B (same example shapes in and out as the data). */
  generatorAB: tf.LayersModel;
  /** Domain B -> domain A. */
  generatorBA: tf.LayersModel;
  /** Scores "real A" (any output shape; least-squares targets 1 real, 0 fake). */
  discriminatorA: tf.LayersModel;
  /** Scores "real B". */
  discriminatorB: tf.LayersModel;
}

export interface CycleGanOptions {
  /** Training steps (one generator and one discriminator update each). Default: 1000. */
  steps?: number;
  /** Rows of each domain per step. Default: 32. */
  batchSize?: number;
  /** Weight of the cycle-consistency loss. Default: 10 (Zhu et al. 2017). */
  cycleWeight?: number;
  /** Weight of the identity loss |G_AB(b) - b| + |G_BA(a) - a| (for same-space domains). Default: 0. */
  identityWeight?: number;
  /** Adam learning rate of both optimizers (beta1 = 0.5). Default: 2e-4. */
  learningRate?: number;
  /** Seed of the batches. Default: 0. */
  seed?: SeedLike;
  /** Called after each step. */
  onProgress?: (step: CycleGanStep) => void;
  /** Stops between steps; the history so far is returned. */
  signal?: AbortSignal;
}

export interface CycleGanStep {
  step: number;
  /** Generators' least-squares adversarial loss (sum of both directions). */
  adversarialLoss: number;
  /** mean |G_BA(G_AB(a)) - a| + mean |G_AB(G_BA(b)) - b|. */
  cycleLoss: number;
  /** Discriminators' least-squares loss (sum of both, each halved as in the paper). */
  discriminatorLoss: number;
}

function checkData(name: string, data: UnlabeledData): number {
  if (
    data == null ||
    !(data.x instanceof Float32Array) ||
    !Array.isArray(data.shape) ||
    !Number.isInteger(data.n) ||
    data.n < 1 ||
    data.x.length % data.n !== 0
  ) {
    throw new DlfError(
      'INVALID_DATA',
      `${name} must be { x: Float32Array, n, shape }, received ${describeValue(data)}`,
      {
        param: name,
      },
    );
  }
  return data.x.length / data.n;
}

/**
 * CycleGAN (Zhu et al. 2017): unpaired translation between two domains. Generators G_AB and G_BA are
 * trained to fool least-squares discriminators of the other domain (mean (D(G(x)) - 1)^2) while
 * keeping the cycle consistent (G_BA(G_AB(a)) close to a and G_AB(G_BA(b)) close to b in L1); the
 * discriminators learn 0.5 [(D(real) - 1)^2 + D(fake)^2] on detached fakes. For adaptation
 * (CyCADA-style, Hoffman et al. 2018), translate the labelled source into the target's style with
 * `generatorAB` and train the classifier on the translated images with the source labels.
 *
 * @param networks - `{ generatorAB, generatorBA, discriminatorA, discriminatorB }`, trained in place.
 * @param a - inputs of domain A.
 * @param b - inputs of domain B.
 * @returns `{ history }`, one entry per step.
 * @example
 * ```ts
 * await cycleGan(nets, source, target, { steps: 2000, cycleWeight: 10 });
 * const translated = nets.generatorAB.predict(sourceImages) as tf.Tensor; // source content, target style
 * ```
 */
export async function cycleGan(
  networks: CycleGanNetworks,
  a: UnlabeledData,
  b: UnlabeledData,
  options: CycleGanOptions = {},
): Promise<{ history: CycleGanStep[] }> {
  const nets = networks ?? ({} as CycleGanNetworks);
  for (const name of ['generatorAB', 'generatorBA', 'discriminatorA', 'discriminatorB'] as const) {
    if (!(nets[name] instanceof tf.LayersModel)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `networks.${name} must be a tf.LayersModel, received ${describeValue(nets[name])}`,
        {
          param: `networks.${name}`,
        },
      );
    }
  }
  const {
    steps = 1000,
    batchSize = 32,
    cycleWeight = 10,
    identityWeight = 0,
    learningRate = 2e-4,
    onProgress,
    signal,
  } = options;
  assertInteger('steps', steps, { min: 1 });
  assertInteger('batchSize', batchSize, { min: 1 });
  assertNonNegative('cycleWeight', cycleWeight);
  assertNonNegative('identityWeight', identityWeight);
  assertPositive('learningRate', learningRate);
  const da = checkData('a', a);
  const db = checkData('b', b);
  const { generatorAB: gAB, generatorBA: gBA, discriminatorA: dA, discriminatorB: dB } = nets;
  const vars = (...models: tf.LayersModel[]) =>
    models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  const gVars = vars(gAB, gBA);
  const dVars = vars(dA, dB);
  const gOpt = tf.train.adam(learningRate, 0.5);
  const dOpt = tf.train.adam(learningRate, 0.5);
  const rng = toRng(options.seed);
  const batch = (data: UnlabeledData, d: number) => {
    const m = Math.min(batchSize, data.n);
    const out = new Float32Array(m * d);
    for (let r = 0; r < m; r++) {
      const src = rng.int(0, data.n);
      out.set(data.x.subarray(src * d, (src + 1) * d), r * d);
    }
    return tf.tensor(out, [m, ...data.shape]);
  };
  const run = (model: tf.LayersModel, x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
  const l1 = (u: tf.Tensor, v: tf.Tensor) => tf.mean(tf.abs(tf.sub(u, v)));
  const history: CycleGanStep[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      if (signal?.aborted) break;
      const xa = batch(a, da);
      const xb = batch(b, db);
      let adversarialLoss = 0;
      let cycleLoss = 0;
      let discriminatorLoss = 0;
      try {
        tf.tidy(() => {
          gOpt.minimize(
            () => {
              const fakeB = run(gAB, xa);
              const fakeA = run(gBA, xb);
              const adv = tf.add(
                tf.mean(tf.square(tf.sub(run(dB, fakeB), 1))),
                tf.mean(tf.square(tf.sub(run(dA, fakeA), 1))),
              );
              const cycle = tf.add(l1(run(gBA, fakeB), xa), l1(run(gAB, fakeA), xb));
              let total = tf.add(adv, tf.mul(cycle, cycleWeight));
              if (identityWeight > 0) {
                const identity = tf.add(l1(run(gAB, xb), xb), l1(run(gBA, xa), xa));
                total = tf.add(total, tf.mul(identity, identityWeight));
              }
              adversarialLoss = adv.dataSync()[0] as number;
              cycleLoss = cycle.dataSync()[0] as number;
              return total as tf.Scalar;
            },
            false,
            gVars,
          );
        });
        const [fakeA, fakeB] = tf.tidy(() => [run(gBA, xb), run(gAB, xa)]) as [tf.Tensor, tf.Tensor];
        try {
          tf.tidy(() => {
            dOpt.minimize(
              () => {
                const lossFor = (d: tf.LayersModel, real: tf.Tensor, fake: tf.Tensor) =>
                  tf.mul(
                    tf.add(tf.mean(tf.square(tf.sub(run(d, real), 1))), tf.mean(tf.square(run(d, fake)))),
                    0.5,
                  );
                const loss = tf.add(lossFor(dA, xa, fakeA), lossFor(dB, xb, fakeB));
                discriminatorLoss = loss.dataSync()[0] as number;
                return loss as tf.Scalar;
              },
              false,
              dVars,
            );
          });
        } finally {
          tf.dispose([fakeA, fakeB]);
        }
      } finally {
        tf.dispose([xa, xb]);
      }
      if (![adversarialLoss, cycleLoss, discriminatorLoss].every(Number.isFinite)) {
        throw new DlfError('NON_FINITE', `the CycleGAN losses became non-finite at step ${step}`, {
          param: 'learningRate',
        });
      }
      const entry = { step, adversarialLoss, cycleLoss, discriminatorLoss };
      history.push(entry);
      onProgress?.(entry);
      if (onProgress && step % 50 === 49) await Promise.resolve();
    }
  } finally {
    gOpt.dispose();
    dOpt.dispose();
  }
  return { history };
}
