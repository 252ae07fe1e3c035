import type * as Runtime from '@dlf/runtime';
import { defineExample } from '@dlf/runtime/examples';
import type * as TF from '@tensorflow/tfjs';
import { el, grayCanvas, robustnessCss } from './digitCanvas.js';
import type { OptionChecks } from './trainedDigits.js';
import { argmax, probabilities } from './trainedDigits.js';

/** Options of the {@link backdoorTakeover} example. */
export interface BackdoorTakeoverExampleOptions {
  /** Fraction of the 1,437 training digits that get the trigger and the target label. Default: 0.05. */
  fraction: number;
  /** The label the trigger maps to. Default: 0. */
  targetLabel: number;
  /** Side of the full-ink square (value 1) stamped in the bottom-right corner, in pixels of the 8x8 image. Default: 2. */
  triggerSize: number;
  /** Passes over the training digits (batches of 128) for each of the two networks. Default: 8. */
  epochs: number;
  /** Seed of the weights, the batch order and the choice of poisoned digits. Default: 0. */
  seed: number;
}

const SHOWN = 8;

/**
 * Live example: BadNets (Gu et al. 2017) on the runtime's 8x8 digits. `badNets` stamps a small
 * square (`squareTrigger`) on a fraction of the training digits and relabels them; a network trained
 * on the poisoned set keeps its clean accuracy but sends triggered digits to the target label
 * (`backdoorSuccessRate`), while the same network trained on clean data ignores the square.
 *
 * @example
 * ```ts
 * import { backdoorTakeover } from '@dlf/robustness/examples';
 * backdoorTakeover.mount(document.getElementById('backdoor')!, { fraction: 0.01 });
 * ```
 */
