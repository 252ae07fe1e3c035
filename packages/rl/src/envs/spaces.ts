import { assertInteger, DlfError, type Rng } from '@dlf/runtime';

/**
 * The finite set {0, 1, ..., n - 1}, as gymnasium's `spaces.Discrete(n)`.
 *
 * @example
 * ```ts
 * const space = new Discrete(4);
 * space.contains(3); // true
 * space.sample(createRng(0)); // an integer in [0, 4)
 * ```
 */
export class Discrete {
  readonly type = 'discrete' as const;
  readonly n: number;
  readonly shape: readonly number[] = [];

  constructor(n: number) {
    assertInteger('n', n, { min: 1 });
    this.n = n;
  }

  /** A uniform random element. */
  sample(rng: Rng): number {
    return rng.int(0, this.n);
  }

  contains(x: unknown): boolean {
    return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < this.n;
  }
}

/**
 * The box [low, high] in R^shape (elementwise bounds, possibly infinite), as gymnasium's
 * `spaces.Box(low, high)`; flat `Float64Array` bounds.
 *
 * @example
 * ```ts
 * const torque = new Box([-2], [2]);
 * torque.contains([1.5]); // true
 * ```
 */
export class Box {
  readonly type = 'box' as const;
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly shape: readonly number[];

  constructor(low: ArrayLike<number>, high: ArrayLike<number>) {
    if (low.length !== high.length || low.length === 0) {
      throw new DlfError(
        'INVALID_SHAPE',
        `low and high must be non-empty and of one length, received lengths ${low.length} and ${high.length}`,
        { param: 'low' },
      );
    }
    for (let i = 0; i < low.length; i++) {
      if (Number.isNaN(low[i]) || Number.isNaN(high[i]) || (low[i] as number) > (high[i] as number)) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `low[${i}] must be <= high[${i}], received ${low[i]} and ${high[i]}`,
          {
            param: 'low',
          },
        );
      }
    }
    this.low = Float64Array.from(low);
    this.high = Float64Array.from(high);
    this.shape = [low.length];
  }

  /** Uniform on bounded coordinates, standard normal on unbounded ones (as gymnasium). */
  sample(rng: Rng): Float64Array {
    const out = new Float64Array(this.low.length);
    for (let i = 0; i < out.length; i++) {
      const lo = this.low[i] as number;
      const hi = this.high[i] as number;
      if (Number.isFinite(lo) && Number.isFinite(hi)) out[i] = rng.uniform(lo, hi);
      else if (Number.isFinite(lo)) out[i] = lo - Math.log(1 - rng.random());
      else if (Number.isFinite(hi)) out[i] = hi + Math.log(1 - rng.random());
      else out[i] = rng.normal();
    }
    return out;
  }

  contains(x: unknown): boolean {
    if (x === null || typeof x !== 'object' || (x as ArrayLike<number>).length !== this.low.length)
      return false;
    const v = x as ArrayLike<number>;
    for (let i = 0; i < v.length; i++) {
      const xi = v[i] as number;
      if (!(xi >= (this.low[i] as number) && xi <= (this.high[i] as number))) return false;
    }
    return true;
  }
}

/** An action or observation space. */
export type Space = Discrete | Box;
