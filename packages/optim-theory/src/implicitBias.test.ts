import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { hardMarginSvm } from './hardMarginSvm.js';
import { angleBetween, implicitBias, logTimes } from './implicitBias.js';

// Two support vectors (rows 0, 1) spanning R^2 with positive dual coefficients, the other points at
// normalised margin >= 2x the SVM's, so Soudry et al.'s full-rank case applies.
const X = [
  [2, 0.5],
  [0.3, 1.5],
  [3, 3],
  [4, 1.5],
  [1.2, 4],
  [-2.5, -1],
  [-1, -3.5],
  [-3, -2.2],
];
const y = X.map((x) => (x[0]! > 0 ? 1 : -1));

/**
 * Soudry et al. (2018, Thm. 3): GD with step eta on the mean loss (1/n) sum exp(-p_n.w) satisfies
 * w(t) = w_svm log t + w~ + o(1), where (eta / n) exp(-p_n.w~) = alpha_n on the support vectors.
 * With two independent support vectors in R^2, w~ solves a 2 x 2 linear system.
 */
function soudryOffset(eta: number): number[] {
  const svm = hardMarginSvm(X, y);
  const [i, j] = svm.support as [number, number];
  const p = (k: number) => X[k]!.map((v) => v * y[k]!);
  const [a, b] = [p(i), p(j)];
  const n = X.length;
  const ri = -Math.log((n * svm.alpha[i]!) / eta);
  const rj = -Math.log((n * svm.alpha[j]!) / eta);
  const det = a[0]! * b[1]! - a[1]! * b[0]!;
  return [(ri * b[1]! - a[1]! * rj) / det, (a[0]! * rj - b[0]! * ri) / det];
}

