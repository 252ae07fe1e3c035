import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from './createRng.js';
import { DlfError } from './DlfError.js';
import { type Activation, mlp } from './mlp.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

const ACT64: Record<Activation, (z: number) => number> = {
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  softplus: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
  relu: (z) => Math.max(z, 0),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  linear: (z) => z,
};

/**
 * Independent float64 forward pass from the documented layout: w = [W1 (row-major [in, out]), b1,
 * W2, b2, ...]; standard: z = h W + b; ntk: z = (sigma_w / sqrt(fan_in)) h W + sigma_b b.
 */
function forward64(
  sizes: number[],
  acts: Activation[],
  w: ArrayLike<number>,
  x: number[],
  { ntk = false, bias = true, sw = 1, sb = 0.1 } = {},
): number[] {
  let h = x;
  let off = 0;
  for (let l = 0; l < sizes.length - 1; l++) {
    const fi = sizes[l] as number;
    const fo = sizes[l + 1] as number;
    const z = new Array<number>(fo).fill(0);
    for (let i = 0; i < fi; i++) {
      for (let j = 0; j < fo; j++)
        z[j] = (z[j] as number) + (h[i] as number) * (w[off + i * fo + j] as number);
    }
    off += fi * fo;
    for (let j = 0; j < fo; j++) {
      if (ntk) z[j] = (z[j] as number) * (sw / Math.sqrt(fi));
      if (bias) z[j] = (z[j] as number) + (ntk ? sb : 1) * (w[off + j] as number);
    }
    if (bias) off += fo;
    const act = ACT64[acts[l] as Activation];
    h = z.map(act);
  }
  return h;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      throw new Error(`entry ${i}: ${a} vs expected ${b}`);
    }
  }
}

