import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../linalg.js';
import { eigenvalues, gdaStableStepSize, spectralRadius } from './eigenvalues.js';

describe('eigenvalues, spectralRadius, gdaStableStepSize', () => {
  it('finds the roots of a companion matrix and the +-i of a rotation', () => {
    // x^4 - 10 x^3 + 35 x^2 - 50 x + 24 = (x - 1)(x - 2)(x - 3)(x - 4)
    const roots = eigenvalues([
      [10, -35, 50, -24],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    expect(roots.map((r) => r.re)).toEqual([4, 3, 2, 1].map((v) => expect.closeTo(v, 9)));
    for (const r of roots) expect(Math.abs(r.im)).toBeLessThan(1e-9);
    const rot = eigenvalues([
      [0, -1],
      [1, 0],
    ]);
    expect(rot.map((r) => Math.abs(r.im))).toEqual([1, 1].map((v) => expect.closeTo(v, 12)));
    expect(
      spectralRadius([
        [1, -0.1],
        [0.1, 1],
      ]),
    ).toBeCloseTo(Math.sqrt(1.01), 12);
  });

  it('agrees with the symmetric solver and with the trace identities on random matrices', () => {
    const rng = createRng(5);
    for (const n of [3, 8, 25]) {
      const A = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
      const S = A.map((r, i) => r.map((v, j) => v + A[j]![i]!));
      const sym = symmetricEigen({ rows: n, cols: n, data: Float64Array.from(S.flat()) }).values;
      const gen = eigenvalues(S)
        .map((e) => e.re)
        .sort((p, q) => p - q);
      gen.forEach((v, i) => {
        expect(v).toBeCloseTo(sym[i]!, 9);
      });
      // Non-symmetric: sum lambda = tr A and sum lambda^2 = tr A^2 (real), conjugate pairs (sum im = 0).
      const ev = eigenvalues(A);
      let tr = 0;
      let tr2 = 0;
      for (let i = 0; i < n; i++) {
        tr += A[i]![i]!;
        for (let j = 0; j < n; j++) tr2 += A[i]![j]! * A[j]![i]!;
      }
      expect(ev.reduce((s, e) => s + e.re, 0)).toBeCloseTo(tr, 9);
      expect(ev.reduce((s, e) => s + e.re * e.re - e.im * e.im, 0)).toBeCloseTo(tr2, 8);
      expect(ev.reduce((s, e) => s + e.im, 0)).toBeCloseTo(0, 9);
    }
  });

  it('gdaStableStepSize is min 2a / (a^2 + b^2), and 0 when some eigenvalue has non-negative real part', () => {
    expect(
      gdaStableStepSize([
        { re: -1, im: 2 },
        { re: -3, im: 0 },
      ]),
    ).toBeCloseTo(Math.min(2 / 5, 2 / 3), 12);
    expect(gdaStableStepSize([{ re: 0, im: 1 }])).toBe(0);
    expect(() => gdaStableStepSize([])).toThrow(expect.objectContaining({ param: 'eigenvalues' }));
    expect(() => eigenvalues([[1, 2, 3]])).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
  });

  it('reads tensors without leaking', async () => {
    await setupTestBackend();
    const m = tf.tensor2d([
      [0, -1],
      [1, 0],
    ]);
    expect(await expectNoLeaks(() => spectralRadius(m))).toBeCloseTo(1, 12);
    m.dispose();
  });
});
