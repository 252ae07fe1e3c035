import { describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { rotateImages } from './rotateImages.js';

describe('rotateImages', () => {
  it('is exact for multiples of 90 degrees (90: out[r][c] = in[c][w-1-r], numpy rot90) and the identity at 0 and 360', () => {
    const h = 5;
    const c = 2;
    const img = Float32Array.from(fixtureValues(2 * h * h * c, 61));
    const r90 = rotateImages(img, [h, h, c], 90);
    for (let i = 0; i < 2; i++) {
      for (let r = 0; r < h; r++) {
        for (let col = 0; col < h; col++) {
          for (let ch = 0; ch < c; ch++) {
            expect(r90[((i * h + r) * h + col) * c + ch]).toBe(
              img[((i * h + col) * h + (h - 1 - r)) * c + ch],
            );
          }
        }
      }
    }
    expect(Array.from(rotateImages(r90, [h, h, c], 270))).toEqual(Array.from(img));
    expect(Array.from(rotateImages(img, [h, h, c], 0))).toEqual(Array.from(img));
    expect(Array.from(rotateImages(img, [h, h, c], 360))).toEqual(Array.from(img));
  });

  it('moves a bright pixel to its rotated position (centre of mass within half a pixel)', () => {
    const h = 15;
    const img = new Float32Array(h * h);
    const [r0, c0] = [3, 10];
    img[r0 * h + c0] = 1;
    const cy = (h - 1) / 2;
    for (const deg of [30, 45, 120]) {
      const out = rotateImages(img, [h, h, 1], deg);
      let mass = 0;
      let mr = 0;
      let mc = 0;
      out.forEach((v, q) => {
        mass += v;
        mr += v * Math.floor(q / h);
        mc += v * (q % h);
      });
      const t = (deg * Math.PI) / 180;
      // Counter-clockwise in screen coordinates (y up).
      const x = c0 - cy;
      const y = cy - r0;
      const ex = cy + Math.cos(t) * x - Math.sin(t) * y;
      const ey = cy - (Math.sin(t) * x + Math.cos(t) * y);
      expect(Math.abs(mc / mass - ex)).toBeLessThan(0.5);
      expect(Math.abs(mr / mass - ey)).toBeLessThan(0.5);
    }
    expect(() => rotateImages(img, [h, h], 10)).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
  });
});
