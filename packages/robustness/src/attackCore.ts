/**
 * Shared internals of the attacks: input and label checks, target resolution, losses, gradients and
 * the exact final projection. Not exported from the package entry.
 */
import type { Rng } from '@dlf/runtime';
import { assertAllFinite, assertFiniteNumber } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { LogitsFn } from './classifier.js';
import { DlfError, describeValue } from './errors.js';

/** Integer class labels: a rank-1 tensor, a one-hot rank-2 tensor, or a plain array. */
export type Labels = tf.Tensor | ArrayLike<number>;

/**
 * What a targeted attack aims for: one class for every example, one class per example, a random
 * class other than the true one (`'random'`, seeded) or the class the clean model finds least likely
 * (`'least-likely'`).
 */
export type Target = number | ArrayLike<number> | tf.Tensor | 'random' | 'least-likely';

/** The lower and upper bound of every input entry. Infinite bounds switch clipping off. */
export type Bounds = readonly [number, number];

/** The loss an attack ascends: cross-entropy, or the logit margin of Carlini and Wagner. */
export type AttackLoss = 'ce' | 'margin';

export interface PreparedInputs {
  data: Float32Array;
  shape: number[];
  n: number;
  /** Entries per example. */
  d: number;
}

export function checkBounds(bounds: unknown): Bounds {
  if (
    !Array.isArray(bounds) ||
    bounds.length !== 2 ||
    typeof bounds[0] !== 'number' ||
    typeof bounds[1] !== 'number' ||
    Number.isNaN(bounds[0]) ||
    Number.isNaN(bounds[1]) ||
    !(bounds[0] < bounds[1])
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `bounds must be [min, max] with min < max (infinite allowed), received ${Array.isArray(bounds) ? `[${bounds.join(', ')}]` : describeValue(bounds)}`,
      { param: 'bounds' },
    );
  }
  return [bounds[0], bounds[1]];
}

/** Reads `x`, checks it is a finite float batch inside `bounds`. */
export function prepareInputs(x: unknown, bounds: Bounds, param = 'x'): PreparedInputs {
  if (!(x instanceof tf.Tensor) || x.rank < 2) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must be a batch tensor of rank >= 2, received ${describeValue(x)}`,
      {
        param,
      },
    );
  }
  if (x.dtype !== 'float32') {
    throw new DlfError('INVALID_ARGUMENT', `${param} must have dtype float32, received ${x.dtype}`, {
      param,
    });
  }
  const n = x.shape[0] as number;
  if (n === 0) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must hold at least one example, received shape [${x.shape}]`,
      {
        param,
      },
    );
  }
  const data = x.dataSync() as Float32Array;
  assertAllFinite(param, data);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v < bounds[0] || v > bounds[1]) {
      throw new DlfError(
        'INVALID_DATA',
        `${param} must lie inside bounds [${bounds[0]}, ${bounds[1]}], received ${v} at index ${i}`,
        { param },
      );
    }
  }
  return { data: Float32Array.from(data), shape: [...x.shape], n, d: data.length / n };
}

