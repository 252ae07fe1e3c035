import {
  assertInteger,
  assertParamVector,
  assertPositive,
  DlfError,
  grad,
  type LabeledData,
  type LossFn,
  type ParamModel,
  valueAndGrad,
} from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import type { Task, TaskSampler } from './fewShotTaskSampler.js';
import {
  assertParamModel,
  type MetaTrainOptions,
  type MetaTrainResult,
  runMetaTraining,
} from './metaTrainLoop.js';
import {
  disposeSets,
  isClassification,
  lossFor,
  type MetaLoss,
  type SetTensors,
  setTensors,
} from './taskTensors.js';

/** Options of the inner loop (task adaptation) of MAML and its variants. */
export interface AdaptOptions {
  /** Gradient steps on the support set (0: no adaptation, which makes `maml` plain joint training). Default: 1. */
  innerSteps?: number;
  /** Inner step size alpha. Default: 0.01. */
  innerLr?: number;
  /** Task loss. Default: 'softmaxCrossEntropy' for class labels, 'quadratic' for real targets. */
  loss?: MetaLoss;
}

/** Options of {@link mamlMetaGradient}. */
export interface MamlGradientOptions extends AdaptOptions {
  /** Drop the second-order term (first-order MAML). Default: false. */
  firstOrder?: boolean;
}

/** Options of {@link maml}: the inner loop, the first-order switch and the outer loop. */
export interface MamlOptions extends MamlGradientOptions, MetaTrainOptions {}

/** What {@link mamlMetaGradient} returns; the caller disposes both tensors. */
export interface MetaGradient {
  /** Mean query loss after adaptation, `(1/T) sum_t L_query_t(phi_t)`. */
  loss: tf.Scalar;
  /** The meta-gradient `[numParams]`. */
  grad: tf.Tensor1D;
}

function checkAdapt(options: AdaptOptions): { innerSteps: number; innerLr: number } {
  const { innerSteps = 1, innerLr = 0.01 } = options;
  assertInteger('innerSteps', innerSteps, { min: 0 });
  assertPositive('innerLr', innerLr);
  return { innerSteps, innerLr };
}

/** @internal `innerSteps` steps of gradient descent from `w`; differentiable with respect to `w`. */
export function adaptOnTensors(
  model: ParamModel,
  w: tf.Tensor1D,
  support: SetTensors,
  loss: LossFn,
  innerSteps: number,
  innerLr: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    let phi = w;
    for (let s = 0; s < innerSteps; s++) {
      const g = grad((p: tf.Tensor1D) => loss(support.y, model.apply(p, support.x)), phi);
      phi = tf.sub(phi, tf.mul(g, innerLr));
    }
    return phi === w ? tf.clone(w) : phi;
  });
}

/**
 * Task adaptation, MAML's inner loop: `phi = w - alpha grad L_support(w)`, repeated `innerSteps`
 * times. Built from the runtime's second-order-safe gradient, so the result is differentiable with
 * respect to `params` when called inside `grad`/`valueAndGrad`.
 *
 * @returns the adapted parameters `[numParams]` (the caller disposes them).
 * @example
 * ```ts
 * const phi = mamlAdapt(model, params, task.support, { innerSteps: 5, innerLr: 0.01 });
 * const predictions = model.apply(phi, xQuery);
 * ```
 */
export function mamlAdapt(
  model: ParamModel,
  params: tf.Tensor1D,
  support: LabeledData,
  options: AdaptOptions = {},
): tf.Tensor1D {
  assertParamModel('model', model);
  assertParamVector('params', params, model.numParams);
  const { innerSteps, innerLr } = checkAdapt(options);
  const loss = lossFor(options.loss, support);
  const s = setTensors('support', support, model.inputShape, model.outputSize);
  try {
    return adaptOnTensors(model, params, s, loss, innerSteps, innerLr);
  } finally {
    disposeSets([s]);
  }
}

/**
 * The MAML meta-gradient (Finn, Abbeel and Levine 2017) over a batch of tasks:
 * `grad_w (1/T) sum_t L_query_t(phi_t(w))` with `phi_t(w)` the result of {@link mamlAdapt} on the
 * task's support set. Exact: differentiated through the inner gradient steps by double
 * backpropagation (for one step, `(I - alpha H_support(w)) grad L_query(phi)`). With
 * `firstOrder: true` the Jacobian of `phi` is replaced by the identity (first-order MAML):
 * `(1/T) sum_t grad L_query_t(phi_t)`.
 *
 * @returns `{ loss, grad }`: the mean query loss after adaptation and the meta-gradient.
 * @example
 * ```ts
 * const { loss, grad } = mamlMetaGradient(model, params, sampler.sampleBatch(4), { innerLr: 0.01 });
 * ```
 */
