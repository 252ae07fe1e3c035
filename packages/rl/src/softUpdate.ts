import { assertInRange, DlfError } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';

/**
 * Polyak averaging of a target network towards its online network (Lillicrap et al. 2016):
 * every weight becomes `w_target <- tau * w_online + (1 - tau) * w_target`, computed in float32
 * on the backend. `tau = 1` copies the online weights (the hard update of DQN). Both models must
 * have the same architecture (same weights in the same order and shapes).
 *
 * @param target The network updated in place.
 * @param source The online network it tracks.
 * @param tau Step of the average, in (0, 1].
 * @example
 * ```ts
 * softUpdate(targetCritic, critic, 0.005); // after each gradient step
 * ```
 */
export function softUpdate(target: tf.LayersModel, source: tf.LayersModel, tau: number): void {
  assertInRange('tau', tau, 0, 1, { minInclusive: false });
  const t = target.weights;
  const s = source.weights;
  if (t.length !== s.length || t.some((w, i) => !sameShape(w.shape, (s[i] as tf.LayerVariable).shape))) {
    throw new DlfError(
      'INVALID_SHAPE',
      `softUpdate needs two networks of one architecture, received ${t.length} and ${s.length} weights of different shapes`,
      { param: 'target' },
    );
  }
  tf.tidy(() => {
    t.forEach((w, i) => {
      const online = (s[i] as tf.LayerVariable).read();
      w.write(tau === 1 ? online.clone() : tf.add(tf.mul(online, tau), tf.mul(w.read(), 1 - tau)));
    });
  });
}

function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