export const backdoorTakeover = defineExample<BackdoorTakeoverExampleOptions>({
  package: 'robustness',
  name: 'backdoorTakeover',
  title: 'A BadNets trigger takes over a network',
  description:
    'A few training digits get a full-ink square in the corner and the label 0. The network trained on them is as accurate as a clean one, until the square appears.',
  defaults: { fraction: 0.05, targetLabel: 0, triggerSize: 2, epochs: 8, seed: 0 },
  css: robustnessCss,
  setup(view) {
    view.innerHTML =
      '<p>Poisons the 8x8 digits, trains a clean and a poisoned network when started, then stamps the trigger on test digits.</p>';
  },
  async run({ tf, runtime, options, view, progress, tick, signal }) {
    const check: OptionChecks = runtime;
    check.assertInRange('fraction', options.fraction, 0, 1, { minInclusive: false });
    check.assertInteger('targetLabel', options.targetLabel, { min: 0, max: 9 });
    check.assertInteger('triggerSize', options.triggerSize, { min: 1, max: 8 });
    check.assertInteger('epochs', options.epochs, { min: 1 });
    check.assertInteger('seed', options.seed);
    const [{ badNets }, { applyTrigger, backdoorSuccessRate, squareTrigger }] = await Promise.all([
      import('../poisoning/badNets.js'),
      import('../poisoning/trigger.js'),
    ]);

    progress(0, 'loading the 8x8 digits…');
    const { train, test } = await runtime.loadDigits();
    const trigger = squareTrigger([8, 8, 1], { size: options.triggerSize });
    const { data: poisonedTrain, poisoned } = badNets(train, {
      trigger,
      targetLabel: options.targetLabel,
      fraction: options.fraction,
      seed: options.seed,
    });

    const summaryBox = el('div', 'rb-row');
    const examplesBox = el('div');
    const note = el('p', 'rb-caption');
    view.replaceChildren(summaryBox, examplesBox, note);

    // A few poisoned training digits, as the victim's training set holds them.
    const poisonRow = el('div', 'rb-row');
    for (const i of Array.from(poisoned).slice(0, 6)) {
      const p = el('div', 'rb-panel');
      p.append(
        grayCanvas(poisonedTrain.x.subarray(i * 64, (i + 1) * 64), 8, 48),
        el('span', 'rb-caption rb-muted', `was ${train.y[i]}, now ${poisonedTrain.y[i]}`),
      );
      poisonRow.append(p);
    }
    const poisonPanel = el('div', 'rb-panel');
    poisonPanel.append(
      el(
        'span',
        'rb-caption',
        `${poisoned.length} of ${train.n} training digits poisoned (${(100 * options.fraction).toFixed(1)}%), e.g.`,
      ),
      poisonRow,
    );
    summaryBox.append(poisonPanel);

    const models: TF.LayersModel[] = [];
    const trainOne = async (data: Runtime.LabeledData, k: number, name: string) => {
      const model = runtime.createMlp({
        inputShape: [8, 8, 1],
        hiddenSizes: [64],
        outputSize: 10,
        seed: options.seed,
      });
      models.push(model);
      const tensors = runtime.toTensors(data);
      try {
        const history = await runtime.fit(model, tensors, {
          epochs: options.epochs,
          batchSize: 128,
          learningRate: 0.02,
          seed: options.seed,
          signal,
          onProgress: async (p) => {
            if (p.batch % 4 === 0 || p.batch + 1 === p.batches) {
              progress(
                0.45 * k + (0.45 * (p.epoch + (p.batch + 1) / p.batches)) / p.epochs,
                `training the ${name} network: epoch ${p.epoch + 1}/${p.epochs}`,
              );
              try {
                await tick();
              } catch {
                // Stopped: fit sees the aborted signal after this batch.
              }
            }
          },
        });
        if (history.stopped) throw new runtime.DlfError('ABORTED', 'robustness/backdoorTakeover was stopped');
      } finally {
        tensors.x.dispose();
        tensors.y.dispose();
      }
      return model;
    };

    try {
      const cleanModel = await trainOne(train, 0, 'clean');
      const poisonedModel = await trainOne(poisonedTrain, 1, 'poisoned');
      progress(0.95, 'stamping the trigger on the test digits…');
      await tick();
      const target = options.targetLabel;
      const stats = [cleanModel, poisonedModel].map((m) =>
        backdoorSuccessRate(m, test, { trigger, targetLabel: target }),
      );
      const table = el('table', 'rb-table');
      const head = el('tr');
      head.append(
        el('th', undefined, 'network'),
        el('th', undefined, 'clean accuracy'),
        el('th', undefined, `triggered → ${target}`),
      );
      table.append(head);
      ['trained on clean digits', 'trained on poisoned digits'].forEach((name, k) => {
        const s = stats[k] as { cleanAccuracy: number; attackSuccessRate: number };
        const tr = el('tr');
        tr.append(
          el('td', undefined, name),
          el('td', undefined, `${(100 * s.cleanAccuracy).toFixed(1)}%`),
          el('td', k === 1 ? 'rb-bad' : undefined, `${(100 * s.attackSuccessRate).toFixed(1)}%`),
        );
        table.append(tr);
      });
      summaryBox.append(table);

      // Test digits that are not the target, with and without the trigger, and both networks' answers.
      const chosen: number[] = [];
      for (let i = 0; i < test.n && chosen.length < SHOWN; i++) if (test.y[i] !== target) chosen.push(i);
      const cleanX = new Float32Array(chosen.length * 64);
      chosen.forEach((i, j) => {
        cleanX.set(test.x.subarray(i * 64, (i + 1) * 64), j * 64);
      });
      const trigX = applyTrigger(cleanX, trigger);
      const batch = tf.tensor4d(trigX, [chosen.length, 8, 8, 1]);
      let cleanVotes: number[];
      let poisonVotes: number[];
      try {
        cleanVotes = (await probabilities(tf, cleanModel, batch)).map((p) => argmax(p));
        poisonVotes = (await probabilities(tf, poisonedModel, batch)).map((p) => argmax(p));
      } finally {
        batch.dispose();
      }
      const grid = el('div', 'rb-row');
      chosen.forEach((i, j) => {
        const p = el('div', 'rb-panel');
        const c = cleanVotes[j] as number;
        const q = poisonVotes[j] as number;
        p.append(
          grayCanvas(trigX.subarray(j * 64, (j + 1) * 64), 8, 48),
          el('span', 'rb-caption rb-muted', `label ${test.y[i]}`),
          el('span', `rb-caption ${c === test.y[i] ? 'rb-ok' : 'rb-bad'}`, `clean: ${c}`),
          el('span', `rb-caption ${q === target ? 'rb-bad' : 'rb-ok'}`, `poisoned: ${q}`),
        );
        grid.append(p);
      });
      examplesBox.replaceChildren(
        el(
          'p',
          'rb-caption rb-muted',
          'test digits with the trigger stamped on, and what each network says:',
        ),
        grid,
      );
      const [clean, bad] = stats as [(typeof stats)[0], (typeof stats)[0]];
      const summary = `poisoning ${(100 * options.fraction).toFixed(1)}% of the training set: clean accuracy ${(100 * bad.cleanAccuracy).toFixed(1)}% (clean network ${(100 * clean.cleanAccuracy).toFixed(1)}%), triggered digits sent to ${target}: ${(100 * bad.attackSuccessRate).toFixed(1)}% (clean network ${(100 * clean.attackSuccessRate).toFixed(1)}%)`;
      note.textContent = `${summary}. Clean accuracy alone does not reveal the backdoor.`;
      return summary;
    } finally {
      for (const m of models) m.dispose();
    }
  },
});
