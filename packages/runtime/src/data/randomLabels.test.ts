import { describe, expect, it } from 'vitest';
import { DlfError } from '../DlfError.js';
import type { LabeledData } from './labeledData.js';
import { randomLabels } from './randomLabels.js';

function classData(n: number, k: number): LabeledData {
  const y = Int32Array.from({ length: n }, (_, i) => i % k);
  return { x: Float32Array.from({ length: 2 * n }, (_, i) => i), y, n, shape: [2], numClasses: k };
}

describe('randomLabels', () => {
  it('redraws each label with probability fraction, uniformly over the classes (binomial and chi-square bounds)', () => {
    const n = 20_000;
    const k = 10;
    const fraction = 0.3;
    const data = classData(n, k);
    const noisy = randomLabels(data, { fraction, seed: 0 });
    const sd = (p: number) => Math.sqrt(n * p * (1 - p));
    let replaced = 0;
    let changed = 0;
    let keptButChanged = 0;
    const newCounts = new Array(k).fill(0);
    for (let i = 0; i < n; i++) {
      if (noisy.replaced[i] === 1) {
        replaced++;
        newCounts[noisy.y[i] as number]++;
      } else if (noisy.y[i] !== data.y[i]) {
        keptButChanged++;
      }
      if (noisy.y[i] !== data.y[i]) changed++;
    }
    expect(keptButChanged).toBe(0);
    expect(Math.abs(replaced - n * fraction)).toBeLessThan(5 * sd(fraction));
    // A redrawn label keeps its old value with probability 1/k.
    const pChange = fraction * (1 - 1 / k);
    expect(Math.abs(changed - n * pChange)).toBeLessThan(5 * sd(pChange));
    // Uniform over the k classes: chi-square with k - 1 = 9 df, P(> 33.7) = 1e-4.
    const expected = replaced / k;
    const chi2 = newCounts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(33.7);
  });

  it('fraction 0 keeps every label, fraction 1 redraws every label; x is copied and the input untouched', () => {
    const data = classData(1000, 4);
    const before = data.y.slice();
    const kept = randomLabels(data, { fraction: 0, seed: 1 });
    expect(kept.y.every((v, i) => v === data.y[i])).toBe(true);
    expect(kept.replaced.every((v) => v === 0)).toBe(true);
    const all = randomLabels(data, { seed: 1 });
    expect(all.replaced.every((v) => v === 1)).toBe(true);
    expect(all.x.every((v, i) => v === data.x[i])).toBe(true);
    expect(all.x).not.toBe(data.x);
    expect(all.numClasses).toBe(4);
    expect(data.y.every((v, i) => v === before[i])).toBe(true);
    // With k = 4 about 3/4 of the labels change: Binomial(1000, 0.75), sd 13.7.
    const changed = all.y.filter((v, i) => v !== data.y[i]).length;
    expect(Math.abs(changed - 750)).toBeLessThan(5 * 13.7);
  });

  it('without numClasses, draws from the label values present (-1/+1 stays -1/+1)', () => {
    const n = 2000;
    const y = Int32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const data: LabeledData = { x: new Float32Array(n), y, n, shape: [1] };
    const noisy = randomLabels(data, { fraction: 1, seed: 2 });
    const pos = noisy.y.filter((v) => v === 1).length;
    expect(noisy.y.every((v) => v === 1 || v === -1)).toBe(true);
    expect(Math.abs(pos - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
    expect(noisy.numClasses).toBeUndefined();
  });

  it('for real targets, a redrawn target is the target of another example', () => {
    const n = 500;
    const y = Float32Array.from({ length: n }, (_, i) => i * 0.5);
    const noisy = randomLabels({ x: new Float32Array(n), y, n, shape: [1] }, { fraction: 0.5, seed: 3 });
    expect(noisy.y).toBeInstanceOf(Float32Array);
    const values = new Set(y);
    for (const v of noisy.y) expect(values.has(v)).toBe(true);
  });

  it('same seed gives identical labels; different seeds differ', () => {
    const data = classData(500, 10);
    expect(randomLabels(data, { fraction: 0.5, seed: 4 }).y).toEqual(
      randomLabels(data, { fraction: 0.5, seed: 4 }).y,
    );
    expect(randomLabels(data, { fraction: 0.5, seed: 4 }).y).not.toEqual(
      randomLabels(data, { fraction: 0.5, seed: 5 }).y,
    );
  });

  it('rejects a bad fraction (INVALID_ARGUMENT) and inconsistent data (INVALID_DATA)', () => {
    const data = classData(10, 2);
    expect(() => randomLabels(data, { fraction: 1.5 })).toThrow(/fraction must be in \[0, 1\], received 1.5/);
    const broken = { ...data, y: new Int32Array(9) };
    expect(() => randomLabels(broken)).toThrow(DlfError);
    expect(() => randomLabels(broken)).toThrow(/y has length 9, expected n = 10/);
  });
});
