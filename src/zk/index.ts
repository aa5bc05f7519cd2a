/**
 * Zero-knowledge aggregate queries over committed datasets (commitment version 2): circuits,
 * setup, proving per chunk, proof bundles and their verification (docs/zk.md).
 */

export { type CircuitArtifacts, DEFAULT_SETUP, ensureCircuit, type SetupSource } from './adapters/build.js';
export { checkBundle } from './adapters/checkBundle.js';
export { releaseCurves } from './adapters/curves.js';
export { proveInput, verifyGroth16 } from './adapters/groth16.js';
export { PINNED_KEYS_DIR, readVerificationKeys, writeVerificationKey } from './adapters/keys.js';
export { type ProveQueryParameters, proveQuery } from './adapters/proveQuery.js';
export {
  type SubmitBundleParameters,
  type SubmitBundleReturnType,
  submitBundle,
} from './adapters/submitBundle.js';
export {
  type ProofBundle,
  ProofBundleSchema,
  parseProofBundle,
  readProofBundle,
  readProofJson,
} from './bundle.js';
export {
  CHUNK_QUERY_SIGNALS,
  CHUNK_ROWS,
  type ChunkQueryCircuit,
  CIRCUITS,
  circuitByName,
} from './circuits.js';
export { ZkError, zkErrors } from './errors.js';
export {
  assembleResult,
  planZkQuery,
  queryHash,
  type ZkPlan,
  type ZkQuerySpec,
  zkQuerySpec,
} from './plan.js';
export { checkZkPledge } from './policy.js';
export { parseZkQuery, type ZkQuery } from './sql.js';
export { queryZkStage } from './stage.js';
export { VERIFY_CHECKS, type VerifyBundleReturnType, verifyBundle } from './verify.js';
