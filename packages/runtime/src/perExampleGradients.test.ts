import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from '../test/float64Mlp.js';
import { DlfError } from './DlfError.js';
import { grad } from './grad.js';
import { type LossFn, type LossName, losses } from './losses.js';
import { mlp } from './mlp.js';
import type { ParamModel } from './ParamModel.js';
import { perExampleGradients } from './perExampleGradients.js';
import { expectNoLeaks, setupTestBackend } from './testing.js';

beforeAll(async () => {
  await setupTestBackend();
});

const net = mlp({ sizes: [3, 5, 2], activation: 'tanh', biasScale: 0.3 });
/** The same network without `applyPerExample`, to exercise the looped path. */
const plainNet: ParamModel = {
  numParams: net.numParams,
  inputShape: net.inputShape,
  outputSize: net.outputSize,
  init: (s) => net.init(s),
  apply: (w, x) => net.apply(w, x),
};

function data(loss: LossName) {
  const x = tf.randomNormal([7, 3], 0, 1, 'float32', 1);
  const labels = [0, 1, 1, 0, 1, 0, 0];
  const y =
    loss === 'softmaxCrossEntropy'
      ? tf.oneHot(tf.tensor1d(labels, 'int32'), 2)
      : loss === 'quadratic'
        ? tf.randomNormal([7, 2], 0, 1, 'float32', 2)
        : tf.tile(tf.reshape(tf.tensor1d(labels.map((l) => 2 * l - 1)), [7, 1]), [1, 2]);
  return { x, y };
}

describe('perExampleGradients', () => {
  it('rows average to the batch gradient and each row is that example’s own gradient, for every loss and path', () => {
    const custom: LossFn = (y, p) => tf.mean(tf.sum(tf.square(tf.sub(p, y)), -1));
    for (const name of Object.keys(losses) as LossName[]) {
      tf.tidy(() => {
        const { x, y } = data(name);
        const w = net.init(3);
        const batchGrad = grad((v) => losses[name](y, net.apply(v, x)), w).dataSync();
        const variants = [
          perExampleGradients({ model: net, loss: name }, w, x, y),
          perExampleGradients({ model: net, loss: losses[name] }, w, x, y, { batchSize: 3 }),
          perExampleGradients({ model: plainNet, loss: name }, w, x, y),
          perExampleGradients((v, xi, yi) => losses[name](yi, net.apply(v, xi)), w, x, y),
        ];
        const first = variants[0]?.arraySync() as number[][];
        for (const G of variants) {
          expect(G.shape).toEqual([7, net.numParams]);
          expect(relativeError(tf.mean(G, 0).dataSync(), batchGrad), name).toBeLessThan(1e-5);
          expect(relativeError(G.dataSync(), first.flat()), name).toBeLessThan(1e-5);
        }
        // Row 4 is the gradient of example 4 alone.
        const x4 = tf.slice(x, 4, 1);
        const y4 = tf.slice(y, 4, 1);
        const own = grad((v) => losses[name](y4, net.apply(v, x4)), w).dataSync();
        expect(relativeError(first[4] as number[], own)).toBeLessThan(1e-5);
      });
    }
    // A loss that is not a dlf loss goes through per-example slices in the vectorised path.
    tf.tidy(() => {
      const { x, y } = data('quadratic');
      const w = net.init(5);
      const a = perExampleGradients({ model: net, loss: custom }, w, x, y, { batchSize: 4 });
      const b = perExampleGradients({ model: plainNet, loss: custom }, w, x, y);
      expect(relativeError(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
      const batch = grad((v) => custom(y, net.apply(v, x)), w).dataSync();
      expect(relativeError(tf.mean(a, 0).dataSync(), batch)).toBeLessThan(1e-5);
    });
  });

  it('rejects mismatched shapes and bad losses with DlfError', () => {
    tf.tidy(() => {
      const { x, y } = data('quadratic');
      const w = net.init(0);
      const check = (fn: () => unknown, code: string, message: RegExp) => {
        try {
          fn();
          expect.unreachable();
        } catch (e) {
          expect(e).toBeInstanceOf(DlfError);
          expect((e as DlfError).code).toBe(code);
          expect((e as DlfError).message).toMatch(message);
        }
      };
      check(
        () => perExampleGradients({ model: net, loss: 'quadratic' }, w, x, tf.slice(y, 0, 5)),
        'INVALID_SHAPE',
        /x and y must have the same number of examples, received 7 and 5/,
      );
      check(
        () => perExampleGradients({ model: net, loss: 'quadratic' }, tf.zeros([4]) as tf.Tensor1D, x, y),
        'INVALID_SHAPE',
        /w must be a parameter vector of shape \[\d+\], received shape \[4\]/,
      );
      check(
        () => perExampleGradients({ model: net, loss: 'quadratic' }, w, tf.zeros([7, 4]), y),
        'INVALID_SHAPE',
        /x must have shape \[batch, 3\]/,
      );
      check(
        () => perExampleGradients((v, xi) => net.apply(v, xi), w, x, y),
        'INVALID_SHAPE',
        /the loss must return a scalar/,
      );
      check(
        () => perExampleGradients({ model: net, loss: 'mse' as never }, w, x, y),
        'INVALID_ARGUMENT',
        /loss must be a function or one of/,
      );
      check(() => perExampleGradients(null as never, w, x, y), 'INVALID_ARGUMENT', /loss must be a function/);
    });
  });

  it('leaves no tensors behind', async () => {
    const { x, y } = data('softmaxCrossEntropy');
    const w = net.init(1);
    const custom: LossFn = (yy, p) => tf.mean(tf.square(tf.sub(p, yy)));
    await expectNoLeaks(() =>
      perExampleGradients({ model: net, loss: 'softmaxCrossEntropy' }, w, x, y, { batchSize: 3 }),
    );
    await expectNoLeaks(() => perExampleGradients({ model: net, loss: custom }, w, x, y));
    await expectNoLeaks(() => perExampleGradients({ model: plainNet, loss: 'logistic' }, w, x, y));
    await expectNoLeaks(() =>
      perExampleGradients((v, xi, yi) => losses.softmaxCrossEntropy(yi, net.apply(v, xi)), w, x, y),
    );
    tf.dispose([x, y, w]);
  });
});
