/**
 * Live examples of `@dlf/optim-theory`: each renders into any element with plain DOM and SVG
 * (styles scoped in a shadow root) and loads tfjs and the package's code only when it starts. See
 * docs/CONTRIBUTING-EXAMPLES.md and the package's theory pages.
 *
 * @example
 * ```ts
 * import { gdaVsOgda } from '@dlf/optim-theory/examples';
 * const handle = gdaVsOgda.mount(document.getElementById('demo')!, { start: 'click' });
 * ```
 *
 * @module
 */
import type { Example } from '@dlf/runtime/examples';
import { bpttGradients } from './bpttGradients.js';
import { doubleDescent } from './doubleDescent.js';
import { gdaVsOgda } from './gdaVsOgda.js';
import { implicitBias } from './implicitBias.js';
import { kernelTrick } from './kernelTrick.js';
import { ntkWidth } from './ntkWidth.js';
import { plBound } from './plBound.js';
import { randomLabels } from './randomLabels.js';

export type { BpttGradientsExampleOptions } from './bpttGradients.js';
export type { DoubleDescentExampleOptions } from './doubleDescent.js';
export type { GdaVsOgdaExampleOptions } from './gdaVsOgda.js';
export type { ImplicitBiasExampleOptions } from './implicitBias.js';
export type { KernelTrickExampleOptions } from './kernelTrick.js';
export type { NtkWidthExampleOptions } from './ntkWidth.js';
export type { PlBoundExampleOptions } from './plBound.js';
export type { RandomLabelsExampleOptions } from './randomLabels.js';
export {
  bpttGradients,
  doubleDescent,
  gdaVsOgda,
  implicitBias,
  kernelTrick,
  ntkWidth,
  plBound,
  randomLabels,
};

/** Every example of this package by name, for hosts that list or mount them generically. */
export const examples: Readonly<Record<string, Example<object>>> = Object.freeze({
  bpttGradients,
  doubleDescent,
  gdaVsOgda,
  implicitBias,
  kernelTrick,
  ntkWidth,
  plBound,
  randomLabels,
});
