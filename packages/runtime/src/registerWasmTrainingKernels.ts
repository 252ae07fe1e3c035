import * as tf from '@tensorflow/tfjs';

/**
 * The parts of tfjs-backend-wasm's backend object the kernels below use (it is not exported as a
 * type by tfjs; these are stable public methods of `BackendWasm` in 4.x).
 */
interface WasmBackendLike {
  readSync(dataId: object): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): boolean;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

const PATCHED = Symbol.for('dlf.wasmKernelPatched');

function kernel(name: string): tf.KernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`dlf: the wasm kernel ${name} is not registered`);
  return config.kernelFunc;
}

function run(name: string, args: KernelArgs): tf.TensorInfo {
  return kernel(name)(args) as tf.TensorInfo;
}

/**
 * The filter gradient of a 2-D convolution (NHWC) as one more convolution, so that it runs in
 * XNNPACK: `dW[i, j, c, o] = sum_{b, y, x} xpad[b, s*y + i, s*x + j, c] dy[b, y, x, o]` is the
 * valid convolution of `xpad` with batch and channel axes swapped (`[inC, H, W, batch]`) by `dy`
 * used as a filter (`[outH, outW, batch, outC]`) with dilation = the forward stride. Its output
 * `[inC, kh', kw', outC]` (kh' >= kh when the padded input has rows no output uses) is cropped and
 * reordered to `[kh, kw, inC, outC]` on the JS side (a small tensor).
 */
function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const wasm = backend as unknown as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') {
    throw new Error('dlf wasm Conv2DBackpropFilter supports only NHWC (channelsLast) data');
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, bottom, left, right } = info.padInfo;
  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    let padded = x;
    if (top > 0 || bottom > 0 || left > 0 || right > 0) {
      const paddings = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      padded = keep(run('PadV2', { inputs: { x }, backend, attrs: { paddings, constantValue: 0 } }));
    }
    const xSwapped = keep(
      run('Transpose', { inputs: { x: padded }, backend, attrs: { perm: [3, 1, 2, 0] } }),
    );
    const dyFilter = keep(run('Transpose', { inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }));
    const full = keep(
      run('Conv2D', {
        inputs: { x: xSwapped, filter: dyFilter },
        backend,
        attrs: {
          strides: [1, 1],
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: [strideHeight, strideWidth],
          dimRoundingMode: undefined as unknown as string,
        },
      }),
    );
    const [, fullH, fullW] = full.shape as [number, number, number, number];
    const values = wasm.readSync(full.dataId);
    const out = wasm.makeOutput([...filterShape], 'float32');
    const target = wasm.typedArrayFromHeap(out);
    for (let i = 0; i < filterHeight; i++) {
      for (let j = 0; j < filterWidth; j++) {
        for (let c = 0; c < inChannels; c++) {
          const src = ((c * fullH + i) * fullW + j) * outChannels;
          const dst = ((i * filterWidth + j) * inChannels + c) * outChannels;
          for (let o = 0; o < outChannels; o++) target[dst + o] = values[src + o] as number;
        }
      }
    }
    return out;
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId);
  }
}

/**
 * The input gradient of a 2-D convolution (NHWC) as a stride-1 convolution in XNNPACK, replacing
 * the wasm backend's direct loop (about 10x slower at stride 1, 2x at stride 2): `dx` is the valid
 * convolution of `dy` up-sampled by the strides (zeros in between) and padded by `k - 1 - pad`,
 * with the filter rotated by 180 degrees and its channel axes swapped. Returns undefined for
 * configurations this does not cover (padding wider than the kernel), which then go to the
 * original kernel.
 */
