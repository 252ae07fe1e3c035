import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import { balancedIndices, digitCanvas, figureCss, note, takeRows } from './draw.js';
import { createDrawingPad, type DrawingPad, padToDigit } from './drawingPad.js';
import { type DenseLayer, mlpRows } from './mlpRows.js';

/** Options of the {@link protoNetDrawn} example. */
export interface ProtoNetDrawnExampleOptions {
  /** Meta-training episodes (Adam steps) of the prototypical network. Default: 150. */
  metaSteps: number;
  /** N of the N-way 1-shot training episodes. Default: 10. */
  nWay: number;
  /** Query digits per class in each training episode. Default: 5. */
  kQuery: number;
  /** Adam step size. Default: 0.003. */
  outerLr: number;
  /** Seed of the encoder, the episodes and the one example per class shown. Default: 0. */
  seed: number;
}

/** Softmax over classes of `-||q - c_k||^2` (the ProtoNet's class probabilities) for one query row. */
function protoProbabilities(q: Float32Array, protos: Float32Array, numClasses: number): Float64Array {
  const d = q.length;
  const logits = new Float64Array(numClasses);
  for (let c = 0; c < numClasses; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += ((q[j] as number) - (protos[c * d + j] as number)) ** 2;
    logits[c] = -s;
  }
  const max = Math.max(...logits);
  let z = 0;
  for (let c = 0; c < numClasses; c++) {
    logits[c] = Math.exp((logits[c] as number) - max);
    z += logits[c] as number;
  }
  for (let c = 0; c < numClasses; c++) logits[c] = (logits[c] as number) / z;
  return logits;
}

interface Layout {
  support: HTMLElement;
  pad: DrawingPad;
  preview: HTMLElement;
  bars: HTMLElement;
  verdict: HTMLElement;
  summary: HTMLElement;
}

const layouts = new WeakMap<HTMLElement, Layout>();

function layout(view: HTMLElement): Layout {
  const existing = layouts.get(view);
  if (existing && view.contains(existing.pad.canvas)) return existing;
  view.replaceChildren();
  const support = document.createElement('div');
  support.className = 'ss-digits';
  const supportBox = document.createElement('div');
  supportBox.className = 'ss-panel';
  const supportCaption = document.createElement('div');
  supportCaption.className = 'ss-caption';
  supportCaption.textContent = 'Support set: one test digit per class (their embeddings are the prototypes)';
  supportBox.append(support, supportCaption);
  const row = document.createElement('div');
  row.className = 'ss-row';
  const padBox = document.createElement('div');
  padBox.className = 'ss-panel';
  const pad = createDrawingPad(padBox);
  const padCaption = document.createElement('div');
  padCaption.className = 'ss-caption';
  padCaption.textContent = 'Draw a digit here';
  const clear = document.createElement('button');
  clear.className = 'ss-button';
  clear.type = 'button';
  clear.textContent = 'Clear';
  clear.addEventListener('click', () => {
    pad.clear();
    pad.onStroke?.();
  });
  padBox.append(padCaption, clear);
  const previewBox = document.createElement('div');
  previewBox.className = 'ss-panel';
  const preview = document.createElement('div');
  preview.className = 'ss-digits';
  const previewCaption = document.createElement('div');
  previewCaption.className = 'ss-caption';
  previewCaption.textContent = 'as an 8x8 digit';
  previewBox.append(preview, previewCaption);
  const barsBox = document.createElement('div');
  barsBox.className = 'ss-panel';
  const verdict = document.createElement('div');
  verdict.className = 'ss-note';
  const bars = document.createElement('div');
  bars.className = 'ss-bars';
  barsBox.append(verdict, bars);
  row.append(padBox, previewBox, barsBox);
  view.append(supportBox, row);
  const summary = note(
    view,
    'Press Start: the network is meta-trained first, then it classifies the drawing.',
  );
  const l = { support, pad, preview, bars, verdict, summary };
  layouts.set(view, l);
  return l;
}

/**
 * Live example: a prototypical network (Snell, Swersky and Zemel 2017; `protoNets`) meta-trains a
 * 64-128-32 ReLU encoder on 10-way 1-shot episodes of the 8x8 training digits; then one test digit
 * per class is the whole support set, and a digit drawn by the reader (a built-in "3" until then) is
 * reduced to the 8x8 format and given the class of the nearest prototype, with the softmax over
 * negative squared distances as probabilities. The 1-shot accuracy on the other test digits is shown
 * for scale.
 *
 * @example
 * ```ts
 * import { protoNetDrawn } from '@dlf/selfsup/examples';
 * protoNetDrawn.mount(document.getElementById('proto')!, { metaSteps: 500, start: 'click' });
 * ```
 */
