/**
 * Live examples of `@dlf/runtime`, and the shell every dlf package builds its examples with.
 *
 * Each example is an object with `mount(element, options) -> { destroy() }` that renders into any
 * element with plain DOM and canvas (styles scoped in a shadow root) and loads tfjs only when it
 * starts. See the docs' "Embed" guide and docs/CONTRIBUTING-EXAMPLES.md.
 *
 * @example
 * ```ts
 * import { twoMoons } from '@dlf/runtime/examples';
 * const handle = twoMoons.mount(document.getElementById('demo')!, { start: 'click' });
 * ```
 *
 * @module
 */
import type { Example } from './defineExample.js';
import { exactHvp } from './exactHvp.js';
import { mnistCnn } from './mnistCnn.js';
import { onnxRoundTrip } from './onnxRoundTrip.js';
import { seededNormals } from './seededNormals.js';
import { twoMoons } from './twoMoons.js';

export type {
  Example,
  ExampleContext,
  ExampleDefinition,
  ExampleHandle,
  ExampleMountOptions,
  ExampleState,
} from './defineExample.js';
export { configureExamples, defineExample } from './defineExample.js';
export type { ExactHvpExampleOptions } from './exactHvp.js';
export type { MnistCnnExampleOptions } from './mnistCnn.js';
export type { OnnxRoundTripExampleOptions } from './onnxRoundTrip.js';
export type { SeededNormalsExampleOptions } from './seededNormals.js';
export type { TwoMoonsExampleOptions } from './twoMoons.js';
export { exactHvp, mnistCnn, onnxRoundTrip, seededNormals, twoMoons };

/** Every example of this package by name, for hosts that list or mount them generically. */
export const examples: Readonly<Record<string, Example<object>>> = Object.freeze({
  exactHvp,
  mnistCnn,
  onnxRoundTrip,
  seededNormals,
  twoMoons,
});