function conv2dBackpropInputFast(args: KernelArgs): tf.TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const wasm = backend as unknown as WasmBackendLike;
  const dy = inputs.dy as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight, outWidth } = info;
  const { inChannels, outChannels } = info;
  const [, height, width] = inputShape;
  const padTop = kh - 1 - info.padInfo.top;
  const padLeft = kw - 1 - info.padInfo.left;
  const padBottom = height + info.padInfo.top - sh * outHeight;
  const padRight = width + info.padInfo.left - sw * outWidth;
  if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) return undefined;
  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    // Zero up-sampling by the strides with two rank-3 pads (the wasm PadV2 is native; its
    // DepthToSpace is not): each row of C values gets sw - 1 zero rows after it (width), then each
    // image row gets sh - 1 zero rows after it (height).
    const batch = dy.shape[0] as number;
    let up = dy;
    if (sw > 1) {
      const cells = keep(
        run('Reshape', {
          inputs: { x: up },
          backend,
          attrs: { shape: [batch * outHeight * outWidth, 1, outChannels] },
        }),
      );
      up = keep(
        run('PadV2', {
          inputs: { x: cells },
          backend,
          attrs: {
            paddings: [
              [0, 0],
              [0, sw - 1],
              [0, 0],
            ],
            constantValue: 0,
          },
        }),
      );
    }
    if (sh > 1) {
      const lines = keep(
        run('Reshape', {
          inputs: { x: up },
          backend,
          attrs: { shape: [batch * outHeight, 1, outWidth * sw * outChannels] },
        }),
      );
      up = keep(
        run('PadV2', {
          inputs: { x: lines },
          backend,
          attrs: {
            paddings: [
              [0, 0],
              [0, sh - 1],
              [0, 0],
            ],
            constantValue: 0,
          },
        }),
      );
    }
    if (up !== dy) {
      up = keep(
        run('Reshape', {
          inputs: { x: up },
          backend,
          attrs: { shape: [batch, outHeight * sh, outWidth * sw, outChannels] },
        }),
      );
    }
    let padded = up;
    if (padTop > 0 || padBottom > 0 || padLeft > 0 || padRight > 0) {
      const paddings = [
        [0, 0],
        [padTop, padBottom],
        [padLeft, padRight],
        [0, 0],
      ];
      padded = keep(run('PadV2', { inputs: { x: up }, backend, attrs: { paddings, constantValue: 0 } }));
    }
    const rotated = keep(run('Reverse', { inputs: { x: filter }, backend, attrs: { dims: [0, 1] } }));
    const swapped = keep(
      run('Transpose', { inputs: { x: rotated }, backend, attrs: { perm: [0, 1, 3, 2] } }),
    );
    const dx = run('Conv2D', {
      inputs: { x: padded, filter: swapped },
      backend,
      attrs: {
        strides: [1, 1],
        pad: 'valid',
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined as unknown as string,
      },
    });
    if (dx.shape[3] !== inChannels) throw new Error('dlf wasm Conv2DBackpropInput: unexpected output shape');
    return dx;
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId);
  }
}

/**
 * The gradient of non-overlapping max pooling (window = stride = s >= 2, no padding: the 2x2
 * pooling of CNNs) from XNNPACK and elementwise kernels, replacing the wasm backend's scalar loop.
 * Phase `(p, q)` of the input, `x[:, s*i + p, s*j + q, :]`, is cut out by a stride-s depthwise
 * convolution with a one-hot filter; `S_k = step(y - phase_k)` is 1 where that phase is not the
 * window's maximum. Each window's gradient `dy` goes to the first phase, in row-major order, that
 * attains the maximum (how tfjs's cpu backend breaks ties): with `M = dy`, for each phase in
 * order `G_k = M - S_k M` and `M <- S_k M`. The `G_k` are interleaved back into `[b, h, w, c]`.
 * Returns undefined for other pooling configurations (the original kernel runs).
 */
