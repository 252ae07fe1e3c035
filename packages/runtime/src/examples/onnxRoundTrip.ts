import type * as TF from '@tensorflow/tfjs';
import { DlfError, describeValue } from '../DlfError.js';
import { twoMoons as makeTwoMoons } from '../data/twoMoons.js';
import { assertInteger, assertPositive } from '../validate.js';
import { defineExample } from './defineExample.js';
import { createPlaneView } from './planeView.js';

/** Options of the {@link onnxRoundTrip} example. */
export interface OnnxRoundTripExampleOptions {
  /** Number of training points. Default: 200. */
  samples: number;
  /** Full-batch Adam steps of the tfjs training. Default: 120. */
  epochs: number;
  /** Adam step size. Default: 0.03. */
  learningRate: number;
  /**
   * onnxruntime-web execution providers to try, in order, or 'auto' (`['webgpu', 'wasm']` where the
   * browser has WebGPU, else `['wasm']`). Default: 'auto'.
   */
  executionProviders: 'auto' | string[];
  /** Seed of the data and of the initial weights. Default: 0. */
  seed: number;
}

const BOUNDS = [-1.6, 2.6, -1.15, 1.65] as const;
/** The WebAssembly file onnxruntime-web's browser bundle loads (its WebGPU-capable build). */
const ORT_WASM = 'ort-wasm-simd-threaded.jsep.wasm';

function points(options: OnnxRoundTripExampleOptions) {
  return makeTwoMoons({ n: options.samples, noise: 0.15, seed: options.seed });
}

function panels(view: HTMLElement, options: OnnxRoundTripExampleOptions) {
  const data = points(options);
  const row = document.createElement('div');
  row.className = 'onnx-row';
  const make = (caption: string) => {
    const figure = document.createElement('figure');
    const label = document.createElement('figcaption');
    label.textContent = caption;
    figure.append(label);
    row.append(figure);
    const plane = createPlaneView(figure, { x: data.x, y: data.y, bounds: BOUNDS, width: 300, height: 225 });
    return { plane, label };
  };
  const tfjs = make('tfjs: training');
  const onnx = make('onnxruntime-web: waiting for the exported model');
  const facts = document.createElement('p');
  facts.className = 'onnx-facts';
  view.append(row, facts);
  return { data, tfjs, onnx, facts };
}

/**
 * Live example: the ONNX round trip. A 2-16-16-1 tanh MLP is trained on two moons with tfjs, exported
 * with `exportOnnx` (ONNX IR 8, opset 17), loaded into onnxruntime-web with `createSession` (WebGPU
 * first, wasm fallback; the provider that ran it is shown) and evaluated on the same grid as the tfjs
 * model. The two decision fields are drawn side by side and the largest difference of their logits is
 * reported. onnxruntime-web's `.wasm` file is fetched from the same folder as tfjs's (`wasmPaths`).
 *
 * @example
 * ```ts
 * import { onnxRoundTrip } from '@dlf/runtime/examples';
 * onnxRoundTrip.mount(document.getElementById('demo')!, { executionProviders: ['wasm'] });
 * ```
 */
