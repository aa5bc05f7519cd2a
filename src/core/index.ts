export { type Clock, fixedClock, systemClock } from './clock.js';
export {
  type DatasetId,
  DatasetIdOptionSchema,
  DatasetIdSchema,
  datasetIdFromName,
  datasetKey,
  datasetKeyName,
  datasetSecret,
} from './datasetId.js';
export {
  type ErrorCode,
  ExitCode,
  IoError,
  isSinsoError,
  KeystoreError,
  PipelineError,
  SchemaError,
  SinsoError,
  type SinsoErrorParameters,
  UsageError,
  WorkspaceError,
  wrapIoError,
} from './errors/index.js';
export { abortStaged, beginStaged, commitStaged, exists, stagingPath, writeFileAtomic } from './fs.js';
export {
  canonicalJson,
  digestPath,
  type HashMemo,
  listFiles,
  type PathDigest,
  sha256,
  sha256File,
  sha256Hex,
} from './hash.js';
export { decryptKeystore, encryptKeystore, kdfPresets, secretFingerprint } from './keystore.js';
export { createLogger, type Logger, type LogLevel, silentLogger } from './log.js';
export { type FlagSpec, flagSpecs, kebab } from './optionSpecs.js';
export { AsOfYearOptionSchema, WorkersOptionSchema } from './options.js';
export { parseWith } from './parse.js';
export { defaultPassphraseSource, fixedPassphrase, type PassphraseSource } from './passphrase.js';
export { createProgress, type Progress, type ProgressTask, silentProgress } from './progress.js';
export { createRng, type Rng } from './rng.js';
export { type Commitment, CommitmentSchema } from './schemas/commitment.js';
export {
  type DatasetFile,
  DatasetFileSchema,
  type DatasetManifest,
  DatasetManifestSchema,
} from './schemas/datasetManifest.js';
export { type DeidDicomReport, DeidDicomReportSchema } from './schemas/deidDicomReport.js';
export { type DeidFhirReport, DeidFhirReportSchema } from './schemas/deidFhirReport.js';
export { type Inventory, InventorySchema } from './schemas/inventory.js';
export { type KeyMeta, KeyMetaSchema, type KeystoreV3, KeystoreV3Schema } from './schemas/keystore.js';
export {
  IdentifierSystemSchema,
  type PatientIdNamespace,
  PatientIdNamespaceSchema,
} from './schemas/patientIdNamespace.js';
export {
  type LineageEvent,
  LineageEventSchema,
  type PipelineLock,
  PipelineLockSchema,
  type PipelineSpec,
  PipelineSpecSchema,
} from './schemas/pipeline.js';
export { type PublishRecord, PublishRecordSchema } from './schemas/publishRecord.js';
export { type RiskReport, RiskReportSchema } from './schemas/risk.js';
export {
  SYNTH_RESOURCE_TYPES,
  type SynthManifest,
  SynthManifestSchema,
  type SynthResourceType,
  type SynthSettings,
  SynthSettingsSchema,
} from './schemas/synthManifest.js';
export {
  type ColumnLogicalType,
  ColumnLogicalTypeSchema,
  type DeidSource,
  DeidSourceSchema,
  type TableColumn,
  TableColumnSchema,
  type TableEntry,
  TableEntrySchema,
  type TablesManifest,
  TablesManifestSchema,
} from './schemas/tables.js';
export { type WorkspaceConfig, WorkspaceConfigSchema } from './schemas/workspace.js';
export { readSecretFile, SecretFileOptionSchema } from './secretFile.js';
export {
  defineStage,
  type OutputMarker,
  type OutputPolicy,
  type Rejection,
  type SecretRequest,
  type Stage,
  type StageCli,
  type StageContext,
  type StageDefinition,
  type StageRequirements,
  type StageResult,
  type StageSpec,
} from './stage.js';
export { version } from './version.js';
export { type WalkedInput, walkInputs } from './walkInputs.js';
export {
  type CreateWorkerPoolParameters,
  createWorkerPool,
  serveTasks,
  type WorkerPool,
} from './workerPool.js';
export {
  addKey,
  initWorkspace,
  isWorkspace,
  type Keyring,
  openWorkspace,
  type Workspace,
  type WorkspacePaths,
  workspacePaths,
} from './workspace.js';
