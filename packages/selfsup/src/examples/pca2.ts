/**
 * The top two principal directions of the rows of `x` (`[n, d]`, row-major) and the rows projected on
 * them (`[n, 2]`), by power iteration with deflation on the `d x d` covariance, in float64. Plain
 * JavaScript: the examples call it on a few hundred embeddings of a few dozen dimensions.
 *
 * `previous` (the coordinates of the last call on the same rows) fixes the sign of each axis so that a
 * redrawn scatter does not flip: an axis is negated when it correlates negatively with the old one.
 */
export function pca2(
  x: ArrayLike<number>,
  n: number,
  d: number,
  previous?: Float64Array,
): { coords: Float64Array; variance: [number, number] } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[i * d + j] as number) / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = (x[i * d + j] as number) - (mean[j] as number);
    for (let a = 0; a < d; a++) {
      const ra = row[a] as number;
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] = (cov[a * d + b] as number) + (ra * (row[b] as number)) / n;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a] as number;
  const axes: Float64Array[] = [];
  const variance: [number, number] = [0, 0];
  for (let k = 0; k < 2; k++) {
    let v = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = 1 + ((j * 7919 + k * 104729) % 13) / 13; // fixed, generic start
    let lambda = 0;
    for (let iter = 0; iter < 200; iter++) {
      // Deflate: remove the components along the axes already found.
      for (const u of axes) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += (u[j] as number) * (v[j] as number);
        for (let j = 0; j < d; j++) v[j] = (v[j] as number) - dot * (u[j] as number);
      }
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += (cov[a * d + b] as number) * (v[b] as number);
        w[a] = s;
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += (w[j] as number) ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      let change = 0;
      for (let j = 0; j < d; j++) {
        w[j] = (w[j] as number) / norm;
        change = Math.max(change, Math.abs((w[j] as number) - (v[j] as number)));
      }
      lambda = norm;
      v = w;
      if (change < 1e-13) break;
    }
    axes.push(v);
    variance[k] = lambda;
  }
  const coords = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const u = axes[k] as Float64Array;
      let s = 0;
      for (let j = 0; j < d; j++) s += ((x[i * d + j] as number) - (mean[j] as number)) * (u[j] as number);
      coords[2 * i + k] = s;
    }
  }
  if (previous && previous.length === coords.length) {
    for (let k = 0; k < 2; k++) {
      let corr = 0;
      for (let i = 0; i < n; i++) corr += (coords[2 * i + k] as number) * (previous[2 * i + k] as number);
      if (corr < 0) for (let i = 0; i < n; i++) coords[2 * i + k] = -(coords[2 * i + k] as number);
    }
  }
  return { coords, variance };
}
