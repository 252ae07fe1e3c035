import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { el, grayCanvas, probabilityBars, robustnessCss, signedCanvas } from './digitCanvas.js';
import type { OptionChecks } from './trainedDigits.js';
import { aDigit, argmax, probabilities, trainedDigits, trainMlp } from './trainedDigits.js';

/** Options of the {@link attackDigit} example. */
export interface AttackDigitExampleOptions {
  /** Radius of the L-infinity ball, in pixel units (pixels lie in [0, 1]). Default: 0.1. */
  eps: number;
  /** `'pgd'` (projected gradient descent, random start) or `'fgsm'` (one signed-gradient step). Default: `'pgd'`. */
  attack: 'pgd' | 'fgsm';
  /** PGD iterations. Default: 20. */
  steps: number;
  /** Index of the attacked image among the 2,000 MNIST test images. Default: 0. */
  digit: number;
  /** Training epochs of the attacked network (784-64-10 MLP). Default: 1. */
  epochs: number;
  /** Training images used (the first ones of the 8,000). Default: 4000. */
  trainSize: number;
  /** Seed of the weights, the batch order and PGD's random start. Default: 0. */
  seed: number;
}

const SIDE = 28;
const PX = 112;

/**
 * Live example: a small network trained on the runtime's MNIST subset, and one test digit attacked
 * by FGSM or PGD inside an L-infinity ball: the original, the perturbation (red brighter, blue darker,
 * full colour at +-eps), the adversarial digit and the class probabilities before and after. The
 * epsilon slider, the attack choice and the digit button re-run the attack on the trained network.
 *
 * @example
 * ```ts
 * import { attackDigit } from '@dlf/robustness/examples';
 * attackDigit.mount(document.getElementById('attack')!, { eps: 0.05, attack: 'fgsm' });
 * ```
 */
