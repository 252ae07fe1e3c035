import { DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/**
 * @internal Checks that `x` is a batch `[n, ...inputShape]` with n >= 1: `DlfError`
 * `INVALID_ARGUMENT` for a non-tensor, `INVALID_SHAPE` for a wrong shape, both naming `x`.
 */
export function assertInputBatch(x: unknown, inputShape: readonly number[]): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new DlfError('INVALID_ARGUMENT', `x must be a tf.Tensor [n, ${inputShape.join(', ')}]`, {
      param: 'x',
    });
  }
  const ok =
    x.rank === inputShape.length + 1 &&
    (x.shape[0] ?? 0) >= 1 &&
    inputShape.every((d, i) => x.shape[i + 1] === d);
  if (!ok) {
    throw new DlfError(
      'INVALID_SHAPE',
      `x must have shape [n, ${inputShape.join(', ')}], received [${x.shape.join(', ')}]`,
      { param: 'x' },
    );
  }
}
