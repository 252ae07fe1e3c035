import type { MlpLayerLayout } from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { checkWidths, type RuntimeModule } from './checkOptions.js';

/** Options of the {@link vaeLatentGrid} example. */
export interface VaeLatentGridExampleOptions {
  /** Training images, the first of the runtime's 8,000 MNIST training digits. Default: 2000. */
  images: number;
  /** Passes over them. Default: 3. */
  epochs: number;
  /** Images per Adam step. Default: 100. */
  batchSize: number;
  /** Adam step size. Default: 0.01. */
  learningRate: number;
  /** Hidden widths of the encoder (784 -> ... -> 4) and, reversed, of the decoder (2 -> ... -> 784); tanh. Default: [64]. */
  hidden: number[];
  /** Tiles per side of the decoded latent grid. Default: 12. */
  gridSize: number;
  /** Seed of the initial weights, the batch order and the reparameterisation noise. Default: 0. */
  seed: number;
}

/** Half-width of the latent square shown, in units of the spread of the test digits' means (at least MIN_HALF). */
const SPREAD = 2.5;
const MIN_HALF = 2;
const SCATTER = 260;
const TAB10 = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** `sigmoid` of the decoder's last layer applied in plain JavaScript to one latent point. */
type JsDecoder = (z0: number, z1: number) => Float32Array;

function activate(name: string, v: number): number {
  switch (name) {
    case 'tanh':
      return Math.tanh(v);
    case 'relu':
      return Math.max(v, 0);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'softplus':
      return v > 30 ? v : Math.log1p(Math.exp(v));
    case 'elu':
      return v > 0 ? v : Math.expm1(v);
    default:
      return v;
  }
}

/**
 * The decoder (an `mlp` in the 'standard' parameterisation: `h' = act(h W + b)`, W row-major
 * `[fanIn, fanOut]`) evaluated in plain JavaScript on a copy of its parameters, so that dragging
 * decodes instantly without tensors; the output logits go through the Bernoulli mean `sigmoid`.
 * Exported for its test only (not from the examples entry).
 */
export function jsDecoder(params: Float32Array, layers: readonly MlpLayerLayout[]): JsDecoder {
  return (z0, z1) => {
    let h = Float32Array.of(z0, z1);
    for (const layer of layers) {
      const out = new Float32Array(layer.fanOut);
      for (let j = 0; j < layer.fanOut; j++) {
        out[j] = layer.biasOffset >= 0 ? (params[layer.biasOffset + j] as number) : 0;
      }
      for (let i = 0; i < layer.fanIn; i++) {
        const hi = h[i] as number;
        if (hi === 0) continue;
        const row = layer.weightOffset + i * layer.fanOut;
        for (let j = 0; j < layer.fanOut; j++) out[j] = (out[j] as number) + hi * (params[row + j] as number);
      }
      for (let j = 0; j < layer.fanOut; j++) out[j] = activate(layer.activation, out[j] as number);
      h = out;
    }
    return h.map((l) => 1 / (1 + Math.exp(-l)));
  };
}

/** `[cx, cy, half]`: the centre of the means and a half-width of SPREAD std of them (at least MIN_HALF). */
function latentSquare(means: Float32Array): [number, number, number] {
  const n = means.length / 2;
  if (n === 0) return [0, 0, 3];
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += means[2 * i] as number;
    sy += means[2 * i + 1] as number;
  }
  const cx = sx / n;
  const cy = sy / n;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    vx += ((means[2 * i] as number) - cx) ** 2;
    vy += ((means[2 * i + 1] as number) - cy) ** 2;
  }
  const half = Math.max(MIN_HALF, SPREAD * Math.sqrt(Math.max(vx, vy) / n));
  return [cx, cy, half];
}

function putDigit(ctx: CanvasRenderingContext2D, pixels: Float32Array, x: number, y: number): void {
  const image = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - Math.round(255 * (pixels[i] as number));
    image.data[4 * i] = v;
    image.data[4 * i + 1] = v;
    image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, x, y);
}

