import { createRng } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rademacherComplexity } from './rademacherComplexity.js';

beforeAll(async () => {
  await setupTestBackend();
});

const rng = createRng(21);
const randomRows = (rows: number, cols: number) =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));

describe('rademacherComplexity', () => {
  it('finite class: the Monte Carlo estimate agrees with exact enumeration and obeys Massart', () => {
    const vectors = randomRows(30, 12);
    const r = rademacherComplexity({ type: 'finite', vectors }, { samples: 4000, seed: 1, exact: true });
    expect(r.n).toBe(12);
    expect(Math.abs(r.estimate - r.exact!)).toBeLessThan(4 * r.standardError);
    const maxNorm = Math.max(...vectors.map((v) => Math.hypot(...v)));
    expect(r.bound).toBeCloseTo((maxNorm * Math.sqrt(2 * Math.log(30))) / 12, 12);
    expect(r.exact!).toBeLessThanOrEqual(r.bound);
    expect(r.exact!).toBeGreaterThan(0);
  });

  it('the hypercube {-1, 1}^n has complexity exactly 1, under Massart bound sqrt(2 ln 2)', () => {
    const n = 8;
    const cube = Array.from({ length: 2 ** n }, (_, m) =>
      Array.from({ length: n }, (_, i) => ((m >>> i) & 1 ? 1 : -1)),
    );
    const r = rademacherComplexity({ type: 'finite', vectors: cube }, { samples: 200, seed: 2, exact: true });
    expect(r.exact).toBeCloseTo(1, 12);
    expect(r.estimate).toBeCloseTo(1, 12); // the supremum is 1 for every sigma
    expect(r.bound).toBeCloseTo(Math.sqrt(2 * Math.log(2)), 12);
    // A single vector has complexity 0 (E sigma = 0).
    const one = rademacherComplexity({ type: 'finite', vectors: [[3, -1, 2]] }, { exact: true });
    expect(one.exact).toBeCloseTo(0, 12);
  });

  it('linear class on orthogonal points attains the bound B max ||x|| / sqrt(n) exactly', () => {
    // ||sum sigma_i r e_i|| = r sqrt(n) for every sigma, so R = B r sqrt(n) / n.
    const n = 6;
    const X = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2.5 : 0)));
    const r = rademacherComplexity({ type: 'linear', X, normBound: 3 }, { samples: 100, exact: true });
    expect(r.boundName).toBe('linear');
    expect(r.bound).toBeCloseTo((3 * 2.5) / Math.sqrt(n), 12);
    expect(r.exact).toBeCloseTo(r.bound, 12);
    expect(r.estimate).toBeCloseTo(r.bound, 12);
    expect(r.standardError).toBeLessThan(1e-12);
  });

  it('linear class: Monte Carlo vs exact, between the Khintchine-Kahane lower and the Jensen upper bound', () => {
    const X = randomRows(14, 3);
    const B = 2;
    const r = rademacherComplexity(
      { type: 'linear', X, normBound: B },
      { samples: 4000, seed: 3, exact: true },
    );
    expect(Math.abs(r.estimate - r.exact!)).toBeLessThan(4 * r.standardError);
    // E||sum sigma_i x_i|| lies in [sqrt(S / 2), sqrt(S)] with S = sum ||x_i||^2 (Jensen; Latala-Oleszkiewicz 1994).
    const S = X.reduce((s, x) => s + x.reduce((t, v) => t + v * v, 0), 0);
    expect(r.exact!).toBeLessThanOrEqual((B * Math.sqrt(S)) / 14 + 1e-12);
    expect(r.exact!).toBeGreaterThanOrEqual((B * Math.sqrt(S / 2)) / 14 - 1e-12);
    expect(r.exact!).toBeLessThanOrEqual(r.bound);
  });

  it('is reproducible from its seed, validates input and leaks no tensors', async () => {
    const vectors = randomRows(5, 7);
    const a = rademacherComplexity({ type: 'finite', vectors }, { seed: 4, samples: 50 });
    const b = rademacherComplexity({ type: 'finite', vectors }, { seed: 4, samples: 50 });
    expect(a).toEqual(b);
    expect(() => rademacherComplexity({ type: 'linear', X: vectors, normBound: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', param: 'cls.normBound' }),
    );
    expect(() => rademacherComplexity({ type: 'ball' } as never)).toThrow(
      expect.objectContaining({ param: 'cls' }),
    );
    expect(() =>
      rademacherComplexity({ type: 'finite', vectors: randomRows(2, 30) }, { exact: true }),
    ).toThrow(expect.objectContaining({ param: 'exact' }));
    const Xt = tf.tensor2d(vectors);
    await expectNoLeaks(() => rademacherComplexity({ type: 'linear', X: Xt, normBound: 1 }, { samples: 20 }));
    Xt.dispose();
  });
});
