import { assertFiniteNumber, assertInRange, DlfError } from '@dlf/runtime';
import { TabularEnv, type TabularOutcome } from './TabularEnv.js';

/** Moves of the grid environments, in FrozenLake's order. */
export const GRID_ACTIONS = ['left', 'down', 'right', 'up'] as const;

const MOVES: readonly (readonly [number, number])[] = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
];

export interface GridWorldOptions {
  /**
   * The map, one string per row: '.' free, '#' wall, 'S' start (one or several, uniform), and any
   * other character a cell whose reward is given in `rewards` (terminal if listed in `terminals`).
   * Default: Russell and Norvig's 4 x 3 world `['...G', '.#.H', 'S...']`.
   */
  layout?: readonly string[];
  /** Reward for landing in a cell, by its character. Default: { G: 1, H: -1 }. */
  rewards?: Readonly<Record<string, number>>;
  /** Characters of cells that end the episode. Default: 'GH'. */
  terminals?: string;
  /** Reward added on every step. Default: 0 (Russell and Norvig use -0.04). */
  stepReward?: number;
  /**
   * Probability of slipping to one of the two perpendicular moves (each with slip / 2); the intended
   * move happens with 1 - slip. Moves into walls or off the grid stay in place. Default: 0.
   */
  slip?: number;
  /** Episode length limit. Default: 100. */
  maxEpisodeSteps?: number;
}

/**
 * A grid world: walls, start cells, reward and terminal cells, slippery moves. States are
 * `row * cols + col` (walls included, never entered); actions 0..3 = left, down, right, up.
 * The reward of a step is `stepReward + rewards[cell landed in]`. `toMdp(gamma)` is its exact MDP.
 *
 * @example
 * ```ts
 * const env = new GridWorld({ layout: ['S..G', '.#.H'], slip: 0.2, stepReward: -0.04 });
 * const { policy } = valueIteration(env.toMdp(0.95));
 * env.reset({ seed: 0 }); env.step(policy[0]);
 * ```
 */
export class GridWorld extends TabularEnv {
  readonly rows: number;
  readonly cols: number;
  readonly layout: readonly string[];

  constructor(options: GridWorldOptions = {}) {
    const {
      layout = ['...G', '.#.H', 'S...'],
      rewards = { G: 1, H: -1 },
      terminals = 'GH',
      stepReward = 0,
      slip = 0,
      maxEpisodeSteps = 100,
    } = options;
    assertFiniteNumber('stepReward', stepReward);
    assertInRange('slip', slip, 0, 1);
    for (const [k, v] of Object.entries(rewards)) assertFiniteNumber(`rewards.${k}`, v);
    super({
      P: gridTable(layout, (cell) => (rewards[cell] ?? 0) + stepReward, terminals, slip, MOVES, false),
      initialState: startDistribution(layout, 'S'),
      maxEpisodeSteps,
      id: 'GridWorld',
    });
    this.layout = [...layout];
    this.rows = layout.length;
    this.cols = (layout[0] as string).length;
  }

  /** The character of the cell of a state. */
  cellOf(state: number): string {
    return (this.layout[Math.floor(state / this.cols)] as string)[state % this.cols] as string;
  }
}

/** @internal Builds P[s][a] for a rectangular character grid. */
export function gridTable(
  layout: readonly string[],
  rewardOf: (cell: string) => number,
  terminals: string,
  slip: number,
  moves: readonly (readonly [number, number])[],
  threeWaySlip: boolean,
): TabularOutcome[][][] {
  if (
    !Array.isArray(layout) ||
    layout.length === 0 ||
    typeof layout[0] !== 'string' ||
    layout[0].length === 0
  ) {
    throw new DlfError('INVALID_ARGUMENT', 'layout must be a non-empty array of non-empty strings', {
      param: 'layout',
    });
  }
  const rows = layout.length;
  const cols = layout[0].length;
  for (const [r, line] of layout.entries()) {
    if (typeof line !== 'string' || line.length !== cols) {
      throw new DlfError(
        'INVALID_SHAPE',
        `layout[${r}] must have ${cols} characters like layout[0], received ${String(line)}`,
        {
          param: 'layout',
        },
      );
    }
  }
  const at = (r: number, c: number): string => (layout[r] as string)[c] as string;
  const P: TabularOutcome[][][] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = r * cols + c;
      const row: TabularOutcome[][] = [];
      for (let a = 0; a < moves.length; a++) {
        if (terminals.includes(at(r, c)) || at(r, c) === '#') {
          row.push([{ prob: 1, next: s, reward: 0, terminated: terminals.includes(at(r, c)) }]);
          continue;
        }
        const outcomes: TabularOutcome[] = [];
        const branches: [number, number][] = threeWaySlip
          ? [
              [(a + 3) % 4, 1 / 3],
              [a, 1 / 3],
              [(a + 1) % 4, 1 / 3],
            ]
          : [
              [a, 1 - slip],
              [(a + 3) % 4, slip / 2],
              [(a + 1) % 4, slip / 2],
            ];
        for (const [b, prob] of branches) {
          if (prob === 0) continue;
          const [dr, dc] = moves[b] as [number, number];
          let nr = Math.min(Math.max(r + dr, 0), rows - 1);
          let nc = Math.min(Math.max(c + dc, 0), cols - 1);
          if (at(nr, nc) === '#') {
            nr = r;
            nc = c;
          }
          const cell = at(nr, nc);
          outcomes.push({
            prob,
            next: nr * cols + nc,
            reward: rewardOf(cell),
            terminated: terminals.includes(cell),
          });
        }
        row.push(outcomes);
      }
      P.push(row);
    }
  }
  return P;
}

/** @internal Uniform over the cells marked `mark`. */
export function startDistribution(layout: readonly string[], mark: string): Float64Array {
  const cells = layout.join('');
  const d = new Float64Array(cells.length);
  let count = 0;
  for (let i = 0; i < cells.length; i++) if (cells[i] === mark) count++;
  if (count === 0) {
    throw new DlfError(
      'INVALID_ARGUMENT',
      `layout must contain at least one start cell '${mark}', received none`,
      {
        param: 'layout',
      },
    );
  }
  for (let i = 0; i < cells.length; i++) if (cells[i] === mark) d[i] = 1 / count;
  return d;
}
