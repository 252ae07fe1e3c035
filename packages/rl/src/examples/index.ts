/**
 * Live examples of `@dlf/rl`: value iteration and policy iteration on an editable grid world,
 * Q-learning exploring a grid, policy-gradient estimators and learners, and DQN learning
 * CartPole-v1, each rendered with plain DOM, SVG and canvas into any element. The package code (and tfjs) load only when an example starts (see
 * docs/CONTRIBUTING-EXAMPLES.md).
 *
 * @example
 * ```ts
 * import { gridWorldDp } from '@dlf/rl/examples';
 * const handle = gridWorldDp.mount(document.getElementById('demo')!, { start: 'click' });
 * ```
 *
 * @module
 */
import type { Example } from '@dlf/runtime/examples';
import { cartPoleLearning } from './cartPoleLearning.js';
import { gridWorldDp } from './gridWorldDp.js';
import { policyGradients } from './policyGradients.js';
import { qLearningLive } from './qLearningLive.js';

export type { CartPoleLearningExampleOptions } from './cartPoleLearning.js';
export type { GridWorldDpExampleOptions } from './gridWorldDp.js';
export type { PolicyGradientsExampleOptions } from './policyGradients.js';
export type { QLearningLiveExampleOptions } from './qLearningLive.js';
export { cartPoleLearning, gridWorldDp, policyGradients, qLearningLive };

/** Every example of this package by name, for hosts that list or mount them generically. */
export const examples: Readonly<Record<string, Example<object>>> = Object.freeze({
  cartPoleLearning,
  gridWorldDp,
  policyGradients,
  qLearningLive,
});