export const attackDigit = defineExample<AttackDigitExampleOptions>({
  package: 'robustness',
  name: 'attackDigit',
  title: 'An MNIST digit under FGSM and PGD',
  description:
    'A 784-64-10 network trained on 4,000 MNIST digits; one test digit is attacked inside an L-infinity ball of radius eps. The slider re-runs the attack.',
  defaults: { eps: 0.1, attack: 'pgd', steps: 20, digit: 0, epochs: 1, trainSize: 4000, seed: 0 },
  css: robustnessCss,
  setup(view) {
    view.innerHTML =
      '<p>Trains a small network on the MNIST subset (2 MB) when started, then attacks one test digit.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const check: OptionChecks = runtime;
    check.assertInRange('eps', options.eps, 0, 1);
    check.assertOneOf('attack', options.attack, ['pgd', 'fgsm'] as const);
    check.assertInteger('steps', options.steps, { min: 1 });
    check.assertInteger('digit', options.digit, { min: 0, max: 1999 });
    check.assertInteger('epochs', options.epochs, { min: 1 });
    check.assertInteger('trainSize', options.trainSize, { min: 1, max: 8000 });
    check.assertInteger('seed', options.seed);
    const [{ pgd }, { fgsm }] = await Promise.all([import('../pgd.js'), import('../fgsm.js')]);

    progress(0, 'loading MNIST and training…');
    const { model, test } = await trainedDigits(
      tf,
      `mlp64-mnist-e${options.epochs}-n${options.trainSize}-s${options.seed}`,
      () =>
        trainMlp(runtime, {
          set: 'mnist',
          trainSize: options.trainSize,
          hidden: 64,
          epochs: options.epochs,
          seed: options.seed,
          signal,
          onBatch: async (f) => {
            progress(0.8 * f, `training the 784-64-10 network: ${(100 * f).toFixed(0)}%`);
            await tick();
          },
        }),
      signal,
    );

    // Controls: radius, attack, digit. They stay live after the run, re-attacking the trained model.
    const state = { eps: options.eps, attack: options.attack, digit: options.digit };
    const slider = el('input');
    slider.type = 'range';
    slider.min = '0';
    slider.max = '0.3';
    slider.step = '0.005';
    slider.value = String(state.eps);
    slider.setAttribute('aria-label', 'epsilon');
    const epsLabel = el('span', 'rb-caption');
    const select = el('select');
    for (const a of ['pgd', 'fgsm'] as const) {
      const opt = el('option', undefined, a === 'pgd' ? `PGD (${options.steps} steps)` : 'FGSM (one step)');
      opt.value = a;
      select.append(opt);
    }
    select.value = state.attack;
    select.setAttribute('aria-label', 'attack');
    const next = el('button', undefined, 'next digit');
    next.type = 'button';
    const label = el('label', undefined, 'eps ');
    label.append(slider, epsLabel);
    const controls = el('div', 'rb-controls');
    controls.append(label, select, next);
    const panels = el('div', 'rb-row');
    const note = el('p', 'rb-caption rb-muted');
    view.replaceChildren(controls, panels, note);

    let busy = false;
    let again = false;
    const attackOnce = async (): Promise<string> => {
      const { eps, attack, digit } = state;
      epsLabel.textContent = ` ${eps.toFixed(3)}`;
      const pixels = test.x.slice(digit * SIDE * SIDE, (digit + 1) * SIDE * SIDE);
      const label = test.y[digit] as number;
      const x = tf.tensor4d(pixels, [1, SIDE, SIDE, 1]);
      let adversarial: TF.Tensor | undefined;
      try {
        const result =
          attack === 'pgd'
            ? await pgd(model, x, [label], { eps, steps: options.steps, seed: options.seed })
            : await fgsm(model, x, [label], { eps });
        adversarial = result.adversarial;
        const advPixels = (await adversarial.data()) as Float32Array;
        const [clean, adv] = await probabilities(tf, model, tf.concat([x, adversarial]));
        const delta = advPixels.map((v, i) => v - (pixels[i] as number));
        const cleanClass = argmax(clean as Float32Array);
        const advClass = argmax(adv as Float32Array);
        const flipped = advClass !== label;
        const panel = (canvas: HTMLCanvasElement, caption: string, cls = '') => {
          const p = el('div', 'rb-panel');
          p.append(canvas, el('span', `rb-caption ${cls}`, caption));
          return p;
        };
        const bars = el('div', 'rb-panel');
        bars.append(
          el('span', 'rb-caption rb-muted', 'clean / adversarial'),
          (() => {
            const pair = el('div', 'rb-row');
            pair.append(
              probabilityBars(clean as Float32Array, cleanClass, '#2e8555'),
              probabilityBars(adv as Float32Array, advClass, flipped ? '#cf222e' : '#2e8555'),
            );
            return pair;
          })(),
        );
        const linf = result.norms[0] as number;
        panels.replaceChildren(
          panel(
            grayCanvas(pixels, SIDE, PX),
            `label ${label} · predicted ${cleanClass} (${(100 * (clean?.[cleanClass] ?? 0)).toFixed(0)}%)`,
          ),
          panel(
            signedCanvas(delta, SIDE, PX, Math.max(eps, 1e-6)),
            `perturbation, max |d| = ${linf.toFixed(3)}`,
            'rb-muted',
          ),
          panel(
            grayCanvas(advPixels, SIDE, PX),
            `predicted ${advClass} (${(100 * (adv?.[advClass] ?? 0)).toFixed(0)}%)`,
            flipped ? 'rb-bad' : 'rb-ok',
          ),
          bars,
        );
        const name = attack === 'pgd' ? `PGD (${options.steps} steps)` : 'FGSM';
        const summary = flipped
          ? `${name} at eps = ${eps.toFixed(3)} turns test digit #${digit} (${aDigit(label)}) into ${aDigit(advClass)}`
          : `${name} at eps = ${eps.toFixed(3)} does not change digit #${digit} (${aDigit(label)}): the network still says ${advClass}`;
        note.textContent = `${summary}. Every pixel moved by at most eps and stayed in [0, 1].`;
        return summary;
      } finally {
        x.dispose();
        adversarial?.dispose();
      }
    };
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
          await attackOnce();
        } while (again && view.isConnected);
      } catch (error) {
        note.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        busy = false;
      }
    };
    slider.addEventListener('input', () => {
      state.eps = Number(slider.value);
      epsLabel.textContent = ` ${state.eps.toFixed(3)}`;
      void rerun();
    });
    select.addEventListener('change', () => {
      state.attack = select.value as 'pgd' | 'fgsm';
      void rerun();
    });
    next.addEventListener('click', () => {
      state.digit = (state.digit + 1) % test.n;
      void rerun();
    });

    progress(0.9, 'attacking…');
    await tick();
    busy = true;
    try {
      return await attackOnce();
    } finally {
      busy = false;
    }
  },
});
