import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { el, grayCanvas, probabilityBars, robustnessCss } from './digitCanvas.js';
import type { OptionChecks, TrainedDigits } from './trainedDigits.js';
import { aDigit, argmax, loadSet, probabilities, trainedDigits } from './trainedDigits.js';

/** Options of the {@link smoothingCertificate} example. */
export interface SmoothingCertificateExampleOptions {
  /** Standard deviation of the Gaussian noise, for training and smoothing (pixels in [0, 1]). Default: 0.25. */
  sigma: number;
  /** Noise samples that estimate the top class's probability. Default: 1000. */
  n: number;
  /** Noise samples that choose the top class. Default: 100. */
  n0: number;
  /** Failure probability of the certificate. Default: 0.001. */
  alpha: number;
  /** Index of the certified image among the 2,000 MNIST test images. Default: 0. */
  digit: number;
  /** Epochs of noise-augmented training of the 784-64-10 base network. Default: 1. */
  epochs: number;
  /** Training images used (the first ones of the 8,000). Default: 3000. */
  trainSize: number;
  /** Seed of the weights, the batch order and the noise. Default: 0. */
  seed: number;
}

const SIDE = 28;
const SHOWN = 8;

/**
 * Live example: a base network trained with Gaussian noise augmentation (`trainWithNoise`) on the
 * runtime's MNIST subset, smoothed by `smooth`, and Cohen et al.'s CERTIFY on one test digit: a few
 * noisy copies with the base network's votes, the class counts over n samples, the Clopper-Pearson
 * lower bound pA on the top class's probability and the certified L2 radius sigma Phi^-1(pA).
 *
 * @example
 * ```ts
 * import { smoothingCertificate } from '@dlf/robustness/examples';
 * smoothingCertificate.mount(document.getElementById('cert')!, { n: 10000, digit: 3 });
 * ```
 */
