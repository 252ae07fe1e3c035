import { assertInteger, assertOneOf } from '@dlf/runtime';

/**
 * Binary masks for {@link affineCoupling} (RealNVP, Dinh et al. 2017): 1 marks the coordinates that
 * pass through unchanged and condition the others. Images are flattened in HWC order.
 *
 * - `alternatingMask(dim, parity)`: 1 on even indices (parity 0) or odd ones (parity 1).
 * - `checkerboardMask(h, w, c, parity)`: 1 where `(row + col) % 2 === parity`, all channels.
 * - `channelMask(h, w, c, parity)`: 1 on the first half of the channels (parity 0) or the second.
 *
 * @example
 * ```ts
 * alternatingMask(4, 0); // Float32Array [1, 0, 1, 0]
 * ```
 */
export function alternatingMask(dim: number, parity: 0 | 1 = 0): Float32Array {
  assertInteger('dim', dim, { min: 2 });
  assertOneOf('parity', String(parity), ['0', '1'] as const);
  return Float32Array.from({ length: dim }, (_, i) => (i % 2 === parity ? 1 : 0));
}

/** See {@link alternatingMask}. */
export function checkerboardMask(
  height: number,
  width: number,
  channels: number,
  parity: 0 | 1 = 0,
): Float32Array {
  assertInteger('height', height, { min: 1 });
  assertInteger('width', width, { min: 1 });
  assertInteger('channels', channels, { min: 1 });
  assertOneOf('parity', String(parity), ['0', '1'] as const);
  const out = new Float32Array(height * width * channels);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = (r + c) % 2 === parity ? 1 : 0;
      for (let k = 0; k < channels; k++) out[(r * width + c) * channels + k] = v;
    }
  }
  return out;
}

/** See {@link alternatingMask}. */
export function channelMask(
  height: number,
  width: number,
  channels: number,
  parity: 0 | 1 = 0,
): Float32Array {
  assertInteger('height', height, { min: 1 });
  assertInteger('width', width, { min: 1 });
  assertInteger('channels', channels, { min: 2 });
  assertOneOf('parity', String(parity), ['0', '1'] as const);
  const half = Math.floor(channels / 2);
  const out = new Float32Array(height * width * channels);
  for (let p = 0; p < height * width; p++) {
    for (let k = 0; k < channels; k++) out[p * channels + k] = (k < half ? 0 : 1) === parity ? 1 : 0;
  }
  return out;
}
