/**
 * Every error code sinso raises, prefixed by the stage that raises it.
 * Callers branch on the code (and its typed fields); the message is for humans.
 * Each code is defined once, with its message, fix and fields, in the catalogue of its error
 * class (`defineErrorCodes` in core/errors/core.ts or the stage's errors.ts);
 * test/unit/errorCodes.test.ts checks that this union and the catalogues agree.
 */
export type ErrorCode =
  // usage and generic
  | 'USAGE'
  | 'SCHEMA_INVALID'
  | 'INTERNAL'
  | 'IO_FAILED'
  | 'INTERRUPTED'
  // workspace and keystore
  | 'WORKSPACE_NOT_FOUND'
  | 'WORKSPACE_EXISTS'
  | 'WORKSPACE_INVALID'
  | 'KEYSTORE_NO_PASSPHRASE'
  | 'KEYSTORE_WRONG_PASSPHRASE'
  | 'KEYSTORE_CORRUPT'
  | 'KEYSTORE_KEY_NOT_FOUND'
  | 'KEYSTORE_KEY_EXISTS'
  | 'SECRET_FILE_INVALID'
  // synth
  | 'SYNTH_INVALID_PARAMS'
  // ingest fhir
  | 'INGEST_FHIR_NETWORK'
  | 'INGEST_FHIR_HTTP'
  | 'INGEST_FHIR_BAD_RESPONSE'
  | 'INGEST_FHIR_EXPORT_FAILED'
  | 'INGEST_FHIR_EXPORT_TIMEOUT'
  // deid
  | 'DEID_DICOM_UNREADABLE'
  | 'DEID_DICOM_UNSUPPORTED'
  // deid fhir
  | 'DEID_FHIR_RULES_INVALID'
  | 'DEID_FHIR_INVALID_RESOURCE'
  | 'DEID_FHIR_OUTPUT_INVALID'
  // deid (shared)
  | 'DEID_PIXEL_RULES_INVALID'
  | 'DEID_ISSUER_MAP_INVALID'
  // tables, sql, risk
  | 'TABLES_NO_INPUT'
  | 'TABLES_INPUT_INVALID'
  | 'TABLES_NOT_FOUND'
  | 'TABLES_INVALID'
  | 'TABLES_DATABASE_BUSY'
  | 'SQL_FAILED'
  | 'SQL_UNSUPPORTED'
  | 'RISK_INVALID_QUASI_IDENTIFIER'
  // commit
  | 'COMMIT_TABLES_INVALID'
  | 'COMMIT_VALUE_OUT_OF_RANGE'
  | 'COMMIT_ROW_NOT_FOUND'
  | 'COMMIT_PROOF_INVALID'
  | 'COMMIT_VERSION_UNSUPPORTED'
  | 'COMMIT_INVALID'
  // storage: content addressing, blockstore, CAR, IPFS, encryption at rest
  | 'STORAGE_BLOCK_NOT_FOUND'
  | 'STORAGE_CID_MISMATCH'
  | 'STORAGE_CAR_INVALID'
  | 'STORAGE_IPFS_FAILED'
  | 'STORAGE_ENCRYPTED_INVALID'
  | 'STORAGE_DECRYPT_FAILED'
  | 'STORAGE_KEY_UNWRAP_FAILED'
  // publish
  | 'PUBLISH_BELOW_MIN_K'
  | 'PUBLISH_INPUT_INVALID'
  | 'PUBLISH_DATASET_MISMATCH'
  // chain
  | 'CHAIN_REVERTED'
  | 'CHAIN_NOT_DEPLOYED'
  | 'CHAIN_JOURNAL_CORRUPT'
  | 'CHAIN_BUSY'
  | 'CHAIN_RPC_FAILED'
  | 'CHAIN_DATASET_MISMATCH'
  | 'CHAIN_TX_FAILED'
  // he
  | 'HE_SQL_UNSUPPORTED'
  | 'HE_QUERY_INVALID'
  | 'HE_PARAMS'
  | 'HE_KEY_MISMATCH'
  | 'HE_NO_SECRET_KEY'
  | 'HE_POLICY_REFUSED'
  | 'HE_BUDGET_EXCEEDED'
  | 'HE_DIFFERENCING'
  | 'HE_LEDGER_CORRUPT'
  | 'HE_RESULT_INVALID'
  // zk
  | 'ZK_QUERY_INVALID'
  | 'ZK_COMMITMENT_UNSUPPORTED'
  | 'ZK_CIRCUIT_BUILD_FAILED'
  | 'ZK_SETUP_INVALID'
  | 'ZK_PROVE_FAILED'
  | 'ZK_BUNDLE_INVALID'
  | 'ZK_POLICY_REFUSED'
  // train
  | 'TRAIN_SPEC_INVALID'
  | 'TRAIN_DATA_INVALID'
  | 'TRAIN_DATA_MISMATCH'
  | 'TRAIN_POLICY_REFUSED'
  | 'TRAIN_KEY_MISSING'
  | 'TRAIN_DIVERGED'
  | 'TRAIN_MODEL_INVALID'
  | 'TRAIN_INPUT_INVALID'
  // receipts
  | 'RECEIPT_JOB_INVALID'
  | 'RECEIPT_POLICY_REFUSED'
  | 'RECEIPT_NOT_SIGNER'
  | 'RECEIPT_STORE_CORRUPT'
  | 'RECEIPT_COUNTERSIGN_REFUSED'
  // notebook
  | 'NOTEBOOK_INVALID'
  | 'NOTEBOOK_PARAM_INVALID'
  | 'NOTEBOOK_INPUT_INVALID'
  | 'NOTEBOOK_CELL_FAILED'
  // settle
  | 'SETTLE_EPOCH_NOT_FOUND'
  | 'SETTLE_ANCHOR_MISMATCH'
  | 'SETTLE_CHAIN_DIVERGED'
  | 'SETTLE_OUT_OF_ORDER'
  | 'SETTLE_ROWS_EXCEEDED'
  | 'SETTLE_ZK_UNPROVEN'
  // audit
  | 'AUDIT_OWNER_INVALID'
  | 'AUDIT_NO_PLEDGES'
  // pipeline
  | 'PIPELINE_NOT_FOUND'
  | 'PIPELINE_INVALID'
  | 'PIPELINE_CYCLE'
  | 'PIPELINE_UNKNOWN_STAGE'
  | 'PIPELINE_DEP_MISSING'
  | 'PIPELINE_OUTPUT_MISSING'
  | 'PIPELINE_OUTPUT_UNVERIFIED'
  | 'PIPELINE_STAGE_FAILED'
  | 'PIPELINE_LOCK_INVALID'
  | 'PIPELINE_BUSY';

/** Exit codes fixed by the command-line contract (DESIGN.md). */
export const ExitCode = {
  ok: 0,
  /** usage or fatal error */
  fatal: 1,
  /** the batch finished but some inputs were rejected */
  partial: 2,
  /** a verification ran and found its input invalid (`sinso verify`) */
  invalid: 3,
} as const;
