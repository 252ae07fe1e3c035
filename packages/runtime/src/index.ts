export type { DlfErrorCode } from './DlfError.js';
export { DlfError } from './DlfError.js';
export type { Rng, SeedLike } from './createRng.js';
export { createRng, toRng } from './createRng.js';
export type { BackendName, SetupBackendOptions } from './setupBackend.js';
export { setupBackend, defaultBackendOrder, isNode } from './setupBackend.js';
export {
  assertFiniteNumber,
  assertPositive,
  assertNonNegative,
  assertInteger,
  assertInRange,
  assertOneOf,
  assertAllFinite,
  throwIfAborted,
} from './validate.js';
