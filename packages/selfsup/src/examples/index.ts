/**
 * Live examples of `@dlf/selfsup`: a SimCLR embedding clustering unlabelled digits, MAML adapting to a
 * new sinusoid, and a prototypical network classifying a digit drawn by the reader from one example
 * per class. Each renders with plain DOM and canvas into any element; tfjs and the package code load
 * only when an example starts (see docs/CONTRIBUTING-EXAMPLES.md).
 *
 * @example
 * ```ts
 * import { simclrClusters } from '@dlf/selfsup/examples';
 * const handle = simclrClusters.mount(document.getElementById('demo')!, { start: 'click' });
 * ```
 *
 * @module
 */
import type { Example } from '@dlf/runtime/examples';
import { mamlSinusoid } from './mamlSinusoid.js';
import { protoNetDrawn } from './protoNetDrawn.js';
import { simclrClusters } from './simclrClusters.js';

export type { MamlSinusoidExampleOptions } from './mamlSinusoid.js';
export type { ProtoNetDrawnExampleOptions } from './protoNetDrawn.js';
export type { SimclrClustersExampleOptions } from './simclrClusters.js';
export { mamlSinusoid, protoNetDrawn, simclrClusters };

/** Every example of this package by name, for hosts that list or mount them generically. */
export const examples: Readonly<Record<string, Example<object>>> = Object.freeze({
  mamlSinusoid,
  protoNetDrawn,
  simclrClusters,
});
