import {
  assertInteger,
  assertOneOf,
  assertParamVector,
  assertPositive,
  DlfError,
  ops,
  type ParamModel,
  valueAndGrad,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { describeValue } from './describeValue.js';
import type { Task, TaskSampler } from './fewShotTaskSampler.js';
import {
  assertParamModel,
  type MetaTrainOptions,
  type MetaTrainResult,
  runMetaTraining,
} from './metaTrainLoop.js';

/** How query embeddings are compared with prototypes. */
export type ProtoDistance = 'euclidean' | 'cosine';

/** Options of {@link protoNetLogits}, {@link protoNetLoss} and {@link protoNetPredict}. */
export interface ProtoNetHeadOptions {
  /**
   * `'euclidean'` (Snell et al. 2017): logits `-||q - c_k||^2`; `'cosine'`: logits
   * `cosineScale * cos(q, c_k)`. Default: 'euclidean'.
   */
  distance?: ProtoDistance;
  /** Scale (inverse temperature) of cosine logits. Default: 10. */
  cosineScale?: number;
}

/** Options of {@link protoNets}. */
export interface ProtoNetOptions extends ProtoNetHeadOptions, MetaTrainOptions {}

/**
 * Class prototypes: the mean embedding of each class, `c_k = (1/|S_k|) sum_{i: y_i = k} e_i`.
 * Differentiable with respect to the embeddings.
 *
 * @param embeddings - `[n, d]`.
 * @param labels - class of each row, in `0..numClasses-1`; every class needs at least one row.
 * @returns `[numClasses, d]`.
 * @example
 * ```ts
 * const protos = prototypes(model.apply(w, xSupport), task.support.y, 5);
 * ```
 */
export function prototypes(embeddings: tf.Tensor2D, labels: Int32Array, numClasses: number): tf.Tensor2D {
  if (!(embeddings instanceof tf.Tensor) || embeddings.rank !== 2) {
    throw new DlfError(
      'INVALID_SHAPE',
      `embeddings must be a [n, d] tensor, received ${describeValue(embeddings)}`,
      {
        param: 'embeddings',
      },
    );
  }
  assertInteger('numClasses', numClasses, { min: 1 });
  const n = embeddings.shape[0];
  if (!(labels instanceof Int32Array) || labels.length !== n) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `labels must be an Int32Array of length ${n}, received ${describeValue(labels)}`,
      {
        param: 'labels',
      },
    );
  }
  const counts = new Float32Array(numClasses);
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    if (!(c >= 0 && c < numClasses)) {
      throw new DlfError('INVALID_ARGUMENT', `labels[${i}] = ${c} is outside 0..${numClasses - 1}`, {
        param: 'labels',
      });
    }
    counts[c] = (counts[c] as number) + 1;
  }
  const empty = counts.indexOf(0);
  if (empty >= 0) {
    throw new DlfError('INVALID_ARGUMENT', `labels: class ${empty} has no example, so it has no prototype`, {
      param: 'labels',
    });
  }
  return tf.tidy(() => {
    // Row k of W = onehot^T / count_k averages class k's rows.
    const w = new Float32Array(numClasses * n);
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      w[c * n + i] = 1 / (counts[c] as number);
    }
    return tf.matMul(tf.tensor2d(w, [numClasses, n]), embeddings);
  });
}

function checkHead(options: ProtoNetHeadOptions): { distance: ProtoDistance; cosineScale: number } {
  const { distance = 'euclidean', cosineScale = 10 } = options;
  assertOneOf('distance', distance, ['euclidean', 'cosine'] as const);
  assertPositive('cosineScale', cosineScale);
  return { distance, cosineScale };
}

/** @internal Rows scaled to unit length (`x / sqrt(|x|^2 + 1e-12)`). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))));
}

/**
 * Prototypical-network logits of query embeddings `[m, d]` against prototypes `[k, d]`:
 * `-||q_i - c_k||^2` (Euclidean) or `cosineScale * cos(q_i, c_k)` (cosine). Differentiable.
 *
 * @returns `[m, k]`.
 * @example
 * ```ts
 * const logits = protoNetLogits(queryEmbeddings, prototypes(supportEmbeddings, y, 5), { distance: 'cosine' });
 * ```
 */
export function protoNetLogits(
  query: tf.Tensor2D,
  protos: tf.Tensor2D,
  options: ProtoNetHeadOptions = {},
): tf.Tensor2D {
  const { distance, cosineScale } = checkHead(options);
  for (const [param, t] of [
    ['query', query],
    ['protos', protos],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.rank !== 2) {
      throw new DlfError('INVALID_SHAPE', `${param} must be a 2-D tensor, received ${describeValue(t)}`, {
        param,
      });
    }
  }
  if (query.shape[1] !== protos.shape[1]) {
    throw new DlfError(
      'INVALID_SHAPE',
      `query and protos must have the same embedding size, received [${query.shape.join(', ')}] and [${protos.shape.join(', ')}]`,
      { param: 'query' },
    );
  }
  return tf.tidy(() => {
    if (distance === 'cosine') {
      return tf.mul(
        tf.matMul(l2Normalize(query), l2Normalize(protos), false, true),
        cosineScale,
      ) as tf.Tensor2D;
    }
    // -||q - c||^2 = 2 q.c - |q|^2 - |c|^2
    const qq = tf.sum(tf.square(query), 1, true);
    const cc = tf.reshape(tf.sum(tf.square(protos), 1), [1, -1]);
    return tf.sub(tf.sub(tf.mul(tf.matMul(query, protos, false, true), 2), qq), cc) as tf.Tensor2D;
  });
}

