import type { SeedLike } from '@dlf/runtime';
import type { AttackLoss, Bounds, Target } from './attackCore.js';

/** Options shared by every attack. */
export interface BaseAttackOptions {
  /** Range every input entry must stay in, [min, max]. Infinite bounds switch clipping off. Default [0, 1]. */
  bounds?: Bounds;
  /**
   * Untargeted when absent (push the prediction away from the label). Otherwise the class to reach:
   * one index for all, one per example, `'random'` (uniform over the other classes, seeded) or
   * `'least-likely'` (the clean model's lowest logit).
   */
  target?: Target;
  /** Seed for random starts and random targets. Default 0. */
  seed?: SeedLike;
}

/** Progress of an iterative attack. */
export interface AttackProgress {
  /** 0-based restart index. */
  restart: number;
  restarts: number;
  /** Steps done in this restart (1-based after the first step). */
  step: number;
  steps: number;
}

/** Options of the iterative gradient attacks. */
export interface IterativeAttackOptions extends BaseAttackOptions {
  /** Objective ascended: `'ce'` cross-entropy (default) or `'margin'` (max other logit - own logit). */
  loss?: AttackLoss;
  /** Called after every step. */
  onProgress?: (progress: AttackProgress) => void;
  /** Aborts between steps with `DlfError('ABORTED')`. */
  signal?: AbortSignal;
}
