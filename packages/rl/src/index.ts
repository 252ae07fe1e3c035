export type { ActorCriticOptions } from './actorCritic.js';
export { actorCritic } from './actorCritic.js';
export type { BellmanOperatorOptions } from './bellmanOperator.js';
export { bellmanOperator } from './bellmanOperator.js';
export type { ContinuousReplayBatch } from './ContinuousReplayBuffer.js';
export { ContinuousReplayBuffer } from './ContinuousReplayBuffer.js';
export type { ContinuousControlOptions, ContinuousControlResult } from './continuousControl.js';
export type { DdpgOptions, DdpgResult } from './ddpg.js';
export { ddpg } from './ddpg.js';
export type { DqnOptions, DqnResult } from './dqn.js';
export { dqn } from './dqn.js';
export type { AcrobotOptions } from './envs/Acrobot.js';
export { Acrobot } from './envs/Acrobot.js';
export type { CartPoleOptions } from './envs/CartPole.js';
export { CartPole } from './envs/CartPole.js';
export type { CliffWalkingOptions } from './envs/CliffWalking.js';
export { CliffWalking } from './envs/CliffWalking.js';
export type { Env, ResetOptions, ResetResult, StepResult } from './envs/Env.js';
export type { FrozenLakeOptions } from './envs/FrozenLake.js';
export { FROZEN_LAKE_MAPS, FrozenLake } from './envs/FrozenLake.js';
export type { GridWorldOptions } from './envs/GridWorld.js';
export { GRID_ACTIONS, GridWorld } from './envs/GridWorld.js';
export type { MountainCarOptions } from './envs/MountainCar.js';
export { MountainCar } from './envs/MountainCar.js';
export type { EnvId } from './envs/makeEnv.js';
export { ENV_IDS, makeEnv } from './envs/makeEnv.js';
export type { PendulumOptions } from './envs/Pendulum.js';
export { angleNormalize, Pendulum } from './envs/Pendulum.js';
export type { EnvPolicy, RunEpisodesOptions, RunEpisodesResult } from './envs/runEpisodes.js';
export { runEpisodes } from './envs/runEpisodes.js';
export type { Space } from './envs/spaces.js';
export { Box, Discrete } from './envs/spaces.js';
export type { TabularEnvOptions, TabularOutcome } from './envs/TabularEnv.js';
export { TabularEnv } from './envs/TabularEnv.js';
export type { EvaluatePolicyOptions, EvaluatePolicyResult, SweepProgress } from './evaluatePolicy.js';
export { evaluatePolicy } from './evaluatePolicy.js';
export type {
  FiniteMdpCsr,
  FiniteMdpOptions,
  RewardsInput,
  SparseTransition,
  TransitionsInput,
} from './finiteMdp.js';
export { FiniteMdp } from './finiteMdp.js';
export type { GreedyPolicyOptions } from './greedyPolicy.js';
export { greedyPolicy } from './greedyPolicy.js';
export type { NafOptions, NafResult } from './naf.js';
export { naf } from './naf.js';
export type { NaturalGradientEstimate, NaturalPolicyGradientOptions } from './naturalPolicyGradient.js';
export { estimateNaturalGradient, naturalPolicyGradient } from './naturalPolicyGradient.js';
export type {
  PolicyIterationOptions,
  PolicyIterationProgress,
  PolicyIterationResult,
} from './policyIteration.js';
export { policyIteration } from './policyIteration.js';
export { qFromV } from './qFromV.js';
export { qLearning } from './qLearning.js';
export type { ReplayBatch } from './ReplayBuffer.js';
export { ReplayBuffer } from './ReplayBuffer.js';
export type { RandomMdpOptions } from './randomMdp.js';
export { randomMdp } from './randomMdp.js';
export type {
  PolicyGradientOptions,
  PolicyGradientResult,
  ReinforceGradientOptions,
  ReinforceOptions,
  Trajectory,
} from './reinforce.js';
export { reinforce, reinforceGradient } from './reinforce.js';
export type { SarsaOptions } from './sarsa.js';
export { sarsa } from './sarsa.js';
export type { Schedule } from './schedules.js';
export { exponentialSchedule, linearSchedule } from './schedules.js';
export type { ExactPolicyGradientResult } from './softmaxPolicy.js';
export { exactPolicyGradient, softmaxPolicy } from './softmaxPolicy.js';
export { softUpdate } from './softUpdate.js';
export type { TabularPolicy } from './tabularPolicy.js';
export type { EpisodeProgress, TabularControlOptions, TabularControlResult } from './tdControl.js';
export type { ValueIterationOptions, ValueIterationResult } from './valueIteration.js';
export { valueIteration } from './valueIteration.js';
