import { secretFingerprint } from '../core/keystore.js';
import type { Commitment } from '../core/schemas/commitment.js';
import { type TablesFolder, withTables } from '../tables/index.js';
import { checkCommittable } from './checkCommittable.js';
import { chunkTreePath, chunkTreeRootFromPath } from './chunkTreeRoot.js';
import { COLUMN_SLOTS, columnChunkRoot } from './columnChunkRoot.js';
import { columnHash, columnHashInputs } from './columnHash.js';
import { columnSalt } from './columnSalt.js';
import { committedColumns } from './committedColumns.js';
import { TAGS_V2, V2 } from './constants.js';
import { type Cell, dictionaryIndex, encodeCell } from './encodeValue.js';
import { CommitError } from './errors.js';
import { loadPoseidon } from './poseidon.js';
import { datasetRoot, encodingHash as encodingHashOf, tableRoot } from './roots.js';
import { fieldHex } from './schema.js';

export type ChunkWitnessParameters = {
  /** The tables folder the commitment was built from. */
  tablesDir: string;
  /** A version 2 commitment of that folder. */
  commitment: Commitment;
  /** The salt key the commitment was built with (`deriveSaltKey(datasetKey)`). */
  saltKey: Uint8Array;
  table: string;
  /** Chunk index k: rows 128k … 128k+127. */
  chunk: number;
};

/** One column of the chunk, as a circuit takes it (private inputs). */
export type ChunkWitnessColumn = {
  name: string;
  /** The column's salt in this chunk. */
  salt: bigint;
  /** Σ b_i·2^i: bit i set when row i is NULL or padding. */
  nullWord: bigint;
  /** The same bits, b_0 … b_127. */
  nullBits: (0 | 1)[];
  /** The 128 encoded values (0 for NULL and padding). */
  values: bigint[];
  /** hashChain(salt, nullWord, values). */
  hash: bigint;
};

export type ChunkWitnessReturnType = {
  version: '2';
  table: string;
  /** The table's position in tables.json (and in the dataset root's table slots). */
  tableIndex: number;
  chunk: number;
  /** The table's row count (committed in the table root). */
  rowCount: number;
  /** Rows of this chunk that exist (128 but in the last chunk). */
  rowsInChunk: number;
  columns: ChunkWitnessColumn[];
  /** 256 column slots (16 nodes × 16): column j's hash at slot j, 0 for missing columns. */
  columnHashes: bigint[];
  /** node_m = Poseidon(columnHashes[16m … 16m+15]). */
  nodes: bigint[];
  /** Poseidon(node_0 … node_15), equal to the committed chunk root. */
  chunkRoot: bigint;
  /** From the chunk root to the chunk-tree root: siblings bottom first, and the index bits (1: the chunk's node is the right child). */
  chunkTreePath: { siblings: bigint[]; indexBits: (0 | 1)[] };
  chunkTreeRoot: bigint;
  encodingHash: bigint;
  tableRoot: bigint;
  /** Every table's root, tables.json order. */
  tableRoots: bigint[];
  /** The 16 inputs of the dataset root: tag, table count, R_0 … R_13 (0 for unused slots). */
  datasetRootInputs: bigint[];
  datasetRoot: bigint;
};

export type ChunkWitnessErrorType = CommitError;

/**
 * Everything a prover needs for one chunk of a version 2 commitment: per column its salt, null
 * word and bits, its 128 encoded values and hash; the 256 column slots, the 16 nodes and the chunk
 * root; the chunk-tree path; the encoding hash, row count, table roots and dataset-root inputs.
 * Reads only that chunk (`LIMIT 128 OFFSET 128k`), and checks its root against the commitment.
 *
 * @example
 * const w = await chunkWitness({ tablesDir, commitment, saltKey, table: 'observations', chunk: 3 });
 * w.columns[2].values; // 128 bigints
 */
export async function chunkWitness(p: ChunkWitnessParameters): Promise<ChunkWitnessReturnType> {
  if (p.commitment.version !== V2.version) {
    throw new CommitError('COMMIT_VERSION_UNSUPPORTED', {
      operation: 'chunk-witness',
      version: p.commitment.version,
    });
  }
  return withTables(p.tablesDir, {}, (folder) => witness(p, folder));
}