export const onnxRoundTrip = defineExample<OnnxRoundTripExampleOptions>({
  package: 'runtime',
  name: 'onnxRoundTrip',
  title: 'Train in tfjs, export to ONNX, infer with onnxruntime-web',
  description:
    'The same two-moons classifier evaluated twice: by tfjs, which trained it, and by onnxruntime-web from its exported ONNX bytes, with the execution provider shown.',
  defaults: { samples: 200, epochs: 120, learningRate: 0.03, executionProviders: 'auto', seed: 0 },
  validate(o) {
    assertInteger('samples', o.samples, { min: 2 });
    assertInteger('epochs', o.epochs, { min: 1 });
    assertPositive('learningRate', o.learningRate);
    const eps = o.executionProviders;
    if (
      eps !== 'auto' &&
      !(Array.isArray(eps) && eps.length > 0 && eps.every((e) => typeof e === 'string'))
    ) {
      throw new DlfError(
        'INVALID_ARGUMENT',
        `executionProviders must be 'auto' or a non-empty array of provider names, received ${describeValue(eps)}`,
        { param: 'executionProviders' },
      );
    }
  },
  setup(view, options) {
    panels(view, options);
  },
  async run({ tf, runtime, wasmPaths, options, view, progress, tick, signal }) {
    const { createMlp, fit } = runtime;
    view.replaceChildren();
    const { data, tfjs, onnx, facts } = panels(view, options);
    const n = data.n;
    const cells = tfjs.plane.gridWidth * tfjs.plane.gridHeight;
    const x = tf.tensor2d(data.x, [n, 2]);
    const y = tf.tensor2d(Float32Array.from(data.y), [n, 1]);
    const grid = tf.tensor2d(tfjs.plane.grid, [cells, 2]);
    const model = createMlp({
      inputSize: 2,
      hiddenSizes: [16, 16],
      outputSize: 1,
      activation: 'tanh',
      seed: options.seed,
    });
    let session: Awaited<ReturnType<typeof import('../onnx/index.js')['createSession']>> | undefined;
    try {
      const history = await fit(
        model,
        { x, y },
        {
          loss: 'binaryCrossEntropy',
          optimizer: 'adam',
          learningRate: options.learningRate,
          epochs: options.epochs,
          batchSize: n,
          seed: options.seed,
          signal,
          onEpochEnd: async (epoch) => {
            if ((epoch + 1) % 20 !== 0) return;
            progress((0.6 * (epoch + 1)) / options.epochs, `training with tfjs: epoch ${epoch + 1}`);
            try {
              await tick();
            } catch {
              // Stopped: fit sees the aborted signal and returns after this epoch.
            }
          },
        },
      );
      if (history.stopped) throw new DlfError('ABORTED', 'runtime/onnxRoundTrip was stopped');
      const tfLogits = tf.tidy(() => (model.predict(grid) as TF.Tensor).reshape([cells]));
      const want = (await tfLogits.data()) as Float32Array;
      tfLogits.dispose();
      tfjs.plane.draw(want.map((v) => 1 / (1 + Math.exp(-v))));
      tfjs.label.textContent = 'tfjs: the trained model';

      progress(0.65, 'exporting to ONNX and loading onnxruntime-web…');
      await tick();
      const { exportOnnx, createSession } = await import('../onnx/index.js');
      const bytes = exportOnnx(model);
      session = await createSession(bytes, {
        executionProviders: options.executionProviders,
        runtime: 'onnxruntime-web',
        // Only the .wasm is fetched from the host's folder; the JS glue is part of the bundle.
        ...(wasmPaths
          ? { wasmPaths: { wasm: new URL(ORT_WASM, new URL(wasmPaths, location.href)).href } }
          : {}),
      });
      if (signal.aborted) throw new DlfError('ABORTED', 'runtime/onnxRoundTrip was stopped');
      progress(0.85, `running the ONNX model on ${session.provider}…`);
      await tick();
      const started = performance.now();
      const outputs = await session.run({ data: tfjs.plane.grid, dims: [cells, 2] });
      const ms = performance.now() - started;
      const output = outputs[session.outputNames[0] as string];
      if (!output) throw new DlfError('UNSUPPORTED', 'the ONNX session returned no output');
      const got = output.data as Float32Array;
      let maxDiff = 0;
      let agree = 0;
      for (let i = 0; i < cells; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((got[i] as number) - (want[i] as number)));
        if ((got[i] as number) > 0 === (want[i] as number) > 0) agree++;
      }
      onnx.plane.draw(Array.from(got, (v) => 1 / (1 + Math.exp(-v))));
      onnx.label.textContent = `onnxruntime-web on ${session.provider}`;
      const fallbacks = session.fallbacks.length > 0 ? ` (skipped: ${session.fallbacks.join('; ')})` : '';
      facts.textContent =
        `ONNX model: ${bytes.length.toLocaleString('en-US')} bytes, IR 8, opset 17. ` +
        `Provider: ${session.provider}${fallbacks}. ` +
        `${cells.toLocaleString('en-US')} grid points in ${ms.toFixed(1)} ms; ` +
        `largest |ONNX − tfjs| logit difference ${maxDiff.toExponential(1)}; same class at ${agree} of ${cells}.`;
      return `onnxruntime-web (${session.provider}) reproduces the tfjs model: max logit difference ${maxDiff.toExponential(1)}, ${agree}/${cells} grid points classified alike`;
    } finally {
      model.dispose();
      for (const t of [x, y, grid]) t.dispose();
      await session?.dispose();
    }
  },
  css: `
.onnx-row { display: flex; flex-wrap: wrap; gap: 12px; }
.onnx-row figure { margin: 0; }
.onnx-row figcaption { font-size: 13px; color: var(--dlf-example-muted); margin-bottom: 4px; }
.onnx-facts { font-size: 13px; margin: 8px 0 0; }
`,
});
