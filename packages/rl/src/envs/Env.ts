import { assertInteger, createRng, DlfError, type Rng } from '@dlf/runtime';
import type { Space } from './spaces.js';

/** What `reset` returns, as gymnasium's `(observation, info)`. */
export interface ResetResult<Obs> {
  observation: Obs;
  info: Record<string, unknown>;
}

/** What `step` returns, as gymnasium's `(observation, reward, terminated, truncated, info)`. */
export interface StepResult<Obs> {
  observation: Obs;
  reward: number;
  /** The episode reached a terminal state of the MDP (no bootstrapping past it). */
  terminated: boolean;
  /** The episode was cut by the time limit (`maxEpisodeSteps`); the state is not terminal. */
  truncated: boolean;
  info: Record<string, unknown>;
}

/** Options of `reset`. */
export interface ResetOptions {
  /** Reseeds the environment's generator; without it the current stream continues. */
  seed?: number;
}

/**
 * A reinforcement-learning environment with gymnasium's interface (Towers et al. 2024):
 * `reset({ seed })` starts an episode, `step(action)` advances it. The time limit gymnasium adds
 * with its `TimeLimit` wrapper is built in (`maxEpisodeSteps`, reported as `truncated`).
 */
export interface Env<Obs = unknown, Act = unknown> {
  /** gymnasium's id of the environment this one reproduces, e.g. 'CartPole-v1'. */
  readonly id: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Steps after which an episode is truncated; undefined for no limit. */
  readonly maxEpisodeSteps: number | undefined;
  reset(options?: ResetOptions): ResetResult<Obs>;
  step(action: Act): StepResult<Obs>;
}

/**
 * Shared bookkeeping of the built-in environments: the seeded generator (seed 0 until `reset`
 * is given one), the step counter for truncation, and the checks that `step` follows `reset` and
 * that a finished episode is not stepped again.
 * @internal
 */
export abstract class EnvBase<Obs, Act> implements Env<Obs, Act> {
  abstract readonly id: string;
  abstract readonly observationSpace: Space;
  abstract readonly actionSpace: Space;
  readonly maxEpisodeSteps: number | undefined;
  protected rng: Rng = createRng(0);
  private elapsed = 0;
  private status: 'idle' | 'running' | 'done' = 'idle';

  constructor(maxEpisodeSteps: number | undefined) {
    if (maxEpisodeSteps !== undefined) assertInteger('maxEpisodeSteps', maxEpisodeSteps, { min: 1 });
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  reset(options: ResetOptions = {}): ResetResult<Obs> {
    if (options.seed !== undefined) this.rng = createRng(options.seed);
    this.elapsed = 0;
    this.status = 'running';
    return this.resetState();
  }

  step(action: Act): StepResult<Obs> {
    if (this.status !== 'running') {
      throw new DlfError(
        'INVALID_ARGUMENT',
        this.status === 'idle'
          ? `${this.id}: step() was called before reset()`
          : `${this.id}: step() was called after the episode ended (terminated or truncated); call reset() first`,
        { param: 'step' },
      );
    }
    if (!actionFits(this.actionSpace, action)) {
      const shown =
        typeof action === 'number' || action === null || typeof action !== 'object'
          ? String(action)
          : `[${Array.from(action as unknown as ArrayLike<number>).join(', ')}]`;
      throw new DlfError(
        'INVALID_ARGUMENT',
        `${this.id}: action must lie in the action space (${describeSpace(this.actionSpace)}), received ${shown}`,
        { param: 'action' },
      );
    }
    const { observation, reward, terminated, info } = this.transition(action);
    this.elapsed++;
    const truncated = this.maxEpisodeSteps !== undefined && this.elapsed >= this.maxEpisodeSteps;
    if (terminated || truncated) this.status = 'done';
    return { observation, reward, terminated, truncated, info };
  }

  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  protected abstract resetState(): ResetResult<Obs>;
  protected abstract transition(action: Act): {
    observation: Obs;
    reward: number;
    terminated: boolean;
    info: Record<string, unknown>;
  };
}

/** Discrete: an integer in range. Box: finite numbers of the right length (out-of-range values are clipped by the env). */
function actionFits(space: Space, action: unknown): boolean {
  if (space.type === 'discrete') return space.contains(action);
  const n = space.low.length;
  if (typeof action === 'number') return n === 1 && Number.isFinite(action);
  if (action === null || typeof action !== 'object' || (action as ArrayLike<number>).length !== n)
    return false;
  for (let i = 0; i < n; i++) if (!Number.isFinite((action as ArrayLike<number>)[i])) return false;
  return true;
}

function describeSpace(space: Space): string {
  if (space.type === 'discrete') return `integers in [0, ${space.n - 1}]`;
  return `finite vectors of length ${space.low.length}, clipped to [${Array.from(space.low).join(', ')}] .. [${Array.from(space.high).join(', ')}]`;
}