function maxPoolGradFast(args: KernelArgs): tf.TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const wasm = backend as unknown as WasmBackendLike;
  const dy = inputs.dy as tf.TensorInfo;
  const x = inputs.input as tf.TensorInfo;
  const y = inputs.output as tf.TensorInfo;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  if (x.dtype !== 'float32' || x.shape.length !== 4) return undefined;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const s = info.strideHeight;
  const { top, bottom, left, right } = info.padInfo;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  if (
    s < 2 ||
    info.strideWidth !== s ||
    info.filterHeight !== s ||
    info.filterWidth !== s ||
    top + bottom + left + right !== 0 ||
    inHeight !== s * outHeight ||
    inWidth !== s * outWidth
  ) {
    return undefined;
  }
  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    const grads: tf.TensorInfo[] = [];
    let remaining = dy;
    for (let p = 0; p < s; p++) {
      for (let q = 0; q < s; q++) {
        const filter = keep(wasm.makeOutput([s, s, inChannels, 1], 'float32'));
        const taps = wasm.typedArrayFromHeap(filter);
        taps.fill(0);
        taps.fill(1, (p * s + q) * inChannels, (p * s + q + 1) * inChannels);
        const phase = keep(
          run('DepthwiseConv2dNative', {
            inputs: { x, filter },
            backend,
            attrs: { strides: [s, s], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' },
          }),
        );
        const gap = keep(run('Sub', { inputs: { a: y, b: phase }, backend, attrs: {} }));
        const notMax = keep(run('Step', { inputs: { x: gap }, backend, attrs: { alpha: 0 } }));
        const passed = keep(run('Multiply', { inputs: { a: notMax, b: remaining }, backend, attrs: {} }));
        grads.push(keep(run('Sub', { inputs: { a: remaining, b: passed }, backend, attrs: {} })));
        remaining = passed;
      }
    }
    // [b, oh, ow, (p, q, c)] -> [b*oh, ow, p, (q, c)] -> [b*oh, p, ow, (q, c)] = [b, h, w, c].
    const stacked = keep(
      run('Concat', { inputs: grads as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis: 3 } }),
    );
    const split = keep(
      run('Reshape', {
        inputs: { x: stacked },
        backend,
        attrs: { shape: [batchSize * outHeight, outWidth, s, s * inChannels] },
      }),
    );
    const moved = keep(run('Transpose', { inputs: { x: split }, backend, attrs: { perm: [0, 2, 1, 3] } }));
    return run('Reshape', { inputs: { x: moved }, backend, attrs: { shape: [...x.shape] } });
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId);
  }
}

/**
 * `out[s] = sum_{i : segmentIds[i] = s} x[i]` (ids outside `0..numSegments-1` are dropped, as in
 * TensorFlow), accumulated in index order in JavaScript: exact and deterministic. This is the
 * gradient of `gather`, so of `Embedding` layers.
 */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const wasm = backend as unknown as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const segmentIds = inputs.segmentIds as tf.TensorInfo;
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const idsRank = segmentIds.shape.length;
  const inner = x.shape.slice(idsRank);
  const innerSize = inner.reduce((a, b) => a * b, 1);
  const ids = wasm.readSync(segmentIds.dataId);
  const values = wasm.readSync(x.dataId);
  const out = wasm.makeOutput([numSegments, ...inner], x.dtype);
  const target = wasm.typedArrayFromHeap(out);
  target.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * innerSize;
    const dst = s * innerSize;
    for (let k = 0; k < innerSize; k++) {
      target[dst + k] = (target[dst + k] as number) + (values[src + k] as number);
    }
  }
  return out;
}

/** The last two axes swapped. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return perm;
}

/**
 * Wraps a matrix-product kernel so that transposed operands are transposed explicitly first: the
 * wasm backend runs `transposeA`/`transposeB` products outside XNNPACK, about 10x slower than a
 * transpose followed by a plain product. Same result (a transpose is exact).
 */