/** Reads labels into an Int32Array of length n with entries in [0, numClasses). */
export function prepareLabels(y: unknown, n: number, numClasses: number, param = 'y'): Int32Array {
  let values: ArrayLike<number>;
  if (y instanceof tf.Tensor) {
    if (y.rank === 2) {
      if (y.shape[1] !== numClasses) {
        throw new DlfError(
          'INVALID_SHAPE',
          `${param} as one-hot must have shape [${n}, ${numClasses}], received [${y.shape}]`,
          { param },
        );
      }
      const idx = tf.argMax(y, 1);
      values = idx.dataSync();
      idx.dispose();
    } else if (y.rank === 1) {
      values = y.dataSync();
    } else {
      throw new DlfError(
        'INVALID_SHAPE',
        `${param} must be rank 1 (class indices) or 2 (one-hot), received rank ${y.rank}`,
        {
          param,
        },
      );
    }
  } else if (y != null && typeof (y as ArrayLike<number>).length === 'number' && typeof y !== 'string') {
    values = y as ArrayLike<number>;
  } else {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${param} must be labels (tensor or array), received ${describeValue(y)}`,
      {
        param,
      },
    );
  }
  if (values.length !== n) {
    throw new DlfError(
      'INVALID_SHAPE',
      `${param} must have one label per example (${n}), received ${values.length}`,
      {
        param,
      },
    );
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `${param} must hold class indices in [0, ${numClasses - 1}], received ${v} at index ${i}`,
        { param },
      );
    }
    out[i] = v;
  }
  return out;
}

/** Runs the model once on `x` and returns its logits' data, class count and predictions. */
export function cleanForward(
  f: LogitsFn,
  x: tf.Tensor,
): { logits: Float32Array; numClasses: number; pred: Int32Array } {
  const logits = tf.tidy(() => f(x));
  const numClasses = logits.shape[1] as number;
  const data = logits.dataSync() as Float32Array;
  logits.dispose();
  if (logits.shape[0] !== x.shape[0]) {
    throw new DlfError(
      'INVALID_SHAPE',
      `model must return one row of logits per example (${x.shape[0]}), received ${logits.shape[0]}`,
      { param: 'model' },
    );
  }
  return { logits: data, numClasses, pred: argmaxRows(data, numClasses) };
}

export function argmaxRows(data: ArrayLike<number>, k: number): Int32Array {
  const n = data.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = data[i * k] as number;
    for (let c = 1; c < k; c++) {
      const v = data[i * k + c] as number;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Resolves a `Target` option into one class per example, or undefined when untargeted. */
export function resolveTargets(
  target: Target | undefined,
  labels: Int32Array,
  cleanLogits: Float32Array,
  numClasses: number,
  rng: Rng,
): Int32Array | undefined {
  if (target === undefined) return undefined;
  const n = labels.length;
  if (numClasses < 2) {
    throw new DlfError(
      'UNSUPPORTED',
      `a targeted attack needs at least 2 classes, the model has ${numClasses}`,
      {
        param: 'target',
      },
    );
  }
  if (target === 'random') {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const t = rng.int(0, numClasses - 1);
      out[i] = t >= (labels[i] as number) ? t + 1 : t;
    }
    return out;
  }
  if (target === 'least-likely') {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestV = Number.POSITIVE_INFINITY;
      for (let c = 0; c < numClasses; c++) {
        const v = cleanLogits[i * numClasses + c] as number;
        if (v < bestV) {
          bestV = v;
          best = c;
        }
      }
      out[i] = best;
    }
    return out;
  }
  if (typeof target === 'number') {
    if (!Number.isInteger(target) || target < 0 || target >= numClasses) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `target must be a class index in [0, ${numClasses - 1}], 'random' or 'least-likely', received ${target}`,
        { param: 'target' },
      );
    }
    return new Int32Array(n).fill(target);
  }
  if (typeof target === 'string') {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `target must be a class index, an array of them, 'random' or 'least-likely', received ${describeValue(target)}`,
      { param: 'target' },
    );
  }
  return prepareLabels(target, n, numClasses, 'target');
}

/**
 * Per-example objective the attack ascends, shape [n]. Untargeted: CE(z, y) or
 * max_{i != y} z_i - z_y. Targeted (`targeted` true, `cls` the targets): -CE(z, t) or
 * z_t - max_{i != t} z_i.
 */
export function attackObjective(
  logits: tf.Tensor,
  cls: tf.Tensor,
  kind: AttackLoss,
  targeted: boolean,
): tf.Tensor {
  return tf.tidy(() => {
    const k = logits.shape[1] as number;
    const oneHot = tf.oneHot(cls as tf.Tensor1D, k).toFloat();
    if (kind === 'ce') {
      const ce = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits as tf.Tensor2D)), 1));
      return targeted ? tf.neg(ce) : ce;
    }
    const own = tf.sum(tf.mul(oneHot, logits), 1);
    const other = tf.max(tf.sub(logits, tf.mul(oneHot, 1e9)), 1);
    return targeted ? tf.sub(own, other) : tf.sub(other, own);
  });
}

/** Gradient with respect to x of the summed per-example objective. */
export function objectiveGradient(
  f: LogitsFn,
  x: tf.Tensor,
  cls: tf.Tensor,
  kind: AttackLoss,
  targeted: boolean,
): { grad: tf.Tensor } {
  return { grad: tf.grad((xi: tf.Tensor) => tf.sum(attackObjective(f(xi), cls, kind, targeted)))(x) };
}

/** Shape [n, 1, 1, ...] view helper: reshapes a per-example vector to broadcast against x. */
export function perExample(v: tf.Tensor, rank: number): tf.Tensor {
  return tf.reshape(v, [v.shape[0] as number, ...new Array(rank - 1).fill(1)]);
}

/** Per-example L2 norm of a batch, shape [n]. */
export function l2Norms(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.reshape(t, [t.shape[0] as number, -1])), 1)));
}

/** Per-example L1 norm of a batch, shape [n]. */
export function l1Norms(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.abs(tf.reshape(t, [t.shape[0] as number, -1])), 1));
}

export type Norm = 'linf' | 'l2';

/** Projects adv onto {|adv - x| <= eps} ∩ bounds in tensors (float32; the exact pass comes last). */
export function projectTensor(
  adv: tf.Tensor,
  x: tf.Tensor,
  eps: number,
  norm: Norm,
  bounds: Bounds,
): tf.Tensor {
  return tf.tidy(() => {
    let delta = tf.sub(adv, x);
    if (norm === 'linf') {
      delta = tf.clipByValue(delta, -eps, eps);
    } else {
      const nrm = l2Norms(delta);
      const factor = tf.minimum(1, tf.div(eps, tf.maximum(nrm, 1e-30)));
      delta = tf.mul(delta, perExample(factor, x.rank));
    }
    return clipTensor(tf.add(x, delta), bounds);
  });
}

export function clipTensor(t: tf.Tensor, bounds: Bounds): tf.Tensor {
  if (!Number.isFinite(bounds[0]) && !Number.isFinite(bounds[1])) return t.clone();
  return tf.clipByValue(
    t,
    Number.isFinite(bounds[0]) ? bounds[0] : -3.4e38,
    Number.isFinite(bounds[1]) ? bounds[1] : 3.4e38,
  );
}

function nextUp32(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer);
  if (v === 0) {
    u[0] = 1;
  } else if (v > 0) u[0] = (u[0] as number) + 1;
  else u[0] = (u[0] as number) - 1;
  return f[0] as number;
}

function nextDown32(v: number): number {
  return -nextUp32(-v);
}

/**
 * The exact final projection, in double precision: returns a float32 copy of `adv` that lies inside
 * `bounds` and whose difference from `x` (computed in float64 from the float32 values) has norm at
 * most `eps`. With `eps` = Infinity only the bounds are enforced.
 */
export function exactProject(
  x: Float32Array,
  adv: Float32Array,
  n: number,
  eps: number,
  norm: Norm,
  bounds: Bounds,
): Float32Array {
  const d = x.length / n;
  const out = new Float32Array(adv.length);
  const [lo, hi] = bounds;
  for (let i = 0; i < n; i++) {
    const off = i * d;
    if (norm === 'linf' || eps === Number.POSITIVE_INFINITY) {
      for (let j = off; j < off + d; j++) {
        const xj = x[j] as number;
        let v = Math.min(Math.max(adv[j] as number, lo), hi);
        if (eps !== Number.POSITIVE_INFINITY) {
          let low = Math.fround(Math.max(xj - eps, lo));
          while (xj - low > eps || low < lo) low = nextUp32(low);
          let high = Math.fround(Math.min(xj + eps, hi));
          while (high - xj > eps || high > hi) high = nextDown32(high);
          v = Math.min(Math.max(v, low), high);
        }
        out[j] = v;
      }
      continue;
    }
    // L2: clip to bounds, then shrink the perturbation until its float64 norm is <= eps.
    for (let j = off; j < off + d; j++) out[j] = Math.min(Math.max(adv[j] as number, lo), hi);
    let sq = 0;
    for (let j = off; j < off + d; j++) sq += ((out[j] as number) - (x[j] as number)) ** 2;
    if (Math.sqrt(sq) <= eps) continue;
    const clipped = out.slice(off, off + d);
    let scale = eps / Math.sqrt(sq);
    for (let attempt = 0; attempt < 60; attempt++) {
      sq = 0;
      for (let j = 0; j < d; j++) {
        const xj = x[off + j] as number;
        const v = Math.fround(xj + scale * ((clipped[j] as number) - xj));
        out[off + j] = v;
        sq += (v - xj) ** 2;
      }
      if (Math.sqrt(sq) <= eps) break;
      scale *= 1 - Math.min(0.5, 2 ** (attempt - 24));
      if (attempt === 59) for (let j = 0; j < d; j++) out[off + j] = x[off + j] as number;
    }
  }
  return out;
}

/** Per-example norms of adv - x in float64. */
export function perturbationNorms(
  x: Float32Array,
  adv: Float32Array,
  n: number,
  norm: Norm | 'l1',
): Float64Array {
  const d = x.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = i * d; j < (i + 1) * d; j++) {
      const v = Math.abs((adv[j] as number) - (x[j] as number));
      if (norm === 'linf') acc = Math.max(acc, v);
      else if (norm === 'l1') acc += v;
      else acc += v * v;
    }
    out[i] = norm === 'l2' ? Math.sqrt(acc) : acc;
  }
  return out;
}

/** Success per example: prediction differs from the label (untargeted) or equals the target. */
export function successOf(pred: Int32Array, labels: Int32Array, targets: Int32Array | undefined): boolean[] {
  return Array.from(pred, (p, i) => (targets ? p === targets[i] : p !== labels[i]));
}

export function checkEps(eps: unknown, param = 'eps'): number {
  assertFiniteNumber(param, eps);
  if (eps < 0) throw new DlfError('INVALID_ARGUMENT', `${param} must be >= 0, received ${eps}`, { param });
  return eps;
}

export function checkLoss(loss: unknown): AttackLoss {
  if (loss !== 'ce' && loss !== 'margin') {
    throw new DlfError('INVALID_ARGUMENT', `loss must be 'ce' or 'margin', received ${describeValue(loss)}`, {
      param: 'loss',
    });
  }
  return loss;
}
