// --- optimal transport (src/ot/) ---

// --- normalizing flows (src/flows/) ---
export type { ActNormOptions } from './flows/actNorm.js';
export { actNorm } from './flows/actNorm.js';
export type { AffineCouplingOptions } from './flows/affineCoupling.js';
export { affineCoupling } from './flows/affineCoupling.js';
export type { FlowLayer } from './flows/FlowLayer.js';
export type { Flow, FlowFitOptions } from './flows/flow.js';
export { flow } from './flows/flow.js';
export type { InvertibleLinearOptions } from './flows/invertibleLinear.js';
export { invertibleLinear } from './flows/invertibleLinear.js';
export { alternatingMask, channelMask, checkerboardMask } from './flows/masks.js';
export { permutation } from './flows/permutation.js';
export { uniformDequantize } from './flows/uniformDequantize.js';
// --- GANs and mode-collapse measurement (src/gan/) ---
export type {
  EntropicGan,
  EntropicGanFitOptions,
  EntropicGanOptions,
  EntropicLikelihoodOptions,
} from './gan/entropicGan.js';
export { entropicGan } from './gan/entropicGan.js';
export type { Gan, GanFitOptions, GanFitResult, GanLoss, GanOptions } from './gan/gan.js';
export { gan } from './gan/gan.js';
export type { GaussianMixture2d, GaussianMixture2dOptions } from './gan/gaussianMixture2d.js';
export { gaussianMixture2d } from './gan/gaussianMixture2d.js';
export { gradientPenalty } from './gan/gradientPenalty.js';
export type { ModeCoverageOptions, ModeCoverageResult } from './gan/modeCoverage.js';
export { modeCoverage } from './gan/modeCoverage.js';
// --- evaluation metrics (src/metrics/) ---
export type { ExtractFeaturesOptions, FeatureExtractor } from './metrics/extractFeatures.js';
export { extractFeatures } from './metrics/extractFeatures.js';
export { fid } from './metrics/fid.js';
export { frechetDistance } from './metrics/frechetDistance.js';
export type { FeatureMatrix, GaussianStats } from './metrics/gaussianStats.js';
export { gaussianStats } from './metrics/gaussianStats.js';
export type { InceptionScoreOptions, InceptionScoreResult } from './metrics/inceptionScore.js';
export { inceptionScore } from './metrics/inceptionScore.js';
export type { MnistClassifier } from './metrics/mnistClassifier.js';
export { loadMnistClassifier } from './metrics/mnistClassifier.js';
export { mnistFid, mnistInceptionScore } from './metrics/mnistFid.js';
export type { DistMetric } from './ot/dist.js';
export { dist } from './ot/dist.js';
export type { EmdOptions, EmdResult } from './ot/emd.js';
export { emd } from './ot/emd.js';
export type { CostMatrix } from './ot/inputs.js';
export type { SinkhornOptions, SinkhornResult } from './ot/sinkhorn.js';
export { sinkhorn, sinkhorn2 } from './ot/sinkhorn.js';
export type { Wasserstein1dOptions } from './ot/wasserstein1d.js';
export { wasserstein1d } from './ot/wasserstein1d.js';
// --- variational autoencoders (src/vae/) ---
export type { HierarchicalElbo, HierarchicalVae, HierarchicalVaeOptions } from './vae/hierarchicalVae.js';
export { hierarchicalVae } from './vae/hierarchicalVae.js';
export type {
  ElboResult,
  PosteriorDiagnostics,
  Vae,
  VaeFitOptions,
  VaeFitResult,
  VaeLikelihood,
  VaeOptions,
} from './vae/vae.js';
export { vae } from './vae/vae.js';
export type {
  CodebookUsage,
  VqVae,
  VqVaeFitOptions,
  VqVaeLossTerms,
  VqVaeOptions,
} from './vae/vqVae.js';
export { vqVae } from './vae/vqVae.js';
