import { parseWith } from '../core/parse.js';
import type { Commitment } from '../core/schemas/commitment.js';
import { chunkRootFromPath } from './chunkTree.js';
import { chunkTreeRootFromPath } from './chunkTreeRoot.js';
import { committedColumns } from './committedColumns.js';
import { CHUNK_ARITY, CHUNK_SIZE, COMMIT_SCHEME, COMMIT_VERSION, FIELD_MODULUS } from './constants.js';
import { type Cell, dictionaryIndex, encodeCell, parseDisplayValue } from './encodeValue.js';
import { CommitError } from './errors.js';
import { loadPoseidon, type Poseidon } from './poseidon.js';
import { type CommittedColumn, datasetRoot, encodingHash, tableRoot } from './roots.js';
import { encodeRow, rowLeaf } from './rowLeaf.js';
import { fieldHex, type InclusionProof, InclusionProofSchema } from './schema.js';

/**
 * The steps of verification, in order; a failure names the step, never a value. `format` and
 * `version` are checks of the input: they throw. The others are the outcome.
 */
export type VerifyInclusionStep =
  | 'format'
  | 'version'
  | 'commitment'
  | 'row'
  | 'encoding'
  | 'leaf'
  | 'chunk'
  | 'chunk-tree'
  | 'table-root'
  | 'dataset-root';

/**
 * Whether the proof verifies; if not, the first step that failed and why, in a fixed sentence
 * (never a value).
 */
export type VerifyInclusionReturnType =
  | { ok: true }
  | { ok: false; step: Exclude<VerifyInclusionStep, 'format' | 'version'>; reason: string };

/** Thrown for a malformed proof: `COMMIT_PROOF_INVALID` with step `format`, `version` or `chunk`. */
export type VerifyInclusionErrorType = CommitError;

/** A failed step, thrown inside the checks and caught by verifyInclusion. */
class Failed {
  constructor(
    readonly step: Exclude<VerifyInclusionStep, 'format' | 'version'>,
    readonly reason: string,
  ) {}
}

/**
 * Checks an inclusion proof against a commitment: re-encodes the revealed values with the
 * commitment's column encoding (its dictionaries included), re-hashes the leaf with the salt,
 * climbs the chunk and chunk-tree paths, and recomputes the table and dataset roots. Returns
 * `{ ok: false, step }` naming the first step that failed. Throws a CommitError
 * (`COMMIT_PROOF_INVALID`) only for a malformed proof: one that does not match the proof schema,
 * holds a hash that is not a field element (step `format`), or uses another scheme or version
 * than the commitment (step `version`).
 *
 * @example
 * const r = await verifyInclusion(proof, commitment);
 * if (!r.ok) console.error(`invalid (step: ${r.step})`);
 */
export async function verifyInclusion(
  proof: InclusionProof,
  commitment: Commitment,
): Promise<VerifyInclusionReturnType> {
  parseWith(InclusionProofSchema, proof, {
    what: 'inclusion proof',
    error: (issues, cause) => new CommitError('COMMIT_PROOF_INVALID', { step: 'format' }, { issues, cause }),
  });
  if (!fieldElementsOf(proof).every((x) => BigInt(x) < FIELD_MODULUS)) {
    throw new CommitError('COMMIT_PROOF_INVALID', { step: 'format' });
  }
  if (!versionMatches(proof, commitment)) throw new CommitError('COMMIT_PROOF_INVALID', { step: 'version' });
  const poseidon = await loadPoseidon();
  try {
    checkProof(poseidon, proof, commitment);
  } catch (err) {
    if (err instanceof Failed) return { ok: false, step: err.step, reason: err.reason };
    throw err;
  }
  return { ok: true };
}