export function mamlMetaGradient(
  model: ParamModel,
  params: tf.Tensor1D,
  tasks: readonly Task[],
  options: MamlGradientOptions = {},
): MetaGradient {
  assertParamModel('model', model);
  assertParamVector('params', params, model.numParams);
  if (!Array.isArray(tasks) || tasks.length === 0) {
    throw new DlfError('INVALID_ARGUMENT', 'tasks must be a non-empty array of tasks, received none', {
      param: 'tasks',
    });
  }
  const { innerSteps, innerLr } = checkAdapt(options);
  const firstOrder = options.firstOrder ?? false;
  const sets: SetTensors[] = [];
  try {
    const prepared = tasks.map((task, i) => {
      const support = setTensors(`tasks[${i}].support`, task.support, model.inputShape, model.outputSize);
      sets.push(support);
      const query = setTensors(`tasks[${i}].query`, task.query, model.inputShape, model.outputSize);
      sets.push(query);
      return {
        support,
        query,
        supportLoss: lossFor(options.loss, task.support),
        queryLoss: lossFor(options.loss, task.query),
      };
    });
    const T = prepared.length;
    if (canBatch(model, tasks, options.loss)) {
      return batchedMetaGradient(model, params, prepared, innerSteps, innerLr, firstOrder);
    }
    if (!firstOrder) {
      const { value, grad: g } = valueAndGrad((w: tf.Tensor1D) => {
        const terms = prepared.map((p) => {
          const phi = adaptOnTensors(model, w, p.support, p.supportLoss, innerSteps, innerLr);
          return p.queryLoss(p.query.y, model.apply(phi, p.query.x));
        });
        return tf.div(tf.addN(terms), T);
      }, params);
      return { loss: value, grad: g };
    }
    return tf.tidy(() => {
      const values: tf.Tensor[] = [];
      const grads: tf.Tensor[] = [];
      for (const p of prepared) {
        const phi = adaptOnTensors(model, params, p.support, p.supportLoss, innerSteps, innerLr);
        const r = valueAndGrad((v: tf.Tensor1D) => p.queryLoss(p.query.y, model.apply(v, p.query.x)), phi);
        values.push(r.value);
        grads.push(r.grad);
      }
      return {
        loss: tf.div(tf.addN(values), T) as tf.Scalar,
        grad: tf.div(tf.addN(grads), T) as tf.Tensor1D,
      };
    });
  } finally {
    disposeSets(sets);
  }
}

interface PreparedTask {
  support: SetTensors;
  query: SetTensors;
  supportLoss: LossFn;
  queryLoss: LossFn;
}

/**
 * @internal Whether all tasks can go through one vectorised pass: the model has `applyPerExample`,
 * the loss is a built-in one (a mean of per-example terms), and all support sets (and all query
 * sets) have the same size and kind of labels, so that `sum_t L_t = T * L(all examples)`.
 */
function canBatch(model: ParamModel, tasks: readonly Task[], loss: MetaLoss | undefined): boolean {
  if (typeof model.applyPerExample !== 'function' || typeof loss === 'function' || tasks.length < 2)
    return false;
  const first = tasks[0] as Task;
  return tasks.every(
    (t) =>
      t.support.n === first.support.n &&
      t.query.n === first.query.n &&
      isClassification(t.support) === isClassification(first.support) &&
      isClassification(t.query) === isClassification(first.query) &&
      t.support.numClasses === first.support.numClasses &&
      t.query.numClasses === first.query.numClasses,
  );
}

/** @internal Rows of `phi` `[T, m]`, each repeated `n` times: `[T * n, m]`. */
function repeatRows(phi: tf.Tensor2D, n: number): tf.Tensor2D {
  const [T, m] = phi.shape;
  return tf.reshape(tf.broadcastTo(tf.expandDims(phi, 1), [T, n, m]), [T * n, m]);
}

/**
 * @internal `innerSteps` gradient steps for all tasks at once: `Phi` `[T, m]` holds one parameter
 * vector per task and `sum_t L_t(Phi_t) = T * L(all examples)` has row t of its gradient equal to
 * `grad L_t(Phi_t)`. Same mathematics as the per-task loop, a T-th of the kernel launches.
 */
function batchedAdapt(
  model: ParamModel,
  phi0: tf.Tensor2D,
  support: SetTensors,
  loss: LossFn,
  nSupport: number,
  innerSteps: number,
  innerLr: number,
): tf.Tensor2D {
  const perExample = model.applyPerExample as NonNullable<ParamModel['applyPerExample']>;
  const T = phi0.shape[0];
  let phi = phi0;
  for (let s = 0; s < innerSteps; s++) {
    const g = grad(
      (p: tf.Tensor2D) => tf.mul(loss(support.y, perExample(repeatRows(p, nSupport), support.x)), T),
      phi,
    );
    phi = tf.sub(phi, tf.mul(g, innerLr));
  }
  return phi;
}