export const smoothingCertificate = defineExample<SmoothingCertificateExampleOptions>({
  package: 'robustness',
  name: 'smoothingCertificate',
  title: 'A randomised-smoothing certificate for one digit',
  description:
    'A network trained on noisy MNIST digits votes on n Gaussian-noisy copies of one test digit; the Clopper-Pearson bound on the winning share gives a certified L2 radius.',
  defaults: { sigma: 0.25, n: 1000, n0: 100, alpha: 0.001, digit: 0, epochs: 1, trainSize: 3000, seed: 0 },
  css: robustnessCss,
  setup(view) {
    view.innerHTML =
      '<p>Trains a small network on noisy MNIST digits when started, then certifies one test digit.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const check: OptionChecks = runtime;
    check.assertPositive('sigma', options.sigma);
    check.assertInteger('n', options.n, { min: 1 });
    check.assertInteger('n0', options.n0, { min: 1 });
    check.assertInRange('alpha', options.alpha, 0, 1, { minInclusive: false, maxInclusive: false });
    check.assertInteger('digit', options.digit, { min: 0, max: 1999 });
    check.assertInteger('epochs', options.epochs, { min: 1 });
    check.assertInteger('trainSize', options.trainSize, { min: 1, max: 8000 });
    check.assertInteger('seed', options.seed);
    const [{ smooth }, { trainWithNoise }] = await Promise.all([
      import('../smoothing/smooth.js'),
      import('../smoothing/trainWithNoise.js'),
    ]);

    progress(0, 'loading MNIST and training on noisy digits…');
    const { model, test } = await trainedDigits(
      tf,
      `mlp64-mnist-noise${options.sigma}-e${options.epochs}-n${options.trainSize}-s${options.seed}`,
      async (): Promise<TrainedDigits> => {
        const { train, test } = await loadSet(runtime, 'mnist');
        const model = runtime.createMlp({
          inputShape: train.shape,
          hiddenSizes: [64],
          outputSize: 10,
          seed: options.seed,
        });
        try {
          const m = options.trainSize;
          const part = {
            x: train.x.subarray(0, m * SIDE * SIDE),
            y: train.y.subarray(0, m),
            n: m,
            shape: train.shape,
          };
          const result = await trainWithNoise(model, part, {
            sigma: options.sigma,
            epochs: options.epochs,
            batchSize: 128,
            learningRate: 0.005,
            seed: options.seed,
            signal,
            onProgress: (p) => {
              const f = (p.epoch + (p.batch + 1) / p.batches) / p.epochs;
              progress(
                0.7 * f,
                `training on digits + N(0, ${options.sigma}^2) noise: ${(100 * f).toFixed(0)}%`,
              );
            },
          });
          if (result.stopped) throw new runtime.DlfError('ABORTED', 'training was stopped');
        } catch (error) {
          model.dispose();
          throw error;
        }
        return { model, train, test, side: SIDE };
      },
      signal,
    );

    const state = { digit: options.digit, n: options.n };
    const select = el('select');
    for (const n of [100, 1000, 10000, 100000]) {
      const opt = el('option', undefined, `n = ${n.toLocaleString('en')}`);
      opt.value = String(n);
      select.append(opt);
    }
    if (![100, 1000, 10000, 100000].includes(options.n)) {
      const opt = el('option', undefined, `n = ${options.n}`);
      opt.value = String(options.n);
      select.append(opt);
    }
    select.value = String(state.n);
    select.setAttribute('aria-label', 'noise samples');
    const next = el('button', undefined, 'next digit');
    next.type = 'button';
    const controls = el('div', 'rb-controls');
    controls.append(select, next);
    const top = el('div', 'rb-row');
    const samples = el('div', 'rb-row');
    const note = el('p', 'rb-caption');
    view.replaceChildren(
      controls,
      top,
      el(
        'p',
        'rb-caption rb-muted',
        'noisy copies (shown clipped to [0, 1]) and the base network’s vote on each:',
      ),
      samples,
      note,
    );

    // The first certificate is part of the run (progress, Stop); later ones answer the controls.
    const certifyOnce = async (initial: boolean): Promise<string> => {
      const { digit, n } = state;
      const pixels = test.x.slice(digit * SIDE * SIDE, (digit + 1) * SIDE * SIDE);
      const label = test.y[digit] as number;
      const x = tf.tensor4d(pixels, [1, SIDE, SIDE, 1]);
      let noisy: TF.Tensor | undefined;
      try {
        // A few noisy copies, drawn the way `smooth` draws them, with the base network's votes.
        const rng = runtime.createRng(options.seed * 100_003 + digit);
        const noise = rng.normalArray(SHOWN * SIDE * SIDE, 0, options.sigma);
        const copies = new Float32Array(SHOWN * SIDE * SIDE);
        for (let i = 0; i < copies.length; i++)
          copies[i] = (pixels[i % (SIDE * SIDE)] as number) + (noise[i] as number);
        noisy = tf.tensor4d(copies, [SHOWN, SIDE, SIDE, 1]);
        const votes = (await probabilities(tf, model, noisy)).map((p) => argmax(p));
        samples.replaceChildren(
          ...votes.map((v, i) => {
            const p = el('div', 'rb-panel');
            p.append(
              grayCanvas(copies.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), SIDE, 56),
              el('span', `rb-caption ${v === label ? 'rb-ok' : 'rb-bad'}`, String(v)),
            );
            return p;
          }),
        );
        const g = smooth(model, { sigma: options.sigma, seed: options.seed * 100_003 + digit + 1 });
        const [cert] = await g.certify(x, {
          n0: options.n0,
          n,
          alpha: options.alpha,
          ...(initial
            ? {
                signal,
                onProgress: (p: { samples: number; total: number }) =>
                  progress(0.7 + (0.3 * p.samples) / p.total, `sampling ${p.samples}/${p.total}`),
              }
            : {}),
        });
        if (!cert) throw new runtime.DlfError('INVALID_ARGUMENT', 'no certificate returned');
        const total = cert.counts.reduce((a, b) => a + b, 0);
        const shares = Float32Array.from(cert.counts, (c) => c / Math.max(total, 1));
        const digitPanel = el('div', 'rb-panel');
        digitPanel.append(
          grayCanvas(pixels, SIDE, 112),
          el('span', 'rb-caption', `test digit #${digit}, label ${label}`),
        );
        const countsPanel = el('div', 'rb-panel');
        countsPanel.append(
          el('span', 'rb-caption rb-muted', `votes over n = ${total.toLocaleString('en')} noisy copies`),
          probabilityBars(
            shares,
            cert.abstained ? -1 : cert.class,
            cert.class === label ? '#2e8555' : '#cf222e',
          ),
        );
        const table = el('table', 'rb-table');
        const rows: [string, string][] = [
          ['smoothed class', cert.abstained ? 'abstain' : String(cert.class)],
          ['top-class share', `${(100 * Math.max(...shares)).toFixed(1)}%`],
          [`pA lower bound (1 - ${options.alpha})`, cert.pALower.toFixed(4)],
          ['certified L2 radius', cert.radius.toFixed(3)],
          ['noise sigma', String(options.sigma)],
        ];
        for (const [k, v] of rows) {
          const tr = el('tr');
          tr.append(el('td', undefined, k), el('td', undefined, v));
          table.append(tr);
        }
        top.replaceChildren(digitPanel, countsPanel, table);
        const summary = cert.abstained
          ? `digit #${digit}: the smoothed classifier abstains (pA lower bound ${cert.pALower.toFixed(3)} <= 1/2)`
          : `digit #${digit} (${aDigit(label)}): class ${cert.class}, pA >= ${cert.pALower.toFixed(3)}, certified L2 radius ${cert.radius.toFixed(3)}`;
        note.textContent = cert.abstained
          ? `${summary}. More samples (n) tighten the bound.`
          : `${summary} = ${options.sigma} x Phi^-1(${cert.pALower.toFixed(3)}): with probability at least ${1 - options.alpha} over the sampling, no perturbation of L2 norm below it changes the smoothed prediction.`;
        return summary;
      } finally {
        x.dispose();
        noisy?.dispose();
      }
    };

    let busy = false;
    let again = false;
    const rerun = async () => {
      if (!view.isConnected) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          await certifyOnce(false);
        } while (again && view.isConnected);
      } catch (error) {
        note.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        busy = false;
      }
    };
    select.addEventListener('change', () => {
      state.n = Number(select.value);
      void rerun();
    });
    next.addEventListener('click', () => {
      state.digit = (state.digit + 1) % test.n;
      void rerun();
    });

    await tick();
    busy = true;
    try {
      return await certifyOnce(true);
    } finally {
      busy = false;
    }
  },
});
