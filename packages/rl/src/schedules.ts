import { assertFiniteNumber, assertInRange, assertInteger, DlfError } from '@dlf/runtime';

/** A constant, or a function of a counter (episode, step or visit count, as each option documents). */
export type Schedule = number | ((t: number) => number);

/**
 * Linear interpolation from `start` (t = 0) to `end` (t >= steps), then constant: the usual
 * epsilon schedule of DQN (Mnih et al. 2015).
 *
 * @example
 * ```ts
 * const epsilon = linearSchedule({ start: 1, end: 0.05, steps: 10_000 });
 * epsilon(5000); // 0.525
 * ```
 */
export function linearSchedule(options: {
  start: number;
  end: number;
  steps: number;
}): (t: number) => number {
  const { start, end, steps } = options;
  assertFiniteNumber('start', start);
  assertFiniteNumber('end', end);
  assertInteger('steps', steps, { min: 1 });
  return (t: number) => (t >= steps ? end : start + ((end - start) * Math.max(t, 0)) / steps);
}

/**
 * Geometric decay `max(end, start * decay^t)`.
 *
 * @example
 * ```ts
 * const epsilon = exponentialSchedule({ start: 1, end: 0.01, decay: 0.995 });
 * ```
 */
export function exponentialSchedule(options: {
  start: number;
  end?: number;
  decay: number;
}): (t: number) => number {
  const { start, end = 0, decay } = options;
  assertFiniteNumber('start', start);
  assertFiniteNumber('end', end);
  assertInRange('decay', decay, 0, 1);
  return (t: number) => Math.max(end, start * decay ** Math.max(t, 0));
}

/** @internal Evaluates a schedule at t and checks the value lies in [lo, hi]. */
export function scheduleValue(name: string, schedule: Schedule, t: number, lo: number, hi: number): number {
  const v = typeof schedule === 'number' ? schedule : schedule(t);
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${name} must be in [${lo}, ${hi}], received ${String(v)} at t = ${t}`,
      {
        param: name,
      },
    );
  }
  return v;
}
