import { assertNonNegative } from '@dlf/runtime';
import type { Labels } from '../attackCore.js';
import { prepareLabels } from '../attackCore.js';
import { DlfError } from '../errors.js';

/**
 * Certified accuracy against radius: for each r, the fraction of examples whose certificate names
 * the true class (no abstention) with radius >= r. The curve of Cohen et al. (2019, figure 1) and of
 * the ablation and DPA papers; it is non-increasing in r and starts at the certified clean accuracy.
 *
 * @param certificates - results of `certify` (`smooth`, `randomizedAblation`), `{ class, radius }`.
 * @param y - the true labels, one per certificate.
 * @param radii - radii to evaluate (any order; returned as given).
 * @returns `{ radii, accuracy }`.
 * @example
 * ```ts
 * const certs = await smooth(model, { sigma: 0.25 }).certify(x, { n: 10000 });
 * const { accuracy } = certifiedAccuracy(certs, y, [0, 0.25, 0.5, 1]);
 * ```
 */
export function certifiedAccuracy(
  certificates: readonly { class: number; radius: number }[],
  y: Labels,
  radii: readonly number[],
): { radii: number[]; accuracy: number[] } {
  if (!Array.isArray(certificates) || certificates.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'certificates must be a non-empty array of { class, radius }', {
      param: 'certificates',
    });
  }
  const m = certificates.length;
  const labels = prepareLabels(y, m, Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < radii.length; i++) assertNonNegative(`radii[${i}]`, radii[i]);
  const accuracy = radii.map(
    (r) => certificates.filter((c, i) => c.class === labels[i] && c.class >= 0 && c.radius >= r).length / m,
  );
  return { radii: [...radii], accuracy };
}
