import { type SeedLike, toRng } from '../createRng.js';
import { DlfError, describeValue } from '../DlfError.js';
import { assertFiniteNumber, assertInteger } from '../validate.js';
import type { LabeledData } from './labeledData.js';

/** Options of {@link sinusoidTasks}. */
export interface SinusoidTasksOptions {
  /** Number of tasks (sinusoids) to draw. */
  numTasks: number;
  /** Points per task. For MAML, draw `2K` and use the first K as support set, the rest as query set. */
  k: number;
  /** Interval `[low, high]` the amplitude A is drawn from, uniformly. Default: [0.1, 5]. */
  amplitudeRange?: [number, number];
  /** Interval `[low, high]` the phase is drawn from, uniformly, in radians. Default: [0, pi]. */
  phaseRange?: [number, number];
  /** Interval `[low, high]` the inputs are drawn from, uniformly. Default: [-5, 5]. */
  xRange?: [number, number];
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/** One regression task of {@link sinusoidTasks}: `k` points of `y = amplitude * sin(x - phase)`. */
export interface SinusoidTask extends LabeledData {
  y: Float32Array;
  amplitude: number;
  phase: number;
}

function checkRange(param: string, range: unknown, allowEqual: boolean): [number, number] {
  if (!Array.isArray(range) || range.length !== 2) {
    throw new DlfError('INVALID_ARGUMENT', `${param} must be [low, high], received ${describeValue(range)}`, {
      param,
    });
  }
  const [low, high] = range as [unknown, unknown];
  assertFiniteNumber(`${param}[0]`, low);
  assertFiniteNumber(`${param}[1]`, high);
  if (allowEqual ? low > high : low >= high) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must have low ${allowEqual ? '<=' : '<'} high, received [${low}, ${high}]`,
      { param },
    );
  }
  return [low, high];
}

/**
 * The sinusoid regression benchmark of MAML (Finn, Abbeel and Levine 2017): each task is a sine
 * wave `y = A sin(x - phase)` with `A ~ U(amplitudeRange)` and `phase ~ U(phaseRange)`, observed at
 * `k` inputs `x ~ U(xRange)`. Labels are exact (computed from the stored float32 inputs, no noise).
 *
 * @returns an array of `numTasks` tasks `{ x, y, n: k, shape: [1], amplitude, phase }`.
 * @example
 * ```ts
 * const tasks = sinusoidTasks({ numTasks: 100, k: 20, seed: 0 });
 * const { x, y, amplitude, phase } = tasks[0]!;
 * // support = first 10 points, query = last 10 (the draws are independent)
 * ```
 */
export function sinusoidTasks(options: SinusoidTasksOptions): SinusoidTask[] {
  const {
    numTasks,
    k,
    amplitudeRange = [0.1, 5],
    phaseRange = [0, Math.PI],
    xRange = [-5, 5],
    seed,
  } = options;
  assertInteger('numTasks', numTasks, { min: 1 });
  assertInteger('k', k, { min: 1 });
  const [aLow, aHigh] = checkRange('amplitudeRange', amplitudeRange, true);
  const [pLow, pHigh] = checkRange('phaseRange', phaseRange, true);
  const [xLow, xHigh] = checkRange('xRange', xRange, false);
  const rng = toRng(seed);
  const tasks: SinusoidTask[] = [];
  for (let t = 0; t < numTasks; t++) {
    const amplitude = rng.uniform(aLow, aHigh);
    const phase = rng.uniform(pLow, pHigh);
    const x = rng.uniformArray(k, xLow, xHigh);
    const y = new Float32Array(k);
    for (let i = 0; i < k; i++) y[i] = amplitude * Math.sin((x[i] as number) - phase);
    tasks.push({ x, y, n: k, shape: [1], amplitude, phase });
  }
  return tasks;
}
