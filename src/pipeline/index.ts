export {
  type CallerContext,
  type ExecuteStageParameters,
  executeStage,
  stageContext,
  stageNeedsWorkspace,
} from './executeStage.js';
export {
  type ExpandedStage,
  type ExpandedStages,
  type ExpandStagesOptions,
  expandStages,
} from './expandStages.js';
export { type LoadedPipeline, loadPipeline, parsePipeline } from './loadPipeline.js';
export { lockPathFor, readLock, writeLock } from './lock.js';
export { type PipelinePlan, type PlannedStage, planPipeline } from './planPipeline.js';
export { builtinRegistry, builtinStages, createRegistry, type StageRegistry } from './registry.js';
export {
  type RunPipelineParameters,
  type RunPipelineReturnType,
  runPipeline,
  type StageOutcome,
} from './runPipeline.js';