describe('mlp', () => {
  it('counts parameters and lays them out as [W1, b1, W2, b2, ...]', () => {
    const net = mlp({ sizes: [3, 5, 2] });
    expect(net.numParams).toBe(3 * 5 + 5 + 5 * 2 + 2);
    expect(net.inputShape).toEqual([3]);
    expect(net.outputSize).toBe(2);
    expect(net.layers.map((l) => [l.weightOffset, l.biasOffset, l.activation])).toEqual([
      [0, 15, 'tanh'],
      [20, 30, 'linear'],
    ]);
    expect(mlp({ sizes: [3, 5, 2], bias: false }).numParams).toBe(25);
    const w = tf.range(0, net.numParams).toFloat() as tf.Tensor1D;
    const { weights, biases } = net.unflatten(w);
    expect(weights.map((t) => t.shape)).toEqual([
      [3, 5],
      [5, 2],
    ]);
    expect(Array.from(weights[1]?.dataSync() ?? [])).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i));
    expect(Array.from(biases[0]?.dataSync() ?? [])).toEqual([15, 16, 17, 18, 19]);
    tf.dispose([w, ...weights, ...biases]);
  });

  it('apply equals an independent float64 forward pass for every activation and both parameterisations', () => {
    const sizes = [3, 4, 4, 4, 4, 4, 2];
    const acts: Activation[] = ['tanh', 'sigmoid', 'softplus', 'relu', 'elu'];
    const rng = createRng(5);
    const xs = Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => rng.normal()));
    for (const parameterization of ['standard', 'ntk'] as const) {
      for (const bias of [true, false]) {
        const net = mlp({ sizes, activation: acts, parameterization, bias, initScale: 1.3, biasScale: 0.5 });
        const w = net.init(11);
        const wv = w.dataSync();
        // Non-zero biases for 'standard' too, so that the bias path is exercised.
        const x = tf.tensor2d(xs);
        const out = net.apply(w, x);
        expect(out.shape).toEqual([4, 2]);
        const expected = xs.flatMap((row) =>
          forward64(sizes, [...acts, 'linear'], wv, row, {
            ntk: parameterization === 'ntk',
            bias,
            sw: 1.3,
            sb: 0.5,
          }),
        );
        expectClose(out.dataSync(), expected);
        tf.dispose([w, x, out]);
      }
    }
  });

  it('init is seeded and has the documented distributions (standard N(0, s^2/fan_in), ntk N(0, 1))', () => {
    const net = mlp({ sizes: [400, 300, 1], initScale: 2, biasScale: 0.5 });
    const a = net.init(7);
    const b = net.init(7);
    const c = net.init(createRng(8));
    const values = a.dataSync();
    const same = (u: ArrayLike<number>, v: ArrayLike<number>) =>
      u.length === v.length && Array.prototype.every.call(u, (t: number, i: number) => t === v[i]);
    expect(same(values, b.dataSync())).toBe(true);
    expect(same(values, c.dataSync())).toBe(false);
    const layer = net.layers[0];
    const n = 400 * 300;
    let s2 = 0;
    for (let i = 0; i < n; i++) s2 += (values[i] as number) ** 2;
    const expectedVar = 4 / 400;
    // Sample second moment of N(0, v): standard error v sqrt(2 / n).
    expect(Math.abs(s2 / n - expectedVar)).toBeLessThan(5 * expectedVar * Math.sqrt(2 / n));
    let b2 = 0;
    for (let i = 0; i < 300; i++) b2 += (values[(layer?.biasOffset ?? 0) + i] as number) ** 2;
    expect(Math.abs(b2 / 300 - 0.25)).toBeLessThan(5 * 0.25 * Math.sqrt(2 / 300));

    const ntk = mlp({ sizes: [400, 300, 1], parameterization: 'ntk' }).init(7);
    const nv = ntk.dataSync();
    let t2 = 0;
    for (let i = 0; i < n; i++) t2 += (nv[i] as number) ** 2;
    expect(Math.abs(t2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(
      mlp({ sizes: [2, 3, 1] })
        .init()
        .dataSync()
        .slice(6, 9),
    ).toEqual(new Float32Array(3)); // default biases 0
    tf.dispose([a, b, c, ntk]);
  });

  it('standard and NTK parameterisations give the same function at initialisation (same seed)', () => {
    const opts = { sizes: [5, 16, 16, 3], activation: 'tanh' as const, initScale: 1.5, biasScale: 0.2 };
    const std = mlp({ ...opts, parameterization: 'standard' });
    const ntk = mlp({ ...opts, parameterization: 'ntk' });
    tf.tidy(() => {
      const x = tf.randomNormal([6, 5], 0, 1, 'float32', 3);
      expectClose(std.apply(std.init(4), x).dataSync(), ntk.apply(ntk.init(4), x).dataSync(), 1e-5, 1e-6);
    });
  });

  it('applyPerExample gives each example its own parameter vector', () => {
    const net = mlp({ sizes: [3, 6, 2], activation: 'softplus', parameterization: 'ntk' });
    tf.tidy(() => {
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
      const ws = tf.stack([0, 1, 2, 3].map((s) => net.init(s))) as tf.Tensor2D;
      const out = net.applyPerExample(ws, x);
      expect(out.shape).toEqual([4, 2]);
      for (let i = 0; i < 4; i++) {
        const row = net.apply(net.init(i), tf.slice(x, i, 1));
        expectClose(tf.slice(out, i, 1).dataSync(), row.dataSync(), 1e-6, 1e-7);
      }
    });
  });

  it('differentiates a single-layer model without bias (one parameter piece): grad of (w x)^2 / 2 is x^2 w', () => {
    const model = mlp({ sizes: [1, 1], bias: false, activation: 'linear' });
    const g = tf.tidy(() => {
      const x = tf.tensor2d([[3]]);
      return tf.grad((w: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(model.apply(w as tf.Tensor1D, x)))))(
        tf.tensor1d([2]),
      );
    });
    expect(Array.from(g.dataSync())).toEqual([18]);
    g.dispose();
  });

  it('rejects bad options, parameter vectors and inputs with DlfError', () => {
    const bad: [unknown, RegExp][] = [
      [{ sizes: [3] }, /sizes must be an array/],
      [{ sizes: [3, 0, 1] }, /sizes must be an array/],
      [{ sizes: [3, 2.5, 1] }, /sizes must be an array/],
      [{ sizes: [3, 4, 1], activation: 'gelu' }, /activation must be one of/],
      [{ sizes: [3, 4, 4, 1], activation: ['tanh'] }, /one per hidden layer \(2\)/],
      [{ sizes: [3, 4, 1], parameterization: 'mup' }, /parameterization must be one of/],
      [{ sizes: [3, 4, 1], initScale: 0 }, /initScale must be > 0/],
      [{ sizes: [3, 4, 1], biasScale: -1 }, /biasScale must be >= 0/],
      [undefined, /options must be an object/],
    ];
    for (const [options, message] of bad) {
      expect(() => mlp(options as never)).toThrow(DlfError);
      expect(() => mlp(options as never)).toThrow(message);
    }
    const net = mlp({ sizes: [3, 4, 1] });
    const short = tf.zeros([net.numParams - 1]) as tf.Tensor1D;
    const x = tf.zeros([2, 3]);
    try {
      net.apply(short, x);
      expect.unreachable();
    } catch (e) {
      expect((e as DlfError).code).toBe('INVALID_SHAPE');
      expect((e as DlfError).message).toMatch(
        /w must be a parameter vector of shape \[21\], received shape \[20\]/,
      );
    }
    const w = net.init(0);
    expect(() => net.apply(w, tf.zeros([2, 4]))).toThrow(/x must have shape \[batch, 3\], received \[2, 4\]/);
    expect(() => net.applyPerExample(tf.zeros([3, net.numParams]) as tf.Tensor2D, x)).toThrow(
      /one row per example/,
    );
    tf.dispose([short, x, w]);
  });

  it('leaves no tensors behind (init, apply, applyPerExample, unflatten, double backprop)', async () => {
    const net = mlp({ sizes: [3, 4, 4, 2], activation: ['elu', 'sigmoid'] });
    const w = net.init(1);
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const xi = tf.ones([5, 3], 'int32');
    const ws = tf.stack([w, w, w, w, w]) as tf.Tensor2D;
    await expectNoLeaks(() => net.init(3));
    await expectNoLeaks(() => net.apply(w, x));
    await expectNoLeaks(() => net.apply(w, xi));
    await expectNoLeaks(() => net.applyPerExample(ws, x));
    await expectNoLeaks(() => net.unflatten(w));
    await expectNoLeaks(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(net.apply(v as tf.Tensor1D, x)));
      return tf.grad((v: tf.Tensor) => tf.sum(tf.square(g(v))))(w);
    });
    tf.dispose([w, x, xi, ws]);
  });
});
