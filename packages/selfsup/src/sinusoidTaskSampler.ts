import { assertInteger, type LabeledData, type SeedLike, sinusoidTasks, toRng } from '@dlf/runtime';
import type { Task, TaskSampler } from './fewShotTaskSampler.js';

/** A sinusoid regression task: `y = amplitude * sin(x - phase)` observed on two independent sets. */
export interface RegressionTask extends Task {
  support: LabeledData & { y: Float32Array };
  query: LabeledData & { y: Float32Array };
  amplitude: number;
  phase: number;
}

/** Options of {@link sinusoidTaskSampler}. */
export interface SinusoidTaskSamplerOptions {
  /** K, support points per task. Default: 10. */
  kShot?: number;
  /** Query points per task. Default: 10. */
  kQuery?: number;
  /** Interval the amplitude is drawn from, uniformly. Default: [0.1, 5]. */
  amplitudeRange?: [number, number];
  /** Interval the phase is drawn from, uniformly, in radians. Default: [0, pi]. */
  phaseRange?: [number, number];
  /** Interval the inputs are drawn from, uniformly. Default: [-5, 5]. */
  xRange?: [number, number];
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/**
 * The sinusoid regression tasks of MAML (Finn, Abbeel and Levine 2017) as a task sampler: each task
 * is `y = A sin(x - phase)` (`A ~ U(amplitudeRange)`, `phase ~ U(phaseRange)`) with `kShot` support
 * and `kQuery` query inputs drawn independently from `U(xRange)`. Built on the runtime's
 * `sinusoidTasks` (one task of `kShot + kQuery` points, split in two).
 *
 * @returns a sampler whose tasks are `{ support, query, amplitude, phase }`, inputs of shape `[1]`.
 * @example
 * ```ts
 * const tasks = sinusoidTaskSampler({ kShot: 10, kQuery: 10, seed: 0 });
 * const { support, query, amplitude } = tasks.sample(); // support.n = 10
 * ```
 */
export function sinusoidTaskSampler(options: SinusoidTaskSamplerOptions = {}): TaskSampler<RegressionTask> {
  const { kShot = 10, kQuery = 10, seed } = options;
  assertInteger('kShot', kShot, { min: 1 });
  assertInteger('kQuery', kQuery, { min: 1 });
  const rng = toRng(seed);
  const ranges = {
    ...(options.amplitudeRange ? { amplitudeRange: options.amplitudeRange } : {}),
    ...(options.phaseRange ? { phaseRange: options.phaseRange } : {}),
    ...(options.xRange ? { xRange: options.xRange } : {}),
  };
  // Validate the ranges once, eagerly.
  sinusoidTasks({ numTasks: 1, k: 1, ...ranges, seed: 0 });
  const sample = (): RegressionTask => {
    const [task] = sinusoidTasks({ numTasks: 1, k: kShot + kQuery, ...ranges, seed: rng.nextSeed() });
    const { x, y, amplitude, phase } = task as NonNullable<typeof task>;
    return {
      support: { x: x.slice(0, kShot), y: y.slice(0, kShot), n: kShot, shape: [1] },
      query: { x: x.slice(kShot), y: y.slice(kShot), n: kQuery, shape: [1] },
      amplitude,
      phase,
    };
  };
  return {
    sample,
    sampleBatch(count: number): RegressionTask[] {
      assertInteger('count', count, { min: 1 });
      return Array.from({ length: count }, sample);
    },
  };
}
