import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fgsm } from './fgsm.js';
import { mifgsm } from './mifgsm.js';
import { pgd } from './pgd.js';
import type { LinearModel } from './testModels.js';
import { columnDiff, crossEntropy, fixtureValues, linearLogits, linearModel } from './testModels.js';

let binary: LinearModel;
let multi: LinearModel;
const d = 16;

beforeAll(async () => {
  await setupTestBackend();
  binary = linearModel(fixtureValues(d * 2, 21), [0.1, -0.1], d, 2);
  multi = linearModel(fixtureValues(d * 5, 22, -2, 2), fixtureValues(5, 23), d, 5);
});
afterAll(() => {
  binary.dispose();
  multi.dispose();
});

function inputs(n: number, seed: number, low = 0.2, high = 0.8): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(fixtureValues(n * d, seed, low, high)), [n, d]);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('pgd', () => {
  it('reaches the closed-form L-inf optimum (the vertex x - eps sign(w_y - w_o)) of a binary linear model', async () => {
    const n = 8;
    const x = inputs(n, 31);
    const ys = [0, 1, 1, 0, 1, 0, 0, 1];
    const eps = 0.1;
    const res = await pgd(binary.f, x, ys, { eps, steps: 10, seed: 3 });
    const one = await fgsm(binary.f, x, ys, { eps });
    const xs = x.dataSync();
    const adv = res.adversarial.dataSync();
    for (let i = 0; i < n; i++) {
      const y = ys[i] as number;
      const diff = columnDiff(binary, y, 1 - y);
      const optimum = Array.from({ length: d }, (_, j) =>
        Math.fround((xs[i * d + j] as number) - eps * Math.sign(diff[j] as number)),
      );
      const got = adv.subarray(i * d, (i + 1) * d);
      // Exactly the vertex up to the float32 rounding of x +- eps.
      expect(maxAbsDiff(got, optimum)).toBeLessThanOrEqual(1.2e-7);
      // And the loss equals the maximum over the ball: softplus(-(m0 - eps ||w_y - w_o||_1)).
      const z0 = linearLogits(binary, xs.subarray(i * d, (i + 1) * d));
      const m0 = (z0[y] as number) - (z0[1 - y] as number);
      const l1 = diff.reduce((s, v) => s + Math.abs(v), 0);
      const best = Math.log1p(Math.exp(-(m0 - eps * l1)));
      expect(crossEntropy(linearLogits(binary, got), y)).toBeCloseTo(best, 5);
    }
    expect(maxAbsDiff(adv, one.adversarial.dataSync())).toBeLessThanOrEqual(1.2e-7);
    x.dispose();
    res.adversarial.dispose();
    one.adversarial.dispose();
  });

  it('L2 PGD converges to the closed-form optimum x - eps (w_y - w_o) / ||w_y - w_o||_2', async () => {
    const n = 4;
    const x = inputs(n, 32, 0.4, 0.6);
    const ys = [1, 0, 1, 0];
    const eps = 0.25;
    const res = await pgd(binary.f, x, ys, { eps, norm: 'l2', steps: 60, stepSize: 0.05, seed: 4 });
    const xs = x.dataSync();
    const adv = res.adversarial.dataSync();
    for (let i = 0; i < n; i++) {
      const y = ys[i] as number;
      const diff = columnDiff(binary, y, 1 - y);
      const l2 = Math.hypot(...diff);
      const optimum = Array.from(
        { length: d },
        (_, j) => (xs[i * d + j] as number) - (eps * (diff[j] as number)) / l2,
      );
      expect(maxAbsDiff(adv.subarray(i * d, (i + 1) * d), optimum)).toBeLessThan(1e-3);
      const z0 = linearLogits(binary, xs.subarray(i * d, (i + 1) * d));
      const best = Math.log1p(Math.exp(-((z0[y] as number) - (z0[1 - y] as number) - eps * l2)));
      expect(crossEntropy(linearLogits(binary, adv.subarray(i * d, (i + 1) * d)), y)).toBeCloseTo(best, 4);
    }
    x.dispose();
    res.adversarial.dispose();
  });

  it('stays inside the eps-ball and the input range exactly (both norms, inputs at the range edges)', async () => {
    const n = 6;
    const x = inputs(n, 33, 0, 1);
    const edge = tf.tidy(() => tf.round(x)); // entries exactly 0 or 1
    for (const batch of [x, edge]) {
      for (const norm of ['linf', 'l2'] as const) {
        const eps = norm === 'linf' ? 8 / 255 : 0.7;
        const res = await pgd(multi.f, batch, [0, 1, 2, 3, 4, 0], {
          eps,
          norm,
          steps: 7,
          seed: 5,
          restarts: 2,
        });
        const xs = batch.dataSync();
        const adv = res.adversarial.dataSync();
        for (let i = 0; i < n; i++) {
          let sq = 0;
          let inf = 0;
          for (let j = i * d; j < (i + 1) * d; j++) {
            const v = adv[j] as number;
            expect(v >= 0 && v <= 1).toBe(true);
            const delta = v - (xs[j] as number);
            sq += delta * delta;
            inf = Math.max(inf, Math.abs(delta));
          }
          expect(norm === 'linf' ? inf : Math.sqrt(sq)).toBeLessThanOrEqual(eps);
        }
        res.adversarial.dispose();
      }
    }
    x.dispose();
    edge.dispose();
  });

  it('is at least as strong as FGSM and restarts never hurt, on a multi-class linear model', async () => {
    const n = 40;
    const x = inputs(n, 34);
    const ys = Array.from({ length: n }, (_, i) => i % 5);
    const eps = 0.05;
    const one = await fgsm(multi.f, x, ys, { eps });
    const it1 = await pgd(multi.f, x, ys, { eps, steps: 20, seed: 6 });
    const it3 = await pgd(multi.f, x, ys, { eps, steps: 20, seed: 6, restarts: 3 });
    expect(it1.successRate).toBeGreaterThanOrEqual(one.successRate);
    // Restart 0 of it3 is the same run as it1 (same seed), and per example the best is kept.
    for (let i = 0; i < n; i++) if (it1.success[i]) expect(it3.success[i]).toBe(true);
    for (const r of [one, it1, it3]) r.adversarial.dispose();
    x.dispose();
  });

  it('targeted PGD reaches the requested classes: given, random (seeded) and least-likely', async () => {
    const n = 10;
    const x = inputs(n, 35);
    const ys = Array.from({ length: n }, (_, i) => i % 5);
    const eps = 0.5;
    const given = await pgd(multi.f, x, ys, { eps, steps: 30, target: 3 });
    expect(given.successRate).toBe(1);
    expect(Array.from(given.predictions)).toEqual(new Array(n).fill(3));
    const r1 = await pgd(multi.f, x, ys, { eps, steps: 30, target: 'random', seed: 7 });
    const r2 = await pgd(multi.f, x, ys, { eps, steps: 30, target: 'random', seed: 7 });
    expect(Array.from(r1.targets ?? [])).toEqual(Array.from(r2.targets ?? []));
    for (let i = 0; i < n; i++) expect(r1.targets?.[i]).not.toBe(ys[i]);
    expect(Array.from(r1.predictions)).toEqual(Array.from(r1.targets ?? []));
    const ll = await pgd(multi.f, x, ys, { eps, steps: 30, target: 'least-likely' });
    const xs = x.dataSync();
    for (let i = 0; i < n; i++) {
      const z = linearLogits(multi, xs.subarray(i * d, (i + 1) * d));
      expect(ll.targets?.[i]).toBe(z.indexOf(Math.min(...z)));
    }
    expect(ll.successRate).toBe(1);
    for (const r of [given, r1, r2, ll]) r.adversarial.dispose();
    x.dispose();
  });

  it('gives the same result for the same seed', async () => {
    const x = inputs(5, 36);
    const a = await pgd(multi.f, x, [0, 1, 2, 3, 4], { eps: 0.05, seed: 9, norm: 'l2' });
    const b = await pgd(multi.f, x, [0, 1, 2, 3, 4], { eps: 0.05, seed: 9, norm: 'l2' });
    const c = await pgd(multi.f, x, [0, 1, 2, 3, 4], { eps: 0.05, seed: 10, norm: 'l2' });
    expect(Array.from(a.adversarial.dataSync())).toEqual(Array.from(b.adversarial.dataSync()));
    expect(Array.from(a.adversarial.dataSync())).not.toEqual(Array.from(c.adversarial.dataSync()));
    for (const r of [a, b, c]) r.adversarial.dispose();
    x.dispose();
  });

  it('reports progress and aborts with DlfError ABORTED', async () => {
    const x = inputs(2, 37);
    const seen: number[] = [];
    const res = await pgd(multi.f, x, [0, 1], {
      steps: 4,
      restarts: 2,
      onProgress: (p) => seen.push(p.step),
    });
    expect(seen).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    res.adversarial.dispose();
    const controller = new AbortController();
    const run = pgd(multi.f, x, [0, 1], {
      steps: 50,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    await expectNoLeaks(async () => {
      const c2 = new AbortController();
      c2.abort();
      await pgd(multi.f, x, [0, 1], { signal: c2.signal }).catch(() => undefined);
    });
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = inputs(3, 38);
    await expectNoLeaks(() => pgd(multi.f, x, [0, 1, 2], { eps: 0.1, restarts: 2, steps: 3 }));
    await expectNoLeaks(() =>
      pgd(multi.f, x, [0, 1, 2], { eps: 0.5, norm: 'l2', steps: 3, target: 'random' }),
    );
    x.dispose();
  });
});

describe('mifgsm', () => {
  it('with decay 0 equals PGD without random start (the basic iterative method)', async () => {
    const x = inputs(6, 41);
    const ys = [0, 1, 2, 3, 4, 0];
    const a = await mifgsm(multi.f, x, ys, { eps: 0.05, steps: 8, decay: 0 });
    const b = await pgd(multi.f, x, ys, { eps: 0.05, steps: 8, stepSize: 0.05 / 8, randomStart: false });
    expect(Array.from(a.adversarial.dataSync())).toEqual(Array.from(b.adversarial.dataSync()));
    a.adversarial.dispose();
    b.adversarial.dispose();
    x.dispose();
  });

  it('reaches the L-inf vertex on a binary linear model and stays in the ball', async () => {
    const x = inputs(4, 42);
    const ys = [0, 1, 0, 1];
    const eps = 0.08;
    const res = await mifgsm(binary.f, x, ys, { eps, steps: 10 });
    const one = await fgsm(binary.f, x, ys, { eps });
    expect(maxAbsDiff(res.adversarial.dataSync(), one.adversarial.dataSync())).toBeLessThanOrEqual(1.2e-7);
    for (const v of res.norms) expect(v).toBeLessThanOrEqual(eps);
    res.adversarial.dispose();
    one.adversarial.dispose();
    x.dispose();
  });

  it('momentum changes the path on a curved model and leaks no tensors', async () => {
    const x = inputs(6, 43);
    const ys = [0, 1, 2, 3, 4, 0];
    const curved = (t: tf.Tensor) => tf.tidy(() => multi.f(tf.sin(tf.mul(t, 6))));
    const a = await mifgsm(curved, x, ys, { eps: 0.1, steps: 8, decay: 1 });
    const b = await mifgsm(curved, x, ys, { eps: 0.1, steps: 8, decay: 0 });
    expect(Array.from(a.adversarial.dataSync())).not.toEqual(Array.from(b.adversarial.dataSync()));
    a.adversarial.dispose();
    b.adversarial.dispose();
    await expectNoLeaks(() => mifgsm(curved, x, ys, { eps: 0.1, steps: 3 }));
    x.dispose();
  });
});
