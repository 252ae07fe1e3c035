import type * as TF from '@tensorflow/tfjs';
import { DlfError } from '../DlfError.js';
import { assertInteger, assertPositive } from '../validate.js';
import { defineExample } from './defineExample.js';

/** Options of the {@link mnistCnn} example. */
export interface MnistCnnExampleOptions {
  /** Passes over the 8,000 training images. Default: 1. */
  epochs: number;
  /** Images per Adam step. Default: 64. */
  batchSize: number;
  /** Adam step size. Default: 0.002. */
  learningRate: number;
  /** Seed of the initial weights and the batch order. Default: 0. */
  seed: number;
}

const css = `
.mn-wrap { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.mn-digits { display: grid; grid-template-columns: repeat(8, 40px); gap: 4px; }
.mn-cell { display: flex; flex-direction: column; align-items: center; font-size: 11px; font-variant-numeric: tabular-nums; }
.mn-cell canvas { width: 36px; height: 36px; image-rendering: pixelated; border-radius: 3px; }
.mn-cell.ok span { color: var(--dlf-example-accent, #2e8555); }
.mn-cell.bad span { color: #cf222e; font-weight: 600; }
.mn-curve { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; }
`;

const SHOWN = 32;

function digitCanvas(pixels: Float32Array, offset: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = 28;
  canvas.height = 28;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - Math.round(255 * (pixels[offset + i] as number));
    image.data[4 * i] = v;
    image.data[4 * i + 1] = v;
    image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

function drawCurve(canvas: HTMLCanvasElement, losses: number[]): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const { width: w, height: h } = canvas;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  if (losses.length < 2) return;
  const max = Math.max(...losses.slice(0, 5), 0.1);
  ctx.strokeStyle = '#1f77b4';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  losses.forEach((l, i) => {
    const px = (i / (losses.length - 1)) * (w - 8) + 4;
    const py = h - 4 - (Math.min(l, max) / max) * (h - 8);
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  });
  ctx.stroke();
  ctx.fillStyle = '#57606a';
  ctx.font = '11px sans-serif';
  ctx.fillText(`batch loss (max ${max.toFixed(2)})`, 6, 13);
}

/**
 * Live example: the runtime's small CNN (`createCnn`) trained with `fit` on the 8,000 training
 * images of the shipped MNIST subset (`loadMnist`), then evaluated on the 2,000 test images; shows
 * the batch losses and 32 test digits with their predicted labels.
 *
 * @example
 * ```ts
 * import { mnistCnn } from '@dlf/runtime/examples';
 * mnistCnn.mount(document.getElementById('mnist')!, { epochs: 2, start: 'click' });
 * ```
 */
export const mnistCnn = defineExample<MnistCnnExampleOptions>({
  package: 'runtime',
  name: 'mnistCnn',
  title: 'A small CNN learns MNIST in the browser',
  description:
    'createCnn trained with fit (Adam, seeded batch order) on 8,000 MNIST digits, then evaluated on 2,000 test digits.',
  defaults: { epochs: 1, batchSize: 64, learningRate: 0.002, seed: 0 },
  css,
  validate(o) {
    assertInteger('epochs', o.epochs, { min: 1 });
    assertInteger('batchSize', o.batchSize, { min: 1 });
    assertPositive('learningRate', o.learningRate);
    assertInteger('seed', o.seed);
  },
  setup(view) {
    view.innerHTML = '<p>Loads the 2 MB MNIST subset and trains when started.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const { createCnn, fit, evaluate } = runtime;
    progress(0, 'loading MNIST…');
    const { train, test } = await runtime.loadMnist();
    const curve = document.createElement('canvas');
    curve.className = 'mn-curve';
    curve.width = 260;
    curve.height = 150;
    const digits = document.createElement('div');
    digits.className = 'mn-digits';
    const wrap = document.createElement('div');
    wrap.className = 'mn-wrap';
    wrap.append(curve, digits);
    view.replaceChildren(wrap);

    const trainT = runtime.toTensors(train);
    const testT = runtime.toTensors(test);
    const shown = tf.tensor4d(test.x.subarray(0, SHOWN * 784), [SHOWN, 28, 28, 1]);
    const model = createCnn({
      inputShape: [28, 28, 1],
      numClasses: 10,
      downsample: 'stride',
      seed: options.seed,
    });
    const losses: number[] = [];
    try {
      const history = await fit(model, trainT, {
        epochs: options.epochs,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
        seed: options.seed,
        signal,
        onProgress: async (p) => {
          losses.push(p.loss);
          if (p.batch % 5 === 0 || p.batch + 1 === p.batches) {
            drawCurve(curve, losses);
            progress(
              (p.epoch + (p.batch + 1) / p.batches) / p.epochs,
              `epoch ${p.epoch + 1}/${p.epochs}, batch ${p.batch + 1}/${p.batches} · loss ${p.loss.toFixed(3)}`,
            );
            try {
              await tick();
            } catch {
              // Stopped: fit sees the aborted signal after this batch.
            }
          }
        },
      });
      if (history.stopped) throw new DlfError('ABORTED', 'runtime/mnistCnn was stopped');
      progress(1, 'evaluating on the 2,000 test images…');
      const { accuracy = 0, loss } = await evaluate(model, testT);
      const predicted = tf.tidy(() => tf.argMax(model.predict(shown) as TF.Tensor, -1));
      const labels = await predicted.data();
      predicted.dispose();
      digits.replaceChildren();
      for (let i = 0; i < SHOWN; i++) {
        const cell = document.createElement('div');
        const ok = labels[i] === test.y[i];
        cell.className = ok ? 'mn-cell ok' : 'mn-cell bad';
        const label = document.createElement('span');
        label.textContent = String(labels[i]);
        cell.append(digitCanvas(test.x, i * 784), label);
        digits.append(cell);
      }
      drawCurve(curve, losses);
      return `test accuracy ${(100 * accuracy).toFixed(1)}% (test loss ${loss.toFixed(3)}) after ${options.epochs} epoch(s) on 8,000 images`;
    } finally {
      model.dispose();
      for (const t of [trainT.x, trainT.y, testT.x, testT.y, shown]) t.dispose();
    }
  },
});
