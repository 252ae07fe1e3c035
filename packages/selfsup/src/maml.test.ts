import { createRng, DlfError, type LabeledData, losses, mlp } from '@dlf/runtime';
import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Task } from './fewShotTaskSampler.js';
import { fomaml, maml, mamlAdapt, mamlMetaGradient, mamlPredict } from './maml.js';
import { sinusoidTaskSampler } from './sinusoidTaskSampler.js';

beforeAll(async () => {
  await setupTestBackend();
});

type Vec = number[];
type Mat = number[][];

const matVec = (A: Mat, v: Vec): Vec => A.map((row) => row.reduce((s, a, j) => s + a * (v[j] as number), 0));
const sub = (a: Vec, b: Vec): Vec => a.map((v, i) => v - (b[i] as number));
const scale = (a: Vec, s: number): Vec => a.map((v) => v * s);
const norm = (a: Vec): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const relErr = (a: Vec, b: Vec): number => norm(sub(a, b)) / norm(b);

/** A linear-regression set with d features (float32 values, read back as float64). */
function regressionSet(
  rng: ReturnType<typeof createRng>,
  n: number,
  d: number,
): LabeledData & { y: Float32Array } {
  return { x: rng.normalArray(n * d), y: rng.normalArray(n), n, shape: [d] };
}

/** Rows of a set as float64 matrices, with a column of ones for the bias. */
function rows(set: LabeledData, d: number): { X: Mat; y: Vec } {
  const X = Array.from({ length: set.n }, (_, i) => [...Array.from(set.x.subarray(i * d, (i + 1) * d)), 1]);
  return { X, y: Array.from(set.y) };
}

/** grad of L(w) = (1/2n) ||X w - y||^2 is X^T (X w - y) / n; its Hessian is X^T X / n. */
function quadGrad({ X, y }: { X: Mat; y: Vec }, w: Vec): Vec {
  const r = sub(matVec(X, w), y);
  return (X[0] as Vec).map(
    (_, j) => X.reduce((s, row, i) => s + (row[j] as number) * (r[i] as number), 0) / X.length,
  );
}
function quadHessian({ X }: { X: Mat }): Mat {
  const d = (X[0] as Vec).length;
  return Array.from({ length: d }, (_, a) =>
    Array.from(
      { length: d },
      (_, b) => X.reduce((s, row) => s + (row[a] as number) * (row[b] as number), 0) / X.length,
    ),
  );
}

async function metaGrad(
  model: ReturnType<typeof mlp>,
  w: Vec,
  tasks: Task[],
  opts: Parameters<typeof mamlMetaGradient>[3],
) {
  const wt = tf.tensor1d(w);
  const { loss, grad } = mamlMetaGradient(model, wt, tasks, opts);
  const out = { loss: (await loss.data())[0] as number, grad: Array.from(await grad.data()) };
  tf.dispose([wt, loss, grad]);
  return out;
}

