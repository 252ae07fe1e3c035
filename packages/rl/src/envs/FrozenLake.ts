import { assertOneOf, DlfError } from '@dlf/runtime';
import { gridTable, startDistribution } from './GridWorld.js';
import { TabularEnv } from './TabularEnv.js';

/** gymnasium's built-in FrozenLake maps. */
export const FROZEN_LAKE_MAPS: Readonly<Record<'4x4' | '8x8', readonly string[]>> = {
  '4x4': ['SFFF', 'FHFH', 'FFFH', 'HFFG'],
  '8x8': ['SFFFFFFF', 'FFFFFFFF', 'FFFHFFFF', 'FFFFFHFF', 'FFFHFFFF', 'FHHFFFHF', 'FHFFHFHF', 'FFFHFFFG'],
};

export interface FrozenLakeOptions {
  /** '4x4' (FrozenLake-v1) or '8x8' (FrozenLake8x8-v1). Default: '4x4'. */
  mapName?: '4x4' | '8x8';
  /** A custom map ('S' start, 'F' frozen, 'H' hole, 'G' goal); overrides `mapName`. */
  desc?: readonly string[];
  /** Slippery ice: the intended move and the two perpendicular ones happen with 1/3 each. Default: true. */
  isSlippery?: boolean;
  /** Episode limit. Default: 100 for 4x4 (and custom maps), 200 for 8x8, as gymnasium registers them. */
  maxEpisodeSteps?: number;
}

/**
 * gymnasium's FrozenLake-v1: walk from S to G on a grid without falling into a hole H. Reward 1 on
 * reaching G, 0 otherwise; G and H end the episode. Actions 0..3 = left, down, right, up; moves off
 * the grid stay in place. Slippery by default (1/3 intended, 1/3 each perpendicular).
 *
 * @example
 * ```ts
 * const env = new FrozenLake({ mapName: '8x8' });
 * const { values } = valueIteration(env.toMdp(0.99));
 * ```
 */
export class FrozenLake extends TabularEnv {
  readonly desc: readonly string[];

  constructor(options: FrozenLakeOptions = {}) {
    const { mapName = '4x4', isSlippery = true } = options;
    assertOneOf('mapName', mapName, ['4x4', '8x8'] as const);
    const desc = options.desc ?? FROZEN_LAKE_MAPS[mapName];
    for (const line of desc) {
      if (typeof line !== 'string' || /[^SFHG]/.test(line)) {
        throw new DlfError(
          'INVALID_ARGUMENT',
          `desc rows may only use the letters S, F, H, G, received ${String(line)}`,
          {
            param: 'desc',
          },
        );
      }
    }
    super({
      P: gridTable(
        desc,
        (cell) => (cell === 'G' ? 1 : 0),
        'GH',
        0,
        [
          [0, -1],
          [1, 0],
          [0, 1],
          [-1, 0],
        ],
        isSlippery,
      ),
      initialState: startDistribution(desc, 'S'),
      maxEpisodeSteps:
        options.maxEpisodeSteps ?? (options.desc === undefined && mapName === '8x8' ? 200 : 100),
      id: options.desc === undefined && mapName === '8x8' ? 'FrozenLake8x8-v1' : 'FrozenLake-v1',
    });
    this.desc = [...desc];
  }
}
