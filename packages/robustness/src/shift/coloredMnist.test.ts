import type { LabeledData } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { fixtureValues } from '../testModels.js';
import { coloredMnist } from './coloredMnist.js';

function greyDigits(n: number, h: number): LabeledData {
  return {
    x: Float32Array.from(fixtureValues(n * h * h, 71, 0, 1)),
    y: Int32Array.from({ length: n }, (_, i) => (i * 7) % 10),
    n,
    shape: [h, h, 1],
    numClasses: 10,
  };
}

describe('coloredMnist', () => {
  it('follows the construction: 25% label noise, color flip e per environment, image in the color channel', async () => {
    const h = 4;
    const data = greyDigits(6000, h);
    const { environments } = await coloredMnist({ data, environments: [0.1, 0.9], seed: 5 });
    for (const env of environments) {
      const n = env.n;
      expect(n).toBe(3000);
      expect(env.shape).toEqual([2, 2, 2]);
      let labelFlips = 0;
      let colorFlips = 0;
      for (let k = 0; k < n; k++) {
        if (env.y[k] !== ((env.digits[k] as number) >= 5 ? 1 : 0)) labelFlips++;
        if (env.colors[k] !== env.y[k]) colorFlips++;
      }
      // Binomial(3000, p): allow 4 standard deviations.
      expect(Math.abs(labelFlips / n - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / n));
      const e = env.colorFlip;
      expect(Math.abs(colorFlips / n - e)).toBeLessThan(4 * Math.sqrt((e * (1 - e)) / n));
    }
    // Pixels: every other row and column of the source in channel `color`, zeros in the other.
    const env = environments[0];
    if (!env) throw new Error('missing environment');
    const sources = new Map<string, number>();
    for (let i = 0; i < data.n; i++) sources.set(Array.from(data.x.subarray(i * 16, i * 16 + 16)).join(), i);
    for (let k = 0; k < 20; k++) {
      const color = env.colors[k] as number;
      const kept = [0, 1, 2, 3].map((q) => env.x[k * 8 + q * 2 + color] as number);
      const other = [0, 1, 2, 3].map((q) => env.x[k * 8 + q * 2 + 1 - color] as number);
      expect(other).toEqual([0, 0, 0, 0]);
      const match = [...sources.entries()].find(([key]) => {
        const v = key.split(',').map(Number);
        return v[0] === kept[0] && v[2] === kept[1] && v[8] === kept[2] && v[10] === kept[3];
      });
      expect(match).toBeDefined();
      expect(data.y[match?.[1] as number]).toBe(env.digits[k]);
    }
  });

  it('is seeded, builds 14x14x2 MNIST environments by default and validates options', async () => {
    const data = greyDigits(300, 4);
    const a = await coloredMnist({ data, seed: 1 });
    const b = await coloredMnist({ data, seed: 1 });
    expect(Array.from(b.environments[2]?.x ?? [])).toEqual(Array.from(a.environments[2]?.x ?? []));
    const { environments } = await coloredMnist({ samplesPerEnvironment: 10 });
    expect(environments.map((e) => [e.n, e.shape.join('x'), e.colorFlip])).toEqual([
      [10, '14x14x2', 0.1],
      [10, '14x14x2', 0.2],
      [10, '14x14x2', 0.9],
    ]);
    await expect(coloredMnist({ data, labelNoise: 1.5 })).rejects.toMatchObject({ param: 'labelNoise' });
    await expect(coloredMnist({ data, environments: [0.1, -0.2] })).rejects.toMatchObject({
      param: 'environments[1]',
    });
  });
});
