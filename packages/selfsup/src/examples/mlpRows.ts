/** One dense layer in the flat parameter layout of the runtime's `mlp` (`h' = act(h W + b)`). */
export interface DenseLayer {
  fanIn: number;
  fanOut: number;
  /** Offset of the row-major `[fanIn, fanOut]` weight matrix in the flat vector. */
  weightOffset: number;
  /** Offset of the `[fanOut]` bias, or -1 without biases. */
  biasOffset: number;
  /** ReLU after the layer (else linear). */
  relu: boolean;
}

/**
 * The forward pass of a ReLU/linear `mlp` (standard parameterisation) in plain JavaScript, for the
 * `n` rows of `x`: the examples use it to classify drawings after training, when no tensor is kept.
 * Equals `model.apply(w, x)` up to float rounding.
 */
export function mlpRows(
  layers: readonly DenseLayer[],
  w: ArrayLike<number>,
  x: Float32Array,
  n: number,
): Float32Array {
  let h = x;
  for (const l of layers) {
    const out = new Float32Array(n * l.fanOut);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < l.fanOut; o++) {
        let s = l.biasOffset >= 0 ? (w[l.biasOffset + o] as number) : 0;
        for (let j = 0; j < l.fanIn; j++)
          s += (h[i * l.fanIn + j] as number) * (w[l.weightOffset + j * l.fanOut + o] as number);
        out[i * l.fanOut + o] = l.relu && s < 0 ? 0 : s;
      }
    }
    h = out;
  }
  return h;
}
