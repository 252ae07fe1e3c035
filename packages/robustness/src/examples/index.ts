/**
 * Live examples of `@dlf/robustness`: adversarial digits, robust accuracy against epsilon,
 * randomised-smoothing certificates, backdoors, distribution shift and attributions, each rendered
 * with plain DOM and canvas into any element. tfjs and the package code load only when an example
 * starts (see docs/CONTRIBUTING-EXAMPLES.md).
 *
 * @example
 * ```ts
 * import { attackDigit } from '@dlf/robustness/examples';
 * const handle = attackDigit.mount(document.getElementById('demo')!, { start: 'click' });
 * ```
 *
 * @module
 */
import type { Example } from '@dlf/runtime/examples';
import { attackDigit } from './attackDigit.js';
import { attributionMaps } from './attributionMaps.js';
import { backdoorTakeover } from './backdoorTakeover.js';
import { dannMoons } from './dannMoons.js';
import { robustAccuracyCurve } from './robustAccuracyCurve.js';
import { sanityCascade } from './sanityCascade.js';
import { smoothingCertificate } from './smoothingCertificate.js';

// A new example goes into each block: the import above, its options type, the value export and the record.

export type { AttackDigitExampleOptions } from './attackDigit.js';
export type { AttributionMapsExampleOptions } from './attributionMaps.js';
export type { BackdoorTakeoverExampleOptions } from './backdoorTakeover.js';
export type { DannMoonsExampleOptions } from './dannMoons.js';
export type { RobustAccuracyCurveExampleOptions } from './robustAccuracyCurve.js';
export type { SanityCascadeExampleOptions } from './sanityCascade.js';
export type { SmoothingCertificateExampleOptions } from './smoothingCertificate.js';
export {
  attackDigit,
  attributionMaps,
  backdoorTakeover,
  dannMoons,
  robustAccuracyCurve,
  sanityCascade,
  smoothingCertificate,
};

/** Every example of this package by name, for hosts that list or mount them generically. */
export const examples: Readonly<Record<string, Example<object>>> = Object.freeze({
  attackDigit,
  attributionMaps,
  backdoorTakeover,
  dannMoons,
  robustAccuracyCurve,
  sanityCascade,
  smoothingCertificate,
});
