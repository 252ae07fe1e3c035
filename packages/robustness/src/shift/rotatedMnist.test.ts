import type { LabeledData } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { rotatedMnist } from './rotatedMnist.js';
import { rotateImages } from './rotateImages.js';

function indexedImages(n: number, h: number): LabeledData {
  // Image i has a unique first pixel (i / n), the rest a fixed pattern; label i mod 10.
  const d = h * h;
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = j === 0 ? i / n : ((i + j) % 7) / 7;
  return { x, y: Int32Array.from({ length: n }, (_, i) => i % 10), n, shape: [h, h, 1], numClasses: 10 };
}

describe('rotatedMnist', () => {
  it('draws disjoint images per environment and rotates each by its angle', async () => {
    const data = indexedImages(60, 6);
    const flat = await rotatedMnist({ data, angles: [0, 0, 0], samplesPerEnvironment: 20, seed: 3 });
    const ids = flat.environments.flatMap((e) =>
      Array.from({ length: e.n }, (_, k) => Math.round((e.x[k * 36] as number) * 60)),
    );
    expect(new Set(ids).size).toBe(60);
    for (const e of flat.environments) {
      for (let k = 0; k < e.n; k++) expect(e.y[k]).toBe(Math.round((e.x[k * 36] as number) * 60) % 10);
    }
    const turned = await rotatedMnist({ data, angles: [0, 90, 45], samplesPerEnvironment: 20, seed: 3 });
    expect(turned.environments.map((e) => e.angle)).toEqual([0, 90, 45]);
    expect(Array.from(turned.environments[1]?.x ?? [])).toEqual(
      Array.from(rotateImages(flat.environments[1]?.x as Float32Array, [6, 6, 1], 90)),
    );
    expect(Array.from(turned.environments[2]?.x ?? [])).toEqual(
      Array.from(rotateImages(flat.environments[2]?.x as Float32Array, [6, 6, 1], 45)),
    );
    expect(Array.from(turned.environments[2]?.y ?? [])).toEqual(Array.from(flat.environments[2]?.y ?? []));
  });

  it('builds MNIST environments by default and rejects impossible sizes', async () => {
    const { environments } = await rotatedMnist({ angles: [0, 60], samplesPerEnvironment: 10 });
    expect(environments.map((e) => [e.n, e.shape, e.numClasses])).toEqual([
      [10, [28, 28, 1], 10],
      [10, [28, 28, 1], 10],
    ]);
    await expect(
      rotatedMnist({ data: indexedImages(10, 4), angles: [0, 1], samplesPerEnvironment: 6 }),
    ).rejects.toMatchObject({
      param: 'samplesPerEnvironment',
    });
    await expect(rotatedMnist({ angles: [] })).rejects.toMatchObject({ param: 'angles' });
  });
});
