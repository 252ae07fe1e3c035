/**
 * Seeded random numbers for the examples' idle views and point clouds: plain JavaScript, no tfjs and
 * no runtime import, so that an example can draw its data before anything heavy is loaded.
 * (Package code uses the runtime's `createRng`; this small generator only has to be deterministic.)
 */
export interface PointRng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

/** A 32-bit generator (a SplitMix-style mixer) seeded by an integer. */
export function pointRng(seed: number): PointRng {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}

/** The points of a 2-D cloud: `n` draws from `N(center, diag(spread^2))`, as rows `[x, y]`. */
export function gaussianCloud(
  rng: PointRng,
  n: number,
  center: readonly [number, number],
  spread: readonly [number, number],
): number[][] {
  return Array.from({ length: n }, () => [
    center[0] + spread[0] * rng.normal(),
    center[1] + spread[1] * rng.normal(),
  ]);
}
