import { assertInteger } from '@dlf/runtime';
import { type KernelInput, resolveKernel } from './kernelInput.js';
import { type MatrixLike, symmetricEigen } from './linalg.js';

/** A fitted kernel PCA. */
export interface KernelPcaModel {
  /** The leading eigenvalues of the centred Gram matrix, descending (the variance along each component is eigenvalue / n). */
  eigenvalues: number[];
  /** Share of the total variance captured by each returned component. */
  explainedVarianceRatio: number[];
  /** Coordinates of the training points on the components (n x components). */
  projections: number[][];
  /** Coordinates of new inputs (or of K(new, train) with a Gram input) on the components. */
  transform(newInputs: MatrixLike): number[][];
}

/**
 * Kernel PCA (Schoelkopf, Smola and Mueller 1998): principal components in the feature space of a
 * kernel, from the eigen-decomposition of the centred Gram matrix K_c = H K H (H = I - 11^T / n).
 * With eigenpairs (lambda_k, v_k) of K_c, the k-th coordinate of a point x is
 * sum_i (v_k)_i k_c(x, x_i) / sqrt(lambda_k), so the training projections are sqrt(lambda_k) v_k.
 * With the linear kernel this is ordinary PCA (up to the sign of each component).
 *
 * @param input - `{ kernel, X }` or `{ gram }`.
 * @param options - `components` (default 2).
 * @returns `{ eigenvalues, explainedVarianceRatio, projections, transform }`.
 * @example
 * ```ts
 * const kpca = kernelPca({ kernel: (A, B) => polynomialKernel(A, B, { degree: 2 }), X }, { components: 2 });
 * kpca.projections; // n x 2
 * ```
 */
export function kernelPca(
  input: KernelInput,
  { components = 2 }: { components?: number } = {},
): KernelPcaModel {
  const { K, cross } = resolveKernel(input);
  const n = K.rows;
  assertInteger('components', components, { min: 1, max: n });
  const rowMean = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) rowMean[i]! += K.data[i * n + j]! / n;
    total += rowMean[i]! / n;
  }
  const Kc = { rows: n, cols: n, data: new Float64Array(n * n) };
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) Kc.data[i * n + j] = K.data[i * n + j]! - rowMean[i]! - rowMean[j]! + total;
  const { values, vectors } = symmetricEigen(Kc);
  const order = Array.from({ length: n }, (_, i) => n - 1 - i).slice(0, components);
  const lambdas = order.map((k) => Math.max(values[k]!, 0));
  const sumAll = Array.from(values).reduce((s, v) => s + Math.max(v, 0), 0);
  const vec = (k: number, i: number) => vectors.data[i * n + k]!;
  const projections = Array.from({ length: n }, (_, i) =>
    order.map((k, c) => vec(k, i) * Math.sqrt(lambdas[c]!)),
  );
  return {
    eigenvalues: lambdas,
    explainedVarianceRatio: lambdas.map((l) => (sumAll > 0 ? l / sumAll : 0)),
    projections,
    transform: (newInputs) => {
      const C = cross(newInputs);
      return Array.from({ length: C.rows }, (_, a) => {
        let mean = 0;
        for (let j = 0; j < n; j++) mean += C.data[a * n + j]! / n;
        const kc = Array.from({ length: n }, (_, j) => C.data[a * n + j]! - mean - rowMean[j]! + total);
        return order.map((k, c) => {
          if (!(lambdas[c]! > 0)) return 0;
          let s = 0;
          for (let j = 0; j < n; j++) s += vec(k, j) * kc[j]!;
          return s / Math.sqrt(lambdas[c]!);
        });
      });
    },
  };
}
