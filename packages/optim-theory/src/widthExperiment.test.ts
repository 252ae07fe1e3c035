import { expectNoLeaks, setupTestBackend } from '@dlf/runtime/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { conditionNumber } from './conditionNumber.js';
import { ntkTwoLayerRelu } from './ntkTwoLayerRelu.js';
import { slope } from './optimizers/problems.fixture.js';
import { widthExperiment } from './widthExperiment.js';

beforeAll(async () => {
  await setupTestBackend();
});

describe('widthExperiment', () => {
  it('tanh: ||Hess f|| shrinks like sqrt(log m / m) (transition to linearity)', async () => {
    const widths = [64, 256, 1024, 4096];
    const r = await widthExperiment({ widths, activation: 'tanh', trials: 2, iterations: 30, seed: 3 });
    // The output Hessian of a two-layer net is block-diagonal over hidden units, each block of size
    // |b_i| / sqrt(m): its norm is the largest of m such blocks, i.e. ~ sqrt(2 log m) / sqrt(m) for Gaussian
    // b_i (Liu, Zhu and Belkin 2020's O(1/sqrt m) up to that log factor). So ||H|| / sqrt(log m) has
    // log-log slope -1/2; over a 64x range of widths with 2 initialisations each the noise is a few hundredths.
    const s = slope(
      widths.map(Math.log),
      r.hessianNorm.map((h, i) => Math.log(h / Math.sqrt(Math.log(widths[i]!)))),
    );
    expect(Math.abs(s + 0.5)).toBeLessThan(0.1);
    expect(r.lambdaMin.every((v) => v > 0)).toBe(true);
    expect(r.ntkDistance.every(Number.isNaN)).toBe(true);
  });

  it('relu: ||Hess f(x_1)|| = ||x_1|| / sqrt(d m) exactly; lambda_min and kappa approach the analytic NTK values', async () => {
    const widths = [32, 512, 8192];
    const r = await widthExperiment({ widths, activation: 'relu', seed: 4, iterations: 20 });
    const d = r.X[0]!.length;
    const nx = Math.hypot(...r.X[0]!);
    r.width.forEach((m, i) => {
      expect(r.hessianNorm[i]!).toBeCloseTo(nx / Math.sqrt(d * m), 4);
    });
    const limit = conditionNumber(ntkTwoLayerRelu(r.X.map((x) => x.map((v) => v / Math.sqrt(d)))));
    // Kernel fluctuations are O(1/sqrt m): about 1% at m = 8192, far less than at m = 32.
    expect(r.ntkDistance[2]!).toBeLessThan(0.05);
    expect(r.ntkDistance[2]!).toBeLessThan(r.ntkDistance[0]! / 4);
    expect(Math.abs(r.lambdaMin[2]! / limit.lambdaMin - 1)).toBeLessThan(0.15);
    expect(Math.abs(r.kappa[2]! / limit.kappa - 1)).toBeLessThan(0.15);
  });

  it('validates input and leaks no tensors', async () => {
    await expect(widthExperiment({ widths: [] })).rejects.toMatchObject({ param: 'widths' });
    await expect(widthExperiment({ widths: [8], activation: 'gelu' as never })).rejects.toMatchObject({
      param: 'activation',
    });
    await expectNoLeaks(() => widthExperiment({ widths: [4], iterations: 5 }));
  });

  it('stops with ABORTED when its signal has fired', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect((async () => widthExperiment({ widths: [8], signal: ac.signal }))()).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});
