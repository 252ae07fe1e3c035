/**
 * Live examples of `@dlf/generative`: a VAE's 2-D latent space of MNIST digits, a GAN on a mixture
 * of Gaussians trained with GDA and with OGDA, a normalizing flow learning two moons, and exact
 * against entropic optimal transport plans. Each renders with plain DOM and canvas into any element;
 * tfjs and the package code load only when an example starts (see docs/CONTRIBUTING-EXAMPLES.md).
 *
 * @example
 * ```ts
 * import { otPlan } from '@dlf/generative/examples';
 * const handle = otPlan.mount(document.getElementById('demo')!, { start: 'click' });
 * // later: handle.destroy();
 * ```
 *
 * @module
 */
import type { Example } from '@dlf/runtime/examples';
import { flowMoons } from './flowMoons.js';
import { ganMixture } from './ganMixture.js';
import { otPlan } from './otPlan.js';
import { vaeLatentGrid } from './vaeLatentGrid.js';

export type { FlowMoonsExampleOptions } from './flowMoons.js';
export type { GanMixtureExampleOptions } from './ganMixture.js';
export type { OtPlanExampleOptions } from './otPlan.js';
export type { VaeLatentGridExampleOptions } from './vaeLatentGrid.js';
export { flowMoons, ganMixture, otPlan, vaeLatentGrid };

/** Every example of this package by name, for hosts that list or mount them generically. */
export const examples: Readonly<Record<string, Example<object>>> = Object.freeze({
  flowMoons,
  ganMixture,
  otPlan,
  vaeLatentGrid,
});
