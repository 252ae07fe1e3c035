import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinearModel } from '../testModels.js';
import { fixtureValues, linearModel } from '../testModels.js';
import type { IntegratedGradientsOptions } from './integratedGradients.js';
import { gaussLegendre, integratedGradients } from './integratedGradients.js';
import { powerModel } from './testPolynomials.js';

const d = 5;
const n = 3;
let m: LinearModel;
beforeAll(async () => {
  await setupTestBackend();
  m = linearModel(fixtureValues(d * 2, 21), [0.5, -0.5], d, 2);
});
afterAll(() => m.dispose());

const xs = fixtureValues(n * d, 22);
const bs = fixtureValues(d, 23, -0.5, 0.5);

async function run(target: number, method: IntegratedGradientsOptions) {
  const x = tf.tensor2d(xs, [n, d]);
  const base = tf.tensor1d(bs);
  const res = await integratedGradients(powerModel, x, { target, baselines: base, ...method });
  const attr = res.attributions.dataSync();
  res.attributions.dispose();
  x.dispose();
  base.dispose();
  return { attr, delta: res.delta };
}

describe('integratedGradients', () => {
  it("equals (x - x') * w exactly on a linear model, with zero delta", async () => {
    const x = tf.tensor2d(xs, [n, d]);
    const res = await integratedGradients(m.f, x, {
      target: 1,
      baselines: 0.25,
      steps: 3,
      method: 'riemann_left',
    });
    const attr = res.attributions.dataSync();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        expect(attr[i * d + j]).toBeCloseTo(
          ((xs[i * d + j] as number) - 0.25) * (m.w[j * 2 + 1] as number),
          6,
        );
      }
      expect(Math.abs(res.delta[i] as number)).toBeLessThan(1e-5);
    }
    res.attributions.dispose();
    x.dispose();
  });

  it("on sum x^2: exact x^2 - x'^2 by midpoint, trapezoid and Gauss-Legendre; right Riemann is off by d^2/steps", async () => {
    for (const method of ['riemann_middle', 'riemann_trapezoid', 'gausslegendre'] as const) {
      const { attr, delta } = await run(0, { steps: 4, method });
      for (let q = 0; q < n * d; q++) {
        const x = xs[q] as number;
        const b = bs[q % d] as number;
        expect(attr[q]).toBeCloseTo(x * x - b * b, 5);
      }
      for (const v of delta) expect(Math.abs(v)).toBeLessThan(1e-5);
    }
    for (const steps of [5, 10, 20]) {
      const { attr, delta } = await run(0, { steps, method: 'riemann_right' });
      for (let i = 0; i < n; i++) {
        let expected = 0;
        for (let j = 0; j < d; j++) {
          const diff = (xs[i * d + j] as number) - (bs[j] as number);
          expected += (diff * diff) / steps;
          expect(attr[i * d + j]).toBeCloseTo(
            (xs[i * d + j] as number) ** 2 - (bs[j] as number) ** 2 + (diff * diff) / steps,
            5,
          );
        }
        expect(delta[i]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('on sum x^3: delta shrinks as 1/steps^2 for trapezoid and midpoint, at the closed-form rate', async () => {
    // For g(a) = 3 (x' + a d)^2 d: trapezoid - integral = h^2 d^3 / 2 (h = 1 / (steps - 1)),
    // midpoint - integral = -d^3 / (4 steps^2): exact error formulas for quadratic integrands.
    const sumCubes = (i: number) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += ((xs[i * d + j] as number) - (bs[j] as number)) ** 3;
      return s;
    };
    const deltas: number[][] = [];
    for (const steps of [8, 16]) {
      const trap = await run(1, { steps, method: 'riemann_trapezoid' });
      const mid = await run(1, { steps, method: 'riemann_middle' });
      const h = 1 / (steps - 1);
      for (let i = 0; i < n; i++) {
        expect(trap.delta[i]).toBeCloseTo((h * h * sumCubes(i)) / 2, 5);
        expect(mid.delta[i]).toBeCloseTo(-sumCubes(i) / (4 * steps * steps), 5);
      }
      deltas.push(Array.from(mid.delta));
      const gl = await run(1, { steps: 2, method: 'gausslegendre' });
      for (const v of gl.delta) expect(Math.abs(v)).toBeLessThan(1e-5);
    }
    for (let i = 0; i < n; i++)
      expect((deltas[0]?.[i] as number) / (deltas[1]?.[i] as number)).toBeCloseTo(4, 2);
  });

  it('Gauss-Legendre nodes integrate polynomials of degree 2m - 1 exactly', () => {
    for (const m of [1, 3, 7, 50]) {
      const { nodes, weights } = gaussLegendre(m);
      for (let p = 0; p <= 2 * m - 1; p += Math.max(1, Math.floor(m / 2))) {
        let s = 0;
        for (let k = 0; k < m; k++) s += (weights[k] as number) * (nodes[k] as number) ** p;
        expect(s).toBeCloseTo(1 / (p + 1), 12);
      }
    }
  });

  it('does not depend on the internal batch size; leaks nothing; rejects bad options', async () => {
    const full = await run(1, { steps: 6, method: 'gausslegendre' });
    const chunked = await run(1, { steps: 6, method: 'gausslegendre', internalBatchSize: 4 });
    for (let q = 0; q < n * d; q++) expect(chunked.attr[q]).toBeCloseTo(full.attr[q] as number, 6);
    const x = tf.tensor2d(xs, [n, d]);
    await expectNoLeaks(() => integratedGradients(powerModel, x, { steps: 3, internalBatchSize: 2 }));
    await expect(integratedGradients(powerModel, x, { steps: 0 })).rejects.toMatchObject({ param: 'steps' });
    await expect(
      integratedGradients(powerModel, x, { method: 'simpson' as 'gausslegendre' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', param: 'method' });
    const wrong = tf.zeros([2, 2]);
    await expect(integratedGradients(powerModel, x, { baselines: wrong })).rejects.toMatchObject({
      code: 'INVALID_SHAPE',
      param: 'baselines',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(
      integratedGradients(powerModel, x, { internalBatchSize: 1, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    wrong.dispose();
    x.dispose();
  });
});
