// --- augmentations and pretext tasks (src/augment/) ---

// --- theory ---
export type { AroraBoundOptions, AroraBoundResult } from './aroraBound.js';
export { aroraBound } from './aroraBound.js';
export type { Augmentation } from './augment/Augmentation.js';
export type { ColorJitterOptions } from './augment/colorJitter.js';
export { colorJitter } from './augment/colorJitter.js';
export { compose } from './augment/compose.js';
export type { GaussianBlurOptions } from './augment/gaussianBlur.js';
export { gaussianBlur } from './augment/gaussianBlur.js';
export type { GaussianNoiseOptions } from './augment/gaussianNoise.js';
export { gaussianNoise } from './augment/gaussianNoise.js';
export type { RandomFlipOptions } from './augment/randomFlip.js';
export { randomFlip } from './augment/randomFlip.js';
export type { RandomResizedCropOptions } from './augment/randomResizedCrop.js';
export { randomResizedCrop } from './augment/randomResizedCrop.js';
export type { RandomRotationOptions } from './augment/randomRotation.js';
export { randomRotation } from './augment/randomRotation.js';
export { rot90, rotationPretext } from './augment/rotationPretext.js';
export { twoViews } from './augment/twoViews.js';
// --- evaluation of representations ---
export type { EmbedOptions } from './embed.js';
export { embed } from './embed.js';
// --- meta-learning ---
export type {
  ClassData,
  FewShotTask,
  FewShotTaskSamplerOptions,
  Task,
  TaskSampler,
} from './fewShotTaskSampler.js';
export { fewShotTaskSampler } from './fewShotTaskSampler.js';
export type { KnnOptions, KnnResult } from './knnClassify.js';
export { knnClassify } from './knnClassify.js';
export type { LandmarkEmbeddingOptions } from './landmarkEmbedding.js';
export { landmarkEmbedding } from './landmarkEmbedding.js';
export type { LinearProbeOptions, LinearProbeResult } from './linearProbe.js';
export { linearProbe } from './linearProbe.js';
export type { LogisticRegressionModel, LogisticRegressionOptions } from './logisticRegression.js';
export { logisticRegression } from './logisticRegression.js';
export type { AdaptOptions, MamlGradientOptions, MamlOptions, MetaGradient } from './maml.js';
export { fomaml, maml, mamlAdapt, mamlMetaGradient, mamlPredict } from './maml.js';
export type { MeanWithCi, MetaTestOptions, MetaTestResult } from './metaTest.js';
export { meanConfidenceInterval, metaTest } from './metaTest.js';
export type { MetaProgress, MetaTrainOptions, MetaTrainResult } from './metaTrainLoop.js';
// --- contrastive learning ---
export type { NtXentOptions } from './ntXentLoss.js';
export { ntXentLoss } from './ntXentLoss.js';
export { pairContrastiveLoss } from './pairContrastiveLoss.js';
export type { ProtoDistance, ProtoNetHeadOptions, ProtoNetOptions } from './protoNets.js';
export { protoNetLogits, protoNetLoss, protoNetPredict, protoNets, prototypes } from './protoNets.js';
export type { R2d2HeadOptions, R2d2Options } from './r2d2.js';
export { r2d2, r2d2Loss, r2d2Predict } from './r2d2.js';
export type { ReptileOptions, ReptileStepOptions } from './reptile.js';
export { reptile, reptileDirection } from './reptile.js';
export { ridgeHead } from './ridgeHead.js';
export type { SimclrOptions, SimclrProgress, SimclrResult } from './simclr.js';
export { defaultSimclrAugment, simclr } from './simclr.js';
export type { RegressionTask, SinusoidTaskSamplerOptions } from './sinusoidTaskSampler.js';
export { sinusoidTaskSampler } from './sinusoidTaskSampler.js';
export type { MetaLoss } from './taskTensors.js';
export type { TwoViewGaussiansOptions, TwoViewModel } from './twoViewGaussians.js';
export { twoViewGaussians } from './twoViewGaussians.js';
