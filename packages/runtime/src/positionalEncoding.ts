import * as tf from '@tensorflow/tfjs';
import { DlfError } from './DlfError.js';
import { assertInteger } from './validate.js';

/**
 * The sinusoidal position table of Vaswani et al. (2017), row-major `[length, dim]`:
 * `PE[pos, 2i] = sin(pos / 10000^(2i / dim))`, `PE[pos, 2i + 1] = cos(pos / 10000^(2i / dim))`.
 * Computed in float64, returned as float32.
 *
 * @example
 * ```ts
 * const pe = sinusoidalTable(50, 16); // Float32Array of 800 entries; pe[0] = sin(0) = 0, pe[1] = cos(0) = 1
 * ```
 */
export function sinusoidalTable(length: number, dim: number): Float32Array {
  assertInteger('length', length, { min: 1 });
  assertInteger('dim', dim, { min: 1 });
  const table = new Float32Array(length * dim);
  for (let pos = 0; pos < length; pos++) {
    for (let k = 0; k < dim; k++) {
      const pair = k - (k % 2);
      const angle = pos / 10000 ** (pair / dim);
      table[pos * dim + k] = k % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return table;
}

/**
 * A layer that adds the sinusoidal position table ({@link sinusoidalTable}) to a sequence of
 * vectors: `[batch, length, dim] -> [batch, length, dim]`, `y[b, t] = x[b, t] + PE[t]`. No
 * weights. Registered with `tf.serialization` (class name `PositionalEncoding`), so models using
 * it save, load and export; an exporter gets the constant from `table(length, dim)`.
 *
 * @example
 * ```ts
 * const layer = positionalEncoding();
 * const y = layer.apply(tf.zeros([1, 4, 8])) as tf.Tensor; // the table itself
 * ```
 */
export class PositionalEncoding extends tf.layers.Layer {
  static className = 'PositionalEncoding';

  private readonly cache = new Map<string, Float32Array>();

  /** The table added for inputs of this length and width (cached). */
  table(length: number, dim: number): Float32Array {
    const key = `${length}x${dim}`;
    let t = this.cache.get(key);
    if (!t) {
      t = sinusoidalTable(length, dim);
      this.cache.set(key, t);
    }
    return t;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      if (x.rank !== 3) {
        throw new DlfError(
          'INVALID_SHAPE',
          `PositionalEncoding expects inputs [batch, length, dim], received [${x.shape.join(', ')}]`,
          { param: 'inputs' },
        );
      }
      const [, length, dim] = x.shape as [number, number, number];
      return tf.add(x, tf.tensor2d(this.table(length, dim), [length, dim]));
    });
  }
}
tf.serialization.registerClass(PositionalEncoding);

/**
 * Creates a {@link PositionalEncoding} layer (sinusoidal, Vaswani et al. 2017): adds
 * `PE[t, 2i] = sin(t / 10000^(2i/d))`, `PE[t, 2i+1] = cos(...)` to each position `t` of a
 * `[batch, length, d]` input.
 *
 * @param options - ordinary tfjs layer options (`name`, `inputShape`, ...).
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 20, outputDim: 16, inputLength: 10 }), positionalEncoding()] });
 * ```
 */
export function positionalEncoding(
  options: ConstructorParameters<typeof tf.layers.Layer>[0] = {},
): PositionalEncoding {
  return new PositionalEncoding(options);
}
