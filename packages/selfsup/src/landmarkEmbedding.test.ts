import { describe, expect, it } from 'vitest';
import { landmarkEmbedding } from './landmarkEmbedding.js';
import { twoViewGaussians } from './twoViewGaussians.js';

/** E[h(Z) | Y = y] for 1-D z ~ N(nu_y, s^2) by the trapezoid rule on [nu_y - 10 s, nu_y + 10 s]. */
function condExpectation(h: (z: number) => number, nu: number, s: number): number {
  const N = 4000;
  const a = nu - 10 * s;
  const step = (20 * s) / N;
  let acc = 0;
  for (let i = 0; i <= N; i++) {
    const z = a + i * step;
    const w = (i === 0 || i === N ? 0.5 : 1) * Math.exp(-((z - nu) ** 2) / (2 * s * s));
    acc += w * h(z);
  }
  return (acc * step) / (s * Math.sqrt(2 * Math.PI));
}

describe('twoViewGaussians', () => {
  it('the closed-form density ratio integrates to 1 against p(z) and factors through the direct embeddings', () => {
    const model = twoViewGaussians({ numClasses: 3, dim: 1, seed: 0 });
    const x = Float64Array.of(0.4);
    // E_{z ~ p(z)} [p(x, z) / (p(x) p(z))] = 1, computed by quadrature over each class's z.
    const total = [0, 1, 2].reduce(
      (s, k) => s + model.prior[k]! * condExpectation((z) => model.densityRatio(x, [z]), model.meansZ[k]!, 1),
      0,
    );
    expect(total).toBeCloseTo(1, 8);
    const z = Float64Array.of(-1.2);
    const psi = model.directEmbeddingX(x);
    const eta = model.directEmbeddingZ(z);
    expect(psi.reduce((s, v, k) => s + v * eta[k]!, 0)).toBeCloseTo(model.densityRatio(x, z), 12);
    expect(model.pmi(x, z)).toBeCloseTo(Math.log(model.densityRatio(x, z)), 12);
    // The Bayes posterior is linear in the direct embedding: P(y|x) = sqrt(pi_y) psi_y(x).
    model.posteriorX(x).forEach((p, k) => {
      expect(p).toBeCloseTo(Math.sqrt(model.prior[k]!) * psi[k]!, 12);
    });
  });
});

describe('landmarkEmbedding', () => {
  it('(1/m) sum_j phi_j(x) h(z_j) converges to E[h(Z) | X = x] (reference: quadrature), within 5 standard errors', () => {
    const model = twoViewGaussians({ numClasses: 3, dim: 1, separationX: 1.5, separationZ: 1.5, seed: 1 });
    const m = 20_000;
    const { z: landmarks } = model.sample(m, 2);
    const xs = Float64Array.of(-1, 0.3, 2);
    const phi = landmarkEmbedding(model.pmi, xs, landmarks, { dimX: 1, dimZ: 1 });
    const h = (z: number) => model.posteriorZ([z])[0]!; // h(z) = P(y = 0 | z)
    xs.forEach((x, i) => {
      const terms = Array.from({ length: m }, (_, j) => phi[i * m + j]! * h(landmarks[j]!));
      const estimate = terms.reduce((s, v) => s + v, 0) / m;
      const sd = Math.sqrt(terms.reduce((s, v) => s + (v - estimate) ** 2, 0) / (m - 1));
      // E[h(Z) | x] = sum_y P(y|x) E[h(Z) | y].
      const px = model.posteriorX([x]);
      const exact = [0, 1, 2].reduce((s, k) => s + px[k]! * condExpectation(h, model.meansZ[k]!, 1), 0);
      expect(Math.abs(estimate - exact)).toBeLessThan(5 * (sd / Math.sqrt(m)));
    });
  });

  it('with a redundant second view, a linear function of phi recovers the Bayes posterior P(y|x)', () => {
    // z identifies y almost surely (means 12 sd apart on average): E[P(y|Z) | x] ~ P(y|x).
    const model = twoViewGaussians({ numClasses: 3, dim: 2, separationX: 1, separationZ: 12, seed: 3 });
    const m = 4000;
    const { z: landmarks } = model.sample(m, 4);
    const { x: xs } = model.sample(20, 5);
    const phi = landmarkEmbedding(model.pmi, xs, landmarks, { dimX: 2, dimZ: 2 });
    const hz = Array.from({ length: m }, (_, j) => model.posteriorZ(landmarks.subarray(2 * j, 2 * j + 2)));
    let worst = 0;
    for (let i = 0; i < 20; i++) {
      const bayes = model.posteriorX(xs.subarray(2 * i, 2 * i + 2));
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += phi[i * m + j]! * hz[j]![k]!;
        worst = Math.max(worst, Math.abs(s / m - bayes[k]!));
      }
    }
    expect(worst).toBeLessThan(0.05);
    expect(() => landmarkEmbedding(model.pmi, xs, landmarks, { dimX: 3, dimZ: 2 })).toThrow(
      /multiple of dimX = 3/,
    );
    const raw = landmarkEmbedding(model.pmi, xs.subarray(0, 2), landmarks.subarray(0, 2), {
      dimX: 2,
      dimZ: 2,
      transform: 'none',
    });
    expect(raw[0]).toBeCloseTo(model.pmi(xs.subarray(0, 2), landmarks.subarray(0, 2)), 12);
  });
});