describe('mamlMetaGradient on linear regression (closed form)', () => {
  const d = 3;
  // f(w, x) = x W + b with w = [W, b]; the reference appends a 1 to each row.
  const model = mlp({ sizes: [d, 1], activation: 'linear' });
  const rng = createRng(11);
  const tasks: Task[] = [0, 1].map(() => ({
    support: regressionSet(rng, 5, d),
    query: regressionSet(rng, 6, d),
  }));
  const w0 = [0.3, -0.7, 1.1, 0.4];
  const alpha = 0.3;

  /** MAML: (1/T) sum_t prod_k (I - a H_s) grad L_q(phi_K); first order: (1/T) sum_t grad L_q(phi_K). */
  function reference(steps: number) {
    const maml: Vec[] = [];
    const fo: Vec[] = [];
    const curvature: Vec[] = [];
    for (const t of tasks) {
      const s = rows(t.support, d);
      const q = rows(t.query, d);
      let phi = w0;
      for (let k = 0; k < steps; k++) phi = sub(phi, scale(quadGrad(s, phi), alpha));
      const gq = quadGrad(q, phi);
      const H = quadHessian(s);
      let g = gq;
      for (let k = 0; k < steps; k++) g = sub(g, scale(matVec(H, g), alpha)); // (I - aH)^K gq (H symmetric)
      maml.push(g);
      fo.push(gq);
      curvature.push(sub(g, gq));
    }
    const mean = (vs: Vec[]) =>
      (vs[0] as Vec).map((_, j) => vs.reduce((s, v) => s + (v[j] as number), 0) / vs.length);
    return { maml: mean(maml), fo: mean(fo), curvature: mean(curvature) };
  }

  it('one inner step: the meta-gradient is (I - a H_support) grad L_query(w - a grad L_support(w))', async () => {
    const ref = reference(1);
    const { grad } = await metaGrad(model, w0, tasks, { innerSteps: 1, innerLr: alpha });
    expect(relErr(grad, ref.maml)).toBeLessThan(1e-5);
    // A loss function (not a built-in name) takes the task-by-task path instead of the vectorised one.
    const custom = (y: tf.Tensor, p: tf.Tensor) => losses.quadratic(y, p);
    const looped = await metaGrad(model, w0, tasks, { innerSteps: 1, innerLr: alpha, loss: custom });
    expect(relErr(looped.grad, ref.maml)).toBeLessThan(1e-5);
    const foLooped = await metaGrad(model, w0, tasks, { innerLr: alpha, loss: custom, firstOrder: true });
    expect(relErr(foLooped.grad, ref.fo)).toBeLessThan(1e-5);
  });

  it('three inner steps: the meta-gradient is (I - a H)^3 grad L_query(phi_3)', async () => {
    const ref = reference(3);
    const { grad } = await metaGrad(model, w0, tasks, { innerSteps: 3, innerLr: alpha });
    expect(relErr(grad, ref.maml)).toBeLessThan(1e-5);
  });

  it('first-order MAML is grad L_query(phi) and differs from MAML by exactly the Hessian term', async () => {
    const ref = reference(1);
    const full = await metaGrad(model, w0, tasks, { innerSteps: 1, innerLr: alpha });
    const fo = await metaGrad(model, w0, tasks, { innerSteps: 1, innerLr: alpha, firstOrder: true });
    expect(relErr(fo.grad, ref.fo)).toBeLessThan(1e-5);
    // The difference is -a H_s grad L_q(phi), here a sizeable part of the gradient.
    expect(norm(ref.curvature) / norm(ref.maml)).toBeGreaterThan(0.2);
    expect(relErr(sub(full.grad, fo.grad), ref.curvature)).toBeLessThan(1e-4);
    expect(full.loss).toBeCloseTo(fo.loss, 5); // same adapted parameters, same query loss
  });
});

/** A float64 reference of the tanh network [1, H, 1] of `mlp` with its hand-derived gradient. */
function mlpRef(H: number) {
  const forward = (w: Vec, x: number) => {
    const h = Array.from({ length: H }, (_, j) => Math.tanh(x * (w[j] as number) + (w[H + j] as number)));
    const out = h.reduce((s, v, j) => s + v * (w[2 * H + j] as number), 0) + (w[3 * H] as number);
    return { h, out };
  };
  const loss = (w: Vec, set: LabeledData) => {
    let s = 0;
    for (let i = 0; i < set.n; i++) s += (forward(w, set.x[i] as number).out - (set.y[i] as number)) ** 2;
    return s / (2 * set.n);
  };
  const gradient = (w: Vec, set: LabeledData): Vec => {
    const g = new Array(3 * H + 1).fill(0);
    for (let i = 0; i < set.n; i++) {
      const x = set.x[i] as number;
      const { h, out } = forward(w, x);
      const r = (out - (set.y[i] as number)) / set.n;
      for (let j = 0; j < H; j++) {
        const hj = h[j] as number;
        const dz = r * (w[2 * H + j] as number) * (1 - hj * hj);
        g[j] += dz * x;
        g[H + j] += dz;
        g[2 * H + j] += r * hj;
      }
      g[3 * H] += r;
    }
    return g;
  };
  return { loss, gradient };
}

describe('mamlMetaGradient on a tanh network (finite differences)', () => {
  it('equals central finite differences of the float64 MAML objective to 1e-3 relative; first order does not', async () => {
    const H = 6;
    const model = mlp({ sizes: [1, H, 1], activation: 'tanh', biasScale: 0.5 });
    const ref = mlpRef(H);
    const tasks = sinusoidTaskSampler({ kShot: 8, kQuery: 8, seed: 4 }).sampleBatch(2);
    const wt = model.init(3);
    const w0 = Array.from(await wt.data());
    wt.dispose();
    const alpha = 0.05;
    const steps = 2;
    const objective = (w: Vec) =>
      tasks.reduce((s, t) => {
        let phi = w;
        for (let k = 0; k < steps; k++) phi = sub(phi, scale(ref.gradient(phi, t.support), alpha));
        return s + ref.loss(phi, t.query);
      }, 0) / tasks.length;
    const h = 1e-5;
    const fd = w0.map((_, j) => {
      const plus = [...w0];
      const minus = [...w0];
      plus[j] = (plus[j] as number) + h;
      minus[j] = (minus[j] as number) - h;
      return (objective(plus) - objective(minus)) / (2 * h);
    });
    const full = await metaGrad(model, w0, tasks, { innerSteps: steps, innerLr: alpha });
    const fo = await metaGrad(model, w0, tasks, { innerSteps: steps, innerLr: alpha, firstOrder: true });
    expect(full.loss).toBeCloseTo(objective(w0), 4);
    expect(relErr(full.grad, fd)).toBeLessThan(1e-3);
    expect(relErr(fo.grad, fd)).toBeGreaterThan(1e-2);
  });
});