export const protoNetDrawn = defineExample<ProtoNetDrawnExampleOptions>({
  package: 'selfsup',
  name: 'protoNetDrawn',
  title: 'A ProtoNet reads your digit from one example per class',
  description:
    'A prototypical network meta-trained on 1-shot episodes classifies a digit you draw by its nearest class prototype, each prototype the embedding of a single example.',
  defaults: { metaSteps: 150, nWay: 10, kQuery: 5, outerLr: 0.003, seed: 0 },
  css: figureCss,
  setup(view) {
    layout(view);
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const { createRng, DlfError, loadDigits, mlp } = runtime;
    const check: Pick<typeof Runtime, 'assertInteger' | 'assertPositive'> = runtime;
    const { metaSteps, nWay, kQuery, outerLr, seed } = options;
    check.assertInteger('metaSteps', metaSteps, { min: 1, max: 100_000 });
    check.assertInteger('nWay', nWay, { min: 2, max: 10 });
    check.assertInteger('kQuery', kQuery, { min: 1, max: 100 });
    check.assertPositive('outerLr', outerLr);
    check.assertInteger('seed', seed);
    const [{ protoNets }, { fewShotTaskSampler }] = await Promise.all([
      import('../protoNets.js'),
      import('../fewShotTaskSampler.js'),
    ]);
    const ui = layout(view);
    ui.pad.onStroke = undefined;
    progress(0, 'loading the 8x8 digits…');
    const { train, test } = await loadDigits();

    // The one example per class: test digits, never seen in meta-training.
    const rng = createRng(seed + 1);
    const supportIdx = balancedIndices(test, 1, 10, (a) => rng.shuffle(a));
    ui.support.replaceChildren();
    supportIdx.forEach((i, c) => {
      const cell = document.createElement('div');
      cell.className = 'ss-digit';
      const label = document.createElement('span');
      label.textContent = String(c);
      cell.append(digitCanvas(test.x, i * 64, 8), label);
      ui.support.append(cell);
    });

    const encoder = mlp({ sizes: [64, 128, 32], activation: 'relu', initScale: Math.SQRT2 });
    const episodes = fewShotTaskSampler(
      { ...train, y: Int32Array.from(train.y), numClasses: 10 },
      { nWay, kShot: 1, kQuery, seed },
    );
    const result = await protoNets(encoder, episodes, {
      metaSteps,
      metaBatchSize: 1,
      outerLr,
      seed,
      signal,
      onProgress: async ({ step, loss }) => {
        if (step % 10 !== 0 && step !== metaSteps) return;
        progress(
          (0.9 * step) / metaSteps,
          `${nWay}-way 1-shot episode ${step}/${metaSteps} · query loss ${loss.toFixed(3)}`,
        );
        try {
          await tick();
        } catch {
          // Stopped: protoNets sees the aborted signal after this step.
        }
      },
    });
    const w = Float32Array.from(await result.params.data());
    tf.dispose(result.params);
    if (result.aborted) throw new DlfError('ABORTED', 'selfsup/protoNetDrawn was stopped');

    const layers: DenseLayer[] = encoder.layers.map((l) => ({
      fanIn: l.fanIn,
      fanOut: l.fanOut,
      weightOffset: l.weightOffset,
      biasOffset: l.biasOffset,
      relu: l.activation === 'relu',
    }));
    const protos = mlpRows(layers, w, takeRows(test.x, 64, supportIdx), 10);
    // 1-shot accuracy of this support set on the other 350 test digits.
    const support = new Set(supportIdx);
    const rest = Array.from({ length: test.n }, (_, i) => i).filter((i) => !support.has(i));
    const restEmb = mlpRows(layers, w, takeRows(test.x, 64, rest), rest.length);
    let correct = 0;
    rest.forEach((i, r) => {
      const p = protoProbabilities(restEmb.subarray(r * 32, (r + 1) * 32), protos, 10);
      if (p.indexOf(Math.max(...p)) === test.y[i]) correct++;
    });
    const accuracy = correct / rest.length;

    const classify = (): string => {
      ui.preview.replaceChildren();
      ui.bars.replaceChildren();
      if (ui.pad.isEmpty()) {
        ui.verdict.textContent = 'Draw a digit.';
        return 'empty drawing';
      }
      const digit = padToDigit(ui.pad);
      const big = digitCanvas(digit, 0, 8);
      big.style.width = '64px';
      big.style.height = '64px';
      ui.preview.append(big);
      const p = protoProbabilities(mlpRows(layers, w, digit, 1), protos, 10);
      const best = p.indexOf(Math.max(...p));
      ui.verdict.textContent = `Nearest prototype: ${best}`;
      p.forEach((v, c) => {
        const label = document.createElement('span');
        label.textContent = String(c);
        const track = document.createElement('div');
        const bar = document.createElement('div');
        bar.className = c === best ? 'ss-bar top' : 'ss-bar';
        bar.style.width = `${Math.max(1, Math.round(120 * v))}px`;
        track.append(bar);
        const value = document.createElement('span');
        value.textContent = `${(100 * v).toFixed(0)}%`;
        ui.bars.append(label, track, value);
      });
      return `the drawing is a ${best} (p = ${(p[best] as number).toFixed(2)})`;
    };
    ui.pad.onStroke = classify;
    const verdict = classify();
    ui.summary.textContent =
      `${metaSteps} episodes of meta-training on the training digits; with only the ten digits above as ` +
      `labelled data, nearest-prototype accuracy on the other ${rest.length} test digits is ` +
      `${(100 * accuracy).toFixed(1)}%. Draw another digit: it is classified when you lift the pen.`;
    progress(1, 'done');
    return `${verdict}; 1-shot accuracy on the other test digits ${(100 * accuracy).toFixed(1)}%`;
  },
});
