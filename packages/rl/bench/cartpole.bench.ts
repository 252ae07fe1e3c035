// DQN on CartPole-v1 until solved: mean greedy return >= 475 over 100 episodes.
// Hyperparameters follow the rl-baselines3-zoo settings for DQN on CartPole-v1.
// Run: npx tsx bench/cartpole.bench.ts   (optional env: DLF_BACKEND=cpu|wasm, STEPS=50000, SEED=0)
import { setupBackend } from '@dlf/runtime';
import { dqn, linearSchedule, makeEnv, runEpisodes } from '../src/index.js';

const backend = await setupBackend({ prefer: (process.env.DLF_BACKEND as 'wasm' | 'cpu') ?? 'wasm' });
const totalSteps = Number(process.env.STEPS ?? 50_000);
const seed = Number(process.env.SEED ?? 0);
const t0 = performance.now();
let lastLog = 0;
const agent = await dqn(makeEnv('CartPole-v1'), {
  totalSteps,
  hiddenSizes: [256, 256],
  learningRate: 2.3e-3,
  gamma: 0.99,
  bufferSize: 100_000,
  batchSize: 64,
  learningStarts: 1000,
  trainFrequency: 256,
  gradientSteps: 128,
  targetUpdateInterval: 128,
  epsilon: linearSchedule({ start: 1, end: 0.04, steps: Math.round(0.16 * totalSteps) }),
  seed,
  onProgress: ({ episode, episodeReturn, epsilon }) => {
    const now = performance.now();
    if (now - lastLog > 10_000) {
      lastLog = now;
      console.log(
        `episode ${episode} return ${episodeReturn} epsilon ${epsilon?.toFixed(3)} t ${((now - t0) / 1000).toFixed(0)}s`,
      );
    }
  },
});
const trainSeconds = (performance.now() - t0) / 1000;
const evaluation = runEpisodes(makeEnv('CartPole-v1'), (obs) => agent.policy(obs), {
  episodes: 100,
  seed: 12345,
});
console.log(
  JSON.stringify({
    backend,
    algorithm: 'DQN',
    seed,
    environmentSteps: agent.steps,
    trainingEpisodes: agent.episodeReturns.length,
    trainSeconds: +trainSeconds.toFixed(1),
    wallSeconds: +((performance.now() - t0) / 1000).toFixed(1),
    evalEpisodes: evaluation.returns.length,
    evalMeanReturn: evaluation.meanReturn,
    evalStdReturn: +evaluation.stdReturn.toFixed(2),
    solved: evaluation.meanReturn >= 475,
  }),
);
agent.dispose();
