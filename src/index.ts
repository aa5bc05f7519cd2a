/**
 * sinso: privacy-compute toolkit for health data. Stage APIs are also exported per stage
 * (`sinso/core`, `sinso/synth`, `sinso/ingest`, `sinso/deid`, `sinso/tables`, `sinso/commit`,
 * `sinso/storage`, `sinso/publish`, `sinso/pipeline`).
 */
export {
  createRng,
  defineStage,
  ExitCode,
  initWorkspace,
  openWorkspace,
  SinsoError,
  type StageDefinition,
  version,
  type Workspace,
} from './core/index.js';
export { scanInputs, scanStage } from './ingest/index.js';
export { builtinRegistry, createRegistry, runPipeline } from './pipeline/index.js';
export { type SynthOptions, SynthOptionsSchema, synthesize, synthStage } from './synth/index.js';
