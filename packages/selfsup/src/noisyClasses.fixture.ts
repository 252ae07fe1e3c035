import { createRng, type LabeledData } from '@dlf/runtime';

/**
 * Test fixture (not shipped): 20 classes in 8-D: class means N(0, 2^2) on the first 3 coordinates (within-class sd 0.4), the
 * other 5 coordinates pure N(0, 3^2) noise. An encoder helps by discarding the noise coordinates.
 */
export function noisyClasses(seed: number): LabeledData & { y: Int32Array; numClasses: number } {
  const rng = createRng(seed);
  const C = 20;
  const per = 20;
  const x = new Float32Array(C * per * 8);
  const y = new Int32Array(C * per);
  for (let c = 0; c < C; c++) {
    const mean = [rng.normal(0, 2), rng.normal(0, 2), rng.normal(0, 2)];
    for (let i = 0; i < per; i++) {
      const r = c * per + i;
      y[r] = c;
      for (let j = 0; j < 8; j++)
        x[r * 8 + j] = j < 3 ? (mean[j] as number) + rng.normal(0, 0.4) : rng.normal(0, 3);
    }
  }
  return { x, y, n: C * per, shape: [8], numClasses: C };
}
