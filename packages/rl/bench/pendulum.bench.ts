// NAF and DDPG on Pendulum-v1: train, then report the greedy policy's mean return over 100
// episodes (Pendulum counts as solved around -200; a random policy scores about -1200), the wall
// time and the environment steps. Settings follow the rl-baselines3-zoo DDPG entry for Pendulum-v1
// (gamma 0.98, Gaussian noise 0.1, Adam 1e-3) with smaller networks and an earlier start.
// Run: npx tsx bench/pendulum.bench.ts
//   optional env: ALGOS=naf,ddpg  STEPS=15000  SEED=0  HIDDEN=64,64  NOISE=0.1  DLF_BACKEND=cpu|wasm
import { setupBackend } from '@dlf/runtime';
import { ddpg, naf, Pendulum, runEpisodes } from '../src/index.js';

const backend = await setupBackend({ prefer: (process.env.DLF_BACKEND as 'wasm' | 'cpu') ?? 'wasm' });
const totalSteps = Number(process.env.STEPS ?? 15_000);
const seed = Number(process.env.SEED ?? 0);
const hiddenSizes = (process.env.HIDDEN ?? '64,64').split(',').map(Number);
const algos = (process.env.ALGOS ?? 'naf,ddpg').split(',');
const noiseStd = Number(process.env.NOISE ?? 0.1);
const learners = { naf, ddpg };

for (const name of algos) {
  const learn = learners[name as keyof typeof learners];
  if (!learn) throw new Error(`unknown algorithm ${name}: use naf or ddpg`);
  const t0 = performance.now();
  let lastLog = 0;
  const agent = await learn(new Pendulum(), {
    totalSteps,
    hiddenSizes,
    gamma: 0.98,
    learningRate: 1e-3,
    tau: 0.005,
    batchSize: 64,
    learningStarts: 1000,
    noiseStd,
    seed,
    onProgress: ({ episode, episodeReturn, loss }) => {
      const now = performance.now();
      if (now - lastLog > 10_000) {
        lastLog = now;
        console.log(
          `${name} episode ${episode} return ${episodeReturn.toFixed(0)} loss ${loss?.toFixed(3)} t ${((now - t0) / 1000).toFixed(0)}s`,
        );
      }
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const evaluation = runEpisodes(new Pendulum(), (obs) => agent.policy(obs), { episodes: 100, seed: 12345 });
  const lastTen = agent.episodeReturns.slice(-10);
  console.log(
    JSON.stringify({
      backend,
      algorithm: name.toUpperCase(),
      seed,
      hiddenSizes,
      noiseStd,
      environmentSteps: agent.steps,
      trainingEpisodes: agent.episodeReturns.length,
      trainSeconds: +trainSeconds.toFixed(1),
      lastTenTrainingReturns: +(lastTen.reduce((a, b) => a + b, 0) / lastTen.length).toFixed(1),
      evalEpisodes: evaluation.returns.length,
      evalMeanReturn: +evaluation.meanReturn.toFixed(1),
      evalStdReturn: +evaluation.stdReturn.toFixed(1),
      evalSeconds: +((performance.now() - t1) / 1000).toFixed(1),
      solved: evaluation.meanReturn >= -200,
    }),
  );
  agent.dispose();
}
