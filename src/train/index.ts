/**
 * `sinso/train`: training jobs on pledged data (compute-to-data): model specs, ONNX training-step
 * graphs run by ONNX Runtime, DP-SGD with an RDP accountant, inference models with preprocessing
 * folded in, model cards, predictions.
 */
export { type Examples, loadExamples, type RowsUsed, type TableRowsUsed } from './adapters/loadExamples.js';
export { openPledgedData, type PledgedDataset } from './adapters/pledgedData.js';
export {
  type PredictFeaturesParameters,
  type PredictFeaturesReturnType,
  type PredictParameters,
  type PredictReturnType,
  predict,
  predictFeatures,
  renderPredictions,
} from './adapters/predict.js';
export {
  type EpochReport,
  type PrivacyReport,
  type TrainedModel,
  trainModel,
} from './adapters/trainModel.js';
export { TrainStep } from './adapters/trainStep.js';
export { type ModelCard, ModelCardSchema, parseModelCard, renderModelCard } from './card.js';
export {
  DEFAULT_ORDERS,
  dpSgdEpsilon,
  epsilonFromRdp,
  noiseForEpsilon,
  rdpSampledGaussian,
} from './dp/rdp.js';
export { TrainError, trainErrors } from './errors.js';
export { buildInferenceModel } from './graph/inference.js';
export { JOB_FILE, type TrainJob, TrainJobSchema } from './job.js';
export { type CalibrationBin, type ClassificationMetrics, classificationMetrics } from './metrics.js';
export {
  type Architecture,
  forward,
  initParams,
  type ModelShape,
  type Optimizer,
  type Param,
} from './model.js';
export { checkTrainPledge } from './policy.js';
export { type ModelSpec, ModelSpecSchema, parseModelSpec, readModelSpec } from './spec.js';
export { splitByPatient } from './split.js';
export { trainStage } from './stage.js';
export {
  JOB_CHECKS,
  type JobCheck,
  type JobChunks,
  type VerifyJobReturnType,
  verifyJob,
} from './verifyJob.js';