async function witness(p: ChunkWitnessParameters, folder: TablesFolder): Promise<ChunkWitnessReturnType> {
  const { commitment } = p;
  checkCommittable(folder.manifest, { version: '2' });
  if (folder.sha256 !== commitment.tablesSha256) {
    throw new CommitError('COMMIT_INVALID', { problem: 'tables-changed' });
  }
  if (secretFingerprint(p.saltKey) !== commitment.saltKeyFingerprint) {
    throw new CommitError('COMMIT_INVALID', { problem: 'wrong-key' });
  }
  const tableIndex = commitment.tables.findIndex((t) => t.name === p.table);
  const table = commitment.tables[tableIndex];
  if (table === undefined || !folder.manifest.tables.some((t) => t.name === p.table)) {
    throw new CommitError('COMMIT_ROW_NOT_FOUND', {
      table: p.table,
      tables: commitment.tables.map((t) => t.name),
    });
  }
  if (!Number.isInteger(p.chunk) || p.chunk < 0 || p.chunk >= table.chunks) {
    throw new CommitError('COMMIT_ROW_NOT_FOUND', { table: table.name, chunks: table.chunks });
  }
  if (table.chunkRoots === undefined || table.chunkRoots.length !== table.chunks) {
    throw new CommitError('COMMIT_INVALID', { problem: 'no-chunk-roots' });
  }
  const columns = committedColumns(table);
  const cells = await readColumnChunk(folder, table.name, p.chunk, columns.length);
  const rowsInChunk = cells[0]?.length ?? 0;
  const poseidon = await loadPoseidon();
  const witnessColumns = columns.map((column, j): ChunkWitnessColumn => {
    const dictionary = column.dictionary === undefined ? undefined : dictionaryIndex(column.dictionary);
    const columnCells = cells[j] ?? [];
    const chunk = {
      salt: columnSalt({ saltKey: p.saltKey, table: table.name, chunk: p.chunk, column: j }),
      values: columnCells.map((c) => encodeCell(column, c, dictionary)),
      nulls: columnCells.map((c) => c === null),
    };
    const [, nullWord, ...values] = columnHashInputs(chunk) as [bigint, bigint, ...bigint[]];
    return {
      name: column.name,
      salt: chunk.salt,
      nullWord,
      nullBits: Array.from({ length: V2.chunkSize }, (_, i) => ((nullWord >> BigInt(i)) & 1n ? 1 : 0)),
      values,
      hash: columnHash(poseidon, chunk),
    };
  });
  const tree = columnChunkRoot(
    poseidon,
    witnessColumns.map((c) => c.hash),
  );
  if (fieldHex(tree.root) !== table.chunkRoots[p.chunk]) {
    throw new CommitError('COMMIT_INVALID', { problem: 'chunk-root' });
  }
  const roots = table.chunkRoots.map(BigInt);
  const siblings = chunkTreePath(poseidon, roots, p.chunk);
  const treeRoot = chunkTreeRootFromPath(poseidon, tree.root, p.chunk, siblings);
  const encodingHash = BigInt(table.encodingHash);
  const tableRoots = commitment.tables.map((t) => BigInt(t.root));
  const slots = new Array<bigint>(V2.maxTables).fill(0n);
  for (const [i, r] of tableRoots.entries()) slots[i] = r;
  const root = tableRoot(poseidon, { encodingHash, rows: table.rows, chunkTreeRoot: treeRoot });
  if (
    root !== tableRoots[tableIndex] ||
    datasetRoot(poseidon, tableRoots, '2') !== BigInt(commitment.root) ||
    fieldHex(encodingHashOf(poseidon, table.name, columns, '2')) !== table.encodingHash
  ) {
    throw new CommitError('COMMIT_INVALID', { problem: 'roots' });
  }
  return {
    version: '2',
    table: table.name,
    tableIndex,
    chunk: p.chunk,
    rowCount: table.rows,
    rowsInChunk,
    columns: witnessColumns,
    columnHashes: tree.slots.slice(0, COLUMN_SLOTS),
    nodes: tree.nodes,
    chunkRoot: tree.root,
    chunkTreePath: {
      siblings,
      indexBits: siblings.map((_, level) => ((p.chunk >> level) & 1 ? 1 : 0)),
    },
    chunkTreeRoot: treeRoot,
    encodingHash,
    tableRoot: root,
    tableRoots,
    datasetRootInputs: [TAGS_V2.dataset, BigInt(tableRoots.length), ...slots],
    datasetRoot: BigInt(commitment.root),
  };
}

/** The cells of one chunk of a table, column-major (`cells[column][row]`). */
async function readColumnChunk(
  folder: TablesFolder,
  table: string,
  chunk: number,
  width: number,
): Promise<Cell[][]> {
  const cells: Cell[][] = Array.from({ length: width }, () => []);
  const range = { offset: chunk * V2.chunkSize, limit: V2.chunkSize };
  for await (const batch of folder.scan(table, range)) {
    for (let j = 0; j < width; j++) cells[j]?.push(...((batch[j] ?? []) as Cell[]));
  }
  return cells;
}