/** @internal Class labels and class count of a task's sets, checked. */
export function taskClasses(task: Task, name = 'task'): { k: number; ys: Int32Array; yq: Int32Array } {
  const { support, query } = task;
  if (
    !(support.y instanceof Int32Array) ||
    !(query.y instanceof Int32Array) ||
    support.numClasses === undefined
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `${name} must have class labels (Int32Array y and numClasses) in both sets`,
      {
        param: name,
      },
    );
  }
  return { k: support.numClasses, ys: support.y, yq: query.y };
}

/** @internal Support and query inputs of a task as one `[ns + nq, ...inputShape]` tensor. */
export function taskInputs(model: ParamModel, task: Task, name = 'task'): tf.Tensor {
  const d = model.inputShape.reduce((a, b) => a * b, 1);
  for (const [part, set] of [
    ['support', task.support],
    ['query', task.query],
  ] as const) {
    if (set.x.length !== set.n * d || set.n < 1) {
      throw new DlfError(
        'INVALID_SHAPE',
        `${name}.${part}: examples must have ${d} values each (model input shape [${model.inputShape.join(', ')}]), received x of length ${set.x.length} for n = ${set.n}`,
        { param: name },
      );
    }
  }
  const x = new Float32Array(task.support.x.length + task.query.x.length);
  x.set(task.support.x, 0);
  x.set(task.query.x, task.support.x.length);
  return tf.tensor(x, [task.support.n + task.query.n, ...model.inputShape], 'float32');
}

/** @internal Query logits of one task from the joint embedding of its support and query sets. */
function logitsFromEmbeddings(
  emb: tf.Tensor2D,
  task: Task,
  options: ProtoNetHeadOptions,
  name: string,
): tf.Tensor2D {
  const { k, ys } = taskClasses(task, name);
  const ns = task.support.n;
  const [s, q] = tf.split(emb, [ns, task.query.n]) as [tf.Tensor2D, tf.Tensor2D];
  return protoNetLogits(q, prototypes(s, ys, k), options);
}

function oneHot(labels: Int32Array, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), k).toFloat() as tf.Tensor2D);
}

/**
 * The prototypical-network episode loss (Snell, Swersky and Zemel 2017): embed support and query
 * with `model.apply(params, .)`, build prototypes from the support set and take the softmax
 * cross-entropy of the query labels under {@link protoNetLogits}. Differentiable in `params`.
 *
 * @example
 * ```ts
 * const { grad } = valueAndGrad((w) => protoNetLoss(encoder, w, task), params);
 * ```
 */
export function protoNetLoss(
  model: ParamModel,
  params: tf.Tensor1D,
  task: Task,
  options: ProtoNetHeadOptions = {},
): tf.Scalar {
  assertParamModel('model', model);
  assertParamVector('params', params, model.numParams);
  checkHead(options);
  const { k, yq } = taskClasses(task);
  return tf.tidy(() => {
    const x = taskInputs(model, task);
    const logits = logitsFromEmbeddings(model.apply(params, x), task, options, 'task');
    return ops.softmaxCrossEntropy(oneHot(yq, k), logits);
  });
}

/**
 * Query logits `[query.n, nWay]` of a prototypical network with parameters `params` on a task, as a
 * `Float32Array` for `metaTest`.
 *
 * @example
 * ```ts
 * const { mean, ci95 } = await metaTest(testTasks, (t) => protoNetPredict(encoder, params, t));
 * ```
 */
export function protoNetPredict(
  model: ParamModel,
  params: tf.Tensor1D,
  task: Task,
  options: ProtoNetHeadOptions = {},
): Float32Array {
  assertParamModel('model', model);
  assertParamVector('params', params, model.numParams);
  checkHead(options);
  const logits = tf.tidy(() =>
    logitsFromEmbeddings(model.apply(params, taskInputs(model, task)), task, options, 'task'),
  );
  const out = Float32Array.from(logits.dataSync());
  logits.dispose();
  return out;
}

/**
 * Trains a prototypical network (Snell, Swersky and Zemel 2017): the encoder `model` is meta-trained
 * with Adam on the mean {@link protoNetLoss} of `metaBatchSize` sampled episodes per step. There is
 * no inner loop: a new task is solved by nearest prototype.
 *
 * @returns `{ params, losses, steps, aborted }`; the caller disposes `params`.
 * @example
 * ```ts
 * const encoder = mlp({ sizes: [64, 64, 32], activation: 'relu' });
 * const { params } = await protoNets(encoder, fewShotTaskSampler(train, { nWay: 5, kShot: 1, seed: 0 }), { metaSteps: 500 });
 * ```
 */
export async function protoNets(
  model: ParamModel,
  sampler: TaskSampler,
  options: ProtoNetOptions = {},
): Promise<MetaTrainResult> {
  assertParamModel('model', model);
  checkHead(options);
  return runMetaTraining(
    model.numParams,
    (seed) => model.init(seed),
    sampler,
    options,
    { outerLr: 0.001, optimizer: 'adam' },
    (w, tasks) => {
      const { value, grad } = valueAndGrad(
        (p: tf.Tensor1D) =>
          tf.div(
            tf.addN(tasks.map((t, i) => episodeLoss(model, p, t, options, `tasks[${i}]`))),
            tasks.length,
          ),
        w,
      );
      return { loss: value, grad };
    },
  );
}

function episodeLoss(
  model: ParamModel,
  w: tf.Tensor1D,
  task: Task,
  options: ProtoNetHeadOptions,
  name: string,
) {
  const { k, yq } = taskClasses(task, name);
  return tf.tidy(() => {
    const logits = logitsFromEmbeddings(model.apply(w, taskInputs(model, task, name)), task, options, name);
    return ops.softmaxCrossEntropy(oneHot(yq, k), logits);
  });
}