/**
 * Live example: a VAE (`vae`, Bernoulli likelihood) with a 2-D latent space and one-hidden-layer
 * MLP encoder and decoder, trained for a few seconds on MNIST digits (the runtime's shipped subset)
 * by Adam on the negative ELBO (`loss`, one reparameterised draw per image). Left: the posterior
 * means of 1,000 test digits, coloured by class, with a marker the reader drags to decode that
 * latent point live (top right); right: the decoder's means on a grid of the latent square.
 *
 * @example
 * ```ts
 * import { vaeLatentGrid } from '@dlf/generative/examples';
 * vaeLatentGrid.mount(document.getElementById('demo')!, { epochs: 10, images: 8000, start: 'click' });
 * ```
 */
export const vaeLatentGrid = defineExample<VaeLatentGridExampleOptions>({
  package: 'generative',
  name: 'vaeLatentGrid',
  title: 'A VAE\u2019s 2-D latent space of MNIST',
  description:
    'A VAE with a 2-D latent space trained briefly on MNIST: test digits placed at their posterior means, the decoder on a latent grid, and a marker to drag and decode.',
  defaults: {
    images: 2000,
    epochs: 3,
    batchSize: 100,
    learningRate: 0.01,
    hidden: [64],
    gridSize: 12,
    seed: 0,
  },
  css: `
.vl-wrap { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.vl-col { display: flex; flex-direction: column; gap: 6px; }
.vl-cap { max-width: 262px; font-size: 12px; color: var(--dlf-example-muted, #57606a); }
.vl-scatter { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; cursor: crosshair; touch-action: none; }
.vl-big { width: 112px; height: 112px; image-rendering: pixelated; border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; }
.vl-grid { border: 1px solid var(--dlf-example-border, #d0d7de); border-radius: 4px; image-rendering: pixelated; }
.vl-z { font-size: 12px; font-variant-numeric: tabular-nums; }
`,
  setup(view) {
    view.innerHTML =
      '<p>Loads the MNIST subset (about 2 MB) and trains a VAE with a 2-D latent space when started; then drag the marker to decode any latent point.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick }) {
    const rt: RuntimeModule = runtime;
    rt.assertInteger('images', options.images, { min: 100, max: 8000 });
    rt.assertInteger('epochs', options.epochs, { min: 1 });
    rt.assertInteger('batchSize', options.batchSize, { min: 1 });
    rt.assertPositive('learningRate', options.learningRate);
    rt.assertInteger('gridSize', options.gridSize, { min: 2, max: 30 });
    rt.assertInteger('seed', options.seed);
    checkWidths(rt, 'hidden', options.hidden);
    const { vae } = await import('../vae/vae.js');
    progress(0, 'loading MNIST…');
    const { train, test } = await runtime.loadMnist();

    // --- the view: scatter with a draggable marker, the decoded marker, the decoded grid ---
    view.replaceChildren();
    const wrap = document.createElement('div');
    wrap.className = 'vl-wrap';
    const left = document.createElement('div');
    left.className = 'vl-col';
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const scatter = document.createElement('canvas');
    scatter.className = 'vl-scatter';
    scatter.width = Math.round(SCATTER * dpr);
    scatter.height = Math.round(SCATTER * dpr);
    scatter.style.width = `${SCATTER}px`;
    scatter.setAttribute('role', 'img');
    scatter.setAttribute(
      'aria-label',
      'posterior means of test digits in the 2-D latent space, with a draggable marker',
    );
    const scatterCap = document.createElement('span');
    scatterCap.className = 'vl-cap';
    scatterCap.textContent =
      'latent means of 1,000 test digits (colour = class; dashed: prior at 1 and 2 sigma); drag the marker';
    left.append(scatterCap, scatter);
    const middle = document.createElement('div');
    middle.className = 'vl-col';
    const big = document.createElement('canvas');
    big.className = 'vl-big';
    big.width = 28;
    big.height = 28;
    big.setAttribute('role', 'img');
    big.setAttribute('aria-label', 'the digit decoded at the marker');
    const zLabel = document.createElement('span');
    zLabel.className = 'vl-z';
    const bigCap = document.createElement('span');
    bigCap.className = 'vl-cap';
    bigCap.textContent = 'decoded at the marker';
    middle.append(bigCap, big, zLabel);
    const right = document.createElement('div');
    right.className = 'vl-col';
    const G = options.gridSize;
    const gridCanvas = document.createElement('canvas');
    gridCanvas.className = 'vl-grid';
    gridCanvas.width = 28 * G;
    gridCanvas.height = 28 * G;
    gridCanvas.style.width = `${Math.min(28 * G, 280)}px`;
    gridCanvas.setAttribute('role', 'img');
    gridCanvas.setAttribute('aria-label', 'decoder means on a grid of the latent square');
    const gridCap = document.createElement('span');
    gridCap.className = 'vl-cap';
    gridCap.textContent = `decoder on a ${G} x ${G} grid of the square on the left`;
    right.append(gridCap, gridCanvas);
    wrap.append(left, middle, right);
    view.append(wrap);

    const sctx = scatter.getContext('2d') as CanvasRenderingContext2D;
    const bctx = big.getContext('2d') as CanvasRenderingContext2D;
    const gctx = gridCanvas.getContext('2d') as CanvasRenderingContext2D;
    // The square shown: centred on the test digits' latent means, MIN_HALF or SPREAD std wide each side.
    let view0: [number, number, number] = [0, 0, 3];
    const toPx = (v: number, axis: 0 | 1): number => {
      const [cx, cy, half] = view0;
      return axis === 0
        ? ((v - cx + half) / (2 * half)) * scatter.width
        : ((cy + half - v) / (2 * half)) * scatter.height;
    };
    const fromPx = (p: number, axis: 0 | 1): number => {
      const [cx, cy, half] = view0;
      return axis === 0
        ? cx - half + (p / scatter.width) * 2 * half
        : cy + half - (p / scatter.height) * 2 * half;
    };
    let marker: [number, number] = [0, 0];
    let means: Float32Array = new Float32Array(0);
    let decode: JsDecoder | undefined;
    const shown = Math.min(1000, test.n);

    const drawScatter = (): void => {
      sctx.fillStyle = '#ffffff';
      sctx.fillRect(0, 0, scatter.width, scatter.height);
      sctx.strokeStyle = '#eaeef2';
      sctx.lineWidth = dpr;
      const [cx, cy, half] = view0;
      for (let v = Math.ceil(cx - half); v <= cx + half; v++) {
        sctx.beginPath();
        sctx.moveTo(toPx(v, 0), 0);
        sctx.lineTo(toPx(v, 0), scatter.height);
        sctx.stroke();
      }
      for (let v = Math.ceil(cy - half); v <= cy + half; v++) {
        sctx.beginPath();
        sctx.moveTo(0, toPx(v, 1));
        sctx.lineTo(scatter.width, toPx(v, 1));
        sctx.stroke();
      }
      // The prior's 1- and 2-sigma circles around the origin.
      sctx.strokeStyle = '#b6bcc4';
      sctx.setLineDash([4 * dpr, 4 * dpr]);
      for (const r of [1, 2]) {
        sctx.beginPath();
        sctx.arc(toPx(0, 0), toPx(0, 1), (r / (2 * half)) * scatter.width, 0, 2 * Math.PI);
        sctx.stroke();
      }
      sctx.setLineDash([]);
      for (let i = 0; i < means.length / 2; i++) {
        sctx.fillStyle = TAB10[(test.y[i] as number) % 10] as string;
        sctx.globalAlpha = 0.75;
        sctx.beginPath();
        sctx.arc(
          toPx(means[2 * i] as number, 0),
          toPx(means[2 * i + 1] as number, 1),
          1.8 * dpr,
          0,
          2 * Math.PI,
        );
        sctx.fill();
      }
      sctx.globalAlpha = 1;
      const [mx, my] = [toPx(marker[0], 0), toPx(marker[1], 1)];
      sctx.strokeStyle = '#1c1e21';
      sctx.lineWidth = 2 * dpr;
      sctx.beginPath();
      sctx.arc(mx, my, 7 * dpr, 0, 2 * Math.PI);
      sctx.moveTo(mx - 11 * dpr, my);
      sctx.lineTo(mx + 11 * dpr, my);
      sctx.moveTo(mx, my - 11 * dpr);
      sctx.lineTo(mx, my + 11 * dpr);
      sctx.stroke();
    };
    const drawMarker = (): void => {
      drawScatter();
      zLabel.textContent = `z = (${marker[0].toFixed(2)}, ${marker[1].toFixed(2)})`;
      if (decode) putDigit(bctx, decode(marker[0], marker[1]), 0, 0);
    };
    const drawGrid = (): void => {
      if (!decode) return;
      for (let r = 0; r < G; r++) {
        for (let c = 0; c < G; c++) {
          const z0 = fromPx(((c + 0.5) / G) * scatter.width, 0);
          const z1 = fromPx(((r + 0.5) / G) * scatter.height, 1);
          putDigit(gctx, decode(z0, z1), 28 * c, 28 * r);
        }
      }
    };
    let dragging = false;
    let moved = false;
    const moveTo = (event: PointerEvent): void => {
      const box = scatter.getBoundingClientRect();
      const px = ((event.clientX - box.left) / Math.max(1, box.width)) * scatter.width;
      const py = ((event.clientY - box.top) / Math.max(1, box.height)) * scatter.height;
      const clamp = (v: number, axis: 0 | 1): number =>
        Math.min(view0[axis] + view0[2], Math.max(view0[axis] - view0[2], v));
      marker = [clamp(fromPx(px, 0), 0), clamp(fromPx(py, 1), 1)];
      moved = true;
      drawMarker();
    };
    scatter.addEventListener('pointerdown', (event) => {
      dragging = true;
      scatter.setPointerCapture?.(event.pointerId);
      moveTo(event);
    });
    scatter.addEventListener('pointermove', (event) => {
      if (dragging) moveTo(event);
    });
    const release = (): void => {
      dragging = false;
    };
    scatter.addEventListener('pointerup', release);
    scatter.addEventListener('pointercancel', release);
    drawMarker();

    // --- training: Adam on the negative ELBO, one reparameterised draw per image ---
    const N = options.images;
    const x = tf.tensor2d(train.x.subarray(0, N * 784), [N, 784]);
    const xTest = tf.tensor2d(test.x.subarray(0, shown * 784), [shown, 784]);
    const encoder = runtime.mlp({ sizes: [784, ...options.hidden, 4] });
    const decoder = runtime.mlp({ sizes: [2, ...[...options.hidden].reverse(), 784] });
    const model = vae({ encoder, decoder, latentDim: 2, likelihood: 'bernoulli', seed: options.seed });
    const optimizer = tf.train.adam(options.learningRate);
    const rng = runtime.createRng(options.seed);
    const refresh = async (): Promise<void> => {
      const { mean, logVar } = model.encode(xTest);
      means = (await mean.data()) as Float32Array;
      tf.dispose([mean, logVar]);
      view0 = latentSquare(means);
      const [cx, cy, half] = view0;
      if (!moved) marker = [cx, cy];
      gridCap.textContent = `decoder on a ${G} x ${G} grid of the square on the left: z1 in [${(cx - half).toFixed(1)}, ${(cx + half).toFixed(1)}], z2 in [${(cy - half).toFixed(1)}, ${(cy + half).toFixed(1)}]`;
      decode = jsDecoder((await model.decoderParams.data()) as Float32Array, decoder.layers);
      drawGrid();
      drawMarker();
    };
    const stepsPerEpoch = Math.ceil(N / options.batchSize);
    const total = options.epochs * stepsPerEpoch;
    const drawEvery = Math.max(1, Math.round(total / 8));
    let elbo = Number.NaN;
    let step = 0;
    try {
      for (let epoch = 0; epoch < options.epochs; epoch++) {
        const order = rng.permutation(N);
        for (let start = 0; start < N; start += options.batchSize) {
          const idx = tf.tensor1d(order.slice(start, start + options.batchSize), 'int32');
          const batch = tf.gather(x, idx);
          const seed = rng.nextSeed();
          const cost = optimizer.minimize(() => model.loss(batch, { seed }), true, [
            model.encoderParams,
            model.decoderParams,
          ]) as TF.Scalar;
          step++;
          if (step % drawEvery === 0 || step === total) {
            elbo = -((await cost.data())[0] as number);
            await refresh();
            progress(
              step / total,
              `epoch ${epoch + 1}/${options.epochs}, step ${step}/${total} · batch ELBO ${elbo.toFixed(1)} nats per image`,
            );
            await tick();
          }
          tf.dispose([idx, batch, cost]);
        }
      }
      const testElbo = model.elbo(xTest, { seed: options.seed + 1 });
      const { klPerDim, activeUnits } = model.diagnostics(xTest);
      return `test ELBO ${testElbo.elbo.toFixed(1)} nats per image (reconstruction ${testElbo.reconstruction.toFixed(1)}, KL ${testElbo.kl.toFixed(2)}: ${klPerDim.map((k) => k.toFixed(2)).join(' + ')}), ${activeUnits}/2 active units; drag the marker to decode`;
    } finally {
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, xTest]);
    }
  },
});
