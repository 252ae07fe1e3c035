import { TabularEnv, type TabularOutcome } from './TabularEnv.js';

export interface CliffWalkingOptions {
  /** Episode limit. Default: undefined (gymnasium registers CliffWalking-v0 without one). */
  maxEpisodeSteps?: number;
}

/**
 * gymnasium's CliffWalking-v0 (Sutton and Barto 2018, Example 6.6): a 4 x 12 grid, start at
 * (3, 0), goal at (3, 11), the cliff along (3, 1..10). Every step costs -1; stepping into the cliff
 * costs -100 and sends the agent back to the start (without ending the episode). Actions
 * 0..3 = up, right, down, left (gymnasium's order here). Deterministic.
 *
 * @example
 * ```ts
 * const env = new CliffWalking();
 * valueIteration(env.toMdp(0.99)).policy;
 * ```
 */
export class CliffWalking extends TabularEnv {
  readonly rows = 4;
  readonly cols = 12;

  constructor(options: CliffWalkingOptions = {}) {
    const rows = 4;
    const cols = 12;
    const start = 3 * cols;
    const goal = rows * cols - 1;
    const moves: [number, number][] = [
      [-1, 0],
      [0, 1],
      [1, 0],
      [0, -1],
    ];
    const P: TabularOutcome[][][] = [];
    for (let s = 0; s < rows * cols; s++) {
      const r = Math.floor(s / cols);
      const c = s % cols;
      P.push(
        moves.map(([dr, dc]) => {
          if (s === goal) return [{ prob: 1, next: s, reward: 0, terminated: true }];
          const nr = Math.min(Math.max(r + dr, 0), rows - 1);
          const nc = Math.min(Math.max(c + dc, 0), cols - 1);
          const next = nr * cols + nc;
          if (nr === rows - 1 && nc >= 1 && nc <= cols - 2) {
            return [{ prob: 1, next: start, reward: -100, terminated: false }];
          }
          return [{ prob: 1, next, reward: -1, terminated: next === goal }];
        }),
      );
    }
    super({ P, initialState: start, maxEpisodeSteps: options.maxEpisodeSteps, id: 'CliffWalking-v0' });
  }
}