function untransposed(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const wasm = backend as unknown as WasmBackendLike;
    const temps: tf.TensorInfo[] = [];
    const flip = (t: tf.TensorInfo): tf.TensorInfo => {
      const out = run('Transpose', {
        inputs: { x: t },
        backend,
        attrs: { perm: swapLastTwo(t.shape.length) },
      });
      temps.push(out);
      return out;
    };
    const newInputs: tf.NamedTensorInfoMap = { ...inputs };
    if (transposeA) newInputs.a = flip(inputs.a as tf.TensorInfo);
    if (transposeB) newInputs.b = flip(inputs.b as tf.TensorInfo);
    try {
      return original.kernelFunc({
        inputs: newInputs,
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temps) wasm.disposeData(t.dataId);
    }
  };
  (kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] = true;
  return { ...original, kernelFunc };
}

/**
 * Makes the tfjs wasm backend (4.22) able to train every model the dlf builders make, and faster:
 *
 * - registers `Conv2DBackpropFilter` (missing from tfjs-backend-wasm: without it `Conv2D` layers
 *   cannot be trained on wasm), computed as a convolution in XNNPACK;
 * - registers `UnsortedSegmentSum` (missing: the gradient of `gather`, so of `Embedding` layers);
 * - routes matrix products with transposed operands (every backward pass of a dense layer) through
 *   an explicit transpose and XNNPACK: MLP training steps 3.5x faster (see the package README);
 * - computes `Conv2DBackpropInput` as a stride-1 XNNPACK convolution and the gradient of 2x2-style
 *   max pooling from XNNPACK and elementwise kernels, instead of the backend's scalar loops.
 *
 * Results equal the cpu backend's up to float32 rounding (max-pool ties go to the first maximum
 * in the window, as on cpu; the stock wasm kernel breaks them differently). Configurations the
 * replacements do not cover run the original kernels. Idempotent; does nothing when the wasm
 * backend is not loaded (import `@tensorflow/tfjs-backend-wasm` or call `setupBackend` first).
 * `fit` calls it; call it yourself before differentiating CNNs or embeddings on wasm otherwise.
 *
 * @returns the kernels it registered or replaced in this call (empty when already done).
 * @example
 * ```ts
 * await setupBackend(); // wasm in Node
 * registerWasmTrainingKernels(); // ['Conv2DBackpropFilter', 'UnsortedSegmentSum', 'Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', '_FusedMatMul']
 * ```
 */
export function registerWasmTrainingKernels(): string[] {
  const changed: string[] = [];
  if (!tf.getKernel('BatchMatMul', 'wasm')) return changed;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: conv2dBackpropFilter,
    });
    changed.push('Conv2DBackpropFilter');
  }
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSum,
    });
    changed.push('UnsortedSegmentSum');
  }
  const backpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (backpropInput && !(backpropInput.kernelFunc as unknown as Record<symbol, boolean>)[PATCHED]) {
    const original = backpropInput.kernelFunc;
    const kernelFunc = (args: KernelArgs) => conv2dBackpropInputFast(args) ?? original(args);
    (kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] = true;
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({ ...backpropInput, kernelFunc });
    changed.push('Conv2DBackpropInput');
  }
  const poolGrad = tf.getKernel('MaxPoolGrad', 'wasm');
  if (poolGrad && !(poolGrad.kernelFunc as unknown as Record<symbol, boolean>)[PATCHED]) {
    const original = poolGrad.kernelFunc;
    const kernelFunc = (args: KernelArgs) => maxPoolGradFast(args) ?? original(args);
    (kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] = true;
    tf.unregisterKernel('MaxPoolGrad', 'wasm');
    tf.registerKernel({ ...poolGrad, kernelFunc });
    changed.push('MaxPoolGrad');
  }
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const config = tf.getKernel(name, 'wasm');
    if (!config || (config.kernelFunc as unknown as Record<symbol, boolean>)[PATCHED]) continue;
    const replacement = untransposed(config);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(replacement);
    changed.push(name);
  }
  return changed;
}
