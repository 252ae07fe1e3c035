export type { Rng, SeedLike } from './createRng.js';
export { createRng, toRng } from './createRng.js';
export type { DlfErrorCode } from './DlfError.js';
export { DlfError, describeValue } from './DlfError.js';

// --- second-order-safe ops, losses, flat-parameter models, autodiff (ops.ts, losses.ts, mlp.ts, grad.ts, ...) ---

export type { ScalarFn } from './grad.js';
export { grad, valueAndGrad } from './grad.js';
export type { HessianOptions } from './hessian.js';
export { hessian } from './hessian.js';
export { hvp } from './hvp.js';
export type { JacobianOptions, ModelJacobianOptions } from './jacobian.js';
export { jacobian, modelJacobian } from './jacobian.js';
export type { BuiltInLoss, LossFn, LossName } from './losses.js';
export { losses, resolveLoss } from './losses.js';
export type { Activation, MlpLayerLayout, MlpModel, MlpOptions, Parameterization } from './mlp.js';
export { mlp } from './mlp.js';
export type { SecondOrderOps } from './ops.js';
export { ops } from './ops.js';
export type { ParamModel } from './ParamModel.js';
export { assertBatch, assertParamVector } from './ParamModel.js';
export type { ModelLoss, PerExampleGradientsOptions, PerExampleLossFn } from './perExampleGradients.js';
export { perExampleGradients } from './perExampleGradients.js';
export type { BackendName, SetupBackendOptions } from './setupBackend.js';
export { defaultBackendOrder, isNode, setupBackend } from './setupBackend.js';
export type { TopHessianEigenvaluesOptions, TopHessianEigenvaluesResult } from './topHessianEigenvalues.js';
export { topHessianEigenvalues } from './topHessianEigenvalues.js';
export {
  assertAllFinite,
  assertFiniteNumber,
  assertInRange,
  assertInteger,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  throwIfAborted,
} from './validate.js';

// --- LayersModel wrapping, model builders, training (fromLayersModel.ts, createCnn.ts, fit.ts, ...) ---

export type { CreateCnnOptions } from './createCnn.js';
export { createCnn } from './createCnn.js';
export type { CreateLstmClassifierOptions } from './createLstmClassifier.js';
export { createLstmClassifier } from './createLstmClassifier.js';
export type { CreateMlpOptions } from './createMlp.js';
export { createMlp } from './createMlp.js';
export type { CreateTransformerClassifierOptions } from './createTransformerClassifier.js';
export { createTransformerClassifier } from './createTransformerClassifier.js';
export type {
  EpochLogs,
  EvaluateOptions,
  Evaluation,
  FitData,
  FitLoss,
  FitOptions,
  FitProgress,
  History,
  OptimizerName,
} from './fit.js';
export { evaluate, fit } from './fit.js';
export type { LayersParamModel, WeightSlot } from './fromLayersModel.js';
export { fromLayersModel } from './fromLayersModel.js';
export { PositionalEncoding, positionalEncoding, sinusoidalTable } from './positionalEncoding.js';
export { registerWasmTrainingKernels } from './registerWasmTrainingKernels.js';
export type { TransformerEncoderBlockOptions } from './TransformerEncoderBlock.js';
export { TransformerEncoderBlock } from './TransformerEncoderBlock.js';

// --- datasets (src/data/) ---

export type { Blobs, BlobsOptions } from './data/blobs.js';
export { blobs } from './data/blobs.js';
export type { CirclesOptions } from './data/circles.js';
export { circles } from './data/circles.js';
export { encodeIdx } from './data/encodeIdx.js';
export type { LabeledData, Split } from './data/labeledData.js';
export { assertLabeledData } from './data/labeledData.js';
export type { LinearRegressionData, LinearRegressionOptions } from './data/linearRegression.js';
export { linearRegression } from './data/linearRegression.js';
export { loadDigits } from './data/loadDigits.js';
export type { LoadIdxOptions } from './data/loadIdx.js';
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, loadIdx } from './data/loadIdx.js';
export { loadMnist } from './data/loadMnist.js';
export type { IdxData, IdxDtype, IdxFile } from './data/parseIdx.js';
export { parseIdx } from './data/parseIdx.js';
export type { RandomLabeled, RandomLabelsOptions } from './data/randomLabels.js';
export { randomLabels } from './data/randomLabels.js';
export type { SeparableGaussians, SeparableGaussiansOptions } from './data/separableGaussians.js';
export { separableGaussians } from './data/separableGaussians.js';
export type { SinusoidTask, SinusoidTasksOptions } from './data/sinusoidTasks.js';
export { sinusoidTasks } from './data/sinusoidTasks.js';
export type { SpiralsOptions } from './data/spirals.js';
export { spirals } from './data/spirals.js';
export type { DataTensors, ToTensorsOptions } from './data/toTensors.js';
export { toTensors } from './data/toTensors.js';
export type { TwoMoonsOptions } from './data/twoMoons.js';
export { twoMoons } from './data/twoMoons.js';

// --- min-max training pieces ---

export { ExtragradientOptimizer } from './ExtragradientOptimizer.js';
export { gradientReversal } from './gradientReversal.js';
export type { MinimaxOptions, MinimaxResult, MinMaxMethod } from './minimax.js';
export { minimax } from './minimax.js';
export { OptimisticOptimizer } from './OptimisticOptimizer.js';
export type { MinMaxOptimizerOptions, PreconditionerName } from './Preconditioner.js';
