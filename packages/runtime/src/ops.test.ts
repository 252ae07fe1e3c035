import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DlfError } from './DlfError.js';
import { ops } from './ops.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

/** Max |a - b| / (atol + rtol |b|) <= 1, elementwise. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-6, atol = 1e-7): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      throw new Error(`entry ${i}: ${a} vs expected ${b} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

const read = (t: tf.Tensor): Float32Array => {
  const d = t.dataSync() as Float32Array;
  t.dispose();
  return d;
};

/** Elementwise first, second and third derivatives of an elementwise op by nested tf.grad. */
function derivatives(f: (x: tf.Tensor) => tf.Tensor, xs: number[]) {
  return tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const d1 = tf.grad((v: tf.Tensor) => tf.sum(f(v)));
    const d2 = tf.grad((v: tf.Tensor) => tf.sum(d1(v)));
    const d3 = tf.grad((v: tf.Tensor) => tf.sum(d2(v)));
    return {
      d1: Array.from(d1(x).dataSync()),
      d2: Array.from(d2(x).dataSync()),
      d3: Array.from(d3(x).dataSync()),
    };
  });
}

const XS = [-6, -2.5, -1, -0.3, 0.2, 0.7, 1.5, 4];
const sig = (x: number) => 1 / (1 + Math.exp(-x));

describe('ops values equal tfjs', () => {
  it('elementwise ops match tf.tanh, tf.sigmoid, tf.exp, tf.elu, tf.relu, tf.softplus', () => {
    const x = tf.tensor2d([XS, XS.map((v) => v / 3)]);
    const pairs: [string, tf.Tensor, tf.Tensor][] = [
      ['tanh', ops.tanh(x), tf.tanh(x)],
      ['sigmoid', ops.sigmoid(x), tf.sigmoid(x)],
      ['exp', ops.exp(x), tf.exp(x)],
      ['elu', ops.elu(x), tf.elu(x)],
      ['relu', ops.relu(x), tf.relu(x)],
      ['softplus', ops.softplus(x), tf.softplus(x)],
      ['log1pExp', ops.log1pExp(x), tf.softplus(x)],
      ['logSigmoid', ops.logSigmoid(x), tf.logSigmoid(x)],
    ];
    for (const [name, ours, theirs] of pairs) {
      expect(ours.shape, name).toEqual(x.shape);
      expectClose(read(ours), read(theirs), 2e-6, 1e-7);
    }
    x.dispose();
  });

  it('softplus and logSigmoid are accurate where log(1 + exp(x)) in float32 is not', () => {
    // Float32 log(1 + exp(-10)) has a relative error of ~1e-3; exp(-80) is flushed to 0 by some
    // backends, so the far tail is checked on the side where it does not vanish.
    const softplus64 = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    const xs = [-30, -17, -10, -3, 0, 3, 10, 17, 30, 80];
    const x = tf.tensor1d(xs);
    expectClose(read(ops.softplus(x)), xs.map(softplus64), 1e-6, 0);
    const neg = tf.tensor1d([-80, ...xs.slice(0, -1)]);
    expectClose(
      read(ops.logSigmoid(neg)),
      [-80, ...xs.slice(0, -1)].map((v) => -softplus64(-v)),
      1e-6,
      0,
    );
    x.dispose();
    neg.dispose();
  });

  it('logSumExp matches tf.logSumExp for every axis choice and keepDims, and is max-shifted', () => {
    const x = tf.tensor3d(
      Array.from({ length: 24 }, (_, i) => Math.sin(i) * 3),
      [2, 3, 4],
    );
    for (const axis of [undefined, 0, 1, 2, -1, [0, 2], [1, -1]] as const) {
      for (const keepDims of [false, true]) {
        const ours = ops.logSumExp(x, axis as number | number[] | undefined, keepDims);
        const theirs = tf.logSumExp(x, axis as number | number[] | undefined, keepDims);
        expect(ours.shape).toEqual(theirs.shape);
        expectClose(read(ours), read(theirs), 1e-6, 1e-6);
      }
    }
    x.dispose();
    const big = tf.tensor2d([
      [1000, 1000, -1000],
      [-1e30, 0, -Infinity],
    ]);
    expectClose(read(ops.logSumExp(big, 1)), [1000 + Math.log(2), 0], 1e-6, 1e-6);
    big.dispose();
  });

  it('logSoftmax, softmax and softmaxCrossEntropy match tfjs (one-hot and soft labels)', () => {
    const logits = tf.tensor2d([
      [2, -1, 0.5, 3],
      [-4, 0, 0, 1],
      [30, -30, 5, 0],
    ]);
    expectClose(read(ops.logSoftmax(logits)), read(tf.logSoftmax(logits)), 1e-6, 1e-6);
    expectClose(read(ops.softmax(logits)), read(tf.softmax(logits)), 1e-6, 1e-7);
    expectClose(
      read(ops.softmax(logits, 0)),
      read(tf.transpose(tf.softmax(tf.transpose(logits)))),
      1e-6,
      1e-7,
    );
    const onehot = tf.oneHot(tf.tensor1d([3, 0, 1], 'int32'), 4);
    const soft = tf.tensor2d([
      [0.1, 0.2, 0.3, 0.4],
      [0.25, 0.25, 0.25, 0.25],
      [0.7, 0.1, 0.1, 0.1],
    ]);
    for (const labels of [onehot, soft]) {
      const ours = ops.softmaxCrossEntropy(labels, logits);
      expect(ours.rank).toBe(0);
      expectClose(read(ours), read(tf.losses.softmaxCrossEntropy(labels, logits)), 1e-6, 1e-6);
    }
    // Extreme logits stay finite: -log softmax(30 - (-30)) of the wrong class is ~60.
    const extreme = ops.softmaxCrossEntropy(tf.tensor2d([[0, 1]]), tf.tensor2d([[30, -30]]));
    expectClose(read(extreme), [60], 1e-6, 0);
    for (const t of [logits, onehot, soft]) t.dispose();
  });

  it('casts integer inputs to float32', () => {
    const xi = tf.tensor1d([0, 1, 2], 'int32');
    const y = ops.tanh(xi);
    expect(y.dtype).toBe('float32');
    expectClose(read(y), [0, Math.tanh(1), Math.tanh(2)]);
    expectClose(read(ops.logSumExp(xi)), [Math.log(1 + Math.E + Math.E ** 2)]);
    xi.dispose();
  });
});

