import { blobs, createRng, type LabeledData } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { aroraBound } from './aroraBound.js';

/** Brute force over class pairs and examples, written from the definitions. */
function direct(data: LabeledData, ell: (v: number) => number) {
  const n = data.n;
  const d = data.shape[0]!;
  const rows = Array.from({ length: n }, (_, i) => Array.from(data.x.subarray(i * d, (i + 1) * d)));
  const f = (i: number) => rows[i]!;
  const dot = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j]!, 0);
  const gram = rows.map((a) => rows.map((b) => dot(a, b)));
  const labels = Array.from(data.y);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const of = (c: number) => labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
  const rho = (c: number) => of(c).length / n;
  const mu = (c: number) => {
    const ids = of(c);
    return Array.from({ length: d }, (_, j) => ids.reduce((s, i) => s + f(i)[j]!, 0) / ids.length);
  };
  const tau = classes.reduce((s, c) => s + rho(c) ** 2, 0);
  let un = 0;
  for (const cp of classes)
    for (const cm of classes) {
      const P = of(cp);
      const M = of(cm);
      let s = 0;
      for (const i of P) for (const p of P) for (const m of M) s += ell(gram[i]![p]! - gram[i]![m]!);
      un += (rho(cp) * rho(cm) * s) / (P.length * P.length * M.length);
    }
  let sup = 0;
  for (const a of classes)
    for (const b of classes) {
      if (a === b) continue;
      const diff = mu(a).map((v, j) => v - mu(b)[j]!);
      const A = of(a);
      sup += (rho(a) * rho(b) * A.reduce((s, i) => s + ell(dot(f(i), diff)), 0)) / A.length;
    }
  return { tau, un, sup: sup / (1 - tau) };
}

const logistic = (v: number) => Math.log1p(Math.exp(-v));

describe('aroraBound', () => {
  const data = blobs({
    n: 45,
    centers: [
      [0, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ],
    std: 0.8,
    seed: 0,
  });
  // Unbalanced classes make tau differ from 1/K.
  const unbalanced = { ...data, y: data.y.map((c, i) => (i < 8 ? 0 : c)) };

  it('computes tau, L_un and L_sup^mu exactly as their definitions (brute force)', () => {
    for (const set of [data, unbalanced]) {
      const r = aroraBound(set);
      const ref = direct(set, logistic);
      expect(r.exact).toBe(true);
      expect(r.tau).toBeCloseTo(ref.tau, 12);
      expect(r.unsupervisedLoss).toBeCloseTo(ref.un, 10);
      expect(r.meanClassifierLoss).toBeCloseTo(ref.sup, 10);
      const hinge = aroraBound(set, { loss: 'hinge' });
      expect(hinge.unsupervisedLoss).toBeCloseTo(direct(set, (v) => Math.max(0, 1 - v)).un, 10);
      expect(hinge.lossAtZero).toBe(1);
    }
  });

  it('the bound holds for arbitrary features and is tight when each class is a single point', () => {
    const rng = createRng(3);
    for (let t = 0; t < 5; t++) {
      const x = rng.normalArray(60 * 4, 0, 1 + t);
      const y = Int32Array.from({ length: 60 }, () => rng.int(0, 4));
      const r = aroraBound({ x, y, n: 60, shape: [4] });
      expect(r.meanClassifierLoss).toBeLessThanOrEqual(r.bound + 1e-12);
    }
    const centers = [
      [1, 0],
      [0, 2],
      [-1, -1],
    ];
    const y = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    const x = Float32Array.from(Array.from(y).flatMap((c) => centers[c]!));
    const collapsed = aroraBound({ x, y, n: 30, shape: [2] });
    expect(collapsed.bound).toBeCloseTo(collapsed.meanClassifierLoss, 10);
  });

  it('the Monte-Carlo estimate of L_un is within 5 standard errors of the exact value', () => {
    const exact = aroraBound(data);
    const mc = aroraBound(data, { samples: 40_000, seed: 1 });
    expect(mc.exact).toBe(false);
    // l values here lie in [0, 6]: a crude bound of 3 on their standard deviation.
    expect(Math.abs(mc.unsupervisedLoss - exact.unsupervisedLoss)).toBeLessThan(5 * (3 / Math.sqrt(40_000)));
    expect(() => aroraBound({ ...data, y: new Int32Array(45) })).toThrow(/at least 2 classes/);
  });
});