describe('mamlAdapt, mamlPredict, maml and fomaml', () => {
  const model = mlp({ sizes: [1, 8, 1], activation: 'tanh' });
  const sampler = () => sinusoidTaskSampler({ kShot: 5, kQuery: 5, seed: 7 });

  it('mamlAdapt takes innerSteps gradient steps on the support loss', async () => {
    const task = sampler().sample();
    const w = model.init(0);
    const phi = mamlAdapt(model, w, task.support, { innerSteps: 2, innerLr: 0.1 });
    const ref = mlpRef(8);
    let phiRef = Array.from(await w.data());
    for (let k = 0; k < 2; k++) phiRef = sub(phiRef, scale(ref.gradient(phiRef, task.support), 0.1));
    expect(relErr(Array.from(await phi.data()), phiRef)).toBeLessThan(1e-5);
    const out = mamlPredict(model, w, task, { innerSteps: 2, innerLr: 0.1 });
    expect(out).toHaveLength(5);
    const phiArr = Array.from(await phi.data());
    const h = Array.from({ length: 8 }, (_, j) => j);
    const x0 = task.query.x[0] as number;
    const expected =
      h.reduce(
        (s, j) =>
          s + Math.tanh(x0 * (phiArr[j] as number) + (phiArr[8 + j] as number)) * (phiArr[16 + j] as number),
        0,
      ) + (phiArr[24] as number);
    expect(out[0]).toBeCloseTo(expected, 4);
    tf.dispose([w, phi]);
  });

  it('leaves no tensors behind', async () => {
    const w = model.init(0);
    const tasks = sampler().sampleBatch(2);
    await expectNoLeaks(() => mamlAdapt(model, w, tasks[0]!.support));
    await expectNoLeaks(() => mamlMetaGradient(model, w, tasks, { innerSteps: 2 }));
    await expectNoLeaks(() => mamlMetaGradient(model, w, tasks, { firstOrder: true }));
    await expectNoLeaks(() => mamlPredict(model, w, tasks[0]!));
    await expectNoLeaks(() => maml(model, sampler(), { metaSteps: 2, metaBatchSize: 2 }));
    await expectNoLeaks(() => fomaml(model, sampler(), { metaSteps: 2, metaBatchSize: 2 }));
    w.dispose();
  });

  it('maml is reproducible by seed, reports progress and stops on abort', async () => {
    const progress: number[] = [];
    let live: number[] = [];
    const options = { metaSteps: 5, metaBatchSize: 2, outerLr: 0.02, seed: 1 };
    const a = await maml(model, sampler(), {
      ...options,
      onProgress: ({ step, params }) => {
        progress.push(step);
        live = Array.from(params.dataSync());
      },
    });
    const b = await maml(model, sampler(), options);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    // The progress report carries the live parameters: after the last step, the result's.
    expect(Array.from(await a.params.data())).toEqual(live);
    expect(a.losses).toHaveLength(5);
    expect(Array.from(await a.params.data())).toEqual(Array.from(await b.params.data()));
    expect(a.aborted).toBe(false);
    const controller = new AbortController();
    const c = await maml(model, sampler(), {
      metaSteps: 30,
      onProgress: ({ step }) => {
        if (step === 3) controller.abort();
      },
      signal: controller.signal,
    });
    expect(c.aborted).toBe(true);
    expect(c.steps).toBe(3);
    tf.dispose([a.params, b.params, c.params]);
  });

  it('rejects bad arguments with DlfError', async () => {
    const w = tf.zeros([3]) as tf.Tensor1D;
    const task = sampler().sample();
    expect(() => mamlAdapt(model, w, task.support)).toThrow(
      /params must be a parameter vector of shape \[25\]/,
    );
    const w2 = model.init(0);
    expect(() => mamlMetaGradient(model, w2, [])).toThrow(/tasks must be a non-empty array/);
    expect(() => mamlAdapt(model, w2, task.support, { innerLr: -1 })).toThrow(
      /innerLr must be > 0, received -1/,
    );
    const wide: Task = {
      support: { x: new Float32Array(4), y: new Float32Array(2), n: 2, shape: [2] },
      query: task.query,
    };
    expect(() => mamlMetaGradient(model, w2, [wide])).toThrow(DlfError);
    await expect(maml(model, {} as never)).rejects.toThrow(/sampler must be a task sampler/);
    tf.dispose([w, w2]);
  });
});
