// @dlf/robustness: adversarial attacks, gradient-masking checks, adversarial training and
// randomised-smoothing certificates for TensorFlow.js classifiers.

export type {
  AdversarialEpoch,
  AdversarialTrainingOptions,
  AdversarialTrainingResult,
  TrainingData,
  TrainingOptions,
} from './adversarialTraining.js';
export { adversarialTraining } from './adversarialTraining.js';
export type { AttackLoss, Bounds, Labels, Norm, Target } from './attackCore.js';
export type { AttackProgress, BaseAttackOptions, IterativeAttackOptions } from './attackOptions.js';
export type { AttackResult } from './attackResult.js';
export { bpda } from './bpda.js';
export type { Classifier, LogitsFn } from './classifier.js';
export { toLogitsFn } from './classifier.js';
export type { CwOptions } from './cw.js';
export { cw } from './cw.js';
export type { DeepfoolOptions } from './deepfool.js';
export { deepfool } from './deepfool.js';
export type { EotOptions, RandomizedClassifier } from './eot.js';
export { eot } from './eot.js';
export type { BudgetedAttack, EpsilonSweepResult } from './epsilonSweep.js';
export { epsilonSweep } from './epsilonSweep.js';
export type { FgsmOptions } from './fgsm.js';
export { fgsm } from './fgsm.js';
export type { GradientMaskingOptions, GradientMaskingReport, MaskingCheck } from './gradientMaskingReport.js';
export { gradientMaskingReport } from './gradientMaskingReport.js';
export { dannLambda, GradientReversalLayer } from './gradientReversal.js';
export type {
  AttributionOptions,
  AttributionProgress,
  AttributionTarget,
} from './interpretability/attributionCore.js';
export type { DeletionCurveOptions, DeletionCurveResult } from './interpretability/deletionCurve.js';
export { deletionCurve } from './interpretability/deletionCurve.js';
export type {
  AttributionFn,
  ExplanationFragilityOptions,
  ExplanationFragilityResult,
} from './interpretability/explanationFragility.js';
export { explanationFragility, topKIntersection } from './interpretability/explanationFragility.js';
export type {
  IntegratedGradientsOptions,
  IntegratedGradientsResult,
  IntegrationMethod,
} from './interpretability/integratedGradients.js';
export { integratedGradients } from './interpretability/integratedGradients.js';
export type {
  Explainer,
  ModelRandomizationOptions,
  ModelRandomizationResult,
  RandomizationStage,
} from './interpretability/modelRandomizationTest.js';
export { modelRandomizationTest } from './interpretability/modelRandomizationTest.js';
export type { OcclusionOptions } from './interpretability/occlusion.js';
export { occlusion } from './interpretability/occlusion.js';
export type { SaliencyOptions } from './interpretability/saliency.js';
export { saliency } from './interpretability/saliency.js';
export type { SmoothGradOptions } from './interpretability/smoothGrad.js';
export { smoothGrad } from './interpretability/smoothGrad.js';
export { spearman } from './interpretability/spearman.js';
export type { MifgsmOptions } from './mifgsm.js';
export { mifgsm } from './mifgsm.js';
export type { LagrangianPerceptualAttackOptions } from './perceptual/lagrangianPerceptualAttack.js';
export { lagrangianPerceptualAttack } from './perceptual/lagrangianPerceptualAttack.js';
export type {
  PerceptualAdversarialTrainingOptions,
  PerceptualEpoch,
} from './perceptual/perceptualAdversarialTraining.js';
export { perceptualAdversarialTraining } from './perceptual/perceptualAdversarialTraining.js';
export type { PerceptualAttackResult } from './perceptual/perceptualCore.js';
export type { FeatureFn, PerceptualFeatureOptions } from './perceptual/perceptualDistance.js';
export { perceptualDistance, perceptualFeatures } from './perceptual/perceptualDistance.js';
export type { PerceptualAttackOptions, PerceptualPgdOptions } from './perceptual/perceptualPgd.js';
export { perceptualPgd } from './perceptual/perceptualPgd.js';
export type { PgdOptions } from './pgd.js';
export { pgd } from './pgd.js';
export type { BadNetsOptions } from './poisoning/badNets.js';
export { badNets } from './poisoning/badNets.js';
export type { CleanLabelBackdoorOptions } from './poisoning/cleanLabelBackdoor.js';
export { cleanLabelBackdoor } from './poisoning/cleanLabelBackdoor.js';
export type { DpaEnsemble, DpaOptions, DpaPrediction } from './poisoning/deepPartitionAggregation.js';
export {
  deepPartitionAggregation,
  dpaCertificate,
  hashExample,
} from './poisoning/deepPartitionAggregation.js';
export type { FeatureCollisionOptions, FeatureCollisionResult } from './poisoning/featureCollision.js';
export { featureCollision } from './poisoning/featureCollision.js';
export type { Trigger } from './poisoning/trigger.js';
export { applyTrigger, backdoorSuccessRate, squareTrigger } from './poisoning/trigger.js';
export type { AdaptEpoch, AdaptNetworks, AdaptOptions } from './shift/adapt.js';
export { adapt } from './shift/adapt.js';
export type { ColoredEnvironment, ColoredMnistOptions } from './shift/coloredMnist.js';
export { coloredMnist } from './shift/coloredMnist.js';
export type { CycleGanNetworks, CycleGanOptions, CycleGanStep } from './shift/cycleGan.js';
export { cycleGan } from './shift/cycleGan.js';
export type { DannEpoch, DannNetworks, DannOptions, UnlabeledData } from './shift/dann.js';
export { dann } from './shift/dann.js';
export type { DomainBatchNormArgs } from './shift/domainBatchNorm.js';
export { DomainBatchNorm, setDomain } from './shift/domainBatchNorm.js';
export { entropyLoss } from './shift/entropyLoss.js';
export type { Critic } from './shift/gradientPenalty.js';
export { gradientPenalty } from './shift/gradientPenalty.js';
export type { IrmOptions, IrmStep } from './shift/irm.js';
export { irm } from './shift/irm.js';
export { irmPenalty } from './shift/irmPenalty.js';
export type { MldgOptions, MldgStep } from './shift/mldg.js';
export { mldg } from './shift/mldg.js';
export type { MmdOptions, MmdResult } from './shift/mmd.js';
export { mmd } from './shift/mmd.js';
export { mmdLoss } from './shift/mmdLoss.js';
export type {
  SelectionCandidate,
  SelectionOptions,
  SelectionRecord,
  SelectionResult,
} from './shift/modelSelection.js';
export { leaveOneDomainOut, oracleSelection, trainingDomainValidation } from './shift/modelSelection.js';
export type { ProxyADistanceOptions, ProxyADistanceResult } from './shift/proxyADistance.js';
export { proxyADistance } from './shift/proxyADistance.js';
export type { RotatedEnvironment, RotatedMnistOptions } from './shift/rotatedMnist.js';
export { rotatedMnist } from './shift/rotatedMnist.js';
export { rotateImages } from './shift/rotateImages.js';
export type { Sample } from './shift/sampleRows.js';
export type { ShiftedMoonsOptions } from './shift/shiftedMoons.js';
export { shiftedMoons } from './shift/shiftedMoons.js';
export type { WassersteinDistanceOptions, WassersteinDistanceResult } from './shift/wassersteinDistance.js';
export { wassersteinDistance } from './shift/wassersteinDistance.js';
export type {
  AblationCertificate,
  RandomizedAblation,
  RandomizedAblationOptions,
} from './smoothing/ablation.js';
export { ablateBatch, ablationDelta, randomizedAblation } from './smoothing/ablation.js';
export { certifiedAccuracy } from './smoothing/certifiedAccuracy.js';
export type {
  SmoothCertificate,
  SmoothCertifyOptions,
  SmoothedClassifier,
  SmoothingNoise,
  SmoothingProgress,
  SmoothOptions,
  SmoothPrediction,
  SmoothPredictOptions,
} from './smoothing/smooth.js';
export { smooth, smoothingRadius } from './smoothing/smooth.js';
export {
  betaQuantile,
  binomialTestHalf,
  clopperPearson,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
} from './smoothing/stats.js';
export type { NoiseEpoch, TrainWithNoiseOptions } from './smoothing/trainWithNoise.js';
export { trainWithNoise } from './smoothing/trainWithNoise.js';
export type { SpsaOptions } from './spsa.js';
export { spsa } from './spsa.js';