function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, k) => {
    sxy += (x - mx) * (ys[k]! - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

describe('implicitBias', () => {
  it('GD: ||w(t)|| grows like ||w_svm|| log t and the angle to the SVM falls like 1/log t (Soudry et al. 2018)', () => {
    const eta = 0.1;
    for (const loss of ['exponential', 'logistic'] as const) {
      const run = implicitBias(X, y, { loss, learningRate: eta, steps: 300_000, records: 25 });
      expect(run.stoppedBy).toBe('steps');
      const svm = run.svm;
      const wNorm = Math.hypot(...svm.w);
      const offset = soudryOffset(eta);
      const late = run.t.map((t, k) => ({ t, k })).filter(({ t }) => t >= 10_000);
      expect(late.length).toBeGreaterThan(5);
      for (const { t, k } of late) {
        const predicted = svm.w.map((v, i) => v * Math.log(t) + offset[i]!);
        // The o(1) residual is below 0.05 in norm from t = 1e4 on (0.03 at 1e4, 0.006 at 3e5 here).
        expect(Math.abs(run.norm[k]! - Math.hypot(...predicted))).toBeLessThan(0.05);
        // The angle is C / (log t + c) with C, c from w~; the residual moves it by a few percent at most.
        expect(Math.abs(run.angle[k]! / angleBetween(predicted, svm.w) - 1)).toBeLessThan(0.05);
      }
      // Slope of ||w|| against log t over [1e4, 3e5]: a residual below 0.05 at both ends of a window of
      // log-width 3.4 moves the fitted slope by at most 2 * 0.05 / 3.4 = 3% of ... in absolute terms 0.03.
      const s = slope(
        late.map(({ t }) => Math.log(t)),
        late.map(({ k }) => run.norm[k]!),
      );
      expect(Math.abs(s - wNorm)).toBeLessThan(0.03);
      // 1/angle is affine in log t with slope ||w_svm|| / ||w~_perp|| (small-angle form of the prediction).
      const dir = svm.direction;
      const along = offset[0]! * dir[0]! + offset[1]! * dir[1]!;
      const perp = Math.hypot(offset[0]! - along * dir[0]!, offset[1]! - along * dir[1]!);
      const invSlope = slope(
        late.map(({ t }) => Math.log(t)),
        late.map(({ k }) => 1 / run.angle[k]!),
      );
      expect(Math.abs(invSlope / (wNorm / perp) - 1)).toBeLessThan(0.1);
      // The angle decreases and the normalised margin rises towards the SVM margin, never above it.
      for (let k = 1; k < late.length; k++) {
        expect(run.angle[late[k]!.k]!).toBeLessThan(run.angle[late[k - 1]!.k]!);
        expect(run.margin[late[k]!.k]!).toBeGreaterThan(run.margin[late[k - 1]!.k]!);
      }
      for (const m of run.margin.slice(1)) expect(m).toBeLessThanOrEqual(svm.margin + 1e-12);
    }
  });

  it('AdaGrad converges to the SVM of the data rescaled by its own preconditioner, not to the L2 SVM', () => {
    // Stretching the first coordinate makes the accumulated squared gradients very unequal. AdaGrad's
    // accumulator G converges (sum of ||g_t||^2 ~ sum 1/t^2 is finite), so it ends as GD preconditioned
    // by D = diag(1/sqrt(G + eps)), whose limit direction is D^{1/2} svm(X D^{1/2}) (Gunasekar et al. 2018).
    const Xs = X.map(([a, b]) => [5 * a!, b!]);
    const T = 300_000;
    const ada = implicitBias(Xs, y, { optimizer: 'adagrad', learningRate: 0.1, steps: T, records: 12 });
    const gd = implicitBias(Xs, y, { steps: T, records: 12 });
    const sq = ada.preconditioner!.map(Math.sqrt);
    const u = hardMarginSvm(
      Xs.map((x) => x.map((v, i) => v * sq[i]!)),
      y,
    ).w;
    const predicted = u.map((v, i) => v * sq[i]!);
    const gap = angleBetween(predicted, ada.svm.w);
    expect(gap).toBeGreaterThan((25 * Math.PI) / 180);
    const finalAngle = ada.angle.at(-1)!;
    // Measured: AdaGrad ends far from the L2 SVM direction (and further than where it started) ...
    expect(finalAngle).toBeGreaterThan(0.75 * gap);
    expect(finalAngle).toBeGreaterThan(ada.angle[1]!);
    // ... close to its own predicted limit, about as close as GD gets to the L2 SVM in the same time ...
    expect(angleBetween(ada.w, predicted)).toBeLessThan(1.5 * gd.angle.at(-1)!);
    // ... while GD on the same data approaches the L2 SVM.
    expect(gd.angle.at(-1)!).toBeLessThan((5 * Math.PI) / 180);
  });

  it('Adam with decaying steps heads for the L-infinity max-margin direction, not the L2 SVM', () => {
    // Zhang, Zou and Cao (2024): Adam with eta_t -> 0 converges in direction to the L-inf max-margin
    // solution. The L-inf direction is found here by brute force over 1e5 directions in the plane.
    const Xs = X.map(([a, b]) => [0.2 * a!, b!]);
    let best = Number.NEGATIVE_INFINITY;
    let linf = [1, 0];
    for (let k = 0; k < 100_000; k++) {
      const th = (2 * Math.PI * k) / 100_000;
      const w = [Math.cos(th), Math.sin(th)];
      const scale = Math.max(Math.abs(w[0]!), Math.abs(w[1]!));
      const m = Math.min(...Xs.map((x, i) => (y[i]! * (x[0]! * w[0]! + x[1]! * w[1]!)) / scale));
      if (m > best) {
        best = m;
        linf = w;
      }
    }
    const run = implicitBias(Xs, y, {
      optimizer: 'adam',
      learningRate: (t) => 0.05 / Math.sqrt(t + 1),
      epsilon: 1e-12,
      steps: 300_000,
      records: 12,
    });
    const gd = implicitBias(Xs, y, { steps: 300_000, records: 12 });
    const gap = angleBetween(linf, run.svm.w);
    expect(gap).toBeGreaterThan((5 * Math.PI) / 180);
    expect(angleBetween(run.w, linf)).toBeLessThan(gap / 3);
    expect(run.angle.at(-1)!).toBeGreaterThan(0.75 * gap);
    // GD, same data and budget, is nearer the L2 SVM than Adam is.
    expect(gd.angle.at(-1)!).toBeLessThan(run.angle.at(-1)!);
  });

  it('records log-spaced times, reports divergence, and validates input', () => {
    expect(logTimes(1000, 4)).toEqual([0, 1, 10, 100, 1000]);
    const run = implicitBias(X, y, { steps: 50, records: 3 });
    expect(run.t).toEqual([0, 1, 7, 50]);
    expect(run.norm[0]).toBe(0);
    expect(run.angle[0]).toBeNaN();
    // Starting deep on the wrong side overflows the exponential loss.
    const div = implicitBias(X, y, { w0: [-400, -400], steps: 100, records: 5 });
    expect(div.stoppedBy).toBe('diverged');
    expect(() => implicitBias(X, y, { loss: 'hinge' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', param: 'loss' }),
    );
    expect(() => implicitBias(X, y, { steps: 0 })).toThrow(expect.objectContaining({ param: 'steps' }));
    expect(() =>
      implicitBias(
        [
          [1, 0],
          [2, 0],
        ],
        [1, -1],
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }));
    const ac = new AbortController();
    ac.abort();
    expect(() => implicitBias(X, y, { signal: ac.signal })).toThrow(
      expect.objectContaining({ code: 'ABORTED' }),
    );
  });

  it('reads tensor inputs without leaking', async () => {
    await setupTestBackend();
    const Xt = tf.tensor2d(X);
    const yt = tf.tensor1d(y);
    const run = await expectNoLeaks(() => implicitBias(Xt, yt, { steps: 20, records: 3 }));
    expect(run.t.at(-1)).toBe(20);
    Xt.dispose();
    yt.dispose();
  });
});
