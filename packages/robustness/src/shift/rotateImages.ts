import { assertFiniteNumber, assertInteger } from '@dlf/runtime';
import { DlfError } from '../errors.js';

/**
 * Rotates images counter-clockwise by `degrees` about their centre ((h - 1) / 2, (w - 1) / 2),
 * bilinear interpolation, zero outside the source. `data` holds `n` images `[h, w, c]` row-major;
 * returns a new array of the same layout. Multiples of 90 degrees move pixels exactly.
 *
 * @example
 * ```ts
 * const rotated = rotateImages(train.x, [28, 28, 1], 30);
 * ```
 */
export function rotateImages(data: Float32Array, shape: readonly number[], degrees: number): Float32Array {
  assertFiniteNumber('degrees', degrees);
  if (shape.length !== 3) {
    throw new DlfError('INVALID_SHAPE', `shape must be [height, width, channels], received [${shape}]`, {
      param: 'shape',
    });
  }
  const [h, w, c] = shape as [number, number, number];
  assertInteger('height', h, { min: 1 });
  assertInteger('width', w, { min: 1 });
  assertInteger('channels', c, { min: 1 });
  const size = h * w * c;
  if (data.length % size !== 0) {
    throw new DlfError(
      'INVALID_SHAPE',
      `data length ${data.length} is not a multiple of the image size ${size}`,
      {
        param: 'data',
      },
    );
  }
  const n = data.length / size;
  const out = new Float32Array(data.length);
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const snap = (v: number) => (Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) : v);
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      // Counter-clockwise on screen (rows grow downwards): invert the rotation to find the source.
      const dx = col - cx;
      const dy = cy - r;
      const sx = snap(cx + cos * dx + sin * dy);
      const sy = snap(cy - (-sin * dx + cos * dy));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let i = 0; i < n; i++) {
        const base = i * size;
        for (let ch = 0; ch < c; ch++) {
          let v = 0;
          for (const [yy, xx, wt] of [
            [y0, x0, (1 - fy) * (1 - fx)],
            [y0, x0 + 1, (1 - fy) * fx],
            [y0 + 1, x0, fy * (1 - fx)],
            [y0 + 1, x0 + 1, fy * fx],
          ] as const) {
            if (wt === 0 || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
            v += wt * (data[base + (yy * w + xx) * c + ch] as number);
          }
          out[base + (r * w + col) * c + ch] = v;
        }
      }
    }
  }
  return out;
}
