import { assertInteger, assertNonNegative, DlfError } from '@dlf/runtime';
import { dot, type MatrixLike, row, toMat } from './linalg.js';

/** Options of {@link polynomialKernel} and {@link polynomialFeatures}. */
export interface PolynomialOptions {
  /** Degree k >= 1. Default: 2. */
  degree?: number;
  /** The constant c >= 0 in (x.x' + c)^k. Default: 1. */
  c?: number;
}

function readOptions(options: PolynomialOptions): { degree: number; c: number } {
  const { degree = 2, c = 1 } = options;
  assertInteger('degree', degree, { min: 1 });
  assertNonNegative('c', c);
  return { degree, c };
}

/**
 * The polynomial kernel K(x, x') = (x.x' + c)^k, computed in O(d) per entry: the kernel trick for
 * the C(d + k, k)-dimensional feature map of {@link polynomialFeatures}.
 *
 * @param X1 - n1 x d inputs; `X2` - n2 x d (default X1).
 * @param options - `degree` k (2), `c` (1).
 * @returns the n1 x n2 Gram matrix.
 * @example
 * ```ts
 * polynomialKernel([[1, 2]], [[3, 4]], { degree: 2, c: 1 }); // [[(11 + 1)^2]] = [[144]]
 * ```
 */
export function polynomialKernel(
  X1: MatrixLike,
  X2?: MatrixLike,
  options: PolynomialOptions = {},
): number[][] {
  const { degree, c } = readOptions(options);
  const A = toMat('X1', X1);
  const B = X2 === undefined ? A : toMat('X2', X2);
  if (A.cols !== B.cols) {
    throw new DlfError('INVALID_SHAPE', `X2 must have ${A.cols} columns like X1, received ${B.cols}`, {
      param: 'X2',
    });
  }
  return Array.from({ length: A.rows }, (_, i) =>
    Array.from({ length: B.rows }, (_, j) => (dot(row(A, i), row(B, j)) + c) ** degree),
  );
}

/** All exponent vectors (j_0, ..., j_d) of d + 1 non-negative integers summing to k. */
function compositions(parts: number, total: number): number[][] {
  if (parts === 1) return [[total]];
  const out: number[][] = [];
  for (let first = total; first >= 0; first--) {
    for (const rest of compositions(parts - 1, total - first)) out.push([first, ...rest]);
  }
  return out;
}

/**
 * The explicit feature map of the polynomial kernel: phi(x) with phi(x).phi(x') = (x.x' + c)^k.
 * By the multinomial theorem, (c + sum_i x_i x'_i)^k = sum over (j_0, ..., j_d) summing to k of
 * k! / (j_0! ... j_d!) c^{j_0} prod_i (x_i x'_i)^{j_i}, so phi has one coordinate
 * sqrt(k! / (j_0! ... j_d!) c^{j_0}) prod_i x_i^{j_i} per exponent vector: C(d + k, k) features
 * (about d^k / k!), against O(d) work per kernel entry.
 *
 * @param X - n x d inputs.
 * @param options - `degree` k (2), `c` (1).
 * @returns n rows of C(d + k, k) features (zero-weight features dropped when c = 0).
 * @example
 * ```ts
 * polynomialFeatures([[1, 2]], { degree: 2, c: 0 }); // [[1, 2 sqrt(2), 4]] (x1^2, sqrt2 x1 x2, x2^2)
 * ```
 */
export function polynomialFeatures(X: MatrixLike, options: PolynomialOptions = {}): number[][] {
  const { degree, c } = readOptions(options);
  const A = toMat('X', X);
  const d = A.cols;
  const fact = [1];
  for (let i = 1; i <= degree; i++) fact.push(fact[i - 1]! * i);
  const terms = compositions(d + 1, degree)
    .map((j) => ({ j, coef: (fact[degree]! / j.reduce((p, e) => p * fact[e]!, 1)) * c ** j[0]! }))
    .filter((t) => t.coef > 0);
  return Array.from({ length: A.rows }, (_, i) => {
    const x = row(A, i);
    return terms.map(({ j, coef }) => {
      let v = Math.sqrt(coef);
      for (let a = 0; a < d; a++) if (j[a + 1]! > 0) v *= x[a]! ** j[a + 1]!;
      return v;
    });
  });
}
