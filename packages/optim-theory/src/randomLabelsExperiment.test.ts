import { blobs } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomLabelsExperiment } from './randomLabelsExperiment.js';

beforeAll(async () => {
  await setupTestBackend();
});

// Two Gaussian classes in 30 dimensions, centres +-1.5 e_1 (Bayes accuracy Phi(1.5) = 93%).
const dim = 30;
const centers = [1.5, -1.5].map((c) => Array.from({ length: dim }, (_, i) => (i === 0 ? c : 0)));
const train = blobs({ n: 80, centers, std: 1, seed: 1 });
const test = blobs({ n: 400, centers, std: 1, seed: 2 });

describe('randomLabelsExperiment', () => {
  it('memorises true, half-random and fully random labels; fitting takes longer and test accuracy falls to chance', async () => {
    const r = await randomLabelsExperiment({
      train,
      test,
      fractions: [0, 0.5, 1],
      hidden: [128],
      epochs: 60,
      recordEvery: 2,
      seed: 3,
    });
    // Zhang et al. (2017): zero training error in every case.
    for (const acc of r.trainAccuracy) expect(acc.at(-1)).toBe(1);
    expect(r.epochsToFit[0]!).toBeLessThan(r.epochsToFit[2]!);
    expect(r.epochsToFit[1]!).toBeLessThanOrEqual(r.epochsToFit[2]!);
    // About half of the redrawn binary labels actually change: ~0 / 25% / 50% of them.
    expect(r.changed[0]).toBe(0);
    expect(Math.abs(r.changed[2]! - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / 80));
    const finalTest = r.testAccuracy.map((a) => a.at(-1)!);
    expect(finalTest[0]!).toBeGreaterThan(0.75);
    // Fully random labels carry no information about x: test accuracy is chance (loose band: the
    // 400 test predictions of one network are correlated, not independent coin flips).
    expect(Math.abs(finalTest[2]! - 0.5)).toBeLessThan(0.15);
    expect(finalTest[0]! - finalTest[2]!).toBeGreaterThan(0.2);
    expect(r.epochs[0]).toBe(0);
    expect(r.epochs.at(-1)).toBe(60);
  });

  it('validates input and leaks no tensors', async () => {
    await expect(randomLabelsExperiment({ train, test, fractions: [1.5] })).rejects.toMatchObject({
      param: 'fractions[0]',
    });
    const { numClasses: _, ...unlabeled } = test;
    await expect(randomLabelsExperiment({ train, test: unlabeled as never })).rejects.toMatchObject({
      code: 'INVALID_DATA',
    });
    await expectNoLeaks(() =>
      randomLabelsExperiment({ train, test, fractions: [1], hidden: [8], epochs: 3, recordEvery: 1 }),
    );
  });

  it('stops with ABORTED when its signal has fired', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      (async () => randomLabelsExperiment({ train, test, epochs: 2, signal: ac.signal }))(),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
