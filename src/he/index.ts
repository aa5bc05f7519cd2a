export { encryptTable, readHeTable } from './adapters/encryptTable.js';
export { evaluatePlan, HeResultSchema, readHeResult } from './adapters/evaluate.js';
export {
  createKeySet,
  defaultParams,
  exportPublicKeys,
  readKeyManifest,
  readSecretKey,
} from './adapters/keyFiles.js';
export { releaseResult } from './adapters/releaseResult.js';
export { HeError, heErrors } from './errors.js';
export { type HeTableManifest, HeTableManifestSchema } from './heTable.js';
export { type HeParams, HeParamsSchema, multiplicativeDepth } from './params.js';
export { type HePlan, planQuery } from './plan.js';
export { checkPledges, type PledgeFacts, type Released, ReleasedSchema } from './release.js';
export { type HeQuery, parseHeQuery } from './sql.js';
export {
  heDecryptStage,
  heEncryptStage,
  heKeygenStage,
  ledgerDir,
  queryHeStage,
  RELEASED_FILE,
} from './stage.js';
