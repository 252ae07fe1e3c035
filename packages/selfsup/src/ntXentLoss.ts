import { assertPositive, DlfError, ops } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { describeValue } from './describeValue.js';
import { l2Normalize } from './protoNets.js';

/** Options of {@link ntXentLoss}. */
export interface NtXentOptions {
  /** Temperature tau dividing the similarities. Default: 0.5. */
  temperature?: number;
  /** Compare unit vectors (cosine similarity), as SimCLR does. Default: true. */
  normalize?: boolean;
}

/** @internal Throws unless `a` and `b` are 2-D tensors of the same shape with at least one row. */
export function assertPairedEmbeddings(names: [string, string], a: unknown, b: unknown): void {
  for (const [param, t] of [
    [names[0], a],
    [names[1], b],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 2 || (t.shape[0] as number) < 1) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must be a [batch, dim] tensor, received ${describeValue(t)}`,
        {
          param,
        },
      );
    }
  }
  const ta = a as tf.Tensor2D;
  const tb = b as tf.Tensor2D;
  if (!tf.util.arraysEqual(ta.shape, tb.shape)) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${names[0]} and ${names[1]} must have the same shape, received [${ta.shape.join(', ')}] and [${tb.shape.join(', ')}]`,
      { param: names[1] },
    );
  }
}

/**
 * The NT-Xent loss of SimCLR (Chen, Kornblith, Norouzi and Hinton 2020), the InfoNCE loss over a
 * batch of N positive pairs: with `z = [z1; z2]` (2N rows, unit-normalised when `normalize`) and
 * `s_ij = z_i . z_j / tau`, each anchor i has its positive p(i) = i +- N and 2N - 2 negatives, and
 *
 * `L = (1 / 2N) sum_i [ -s_i,p(i) + log sum_{k != i} exp(s_ik) ]`.
 *
 * Computed with a max-shifted log-sum-exp (finite for any temperature) and the runtime's
 * second-order-safe ops; the 2N x 2N similarity matrix is one matrix product, so large batches cost
 * one GEMM. Minimal when each pair coincides and the pairs are spread apart.
 *
 * @param z1 - embeddings of the first views `[N, d]`.
 * @param z2 - embeddings of the second views `[N, d]` (row i pairs with row i of z1).
 * @example
 * ```ts
 * const loss = ntXentLoss(head(view1), head(view2), { temperature: 0.5 });
 * ```
 */
export function ntXentLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions = {}): tf.Scalar {
  const { temperature = 0.5, normalize = true } = options;
  assertPositive('temperature', temperature);
  if (typeof normalize !== 'boolean') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `normalize must be a boolean, received ${describeValue(normalize)}`,
      {
        param: 'normalize',
      },
    );
  }
  assertPairedEmbeddings(['z1', 'z2'], z1, z2);
  const n = z1.shape[0];
  return tf.tidy(() => {
    const a = normalize ? l2Normalize(z1) : z1;
    const b = normalize ? l2Normalize(z2) : z2;
    const z = tf.concat([a, b]);
    const sim = tf.div(tf.matMul(z, z, false, true), temperature);
    const self = tf.cast(tf.eye(2 * n), 'bool');
    const masked = tf.where(self, tf.fill([2 * n, 2 * n], Number.NEGATIVE_INFINITY), sim);
    const pos = tf.div(tf.sum(tf.mul(a, b), 1), temperature);
    const lse = ops.logSumExp(masked, 1);
    return tf.mean(tf.sub(lse, tf.concat([pos, pos]))) as tf.Scalar;
  });
}
