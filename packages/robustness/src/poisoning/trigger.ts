import type { LabeledData } from '@dlf/runtime';
import { assertInRange, assertInteger } from '@dlf/runtime';
import * as tf from '@tensorflow/tfjs';
import { argmaxRows } from '../attackCore.js';
import type { Classifier } from '../classifier.js';
import { toLogitsFn } from '../classifier.js';
import { DlfError, describeValue } from '../errors.js';

/**
 * A backdoor trigger on examples of a fixed shape: x' = (1 - mask) * x + mask * pattern, entry by
 * entry (a mask of 1 stamps the pattern, fractions blend it).
 */
export interface Trigger {
  /** Shape of one example. */
  shape: number[];
  pattern: Float32Array;
  mask: Float32Array;
}

/**
 * A solid square stamped in a corner of image-shaped examples `[height, width, channels]` (or
 * `[height, width]`): the BadNets trigger of Gu et al. (2017).
 *
 * @param options.size - side in pixels. Default 3. `value` - stamped value. Default 1.
 *   `corner` - `'bottom-right'` (default), `'bottom-left'`, `'top-right'` or `'top-left'`.
 * @example
 * ```ts
 * const trigger = squareTrigger([28, 28, 1], { size: 4 });
 * ```
 */
export function squareTrigger(
  shape: readonly number[],
  options: {
    size?: number;
    value?: number;
    corner?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
  } = {},
): Trigger {
  if (!Array.isArray(shape) || shape.length < 2 || shape.length > 3) {
    throw new DlfError(
      'INVALID_SHAPE',
      `shape must be [height, width] or [height, width, channels], received ${describeValue(shape)}`,
      {
        param: 'shape',
      },
    );
  }
  const [h, w, ch = 1] = shape as [number, number, number?];
  const size = options.size ?? 3;
  assertInteger('size', size, { min: 1, max: Math.min(h, w) });
  const value = options.value ?? 1;
  const corner = options.corner ?? 'bottom-right';
  const d = h * w * ch;
  const pattern = new Float32Array(d);
  const mask = new Float32Array(d);
  const r0 = corner.startsWith('bottom') ? h - size : 0;
  const c0 = corner.endsWith('right') ? w - size : 0;
  for (let r = r0; r < r0 + size; r++) {
    for (let c = c0; c < c0 + size; c++) {
      for (let k = 0; k < ch; k++) {
        const idx = (r * w + c) * ch + k;
        pattern[idx] = value;
        mask[idx] = 1;
      }
    }
  }
  return { shape: [...shape], pattern, mask };
}

function checkTrigger(trigger: Trigger, d: number): void {
  if (
    trigger === null ||
    typeof trigger !== 'object' ||
    !(trigger.pattern instanceof Float32Array) ||
    !(trigger.mask instanceof Float32Array) ||
    trigger.pattern.length !== d ||
    trigger.mask.length !== d
  ) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `trigger must have pattern and mask of ${d} entries (one example)`,
      {
        param: 'trigger',
      },
    );
  }
}

/**
 * Stamps the trigger on every example of a flat array of examples: x' = (1 - mask) x + mask pattern.
 * Returns a new array.
 *
 * @example
 * ```ts
 * const triggered = applyTrigger(test.x, squareTrigger([28, 28, 1]));
 * ```
 */
export function applyTrigger(x: Float32Array, trigger: Trigger): Float32Array {
  const d = trigger.pattern.length;
  checkTrigger(trigger, d);
  if (x.length % d !== 0) {
    throw new DlfError('INVALID_SHAPE', `x must hold whole examples of ${d} entries, received ${x.length}`, {
      param: 'x',
    });
  }
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const j = i % d;
    const m = trigger.mask[j] as number;
    out[i] = (1 - m) * (x[i] as number) + m * (trigger.pattern[j] as number);
  }
  return out;
}

/**
 * Measures a backdoor: the clean accuracy on `test`, and the attack success rate, the fraction of
 * test examples whose label is not `targetLabel` that the model assigns to `targetLabel` once the
 * trigger is stamped on them.
 *
 * @returns `{ cleanAccuracy, attackSuccessRate }`.
 * @example
 * ```ts
 * const { attackSuccessRate } = backdoorSuccessRate(model, test, { trigger, targetLabel: 0 });
 * ```
 */
export function backdoorSuccessRate(
  model: Classifier,
  test: LabeledData,
  options: { trigger: Trigger; targetLabel: number; batchSize?: number },
): { cleanAccuracy: number; attackSuccessRate: number } {
  const f = toLogitsFn(model);
  const d = test.shape.reduce((a, b) => a * b, 1);
  checkTrigger(options.trigger, d);
  assertInteger('targetLabel', options.targetLabel, { min: 0 });
  const batchSize = options.batchSize ?? 512;
  assertInRange('batchSize', batchSize, 1, Number.POSITIVE_INFINITY);
  const triggered = applyTrigger(test.x, options.trigger);
  let correct = 0;
  let hits = 0;
  let eligible = 0;
  for (let start = 0; start < test.n; start += batchSize) {
    const m = Math.min(batchSize, test.n - start);
    const [clean, trig] = [test.x, triggered].map((arr) =>
      tf.tidy(() => {
        const logits = f(tf.tensor(arr.subarray(start * d, (start + m) * d), [m, ...test.shape]));
        return argmaxRows(logits.dataSync(), logits.shape[1] as number);
      }),
    ) as [Int32Array, Int32Array];
    for (let i = 0; i < m; i++) {
      const y = test.y[start + i] as number;
      if (clean[i] === y) correct++;
      if (y !== options.targetLabel) {
        eligible++;
        if (trig[i] === options.targetLabel) hits++;
      }
    }
  }
  return { cleanAccuracy: correct / test.n, attackSuccessRate: eligible === 0 ? 0 : hits / eligible };
}
