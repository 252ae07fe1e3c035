import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { balancedIndices, CLASS_COLORS, classLegend, figureCss, note, panel, takeRows } from './draw.js';
import { pca2 } from './pca2.js';

/** Options of the {@link simclrClusters} example. */
export interface SimclrClustersExampleOptions {
  /** SimCLR steps (batches). Default: 50. */
  steps: number;
  /** Images per batch N (2N augmented views). Default: 128. */
  batchSize: number;
  /** NT-Xent temperature. Default: 0.5. */
  temperature: number;
  /** Adam step size. Default: 0.005. */
  learningRate: number;
  /** Labelled training digits per class for the linear probe and the 1-NN score. Default: 5. */
  labelsPerClass: number;
  /** Redraw the projection every this many steps. Default: 10. */
  drawEvery: number;
  /** Seed of the encoder, the batches, the augmentations and the labelled subset. Default: 0. */
  seed: number;
}

const SIZE = 300;

interface Scores {
  probe: number;
  knn: number;
}

function drawScatter(
  ctx: CanvasRenderingContext2D,
  coords: Float64Array,
  labels: ArrayLike<number>,
  title: string,
): void {
  const n = labels.length;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, SIZE, SIZE);
  // Scale each axis by its 98th percentile of |coordinate|, so a few outliers do not shrink the cloud.
  const scale = [0, 1].map((k) => {
    const abs = Array.from({ length: n }, (_, i) => Math.abs(coords[2 * i + k] as number)).sort(
      (a, b) => a - b,
    );
    return Math.max(abs[Math.floor(0.98 * (n - 1))] as number, 1e-12);
  }) as [number, number];
  const half = SIZE / 2 - 14;
  ctx.globalAlpha = 0.8;
  for (let i = 0; i < n; i++) {
    const px = SIZE / 2 + (half * (coords[2 * i] as number)) / scale[0];
    const py = SIZE / 2 - (half * (coords[2 * i + 1] as number)) / scale[1];
    ctx.fillStyle = CLASS_COLORS[labels[i] as number] ?? '#000000';
    ctx.beginPath();
    ctx.arc(px, py, 2.6, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#57606a';
  ctx.font = '12px sans-serif';
  ctx.fillText(title, 6, 15);
}

/**
 * Live example: SimCLR (`simclr`, NT-Xent on two augmented views, no labels) trains a 64-128-32 ReLU
 * encoder on the 1,437 training images of the 8x8 digits; every few steps the 360 test digits'
 * (L2-normalised) embeddings are projected on their top two principal directions and coloured by
 * their hidden labels, which drift into class clusters. Beside the scatter: a linear probe and a 1-NN
 * classifier fitted on a few labelled digits (`labelsPerClass` per class) and a 5-NN classifier on
 * all training labels, at initialisation and now.
 *
 * @example
 * ```ts
 * import { simclrClusters } from '@dlf/selfsup/examples';
 * simclrClusters.mount(document.getElementById('simclr')!, { steps: 300, start: 'click' });
 * ```
 */
export const simclrClusters = defineExample<SimclrClustersExampleOptions>({
  package: 'selfsup',
  name: 'simclrClusters',
  title: 'SimCLR pulls digits into class clusters without labels',
  description:
    'A small encoder trained with the NT-Xent loss on pairs of augmented views of unlabelled 8x8 digits; the test embeddings, projected to 2-D and coloured by their hidden labels, drift into clusters.',
  defaults: {
    steps: 50,
    batchSize: 128,
    temperature: 0.5,
    learningRate: 0.005,
    labelsPerClass: 5,
    drawEvery: 10,
    seed: 0,
  },
  css: figureCss,
  setup(view) {
    note(
      view,
      'Trains a SimCLR encoder on the 8x8 digits (labels hidden) and shows the test embeddings projected to 2-D, coloured by class, as they cluster.',
    );
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const { createRng, DlfError, loadDigits, mlp } = runtime;
    const check: Pick<typeof Runtime, 'assertInteger' | 'assertPositive'> = runtime;
    const { steps, batchSize, temperature, learningRate, labelsPerClass, drawEvery, seed } = options;
    check.assertInteger('steps', steps, { min: 1, max: 100_000 });
    check.assertInteger('batchSize', batchSize, { min: 2, max: 1437 });
    check.assertPositive('temperature', temperature);
    check.assertPositive('learningRate', learningRate);
    check.assertInteger('labelsPerClass', labelsPerClass, { min: 1, max: 100 });
    check.assertInteger('drawEvery', drawEvery, { min: 1 });
    check.assertInteger('seed', seed);
    const [{ simclr }, { embed }, { knnClassify }, { linearProbe }] = await Promise.all([
      import('../simclr.js'),
      import('../embed.js'),
      import('../knnClassify.js'),
      import('../linearProbe.js'),
    ]);
    progress(0, 'loading the 8x8 digits…');
    const { train, test } = await loadDigits();
    const pickRng = createRng(seed + 1);
    const picked = balancedIndices(train, labelsPerClass, 10, (a) => pickRng.shuffle(a));
    const labelled = {
      x: takeRows(train.x, 64, picked),
      y: Int32Array.from(picked.map((i) => train.y[i] as number)),
      n: picked.length,
      shape: [8, 8, 1],
      numClasses: 10,
    };

    view.replaceChildren();
    const row = document.createElement('div');
    row.className = 'ss-row';
    view.append(row);
    const scatter = panel(row, SIZE, SIZE, 'Test digits: top two principal components of the embedding');
    const side = document.createElement('div');
    side.className = 'ss-panel';
    row.append(side);
    classLegend(side);
    const table = document.createElement('table');
    table.className = 'ss-table';
    side.append(table);
    const curve = panel(side, 260, 110, 'NT-Xent loss per step');
    const summary = note(view, '');

    const encoder = mlp({ sizes: [64, 128, 32], activation: 'relu', initScale: Math.SQRT2 });
    const init = encoder.init(seed);
    let coords: Float64Array | undefined;
    const losses: number[] = [];

    const measure = (params: TF.Tensor1D, step: number): Scores => {
      const te = embed(encoder, params, test);
      const k = 32;
      // Cosine geometry (the loss compares directions): project the L2-normalised embeddings.
      const unit = new Float32Array(te.x.length);
      for (let i = 0; i < te.n; i++) {
        let norm = 0;
        for (let j = 0; j < k; j++) norm += (te.x[i * k + j] as number) ** 2;
        norm = Math.sqrt(norm) || 1;
        for (let j = 0; j < k; j++) unit[i * k + j] = (te.x[i * k + j] as number) / norm;
      }
      coords = pca2(unit, te.n, k, coords).coords;
      drawScatter(scatter.ctx, coords, test.y, step === 0 ? 'random encoder (step 0)' : `step ${step}`);
      const lab = embed(encoder, params, labelled);
      const all = embed(encoder, params, train);
      return {
        probe: linearProbe(lab, te, { l2: 1e-2, maxIterations: 200 }).testAccuracy,
        knn: knnClassify(all, te, { k: 5 }).accuracy ?? Number.NaN,
      };
    };
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const showTable = (first: Scores, now: Scores, step: number) => {
      table.innerHTML = '';
      const head = table.insertRow();
      for (const text of ['test accuracy', 'step 0', `step ${step}`]) {
        const th = document.createElement('th');
        th.textContent = text;
        head.append(th);
      }
      const rows: [string, number, number][] = [
        [`linear probe, ${labelled.n} labels`, first.probe, now.probe],
        [`5-NN, all ${train.n} labels`, first.knn, now.knn],
      ];
      for (const [name, a, b] of rows) {
        const r = table.insertRow();
        r.insertCell().textContent = name;
        r.insertCell().textContent = pct(a);
        r.insertCell().textContent = pct(b);
      }
    };
    const drawLoss = () => {
      const { ctx, canvas } = curve;
      const { width: w, height: h } = canvas;
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, w, h);
      if (losses.length < 2) return;
      const lo = Math.min(...losses);
      const hi = Math.max(...losses);
      ctx.strokeStyle = '#1f77b4';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      losses.forEach((l, i) => {
        const px = 4 + (i / (steps - 1 || 1)) * (w - 8);
        const py = h - 6 - ((l - lo) / (hi - lo || 1)) * (h - 22);
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      });
      ctx.stroke();
      ctx.fillStyle = '#57606a';
      ctx.font = '11px sans-serif';
      ctx.fillText(`${hi.toFixed(2)} → ${(losses[losses.length - 1] as number).toFixed(2)}`, 6, 12);
    };

    let first: Scores;
    let last: Scores;
    try {
      first = measure(init, 0);
      last = first;
      showTable(first, first, 0);
      await tick();
      const result = await simclr(encoder, train, {
        steps,
        batchSize,
        temperature,
        learningRate,
        encoderParams: init,
        seed,
        signal,
        onProgress: async ({ step, loss, encoderParams }) => {
          losses.push(loss);
          if (step % drawEvery !== 0 && step !== steps) return;
          last = measure(encoderParams, step);
          showTable(first, last, step);
          drawLoss();
          progress(step / steps, `step ${step}/${steps} · NT-Xent ${loss.toFixed(3)}`);
          try {
            await tick();
          } catch {
            // Stopped: simclr sees the aborted signal after this step.
          }
        },
      });
      tf.dispose([result.encoderParams, result.headParams]);
      if (result.aborted) throw new DlfError('ABORTED', 'selfsup/simclrClusters was stopped');
    } finally {
      init.dispose();
    }
    summary.textContent =
      `No label was used in training. Linear probe on ${labelled.n} labelled digits: ` +
      `${pct(first.probe)} → ${pct(last.probe)}; 5-NN: ${pct(first.knn)} → ${pct(last.knn)}.`;
    return `after ${steps} SimCLR steps: linear probe (${labelled.n} labels) ${pct(first.probe)} → ${pct(last.probe)}, 5-NN ${pct(first.knn)} → ${pct(last.knn)}`;
  },
});
