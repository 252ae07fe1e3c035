import { createRng, DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import type { FewShotTask } from './fewShotTaskSampler.js';
import { meanConfidenceInterval, metaTest } from './metaTest.js';
import { sinusoidTaskSampler } from './sinusoidTaskSampler.js';

function classTask(labels: number[]): FewShotTask {
  const n = labels.length;
  const y = Int32Array.from(labels);
  const set = { x: new Float32Array(n), y, n, shape: [1], numClasses: 3 };
  return { support: set, query: set, classes: [0, 1, 2] };
}

describe('meanConfidenceInterval', () => {
  it('is mean +- 1.96 s / sqrt(n) with the n - 1 sample standard deviation', () => {
    const { mean, ci95, std, n } = meanConfidenceInterval([0.6, 0.8, 0.7, 0.9]);
    expect(mean).toBeCloseTo(0.75, 12);
    expect(std).toBeCloseTo(Math.sqrt(0.05 / 3), 12);
    expect(ci95).toBeCloseTo((1.959963984540054 * Math.sqrt(0.05 / 3)) / 2, 12);
    expect(n).toBe(4);
    expect(meanConfidenceInterval([2]).ci95).toBe(0);
  });

  it('covers the true mean in about 95% of repeated experiments', () => {
    // 2000 experiments of 400 Bernoulli(0.3) draws: coverage within 4 binomial sd of 0.95.
    const rng = createRng(0);
    const R = 2000;
    let covered = 0;
    for (let r = 0; r < R; r++) {
      const v = Array.from({ length: 400 }, () => (rng.random() < 0.3 ? 1 : 0));
      const { mean, ci95 } = meanConfidenceInterval(v);
      if (Math.abs(mean - 0.3) <= ci95) covered++;
    }
    expect(Math.abs(covered / R - 0.95)).toBeLessThan(4 * Math.sqrt((0.95 * 0.05) / R));
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => meanConfidenceInterval([])).toThrow(/at least one number/);
    expect(() => meanConfidenceInterval([1, Number.NaN])).toThrow(
      expect.objectContaining({ code: 'NON_FINITE' }),
    );
  });
});

describe('metaTest', () => {
  it('scores labels and argmax of logits per task, then averages with a confidence interval', async () => {
    const tasks = [classTask([0, 1, 2, 2]), classTask([1, 1, 0, 2])];
    const fromLabels = await metaTest(tasks, () => Int32Array.from([0, 1, 2, 0]));
    expect(fromLabels.metric).toBe('accuracy');
    expect(fromLabels.values).toEqual([0.75, 0.25]);
    expect(fromLabels.mean).toBeCloseTo(0.5, 12);
    expect(fromLabels.ci95).toBeCloseTo(meanConfidenceInterval([0.75, 0.25]).ci95, 12);
    // Logits whose row maxima are 2, 1, 0, 0.
    const logits = Float32Array.from([0, 0, 5, 0, 3, 1, 9, 0, 0, 4, 1, 1]);
    const fromLogits = await metaTest(tasks, () => logits);
    expect(fromLogits.values).toEqual([0.25, 0.5]);
  });

  it('computes the query MSE for regression tasks drawn from a sampler', async () => {
    const result = await metaTest(
      sinusoidTaskSampler({ kShot: 3, kQuery: 4, seed: 0 }),
      () => new Float32Array(4),
      {
        numTasks: 5,
      },
    );
    expect(result.metric).toBe('mse');
    const tasks = sinusoidTaskSampler({ kShot: 3, kQuery: 4, seed: 0 }).sampleBatch(5);
    tasks.forEach((t, i) => {
      expect(result.values[i]).toBeCloseTo(Array.from(t.query.y).reduce((s, v) => s + v * v, 0) / 4, 6);
    });
  });

  it('reports progress, aborts with ABORTED and rejects malformed predictions', async () => {
    const tasks = [classTask([0, 1]), classTask([1, 0]), classTask([2, 2])];
    const seen: number[] = [];
    const controller = new AbortController();
    await expect(
      metaTest(tasks, () => Int32Array.from([0, 0]), {
        onProgress: ({ task }) => {
          seen.push(task);
          if (task === 2) controller.abort();
        },
        signal: controller.signal,
      }),
    ).rejects.toThrow(expect.objectContaining({ code: 'ABORTED' }));
    expect(seen).toEqual([1, 2]);
    await expect(metaTest(tasks, () => Int32Array.from([0]))).rejects.toThrow(/Int32Array of 2 labels/);
    await expect(metaTest([], () => new Int32Array(0))).rejects.toThrow(DlfError);
    await expect(metaTest(tasks, 'x' as never)).rejects.toThrow(/predict must be a function/);
  });
});
