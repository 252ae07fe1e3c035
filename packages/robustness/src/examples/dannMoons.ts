import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { el, robustnessCss } from './digitCanvas.js';
import type { Bounds, DomainPoints } from './domainScatter.js';
import { boundsOf, drawDomains, gridPoints, pca2, plotCanvas } from './domainScatter.js';
import type { OptionChecks } from './trainedDigits.js';

/** Options of the {@link dannMoons} example. */
export interface DannMoonsExampleOptions {
  /** Points per domain (half per moon). Default: 300. */
  samples: number;
  /** Rotation of the target domain in degrees about the moons' centre. Default: 35. */
  angle: number;
  /** Passes over the source data of DANN's training. Default: 50. */
  epochs: number;
  /** Passes of the source-only baseline. Default: 20. */
  sourceEpochs: number;
  /**
   * Adam step size of the source-only baseline, larger than DANN's since no adversarial game needs
   * damping: with the defaults it fits the source in 20 passes. Default: 0.03.
   */
  sourceLearningRate: number;
  /** Source and target points per step (each). Default: 64. */
  batchSize: number;
  /** Adam step size. Default: 0.01. */
  learningRate: number;
  /** Final reversal scale of DANN's schedule lambda(p) = lambdaMax (2 / (1 + exp(-10 p)) - 1). Default: 1. */
  lambdaMax: number;
  /** Width of the feature layer (projected to 2-D by PCA for display). Default: 8. */
  features: number;
  /** Seed of the data, the weights and the batch order. Default: 2. */
  seed: number;
}

const PLOT_W = 250;
const PLOT_H = 190;
const FIELD_W = 70;
const FIELD_H = 53;
/** Training is run in chunks of this many epochs, with a redraw and a yield between chunks. */
const CHUNK = 5;

const css = `
.dm-grid { display: grid; grid-template-columns: repeat(2, auto); gap: 10px 16px; justify-content: start; }
.dm-legend { font-size: 12px; margin: 4px 0 0; }
.dm-dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; vertical-align: middle; margin: 0 3px 0 8px; }
.dm-ring { display: inline-block; width: 7px; height: 7px; border-radius: 50%; border: 1.5px solid; vertical-align: middle; margin: 0 3px 0 8px; }
`;

/**
 * Live example: domain-adversarial training (`dann`, Ganin et al. 2016) on two moons. The source is
 * `shiftedMoons` at angle 0 (labelled), the target the same moons rotated by `angle` (labels unused
 * for training). The same three networks are trained twice from the same seed: with reversal scale
 * 0 for `sourceEpochs` passes (the source-only baseline: the domain head learns but its gradient
 * never reaches the features) and with DANN's lambda schedule for `epochs` passes. The top row shows each model's decision regions in the input
 * plane with source points (discs) and target points (rings); the bottom row the learned features of
 * both domains projected on their first two principal axes. Captions give the accuracy on 1,000
 * fresh target points and the proxy A-distance (`proxyADistance`) between the two domains' features.
 *
 * @example
 * ```ts
 * import { dannMoons } from '@dlf/robustness/examples';
 * dannMoons.mount(document.getElementById('dann')!, { angle: 50, epochs: 100 });
 * ```
 */
