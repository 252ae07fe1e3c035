import { createRng, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Task, TaskSampler } from './fewShotTaskSampler.js';
import { reptile, reptileDirection } from './reptile.js';

beforeAll(async () => {
  await setupTestBackend();
});

type Vec = number[];
type Mat = number[][];

/** Solves A x = b by Gaussian elimination with partial pivoting (float64). */
function solve(A: Mat, b: Vec): Vec {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k];
    x[r] = s / M[r]![r]!;
  }
  return x;
}
const matMul = (A: Mat, B: Mat): Mat =>
  A.map((row) => B[0]!.map((_, j) => row.reduce((s, a, k) => s + a * B[k]![j]!, 0)));
const matVec = (A: Mat, v: Vec): Vec => A.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0));

describe('reptileDirection and reptile on quadratic task losses (closed form)', () => {
  const d = 2;
  const model = mlp({ sizes: [d, 1], activation: 'linear' }); // w = [W (2), b]
  const rng = createRng(21);
  const set = (n: number) => ({ x: rng.normalArray(n * d), y: rng.normalArray(n), n, shape: [d] });
  const tasks: Task[] = [0, 1, 2].map(() => ({ support: set(6), query: set(4) }));
  const w0 = [0.5, -1, 0.25];
  const a = 0.2;
  const K = 4;
  const eps = 0.3;

  /** phi_K = w* + (I - a A)^K (w - w*) with A = X^T X / n, w* = A^-1 X^T y / n (X with a ones column). */
  function phiClosedForm(task: Task): Vec {
    const { x, y, n } = task.support;
    const X = Array.from({ length: n }, (_, i) => [x[i * d]!, x[i * d + 1]!, 1]);
    const A = [0, 1, 2].map((p) => [0, 1, 2].map((q) => X.reduce((s, r) => s + r[p]! * r[q]!, 0) / n));
    const b = [0, 1, 2].map((p) => X.reduce((s, r, i) => s + r[p]! * y[i]!, 0) / n);
    const wStar = solve(A, b);
    const M = A.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) - a * v));
    let P: Mat = M;
    for (let k = 1; k < K; k++) P = matMul(P, M);
    const dev = matVec(
      P,
      w0.map((v, i) => v - wStar[i]!),
    );
    return wStar.map((v, i) => v + dev[i]!);
  }

  it('the direction is w - mean_t phi_t with phi_t = w* + (I - aA)^K (w - w*)', async () => {
    const phis = tasks.map(phiClosedForm);
    const expected = w0.map((v, i) => v - phis.reduce((s, p) => s + p[i]!, 0) / phis.length);
    const w = tf.tensor1d(w0);
    const { direction, loss } = reptileDirection(model, w, tasks, { innerSteps: K, innerLr: a });
    const got = Array.from(await direction.data());
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 5);
    });
    expect(loss.rank).toBe(0);
    tf.dispose([w, direction, loss]);
  });

  it('one reptile meta-step with SGD moves w to w + eps (mean phi - w)', async () => {
    const fixed: TaskSampler = { sample: () => tasks[0]!, sampleBatch: () => tasks };
    const w = tf.tensor1d(w0);
    const result = await reptile(model, fixed, {
      metaSteps: 1,
      metaBatchSize: 3,
      innerSteps: K,
      innerLr: a,
      outerLr: eps,
      initParams: w,
    });
    const phis = tasks.map(phiClosedForm);
    const expected = w0.map((v, i) => v + eps * (phis.reduce((s, p) => s + p[i]!, 0) / phis.length - v));
    Array.from(await result.params.data()).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 5);
    });
    expect(result.steps).toBe(1);
    tf.dispose([w, result.params]);
  });

  it('leaves no tensors behind', async () => {
    const w = tf.tensor1d(w0);
    const fixed: TaskSampler = { sample: () => tasks[0]!, sampleBatch: () => tasks };
    await expectNoLeaks(() => reptileDirection(model, w, tasks));
    await expectNoLeaks(() => reptile(model, fixed, { metaSteps: 2 }));
    w.dispose();
  });

  it('rejects bad options with DlfError', async () => {
    const w = tf.tensor1d(w0);
    expect(() => reptileDirection(model, w, tasks, { innerSteps: 0 })).toThrow(
      /innerSteps must be an integer >= 1/,
    );
    expect(() => reptileDirection(model, w, [])).toThrow(/tasks must be a non-empty array/);
    await expect(
      reptile(model, { sample: () => tasks[0]!, sampleBatch: () => tasks }, { outerLr: 0 }),
    ).rejects.toThrow(/outerLr must be > 0/);
    w.dispose();
  });
});