describe('ops derivatives', () => {
  it('first derivatives equal tfjs gradients', () => {
    const cases: [(x: tf.Tensor) => tf.Tensor, (x: tf.Tensor) => tf.Tensor][] = [
      [ops.tanh, tf.tanh],
      [ops.sigmoid, tf.sigmoid],
      [ops.exp, tf.exp],
      [ops.elu, tf.elu],
      [ops.softplus, tf.softplus],
    ];
    for (const [ours, theirs] of cases) {
      expectClose(derivatives(ours, XS).d1, gradOnly(theirs, XS), 1e-6, 1e-7);
    }
  });

  it('second and third derivatives match closed forms (tanh, sigmoid, exp, softplus, logSigmoid, elu)', () => {
    const tanh = derivatives(ops.tanh, XS);
    const t = XS.map(Math.tanh);
    expectClose(
      tanh.d2,
      t.map((v) => -2 * v * (1 - v * v)),
      1e-5,
      1e-6,
    );
    expectClose(
      tanh.d3,
      t.map((v) => -2 * (1 - v * v) * (1 - 3 * v * v)),
      1e-5,
      1e-6,
    );

    const s = XS.map(sig);
    const sigmoid = derivatives(ops.sigmoid, XS);
    expectClose(
      sigmoid.d2,
      s.map((v) => v * (1 - v) * (1 - 2 * v)),
      1e-5,
      1e-6,
    );
    expectClose(
      sigmoid.d3,
      s.map((v) => v * (1 - v) * (1 - 6 * v + 6 * v * v)),
      1e-5,
      1e-6,
    );

    const exp = derivatives(ops.exp, XS);
    expectClose(exp.d2, XS.map(Math.exp), 1e-6);
    expectClose(exp.d3, XS.map(Math.exp), 1e-6);

    const softplus = derivatives(ops.softplus, XS);
    expectClose(softplus.d1, s, 1e-6, 1e-7);
    expectClose(
      softplus.d2,
      s.map((v) => v * (1 - v)),
      1e-5,
      1e-7,
    );

    const logSigmoid = derivatives(ops.logSigmoid, XS);
    expectClose(
      logSigmoid.d1,
      s.map((v) => 1 - v),
      1e-6,
      1e-7,
    );
    expectClose(
      logSigmoid.d2,
      s.map((v) => -v * (1 - v)),
      1e-5,
      1e-7,
    );

    const elu = derivatives(ops.elu, XS);
    expectClose(
      elu.d1,
      XS.map((v) => (v > 0 ? 1 : Math.exp(v))),
      1e-6,
    );
    expectClose(
      elu.d2,
      XS.map((v) => (v > 0 ? 0 : Math.exp(v))),
      1e-6,
      1e-7,
    );
  });

  it('derivatives stay finite far out in the tails', () => {
    const far = [-200, -90, 90, 200];
    for (const op of [ops.tanh, ops.sigmoid, ops.softplus, ops.logSigmoid, ops.elu]) {
      const { d1, d2 } = derivatives(op, far);
      for (const v of [...d1, ...d2]) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('logSumExp and softmax cross-entropy have exact Hessians: diag(p) - p p^T', () => {
    const z = [0.3, -1.2, 2.0, 0.5];
    const mx = Math.max(...z);
    const ez = z.map((v) => Math.exp(v - mx));
    const sum = ez.reduce((a, b) => a + b, 0);
    const p = ez.map((v) => v / sum);
    const v = [1, -2, 0.5, 3];
    const pv = p.reduce((a, pi, i) => a + pi * (v[i] as number), 0);
    const Hv = p.map((pi, i) => pi * (v[i] as number) - pi * pv);

    const hvpOf = (f: (x: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const x = tf.tensor1d(z);
        const vt = tf.tensor1d(v);
        const g = tf.grad((u: tf.Tensor) => f(u));
        return Array.from(
          tf
            .grad((u: tf.Tensor) => tf.sum(tf.mul(g(u), vt)))(x)
            .dataSync(),
        );
      });
    expectClose(
      hvpOf((x) => ops.logSumExp(x)),
      Hv,
      1e-5,
      1e-6,
    );
    // Cross-entropy of a batch of two identical rows: the per-row Hessian divided by the batch size.
    const labels = tf.tensor2d([
      [0, 0, 1, 0],
      [0, 0, 1, 0],
    ]);
    const ce = hvpOf((x) => ops.softmaxCrossEntropy(labels, tf.stack([x, x])));
    // d/dx of mean over 2 rows of CE(x): each row contributes H/2, the two rows sum to H.
    expectClose(ce, Hv, 1e-5, 1e-6);
    labels.dispose();
    // logSoftmax's Jacobian-vector structure: d^2/dx^2 of sum(softmax) = 0 (softmax sums to 1).
    expectClose(
      hvpOf((x) => tf.sum(ops.softmax(x))),
      [0, 0, 0, 0],
      0,
      1e-6,
    );
  });

  it('plain tfjs ops lose second derivatives (why ops exists)', () => {
    const x = tf.scalar(0.5);
    // tf.tanh: the gradient of its gradient is not connected to x at all.
    expect(() => tf.grad((u: tf.Tensor) => tf.grad((w: tf.Tensor) => tf.tanh(w))(u))(x)).toThrow(
      /Cannot compute gradient/,
    );
    // Inside a larger graph the curvature of tanh silently vanishes: f(x) = x tanh(x) has
    // f'' = 2 tanh'(x) + x tanh''(x); tfjs returns only the first term.
    const t = Math.tanh(0.5);
    const exact = 2 * (1 - t * t) + 0.5 * (-2 * t * (1 - t * t));
    const lost = 2 * (1 - t * t);
    const second = (f: (u: tf.Tensor) => tf.Tensor) =>
      tf.tidy(
        () =>
          tf
            .grad((u: tf.Tensor) => tf.grad(f)(u))(x)
            .dataSync()[0] as number,
      );
    expect(second((u) => tf.mul(u, tf.tanh(u)))).toBeCloseTo(lost, 6);
    expect(second((u) => tf.mul(u, ops.tanh(u)))).toBeCloseTo(exact, 6);
    // tf.logSumExp (and so tf.losses.softmaxCrossEntropy) cannot be differentiated twice.
    const v = tf.tensor1d([0.1, 0.2]);
    expect(() => tf.grad((u: tf.Tensor) => tf.sum(tf.grad((w: tf.Tensor) => tf.logSumExp(w))(u)))(v)).toThrow(
      /gradient/,
    );
    expect(() =>
      tf
        .grad((u: tf.Tensor) => tf.sum(tf.grad((w: tf.Tensor) => ops.logSumExp(w))(u)))(v)
        .dispose(),
    ).not.toThrow();
    x.dispose();
    v.dispose();
  });
});

function gradOnly(f: (x: tf.Tensor) => tf.Tensor, xs: number[]): number[] {
  return tf.tidy(() =>
    Array.from(
      tf
        .grad((v: tf.Tensor) => tf.sum(f(v)))(tf.tensor1d(xs))
        .dataSync(),
    ),
  );
}

describe('ops errors and memory', () => {
  it('rejects non-tensors, bad axes and mismatched cross-entropy shapes with DlfError', () => {
    expect(() => ops.tanh([1, 2] as unknown as tf.Tensor)).toThrow(DlfError);
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    try {
      ops.logSumExp(x, 2);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DlfError);
      expect((e as DlfError).code).toBe('INVALID_ARGUMENT');
    }
    try {
      ops.softmaxCrossEntropy(tf.tensor2d([[1, 0, 0]]), x);
      expect.unreachable();
    } catch (e) {
      expect((e as DlfError).code).toBe('INVALID_SHAPE');
      expect((e as DlfError).message).toMatch(/labels \[1, 3\] and logits \[2, 2\]/);
    }
    expect(() => ops.softmax(tf.scalar(1))).toThrow(/rank >= 1/);
    x.dispose();
  });

  it('leaves no tensors behind, forward and through double backprop', async () => {
    const x = tf.tensor2d([
      [0.5, -1, 2],
      [1, 0, -3],
    ]);
    const labels = tf.tensor2d([
      [0, 1, 0],
      [0.5, 0.5, 0],
    ]);
    const unary = [
      ops.tanh,
      ops.sigmoid,
      ops.exp,
      ops.softplus,
      ops.log1pExp,
      ops.logSigmoid,
      ops.elu,
      ops.relu,
    ];
    const all: ((u: tf.Tensor) => tf.Tensor)[] = [
      ...unary,
      (u) => ops.logSumExp(u, 1),
      (u) => ops.logSumExp(u),
      (u) => ops.logSoftmax(u),
      (u) => ops.softmax(u),
      (u) => ops.softmaxCrossEntropy(labels, u),
    ];
    for (const f of all) {
      await expectNoLeaks(() => f(x));
      await expectNoLeaks(() => {
        const g = (u: tf.Tensor) => tf.grad((w: tf.Tensor) => tf.sum(f(w)))(u);
        return tf.grad((u: tf.Tensor) => tf.sum(tf.mul(g(u), u)))(x);
      });
    }
    const xi = tf.tensor1d([1, 2], 'int32');
    for (const f of unary) await expectNoLeaks(() => f(xi));
    await expectNoLeaks(() => ops.logSumExp(xi));
    await expectNoLeaks(() => ops.softmax(xi));
    x.dispose();
    labels.dispose();
    xi.dispose();
  });
});
