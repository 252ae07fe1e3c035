import {
  assertInteger,
  assertLabeledData,
  DlfError,
  type LabeledData,
  type SeedLike,
  toRng,
} from '@dlf/runtime';
import { describeValue } from './describeValue.js';

/** A labeled set whose labels are class indices `0..numClasses-1`. */
export interface ClassData extends LabeledData {
  y: Int32Array;
  numClasses: number;
}

/** Any few-shot task: a support set to adapt on and a query set to evaluate on. */
export interface Task {
  support: LabeledData;
  query: LabeledData;
}

/**
 * An N-way K-shot classification task. Labels are remapped to `0..nWay-1`: new label `j` is the
 * original class `classes[j]`. Both sets are ordered class by class (label 0 first).
 */
export interface FewShotTask extends Task {
  support: ClassData;
  query: ClassData;
  /** The original class of each new label. */
  classes: number[];
}

/** Draws tasks from one seeded stream: same seed, same sequence of tasks. */
export interface TaskSampler<T extends Task = Task> {
  /** The next task. */
  sample(): T;
  /** The next `count` tasks. */
  sampleBatch(count: number): T[];
}

/** Options of {@link fewShotTaskSampler}. */
export interface FewShotTaskSamplerOptions {
  /** N, classes per task. Default: 5. */
  nWay?: number;
  /** K, support examples per class. Default: 1. */
  kShot?: number;
  /** Query examples per class. Default: 15. */
  kQuery?: number;
  /**
   * The original classes tasks may use (for example the meta-training classes, with the others held
   * out for meta-testing). Default: every class that has at least `kShot + kQuery` examples.
   */
  classes?: readonly number[];
  /** Seed or generator. Default: 0. */
  seed?: SeedLike;
}

/**
 * N-way K-shot tasks from any labeled dataset (the episodes of Vinyals et al. 2016): each task picks
 * `nWay` distinct classes uniformly, then `kShot + kQuery` distinct examples of each class uniformly
 * without replacement; the first `kShot` go to the support set, the rest to the query set, and the
 * labels are remapped to `0..nWay-1` in the order the classes were drawn.
 *
 * @param data - examples with class-index labels (`Int32Array` y; `numClasses` or the largest label + 1).
 * @returns a sampler with `sample()` and `sampleBatch(count)`, each task `{ support, query, classes }`.
 * @throws DlfError `INVALID_DATA` for inconsistent data, `INVALID_ARGUMENT` when fewer than `nWay`
 * classes have `kShot + kQuery` examples.
 * @example
 * ```ts
 * const { train } = await loadDigits();
 * const tasks = fewShotTaskSampler(train, { nWay: 5, kShot: 1, kQuery: 15, classes: [0, 1, 2, 3, 4, 5], seed: 0 });
 * const { support, query, classes } = tasks.sample(); // support.n = 5, query.n = 75
 * ```
 */
export function fewShotTaskSampler(
  data: LabeledData,
  options: FewShotTaskSamplerOptions = {},
): TaskSampler<FewShotTask> {
  assertLabeledData('data', data);
  if (!(data.y instanceof Int32Array)) {
    throw new DlfError(
      'INVALID_DATA',
      'data: y must be an Int32Array of class indices for few-shot classification, received real targets',
      { param: 'data' },
    );
  }
  const { nWay = 5, kShot = 1, kQuery = 15, seed } = options;
  assertInteger('nWay', nWay, { min: 2 });
  assertInteger('kShot', kShot, { min: 1 });
  assertInteger('kQuery', kQuery, { min: 0 });
  const y = data.y;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < data.n; i++) {
    const c = y[i] as number;
    if (c < 0) {
      throw new DlfError('INVALID_DATA', `data: y[${i}] = ${c} is not a class index (expected >= 0)`, {
        param: 'data',
      });
    }
    let list = byClass.get(c);
    if (!list) {
      list = [];
      byClass.set(c, list);
    }
    list.push(i);
  }
  const perClass = kShot + kQuery;
  let pool: number[];
  if (options.classes !== undefined) {
    const given = options.classes;
    if (!Array.isArray(given)) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `classes must be an array of class indices, received ${describeValue(given)}`,
        { param: 'classes' },
      );
    }
    pool = [...new Set(given)];
    for (const c of pool) {
      const count = byClass.get(c)?.length ?? 0;
      if (count < perClass) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `classes: class ${c} has ${count} examples, but kShot + kQuery = ${perClass} are needed`,
          { param: 'classes' },
        );
      }
    }
  } else {
    pool = [...byClass.keys()].filter((c) => (byClass.get(c)?.length ?? 0) >= perClass).sort((a, b) => a - b);
  }
  if (pool.length < nWay) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `nWay must be at most the number of usable classes (${pool.length} with >= ${perClass} examples), received ${nWay}`,
      { param: 'nWay' },
    );
  }
  const rng = toRng(seed);
  const d = data.x.length / Math.max(data.n, 1);
  const shape = [...data.shape];

  const build = (rows: number[][], count: number): ClassData => {
    const n = rows.length * count;
    const x = new Float32Array(n * d);
    const labels = new Int32Array(n);
    let k = 0;
    rows.forEach((list, label) => {
      for (const i of list) {
        x.set(data.x.subarray(i * d, (i + 1) * d), k * d);
        labels[k] = label;
        k++;
      }
    });
    return { x, y: labels, n, shape: [...shape], numClasses: nWay };
  };

  const sample = (): FewShotTask => {
    const classes = partialShuffle(pool, nWay, rng);
    const support: number[][] = [];
    const query: number[][] = [];
    for (const c of classes) {
      const picked = partialShuffle(byClass.get(c) as number[], perClass, rng);
      support.push(picked.slice(0, kShot));
      query.push(picked.slice(kShot));
    }
    return { support: build(support, kShot), query: build(query, kQuery), classes };
  };
  return {
    sample,
    sampleBatch(count: number): FewShotTask[] {
      assertInteger('count', count, { min: 1 });
      return Array.from({ length: count }, sample);
    },
  };
}

/** The first `count` entries of a seeded Fisher-Yates shuffle of a copy of `items`. */
function partialShuffle(items: readonly number[], count: number, rng: { int(a: number, b: number): number }) {
  const a = [...items];
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, a.length);
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
  return a.slice(0, count);
}
