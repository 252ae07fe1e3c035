import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { lazyTraining } from './lazyTraining.js';
import { slope } from './optimizers/problems.fixture.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('lazyTraining', () => {
  it('relative weight and kernel movement shrink like 1/sqrt(m) while the loss still falls', async () => {
    const widths = [64, 256, 1024, 4096];
    const r = await lazyTraining({ widths, steps: 40, seed: 2 });
    const logm = widths.map(Math.log);
    // ||w_T - w_0|| tends to a width-independent limit (the NTK solution's distance) while ||w_0|| ~ sqrt(m).
    const sw = slope(logm, r.relativeWeightChange.map(Math.log));
    expect(Math.abs(sw + 0.5)).toBeLessThan(0.1);
    expect(Math.max(...r.weightChange) / Math.min(...r.weightChange)).toBeLessThan(1.6);
    // The kernel moves by O(1/sqrt m) (Jacot et al. 2018; Lee et al. 2019, an upper bound): the fitted
    // exponent is at most -1/2 up to noise (for ReLU it is measured nearer -0.7: part of the O(1/sqrt m)
    // movement averages out over units), and the movement falls at every step of width.
    const sk = slope(logm, r.relativeKernelChange.map(Math.log));
    expect(sk).toBeLessThan(-0.4);
    for (let i = 1; i < widths.length; i++) {
      expect(r.relativeKernelChange[i]!).toBeLessThan(r.relativeKernelChange[i - 1]!);
    }
    r.finalLoss.forEach((l, i) => {
      expect(l).toBeLessThan(0.2 * r.initialLoss[i]!);
    });
  });

  it('validates input and leaks no tensors', async () => {
    await expect(lazyTraining({ widths: [0] })).rejects.toMatchObject({ param: 'widths[0]' });
    await expectNoLeaks(() => lazyTraining({ widths: [8], steps: 2 }));
  });

  it('stops with ABORTED when its signal has fired', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect((async () => lazyTraining({ widths: [8], signal: ac.signal }))()).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});
