// Optimisers on flat parameter vectors

// Sequence models
export type { BpttGradientNormsOptions, BpttGradientNormsResult } from './bpttGradientNorms.js';
export { bpttGradientNorms } from './bpttGradientNorms.js';
export type { ConditionNumberResult } from './conditionNumber.js';
export { conditionNumber } from './conditionNumber.js';
export type { DoubleDescentOptions, DoubleDescentResult } from './doubleDescent.js';
export { doubleDescent } from './doubleDescent.js';
export { empiricalNtk } from './empiricalNtk.js';
// Implicit bias on separable data
export type { HardMarginSvmOptions, HardMarginSvmResult } from './hardMarginSvm.js';
export { hardMarginSvm } from './hardMarginSvm.js';
export type { HessianSpectralNormOptions, HessianSpectralNormResult } from './hessianSpectralNorm.js';
export { hessianSpectralNorm } from './hessianSpectralNorm.js';
export type { ImplicitBiasOptions, ImplicitBiasResult } from './implicitBias.js';
export { implicitBias } from './implicitBias.js';
export type { InterpolatingReluModel } from './interpolatingRelu.js';
export { interpolatingRelu } from './interpolatingRelu.js';
// Kernel methods and expressivity
export type { KernelFn, KernelInput } from './kernelInput.js';
export type { KernelPcaModel } from './kernelPca.js';
export { kernelPca } from './kernelPca.js';
export type { KernelRidgeModel } from './kernelRidge.js';
export { kernelRidge } from './kernelRidge.js';
export type { KernelSvmModel, KernelSvmOptions } from './kernelSvm.js';
export { kernelSvm } from './kernelSvm.js';
export type { LazyTrainingOptions, LazyTrainingResult } from './lazyTraining.js';
export { lazyTraining } from './lazyTraining.js';
// Shared input types
export type { MatrixLike, VectorLike } from './linalg.js';
export type { Complex } from './minmax/eigenvalues.js';
export { eigenvalues, gdaStableStepSize, spectralRadius } from './minmax/eigenvalues.js';
export { extragradient } from './minmax/extragradient.js';
export { gameJacobian } from './minmax/gameJacobian.js';
export type { GdaOptions } from './minmax/gda.js';
export { gda } from './minmax/gda.js';
export { ogda } from './minmax/ogda.js';
export type { RegularizedGdaOptions } from './minmax/regularizedGda.js';
export { regularizedGda } from './minmax/regularizedGda.js';
// Min-max optimisation
export type { GameFn, GameOptions, GameResult } from './minmax/runGame.js';
// Over-parameterisation: tangent kernels, curvature, PL
export type { InputsLike } from './modelInputs.js';
export type { NtkPredictOptions, NtkPredictResult } from './ntkPredict.js';
export { ntkPredict } from './ntkPredict.js';
// Neural tangent kernel and lazy training
export type { NtkTwoLayerReluOptions } from './ntkTwoLayerRelu.js';
export { ntkTwoLayerRelu } from './ntkTwoLayerRelu.js';
export type { AdagradOptions } from './optimizers/adagrad.js';
export { adagrad } from './optimizers/adagrad.js';
export type { AdamOptions } from './optimizers/adam.js';
export { adam } from './optimizers/adam.js';
export { gd } from './optimizers/gd.js';
export type { MomentumOptions } from './optimizers/momentum.js';
export { momentum } from './optimizers/momentum.js';
export type { RmspropOptions } from './optimizers/rmsprop.js';
export { rmsprop } from './optimizers/rmsprop.js';
export type {
  FlatLoss,
  LearningRate,
  OptimizerOptions,
  OptimizerResult,
} from './optimizers/runOptimizer.js';
export type { SgdOptions } from './optimizers/sgd.js';
export { sgd } from './optimizers/sgd.js';
export type { PlConstantResult } from './plConstantAlongPath.js';
export { plConstantAlongPath } from './plConstantAlongPath.js';
export type { PlConvergenceCheckOptions, PlConvergenceCheckResult } from './plConvergenceCheck.js';
export { plConvergenceCheck } from './plConvergenceCheck.js';
export type { PolynomialOptions } from './polynomialKernel.js';
export { polynomialFeatures, polynomialKernel } from './polynomialKernel.js';
// Generalisation
export type { RademacherClass, RademacherOptions, RademacherResult } from './rademacherComplexity.js';
export { rademacherComplexity } from './rademacherComplexity.js';
export type {
  RandomGramConditioningOptions,
  RandomGramConditioningResult,
} from './randomGramConditioning.js';
export { randomGramConditioning } from './randomGramConditioning.js';
export type {
  RandomLabelsExperimentOptions,
  RandomLabelsExperimentResult,
} from './randomLabelsExperiment.js';
export { randomLabelsExperiment } from './randomLabelsExperiment.js';
export { tangentKernel } from './tangentKernel.js';
export type { WidthExperimentOptions, WidthExperimentResult } from './widthExperiment.js';
export { widthExperiment } from './widthExperiment.js';
