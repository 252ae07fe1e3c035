import { DlfError, describeValue } from './DlfError.js';

/**
 * A seeded pseudo-random generator. All methods draw from one stream, so the sequence of calls
 * determines the values: same seed and same calls give the same numbers on every platform.
 */
export interface Rng {
  /** The seed this generator was created with. */
  readonly seed: number;
  /** Uniform in [0, 1) with 53 bits of precision. */
  random(): number;
  /** Uniform in [low, high). Defaults: low = 0, high = 1. */
  uniform(low?: number, high?: number): number;
  /** Normal with the given mean and standard deviation (Box-Muller). Defaults: 0, 1. */
  normal(mean?: number, std?: number): number;
  /** Integer uniform in [low, high) (high exclusive, as numpy's `integers`). */
  int(low: number, high: number): number;
  /** Fisher-Yates shuffle of `array` in place; returns it. */
  shuffle<T>(array: T[]): T[];
  /** `Array.from({ length: n })` of 0..n-1 in random order. */
  permutation(n: number): number[];
  /** One element of `items`, uniformly or with the given (non-negative, unnormalised) weights. */
  choice<T>(items: readonly T[], weights?: ArrayLike<number>): T;
  /** `size` draws from N(mean, std^2) as a Float32Array. */
  normalArray(size: number, mean?: number, std?: number): Float32Array;
  /** `size` draws from U[low, high) as a Float32Array. */
  uniformArray(size: number, low?: number, high?: number): Float32Array;
  /** A 32-bit seed for a child generator; advancing this one. Use to seed independent streams. */
  nextSeed(): number;
  /** An independent child generator seeded from this one. */
  fork(): Rng;
}

/** The type accepted wherever a function takes randomness: a seed or an existing generator. */
export type SeedLike = number | Rng;

const TWO_POW_32 = 4294967296;

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator: xoshiro128** (Blackman and Vigna 2018) with its state filled by
 * splitmix32 from `seed`. Fast, 2^128 - 1 period, and identical across platforms.
 *
 * @param seed - any finite number; non-integers are hashed through their bits. Default: 0.
 * @example
 * ```ts
 * const rng = createRng(42);
 * const x = rng.normal();          // same value every run
 * const idx = rng.permutation(10); // a seeded shuffle of 0..9
 * ```
 */
export function createRng(seed = 0): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new DlfError('INVALID_ARGUMENT', `seed must be a finite number, received ${describeValue(seed)}`, {
      param: 'seed',
    });
  }
  let seed32: number;
  if (Number.isInteger(seed) && Math.abs(seed) < 2 ** 53) {
    seed32 = (seed >>> 0) ^ Math.floor(seed / TWO_POW_32);
  } else {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, seed);
    seed32 = view.getUint32(0) ^ view.getUint32(4);
  }
  const sm = splitmix32(seed32);
  let s0 = sm();
  let s1 = sm();
  let s2 = sm();
  let s3 = sm();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const random = (): number => {
    const hi = nextU32() >>> 5; // 27 bits
    const lo = nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };

  let spare: number | undefined;
  const standardNormal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };

  const int = (low: number, high: number): number => {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `int(low, high) needs integers with low < high, received ${low}, ${high}`,
        {
          param: 'high',
        },
      );
    }
    const range = high - low;
    if (range <= TWO_POW_32) {
      // Rejection sampling: unbiased.
      const limit = TWO_POW_32 - (TWO_POW_32 % range);
      let x = nextU32();
      while (x >= limit) x = nextU32();
      return low + (x % range);
    }
    return low + Math.floor(random() * range);
  };

  const rng: Rng = {
    seed,
    random,
    uniform: (low = 0, high = 1) => low + (high - low) * random(),
    normal: (mean = 0, std = 1) => mean + std * standardNormal(),
    int,
    shuffle<T>(array: T[]): T[] {
      for (let i = array.length - 1; i > 0; i--) {
        const j = int(0, i + 1);
        const tmp = array[i] as T;
        array[i] = array[j] as T;
        array[j] = tmp;
      }
      return array;
    },
    permutation(n: number): number[] {
      if (!Number.isInteger(n) || n < 0) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `n must be a non-negative integer, received ${describeValue(n)}`,
          {
            param: 'n',
          },
        );
      }
      return rng.shuffle(Array.from({ length: n }, (_, i) => i));
    },
    choice<T>(items: readonly T[], weights?: ArrayLike<number>): T {
      if (items.length === 0) {
        throw new DlfError('INVALID_ARGUMENT', 'items must be non-empty, received an empty array', {
          param: 'items',
        });
      }
      if (!weights) return items[int(0, items.length)] as T;
      if (weights.length !== items.length) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `weights must have one entry per item (${items.length}), received ${weights.length}`,
          { param: 'weights' },
        );
      }
      let total = 0;
      for (let i = 0; i < weights.length; i++) {
        const w = weights[i] as number;
        if (!(w >= 0) || !Number.isFinite(w)) {
          throw new DlfError(
            'INVALID_ARGUMENT',
            `weights must be finite and >= 0, received ${w} at index ${i}`,
            {
              param: 'weights',
            },
          );
        }
        total += w;
      }
      if (total <= 0) {
        throw new DlfError('INVALID_ARGUMENT', 'weights must have a positive sum, received all zeros', {
          param: 'weights',
        });
      }
      let u = random() * total;
      for (let i = 0; i < weights.length; i++) {
        u -= weights[i] as number;
        if (u < 0) return items[i] as T;
      }
      // Floating-point slack: return the last item with positive weight.
      for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return items[i] as T;
      return items[items.length - 1] as T;
    },
    normalArray(size: number, mean = 0, std = 1): Float32Array {
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = mean + std * standardNormal();
      return out;
    },
    uniformArray(size: number, low = 0, high = 1): Float32Array {
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = low + (high - low) * random();
      return out;
    },
    nextSeed: () => nextU32(),
    fork: () => createRng(nextU32()),
  };
  return rng;
}

/** Turns a `SeedLike` into a generator: a number seeds a new one, a generator is used as is. */
export function toRng(seed: SeedLike | undefined, fallback = 0): Rng {
  if (seed === undefined) return createRng(fallback);
  if (typeof seed === 'number') return createRng(seed);
  return seed;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