function checkProof(poseidon: Poseidon, proof: InclusionProof, commitment: Commitment): void {
  const table = checkCommitment(poseidon, proof, commitment);
  const columns = committedColumns(table);
  check('row', proof.row < table.rows, 'The row index is outside the table.');
  check(
    'row',
    proof.chunk.index === Math.floor(proof.row / CHUNK_SIZE) &&
      proof.chunk.position === proof.row % CHUNK_SIZE,
    'The chunk index or position does not match the row index.',
  );
  check(
    'row',
    proof.values.length === columns.length && proof.values.every((v, i) => v.column === columns[i]?.name),
    'The values do not match the table columns.',
  );
  const cells = reencode(proof, columns);
  const encoded = encodeRow(columns, cells, dictionariesOf(columns));
  check(
    'encoding',
    encoded.values.every((v, i) => fieldHex(v) === proof.values[i]?.encoded) &&
      fieldHex(encoded.nullMask) === proof.nullMask,
    'A value does not encode to the field element the proof lists.',
  );
  const leaf = rowLeaf(poseidon, BigInt(proof.salt), encoded);
  check('leaf', fieldHex(leaf) === proof.leaf, 'The row and salt do not hash to the leaf the proof lists.');
  const chunkRootValue = chunkRootFromPath(poseidon, leaf, proof.chunk.position, {
    leafSiblings: proof.chunk.leafSiblings.map(BigInt),
    nodeSiblings: proof.chunk.nodeSiblings.map(BigInt),
  });
  check(
    'chunk',
    fieldHex(chunkRootValue) === proof.chunk.root &&
      (table.chunkRoots === undefined || table.chunkRoots[proof.chunk.index] === proof.chunk.root),
    'The leaf and its siblings do not hash to the chunk root.',
  );
  check(
    'chunk-tree',
    proof.chunkTree.path.length === treeDepth(table.chunks),
    'The chunk-tree path does not have the depth of the table.',
  );
  const treeRoot = chunkTreeRootFromPath(
    poseidon,
    chunkRootValue,
    proof.chunk.index,
    proof.chunkTree.path.map(BigInt),
  );
  check(
    'chunk-tree',
    fieldHex(treeRoot) === proof.chunkTree.root,
    'The chunk path does not lead to the chunk-tree root.',
  );
  const root = tableRoot(poseidon, {
    encodingHash: BigInt(table.encodingHash),
    rows: table.rows,
    chunkTreeRoot: treeRoot,
  });
  check(
    'table-root',
    fieldHex(root) === table.root,
    'The recomputed table root differs from the committed one.',
  );
  const roots = commitment.tables.map((t, i) => (i === proof.tableIndex ? root : BigInt(t.root)));
  check(
    'dataset-root',
    fieldHex(datasetRoot(poseidon, roots)) === commitment.root,
    'The recomputed dataset root differs from the committed one.',
  );
}

type CommittedTable = Commitment['tables'][number];

function versionMatches(proof: InclusionProof, commitment: Commitment): boolean {
  return (
    proof.scheme === COMMIT_SCHEME &&
    commitment.scheme === COMMIT_SCHEME &&
    proof.version === COMMIT_VERSION &&
    commitment.version === COMMIT_VERSION &&
    proof.chunkSize === CHUNK_SIZE &&
    commitment.chunkSize === CHUNK_SIZE &&
    proof.chunkArity === CHUNK_ARITY &&
    commitment.chunkArity === CHUNK_ARITY
  );
}

/** The commitment must be consistent in itself, and the proof must be about it. */
function checkCommitment(poseidon: Poseidon, proof: InclusionProof, commitment: Commitment): CommittedTable {
  check('commitment', proof.datasetRoot === commitment.root, 'The proof is for a different dataset root.');
  const table = commitment.tables[proof.tableIndex];
  check(
    'commitment',
    table !== undefined && table.name === proof.table,
    'The proof names a table the commitment does not hold at that position.',
  );
  const t = table as CommittedTable;
  check(
    'commitment',
    proof.tableRoots.length === commitment.tables.length &&
      proof.tableRoots.every((r, i) => r === commitment.tables[i]?.root),
    'The table roots in the proof differ from the commitment.',
  );
  check(
    'commitment',
    proof.tableCommitment.rows === t.rows &&
      proof.tableCommitment.encodingHash === t.encodingHash &&
      proof.tableCommitment.root === t.root,
    'The table facts in the proof differ from the commitment.',
  );
  check(
    'commitment',
    fieldHex(encodingHash(poseidon, t.name, committedColumns(t))) === t.encodingHash,
    "The commitment's column encoding (names, types, scales, dictionaries) does not match its encoding hash.",
  );
  check(
    'commitment',
    fieldHex(
      datasetRoot(
        poseidon,
        commitment.tables.map((x) => BigInt(x.root)),
      ),
    ) === commitment.root,
    "The commitment's table roots do not hash to its dataset root.",
  );
  return t;
}

function reencode(proof: InclusionProof, columns: readonly CommittedColumn[]): Cell[] {
  return columns.map((column, i) => {
    try {
      const cell = parseDisplayValue(column, proof.values[i]?.value ?? null);
      encodeCell(
        column,
        cell,
        column.dictionary === undefined ? undefined : dictionaryIndex(column.dictionary),
      );
      return cell;
    } catch (err) {
      if (err instanceof CommitError)
        throw new Failed('encoding', 'A value cannot be encoded for its column.');
      throw err;
    }
  });
}

function dictionariesOf(columns: readonly CommittedColumn[]) {
  return columns.map((c) => (c.dictionary === undefined ? undefined : dictionaryIndex(c.dictionary)));
}

function fieldElementsOf(proof: InclusionProof): string[] {
  return [
    proof.datasetRoot,
    proof.nullMask,
    proof.salt,
    proof.leaf,
    ...proof.values.map((v) => v.encoded),
    ...proof.chunk.leafSiblings,
    ...proof.chunk.nodeSiblings,
    proof.chunk.root,
    ...proof.chunkTree.path,
    proof.chunkTree.root,
    proof.tableCommitment.encodingHash,
    proof.tableCommitment.root,
    ...proof.tableRoots,
  ];
}

function treeDepth(chunks: number): number {
  let depth = 0;
  while (1 << depth < chunks) depth++;
  return depth;
}

function check(step: Exclude<VerifyInclusionStep, 'format' | 'version'>, ok: boolean, reason: string): void {
  if (!ok) throw new Failed(step, reason);
}
