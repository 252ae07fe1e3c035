import { DlfError } from '@dlf/runtime';
import { describe, expect, it } from 'vitest';
import { FiniteMdp } from './finiteMdp.js';

const dense = {
  transitions: [
    [
      [1, 0],
      [0.5, 0.5],
    ],
    [
      [0, 1],
      [0, 1],
    ],
  ],
  rewards: [
    [1, 0],
    [2, 2],
  ],
  gamma: 0.9,
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DlfError) return e.code;
    throw e;
  }
  return undefined;
}

describe('FiniteMdp', () => {
  it('stores dense tables as sparse rows and gives them back', () => {
    const mdp = new FiniteMdp(dense);
    expect(mdp.numStates).toBe(2);
    expect(mdp.numActions).toBe(2);
    expect(mdp.transitionProbability(0, 1, 1)).toBe(0.5);
    expect(mdp.transitions(1, 0)).toEqual([{ next: 1, prob: 1 }]);
    const { P, R } = mdp.toDense();
    expect(Array.from(P[0]![1]!)).toEqual([0.5, 0.5]);
    expect(Array.from(R[1]!)).toEqual([2, 2]);
    expect(Array.from(mdp.initialDistribution)).toEqual([0.5, 0.5]);
  });

  it('sparse entries with per-transition rewards give the expected reward R(s,a) = sum p r', () => {
    const mdp = new FiniteMdp({
      transitions: [
        [
          [
            { next: 0, prob: 0.25, reward: 4 },
            { next: 1, prob: 0.75, reward: -1 },
          ],
        ],
        [[{ next: 1, prob: 1 }]],
      ],
      rewards: [1, 0],
      gamma: 0.5,
      initialState: 0,
    });
    expect(mdp.reward[0]).toBeCloseTo(1 + 0.25 * 4 - 0.75, 15);
    expect(Array.from(mdp.initialDistribution)).toEqual([1, 0]);
  });

  it('rejects rows that do not sum to 1, negative probabilities, bad rewards and gamma outside [0, 1)', () => {
    expect(
      code(
        () =>
          new FiniteMdp({
            ...dense,
            transitions: [
              [
                [0.5, 0.4],
                [1, 0],
              ],
              [
                [0, 1],
                [0, 1],
              ],
            ],
          }),
      ),
    ).toBe('INVALID_DATA');
    expect(
      () =>
        new FiniteMdp({
          ...dense,
          transitions: [
            [
              [0.5, 0.4],
              [1, 0],
            ],
            [
              [0, 1],
              [0, 1],
            ],
          ],
        }),
    ).toThrow(/transitions\[0\]\[0\] must sum to 1/);
    expect(
      code(
        () =>
          new FiniteMdp({
            ...dense,
            transitions: [
              [
                [1.5, -0.5],
                [1, 0],
              ],
              [
                [0, 1],
                [0, 1],
              ],
            ],
          }),
      ),
    ).toBe('INVALID_DATA');
    expect(
      code(
        () =>
          new FiniteMdp({
            ...dense,
            rewards: [
              [1, Number.NaN],
              [0, 0],
            ],
          }),
      ),
    ).toBe('NON_FINITE');
    expect(
      code(
        () =>
          new FiniteMdp({
            ...dense,
            rewards: [
              [1, 2, 3],
              [0, 0],
            ],
          }),
      ),
    ).toBe('INVALID_SHAPE');
    expect(code(() => new FiniteMdp({ ...dense, gamma: 1 }))).toBe('INVALID_ARGUMENT');
    expect(() => new FiniteMdp({ ...dense, gamma: 1 })).toThrow(/gamma must be in \[0, 1\), received 1/);
    expect(
      code(
        () =>
          new FiniteMdp({
            ...dense,
            transitions: [
              [[1, 0]],
              [
                [0, 1],
                [0, 1],
              ],
            ],
          }),
      ),
    ).toBe('INVALID_SHAPE');
    expect(
      code(
        () =>
          new FiniteMdp({
            ...dense,
            transitions: [
              [
                [1, 0, 0],
                [1, 0],
              ],
              [
                [0, 1],
                [0, 1],
              ],
            ],
          }),
      ),
    ).toBe('INVALID_SHAPE');
    expect(code(() => new FiniteMdp({ transitions: [[[{ next: 3, prob: 1 }]]], gamma: 0.5 }))).toBe(
      'INVALID_DATA',
    );
    expect(code(() => new FiniteMdp({ ...dense, initialState: [0.5, 0.6] }))).toBe('INVALID_DATA');
    expect(code(() => new FiniteMdp({ ...dense, initialState: 2 }))).toBe('INVALID_ARGUMENT');
  });

  it('fromCsr validates the compressed arrays and withGamma keeps the model', () => {
    const mdp = FiniteMdp.fromCsr({
      numStates: 1,
      numActions: 1,
      gamma: 0.5,
      rowStart: Int32Array.of(0, 1),
      nextState: Int32Array.of(0),
      probability: Float64Array.of(1),
      reward: Float64Array.of(1),
    });
    expect(mdp.withGamma(0.25).gamma).toBe(0.25);
    expect(mdp.withGamma(0.25).reward).toBe(mdp.reward);
    expect(
      code(() =>
        FiniteMdp.fromCsr({
          numStates: 1,
          numActions: 1,
          gamma: 0.5,
          rowStart: Int32Array.of(0, 1),
          nextState: Int32Array.of(0),
          probability: Float64Array.of(0.9),
          reward: Float64Array.of(1),
        }),
      ),
    ).toBe('INVALID_DATA');
  });

  it('sampleNext draws next states with the stored probabilities', () => {
    const mdp = new FiniteMdp(dense);
    const n = 100;
    let ones = 0;
    for (let i = 0; i < n; i++) if (mdp.sampleNext(0, 1, (i + 0.5) / n) === 1) ones++;
    expect(ones).toBe(50);
  });
});