function concatSets(sets: SetTensors[]): SetTensors {
  return { x: tf.concat(sets.map((s) => s.x)), y: tf.concat(sets.map((s) => s.y)) };
}

function batchedMetaGradient(
  model: ParamModel,
  params: tf.Tensor1D,
  prepared: PreparedTask[],
  innerSteps: number,
  innerLr: number,
  firstOrder: boolean,
): MetaGradient {
  const T = prepared.length;
  const first = prepared[0] as PreparedTask;
  const nS = first.support.x.shape[0] as number;
  const nQ = first.query.x.shape[0] as number;
  const perExample = model.applyPerExample as NonNullable<ParamModel['applyPerExample']>;
  return tf.tidy(() => {
    const support = concatSets(prepared.map((p) => p.support));
    const query = concatSets(prepared.map((p) => p.query));
    const queryLoss = (phi: tf.Tensor2D) =>
      first.queryLoss(query.y, perExample(repeatRows(phi, nQ), query.x));
    if (!firstOrder) {
      const { value, grad: g } = valueAndGrad((w: tf.Tensor1D) => {
        const phi0 = tf.broadcastTo(tf.expandDims(w, 0), [T, w.shape[0]]) as tf.Tensor2D;
        return queryLoss(batchedAdapt(model, phi0, support, first.supportLoss, nS, innerSteps, innerLr));
      }, params);
      return { loss: value, grad: g };
    }
    const phi0 = tf.broadcastTo(tf.expandDims(params, 0), [T, params.shape[0]]) as tf.Tensor2D;
    const phi = batchedAdapt(model, phi0, support, first.supportLoss, nS, innerSteps, innerLr);
    // d/dPhi of mean_t L_t(Phi_t) has rows grad L_t(Phi_t) / T; their sum is the first-order meta-gradient.
    const { value, grad: g } = valueAndGrad(queryLoss, phi);
    return { loss: value, grad: tf.sum(g, 0) as tf.Tensor1D };
  });
}

/**
 * Model-agnostic meta-learning (Finn, Abbeel and Levine 2017): learns an initialisation `w` from
 * which `innerSteps` gradient steps on a new task's support set fit it, by descending the
 * {@link mamlMetaGradient} (second order, exact) of `metaBatchSize` sampled tasks per step with
 * Adam (`outerLr`, default 0.001).
 *
 * @returns `{ params, losses, steps, aborted }`; the caller disposes `params`.
 * @example
 * ```ts
 * const model = mlp({ sizes: [1, 40, 40, 1], activation: 'relu' });
 * const { params } = await maml(model, sinusoidTaskSampler({ kShot: 10, seed: 0 }), { metaSteps: 2000 });
 * const phi = mamlAdapt(model, params, newTask.support, { innerSteps: 1 });
 * ```
 */
export async function maml(
  model: ParamModel,
  sampler: TaskSampler,
  options: MamlOptions = {},
): Promise<MetaTrainResult> {
  assertParamModel('model', model);
  checkAdapt(options);
  return runMetaTraining(
    model.numParams,
    (seed) => model.init(seed),
    sampler,
    options,
    { outerLr: 0.001, optimizer: 'adam' },
    (w, tasks) => mamlMetaGradient(model, w, tasks, options),
  );
}

/**
 * First-order MAML (Finn et al. 2017, section 5.2): {@link maml} with the meta-gradient
 * `(1/T) sum_t grad L_query_t(phi_t)`, no second derivatives.
 *
 * @example
 * ```ts
 * const { params } = await fomaml(model, sampler, { metaSteps: 2000, innerLr: 0.01 });
 * ```
 */
export async function fomaml(
  model: ParamModel,
  sampler: TaskSampler,
  options: Omit<MamlOptions, 'firstOrder'> = {},
): Promise<MetaTrainResult> {
  return maml(model, sampler, { ...options, firstOrder: true });
}

/**
 * Adapts `params` to a task's support set ({@link mamlAdapt}) and returns the model's outputs on
 * the query set, row-major `[query.n, outputSize]` (logits for classification), for `metaTest`.
 *
 * @example
 * ```ts
 * const result = metaTest(testTasks, (task) => mamlPredict(model, params, task, { innerSteps: 5 }));
 * ```
 */
export function mamlPredict(
  model: ParamModel,
  params: tf.Tensor1D,
  task: Task,
  options: AdaptOptions = {},
): Float32Array {
  const phi = mamlAdapt(model, params, task.support, options);
  const q = setTensors('task.query', task.query, model.inputShape, model.outputSize);
  try {
    const out = tf.tidy(() => model.apply(phi, q.x));
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return Float32Array.from(values);
  } finally {
    phi.dispose();
    disposeSets([q]);
  }
}
