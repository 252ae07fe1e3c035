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

// --- second-order-safe ops, losses, flat-parameter models, autodiff (ops.ts, losses.ts, mlp.ts, grad.ts, ...) ---

// --- LayersModel wrapping, model builders, training (fromLayersModel.ts, createCnn.ts, fit.ts, ...) ---

// --- datasets (src/data/) ---
