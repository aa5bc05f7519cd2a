import { InternalError } from '../core/errors/index.js';
import { secretFingerprint } from '../core/keystore.js';
import type { Commitment } from '../core/schemas/commitment.js';
import { type TablesFolder, withTables } from '../tables/index.js';
import { checkCommittable } from './checkCommittable.js';
import { chunkPath, chunkRoot } from './chunkTree.js';
import { chunkTreePath, chunkTreeRootFromPath } from './chunkTreeRoot.js';
import { committedColumns } from './committedColumns.js';
import { CHUNK_ARITY, CHUNK_SIZE, COMMIT_SCHEME, COMMIT_VERSION } from './constants.js';
import { type Cell, dictionaryIndex, formatCell } from './encodeValue.js';
import { CommitError } from './errors.js';
import { loadPoseidon } from './poseidon.js';
import { encodeRow, rowLeaf } from './rowLeaf.js';
import { rowSalt } from './rowSalt.js';
import { fieldHex, type InclusionProof } from './schema.js';
import { verifyInclusion } from './verifyInclusion.js';

export type ProveInclusionParameters = {
  /** The tables folder the commitment was built from. */
  tablesDir: string;
  commitment: Commitment;
  /** The row-salt key the commitment was built with. */
  saltKey: Uint8Array;
  table: string;
  /** Row index, 0-based, in commitment order. */
  row: number;
};
export type ProveInclusionReturnType = InclusionProof;
/** `COMMIT_VERSION_UNSUPPORTED` for a version 2 commitment; the other CommitErrors for bad input. */
export type ProveInclusionErrorType = CommitError;

/**
 * Makes the inclusion proof of one row: reads only the row's chunk, re-hashes its 256 leaves
 * (checking the chunk root against the commitment), and collects the siblings up to the dataset
 * root. The proof reveals that row (values, encodings, salt) and nothing else. It is verified
 * before it is returned. Version 1 only: a version 2 commitment is refused
 * (`COMMIT_VERSION_UNSUPPORTED`), since version 2 proves inclusion in zero knowledge.
 *
 * @example
 * const proof = await proveInclusion({ tablesDir, commitment, saltKey, table: 'patients', row: 7 });
 */
export async function proveInclusion(p: ProveInclusionParameters): Promise<ProveInclusionReturnType> {
  if (p.commitment.version !== COMMIT_VERSION) {
    throw new CommitError('COMMIT_VERSION_UNSUPPORTED', {
      operation: 'prove-inclusion',
      version: p.commitment.version,
    });
  }
  return withTables(p.tablesDir, {}, (folder) => prove(p, folder));
}

async function prove(p: ProveInclusionParameters, folder: TablesFolder): Promise<ProveInclusionReturnType> {
  const { commitment } = p;
  const { manifest, sha256 } = folder;
  checkCommittable(manifest);
  if (sha256 !== commitment.tablesSha256)
    throw new CommitError('COMMIT_INVALID', { problem: 'tables-changed' });
  if (secretFingerprint(p.saltKey) !== commitment.saltKeyFingerprint) {
    throw new CommitError('COMMIT_INVALID', { problem: 'wrong-key' });
  }
  const tableIndex = commitment.tables.findIndex((t) => t.name === p.table);
  const table = commitment.tables[tableIndex];
  const entry = manifest.tables.find((t) => t.name === p.table);
  if (!table || !entry) {
    throw new CommitError('COMMIT_ROW_NOT_FOUND', {
      table: p.table,
      tables: commitment.tables.map((t) => t.name),
    });
  }
  if (p.row >= table.rows) {
    throw new CommitError('COMMIT_ROW_NOT_FOUND', { table: table.name, rows: table.rows });
  }
  if (table.chunkRoots === undefined || table.chunkRoots.length !== table.chunks) {
    throw new CommitError('COMMIT_INVALID', { problem: 'no-chunk-roots' });
  }
  const chunkIndex = Math.floor(p.row / CHUNK_SIZE);
  const position = p.row % CHUNK_SIZE;
  const columns = committedColumns(table);
  const dictionaries = columns.map((c) =>
    c.dictionary === undefined ? undefined : dictionaryIndex(c.dictionary),
  );
  const cells = await readChunk(folder, entry.name, chunkIndex);
  const poseidon = await loadPoseidon();
  const first = chunkIndex * CHUNK_SIZE;
  const encodedRows = cells.map((row) => encodeRow(columns, row, dictionaries));
  const leaves = encodedRows.map((row, i) =>
    rowLeaf(poseidon, rowSalt(p.saltKey, table.name, first + i), row),
  );
  if (fieldHex(chunkRoot(poseidon, leaves)) !== table.chunkRoots[chunkIndex]) {
    throw new CommitError('COMMIT_INVALID', { problem: 'chunk-root' });
  }
  const path = chunkPath(poseidon, leaves, position);
  const roots = table.chunkRoots.map(BigInt);
  const treePath = chunkTreePath(poseidon, roots, chunkIndex);
  const encoded = encodedRows[position];
  const row = cells[position];
  if (!encoded || !row) throw new CommitError('COMMIT_INVALID', { problem: 'row-unreadable' });
  const proof: InclusionProof = {
    schema: '1',
    kind: 'sinso-inclusion-proof',
    scheme: COMMIT_SCHEME,
    version: COMMIT_VERSION,
    chunkSize: CHUNK_SIZE,
    chunkArity: CHUNK_ARITY,
    datasetRoot: commitment.root,
    table: table.name,
    tableIndex,
    row: p.row,
    values: columns.map((c, i) => ({
      column: c.name,
      value: formatCell(c, row[i] as Cell),
      encoded: fieldHex(encoded.values[i] as bigint),
    })),
    nullMask: fieldHex(encoded.nullMask),
    salt: fieldHex(rowSalt(p.saltKey, table.name, p.row)),
    leaf: fieldHex(leaves[position] as bigint),
    chunk: {
      index: chunkIndex,
      position,
      leafSiblings: path.leafSiblings.map(fieldHex),
      nodeSiblings: path.nodeSiblings.map(fieldHex),
      root: table.chunkRoots[chunkIndex] as string,
    },
    chunkTree: {
      path: treePath.map(fieldHex),
      root: fieldHex(chunkTreeRootFromPath(poseidon, roots[chunkIndex] as bigint, chunkIndex, treePath)),
    },
    tableCommitment: { rows: table.rows, encodingHash: table.encodingHash, root: table.root },
    tableRoots: commitment.tables.map((t) => t.root),
  };
  const check = await verifyInclusion(proof, commitment);
  if (!check.ok)
    throw new InternalError('INTERNAL', {
      what: 'a proof just made does not verify',
      detail: `step: ${check.step}`,
    });
  return proof;
}

/** The rows (row-major cells) of one chunk of a table. */
async function readChunk(folder: TablesFolder, table: string, chunkIndex: number): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  for await (const batch of folder.scan(table, { offset: chunkIndex * CHUNK_SIZE, limit: CHUNK_SIZE })) {
    const count = batch[0]?.length ?? 0;
    for (let r = 0; r < count; r++) rows.push(batch.map((column) => column[r] as Cell));
  }
  return rows;
}
