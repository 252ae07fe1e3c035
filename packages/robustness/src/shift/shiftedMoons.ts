import type { LabeledData, SeedLike } from '@dlf/runtime';
import { assertFiniteNumber, twoMoons } from '@dlf/runtime';
import { DlfError, describeValue } from '../errors.js';

export interface ShiftedMoonsOptions {
  /** Number of points (half per moon). */
  n: number;
  /** Noise standard deviation of `twoMoons`. Default: 0.1. */
  noise?: number;
  /** Counter-clockwise rotation in degrees about the moons' centre (0.5, 0.25). Default: 0. */
  angle?: number;
  /** Translation added after the rotation. Default: [0, 0]. */
  shift?: readonly [number, number];
  /** Seed or generator of `twoMoons`. Default: 0. */
  seed?: SeedLike;
}

/**
 * Two moons under a covariate shift: the runtime's `twoMoons` rotated by `angle` about the centre
 * (0.5, 0.25) and translated by `shift`; labels unchanged. A source domain (angle 0) and targets
 * at growing angles make a graded domain-adaptation problem.
 *
 * @returns `{ x, y, n, shape: [2], numClasses: 2, angle, shift }`.
 * @example
 * ```ts
 * const source = shiftedMoons({ n: 300, seed: 0 });
 * const target = shiftedMoons({ n: 300, angle: 30, seed: 1 });
 * ```
 */
export function shiftedMoons(
  options: ShiftedMoonsOptions,
): LabeledData & { y: Int32Array; angle: number; shift: [number, number] } {
  if (typeof options !== 'object' || options === null) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `options must be an object with n, received ${describeValue(options)}`,
      {
        param: 'options',
      },
    );
  }
  const { angle = 0, shift = [0, 0] } = options;
  assertFiniteNumber('angle', angle);
  if (!Array.isArray(shift) || shift.length !== 2) {
    throw new DlfError('INVALID_ARGUMENT', `shift must be [dx, dy], received ${describeValue(shift)}`, {
      param: 'shift',
    });
  }
  assertFiniteNumber('shift[0]', shift[0]);
  assertFiniteNumber('shift[1]', shift[1]);
  const base = twoMoons({ n: options.n, noise: options.noise ?? 0.1, seed: options.seed });
  const theta = (angle * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const x = new Float32Array(base.x.length);
  for (let i = 0; i < base.n; i++) {
    const px = (base.x[2 * i] as number) - 0.5;
    const py = (base.x[2 * i + 1] as number) - 0.25;
    x[2 * i] = 0.5 + cos * px - sin * py + shift[0];
    x[2 * i + 1] = 0.25 + sin * px + cos * py + shift[1];
  }
  return { x, y: base.y, n: base.n, shape: [2], numClasses: 2, angle, shift: [shift[0], shift[1]] };
}
