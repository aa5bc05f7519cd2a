/**
 * Commitments: the versioned row encoding into BN254 field elements, Poseidon row hashes, chunk
 * trees, table and dataset roots, inclusion proofs (docs/commitment.md).
 */
export { readCommitmentFile, readInclusionProofFile, writeJsonFile } from './adapters/jsonFiles.js';
export {
  type BuildCommitmentParameters,
  type BuildCommitmentReturnType,
  buildCommitment,
} from './buildCommitment.js';
export { type CheckCommitmentReturnType, checkCommitment } from './checkCommitment.js';
export { type ChunkPath, chunkPath, chunkRoot, chunkRootFromPath } from './chunkTree.js';
export { chunkTreePath, chunkTreeRoot, chunkTreeRootFromPath } from './chunkTreeRoot.js';
export {
  type ChunkWitnessColumn,
  type ChunkWitnessErrorType,
  type ChunkWitnessParameters,
  type ChunkWitnessReturnType,
  chunkWitness,
} from './chunkWitness.js';
export {
  COLUMN_BLOCK_WORDS,
  COLUMN_SLOTS,
  type ColumnChunkRootReturnType,
  type ColumnChunkWords,
  columnChunkRoot,
  columnChunkRootWords,
} from './columnChunkRoot.js';
export {
  type ColumnChunk,
  type ColumnHashErrorType,
  type ColumnHashParameters,
  type ColumnHashReturnType,
  columnHash,
  columnHashInputs,
  nullWord,
} from './columnHash.js';
export { type ColumnSaltParameters, type ColumnSaltReturnType, columnSalt } from './columnSalt.js';
export {
  CHUNK_ARITY,
  CHUNK_SIZE,
  COMMIT_SCHEME,
  COMMIT_VERSION,
  COMMIT_VERSIONS,
  type CommitVersion,
  DEFAULT_COMMIT_VERSION,
  FIELD_MODULUS,
  LOGICAL_TYPE_CODES,
  TAGS,
  TAGS_V2,
  V2,
} from './constants.js';
export {
  type Cell,
  type DisplayValue,
  dictionaryIndex,
  type EncodingColumn,
  encodeCell,
  encodeValue,
  formatCell,
  parseDisplayValue,
  sortDictionary,
  stringField,
} from './encodeValue.js';
export { CommitError, type CommitErrorType, commitErrors } from './errors.js';
export { hashChain } from './hashChain.js';
export { loadPoseidon, type Poseidon, readWord, writeWord } from './poseidon.js';
export {
  type ProveInclusionErrorType,
  type ProveInclusionParameters,
  type ProveInclusionReturnType,
  proveInclusion,
} from './proveInclusion.js';
export { type CommittedColumn, datasetRoot, dictionaryHash, encodingHash, tableRoot } from './roots.js';
export { type EncodedRow, encodeRow, rowLeaf } from './rowLeaf.js';
export { deriveSaltKey, rowSalt } from './rowSalt.js';
export {
  type CommitOptions,
  CommitOptionsSchema,
  FieldHexSchema,
  fieldHex,
  type InclusionProof,
  InclusionProofSchema,
  type ProveInclusionOptions,
  ProveInclusionOptionsSchema,
  type VerifyInclusionOptions,
  VerifyInclusionOptionsSchema,
} from './schema.js';
export { commitStage } from './stage.js';
export {
  type VerifyInclusionErrorType,
  type VerifyInclusionReturnType,
  type VerifyInclusionStep,
  verifyInclusion,
} from './verifyInclusion.js';