export const dannMoons = defineExample<DannMoonsExampleOptions>({
  package: 'robustness',
  name: 'dannMoons',
  title: 'DANN aligns two domains of moons',
  description:
    'Source moons (labelled, discs) and the same moons rotated (unlabelled, rings): a network trained on the source alone, then the same network trained with a gradient-reversed domain classifier. Top: decision regions; bottom: learned features of both domains (PCA).',
  defaults: {
    samples: 300,
    angle: 35,
    epochs: 50,
    sourceEpochs: 20,
    sourceLearningRate: 0.03,
    batchSize: 64,
    learningRate: 0.01,
    lambdaMax: 1,
    features: 8,
    seed: 2,
  },
  css: `${robustnessCss}${css}`,
  setup(view) {
    view.innerHTML =
      '<p>Trains two small networks on two moons (source-only, then DANN) and compares them on the rotated target domain.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const check: OptionChecks = runtime;
    check.assertInteger('samples', options.samples, { min: 8 });
    check.assertInRange('angle', options.angle, -180, 180);
    check.assertInteger('epochs', options.epochs, { min: 1 });
    check.assertInteger('sourceEpochs', options.sourceEpochs, { min: 1 });
    check.assertInteger('batchSize', options.batchSize, { min: 1 });
    check.assertPositive('learningRate', options.learningRate);
    check.assertPositive('sourceLearningRate', options.sourceLearningRate);
    check.assertInRange('lambdaMax', options.lambdaMax, 0, 10);
    check.assertInteger('features', options.features, { min: 2 });
    check.assertInteger('seed', options.seed);
    const [{ dann }, { shiftedMoons }, { proxyADistance }, { dannLambda }] = await Promise.all([
      import('../shift/dann.js'),
      import('../shift/shiftedMoons.js'),
      import('../shift/proxyADistance.js'),
      import('../gradientReversal.js'),
    ]);
    const { samples, angle, seed } = options;
    const source = shiftedMoons({ n: samples, seed });
    const target = shiftedMoons({ n: samples, angle, seed: seed + 1 });
    const heldOut = shiftedMoons({ n: 1000, angle, seed: seed + 2 });
    const bounds: Bounds = boundsOf([source.x, target.x]);
    const grid = gridPoints(bounds, FIELD_W, FIELD_H);
    const domains: DomainPoints[] = [
      { x: source.x, y: source.y, hollow: false },
      { x: target.x, y: target.y, hollow: true },
    ];

    // Layout: one column per model; input plane on top, feature projection below.
    const columns = ['source only (lambda = 0)', `DANN (lambda up to ${options.lambdaMax})`].map((name) => {
      const plane = plotCanvas(PLOT_W, PLOT_H, `${name}: decision regions with source and target points`);
      const feats = plotCanvas(
        PLOT_W,
        PLOT_H,
        `${name}: learned features of both domains, first two principal axes`,
      );
      const planeCaption = el('span', 'rb-caption', name);
      const featCaption = el('span', 'rb-caption rb-muted', 'features (PCA)');
      drawDomains(plane, bounds, domains);
      drawDomains(feats, [-1, 1, -1, 1], []);
      return { name, plane, feats, planeCaption, featCaption };
    });
    const gridBox = el('div', 'dm-grid');
    for (const row of ['plane', 'feats'] as const) {
      for (const c of columns) {
        const panel = el('div', 'rb-panel');
        panel.append(c[row], row === 'plane' ? c.planeCaption : c.featCaption);
        gridBox.append(panel);
      }
    }
    const legend = el('p', 'dm-legend rb-muted');
    legend.innerHTML =
      'source (labelled):<span class="dm-dot" style="background:#1f77b4"></span>class 0<span class="dm-dot" style="background:#e67814"></span>class 1 · ' +
      `target, rotated ${angle}° (labels not used):<span class="dm-ring" style="border-color:#1f77b4"></span>class 0<span class="dm-ring" style="border-color:#e67814"></span>class 1`;
    const note = el('p', 'rb-caption rb-muted');
    note.style.textAlign = 'left';
    view.replaceChildren(legend, gridBox, note);

    const width = options.features;
    const makeNetworks = () => {
      const rng = runtime.createRng(seed);
      const init = () => tf.initializers.glorotUniform({ seed: rng.int(0, 2 ** 31 - 1) });
      const dense = (units: number, activation?: 'tanh' | 'relu') =>
        tf.layers.dense({ units, kernelInitializer: init(), ...(activation ? { activation } : {}) });
      const fIn = tf.input({ shape: [2] });
      const fOut = dense(width, 'tanh').apply(dense(32, 'tanh').apply(fIn)) as TF.SymbolicTensor;
      const cIn = tf.input({ shape: [width] });
      const dIn = tf.input({ shape: [width] });
      return {
        featureExtractor: tf.model({ inputs: fIn, outputs: fOut }),
        labelClassifier: tf.model({ inputs: cIn, outputs: dense(2).apply(cIn) as TF.SymbolicTensor }),
        domainClassifier: tf.model({
          inputs: dIn,
          outputs: dense(2).apply(dense(32, 'relu').apply(dIn)) as TF.SymbolicTensor,
        }),
      };
    };
    type Networks = ReturnType<typeof makeNetworks>;
    const features = (nets: Networks, x: Float32Array, n: number): Float32Array =>
      tf
        .tidy(() => nets.featureExtractor.predict(tf.tensor2d(x, [n, 2])) as TF.Tensor)
        .dataSync() as Float32Array;
    const accuracy = (nets: Networks, data: { x: Float32Array; y: ArrayLike<number>; n: number }) => {
      const predicted = tf.tidy(() =>
        tf.argMax(
          nets.labelClassifier.predict(
            nets.featureExtractor.predict(tf.tensor2d(data.x, [data.n, 2])),
          ) as TF.Tensor,
          -1,
        ),
      );
      const labels = predicted.dataSync();
      predicted.dispose();
      let correct = 0;
      for (let i = 0; i < data.n; i++) if (labels[i] === data.y[i]) correct++;
      return correct / data.n;
    };
    const draw = (nets: Networks, column: (typeof columns)[number]) => {
      const probs = tf.tidy(
        () =>
          tf
            .softmax(
              nets.labelClassifier.predict(
                nets.featureExtractor.predict(tf.tensor2d(grid, [FIELD_W * FIELD_H, 2])),
              ) as TF.Tensor,
            )
            .slice([0, 1], [-1, 1])
            .dataSync() as Float32Array,
      );
      drawDomains(column.plane, bounds, domains, { probs, width: FIELD_W, height: FIELD_H });
      const fs = features(nets, source.x, source.n);
      const ft = features(nets, target.x, target.n);
      const pooled = new Float32Array(fs.length + ft.length);
      pooled.set(fs);
      pooled.set(ft, fs.length);
      const projected = pca2(pooled, source.n + target.n, width);
      const ps = projected.subarray(0, 2 * source.n);
      const pt = projected.subarray(2 * source.n);
      drawDomains(column.feats, boundsOf([projected]), [
        { x: ps, y: source.y, hollow: false },
        { x: pt, y: target.y, hollow: true },
      ]);
      return { fs, ft };
    };

    const results: { targetAccuracy: number; sourceAccuracy: number; pad: number }[] = [];
    const stepsPerEpoch = Math.ceil(samples / options.batchSize);
    const totalEpochs = options.sourceEpochs + options.epochs;
    for (const [k, column] of columns.entries()) {
      const total = k === 0 ? options.sourceEpochs : options.epochs;
      const before = k === 0 ? 0 : options.sourceEpochs;
      const chunks = Math.ceil(total / CHUNK);
      const nets = makeNetworks();
      const optimizer = tf.train.adam(k === 0 ? options.sourceLearningRate : options.learningRate);
      try {
        for (let c = 0; c < chunks; c++) {
          const epochs = Math.min(CHUNK, total - c * CHUNK);
          // DANN's schedule, held constant within a chunk at its value mid-chunk.
          const mid = (c * CHUNK + epochs / 2) / total;
          const lambda = k === 0 ? 0 : options.lambdaMax * dannLambda(mid);
          const { history } = await dann(nets, source, target, {
            epochs,
            batchSize: options.batchSize,
            optimizer,
            lambda,
            seed: seed * 1000 + c,
            signal,
          });
          const last = history.at(-1);
          draw(nets, column);
          const epoch = c * CHUNK + epochs;
          column.planeCaption.textContent = `${column.name} · epoch ${epoch}/${total}`;
          progress(
            (before + epoch) / totalEpochs,
            `${k === 0 ? 'source only' : 'DANN'}: epoch ${epoch}/${total} (${epoch * stepsPerEpoch} steps) · class loss ${last?.classLoss.toFixed(3)} · domain loss ${last?.domainLoss.toFixed(3)} · lambda ${lambda.toFixed(2)}`,
          );
          await tick();
        }
        const { fs, ft } = draw(nets, column);
        const rows = (f: Float32Array, n: number) =>
          Array.from({ length: n }, (_, i) => f.subarray(i * width, (i + 1) * width));
        const pad = proxyADistance(rows(fs, source.n), rows(ft, target.n), { seed }).distance;
        const result = {
          targetAccuracy: accuracy(nets, heldOut),
          sourceAccuracy: accuracy(nets, source),
          pad,
        };
        results.push(result);
        column.planeCaption.textContent = `${column.name}: target accuracy ${(100 * result.targetAccuracy).toFixed(1)}% (source ${(100 * result.sourceAccuracy).toFixed(1)}%)`;
        column.featCaption.textContent = `features (PCA) · proxy A-distance ${result.pad.toFixed(2)}`;
      } finally {
        optimizer.dispose();
        for (const net of Object.values(nets)) net.dispose();
      }
    }
    const [base, adapted] = results as [(typeof results)[number], (typeof results)[number]];
    note.textContent =
      'Accuracy is measured on 1,000 fresh target points; the proxy A-distance 2 (1 - 2 err) uses the held-out error of a logistic-regression domain classifier on the features (0: indistinguishable, 2: separable). ' +
      'DANN is an adversarial game and its outcome varies with the seed: try others.';
    return `target accuracy ${(100 * base.targetAccuracy).toFixed(1)}% source-only vs ${(100 * adapted.targetAccuracy).toFixed(1)}% DANN; proxy A-distance of the features ${base.pad.toFixed(2)} vs ${adapted.pad.toFixed(2)}`;
  },
});
