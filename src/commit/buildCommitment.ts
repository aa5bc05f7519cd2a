import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { InterruptedError } from '../core/errors/index.js';
import { secretFingerprint } from '../core/keystore.js';
import type { Progress } from '../core/progress.js';
import type { Commitment } from '../core/schemas/commitment.js';
import type { TableColumn, TableEntry } from '../core/schemas/tables.js';
import { openTables, type TablesFolder } from '../tables/index.js';
import { type ChunkHasher, createChunkHasher } from './adapters/chunkHasher.js';
import { checkCommittable } from './checkCommittable.js';
import { chunkTreeRoot } from './chunkTreeRoot.js';
import { COLUMN_BLOCK_WORDS } from './columnChunkRoot.js';
import { nullWord } from './columnHash.js';
import { columnSalt } from './columnSalt.js';
import {
  CHUNK_ARITY,
  CHUNK_SIZE,
  COMMIT_SCHEME,
  COMMIT_VERSION,
  type CommitVersion,
  DEFAULT_COMMIT_VERSION,
  MAX_DICTIONARY,
  V2,
} from './constants.js';
import {
  type Cell,
  type DictionaryIndex,
  dictionaryIndex,
  encodeCell,
  sortDictionary,
} from './encodeValue.js';
import { CommitError } from './errors.js';
import { loadPoseidon, type Poseidon, readWord, writeWord } from './poseidon.js';
import { type CommittedColumn, datasetRoot, encodingHash, tableRoot } from './roots.js';
import { encodeRow } from './rowLeaf.js';
import { rowSalt } from './rowSalt.js';
import { fieldHex } from './schema.js';

export type BuildCommitmentParameters = {
  /** Folder with tables.json and the Parquet files. */
  tablesDir: string;
  /** The row-salt key (`deriveSaltKey(datasetKey)`). */
  saltKey: Uint8Array;
  progress: Progress;
  signal?: AbortSignal | undefined;
  /** Worker threads hashing chunks (default: one per core; 0: this thread). */
  workers?: number | undefined;
  /** Commitment version: '1' (row leaves) or '2' (column chunks, the default). */
  version?: CommitVersion | undefined;
};
export type BuildCommitmentReturnType = Commitment;

type TableCommitment = Commitment['tables'][number];

/**
 * Builds the commitment of a tables folder (docs/commitment.md). Version 1: every row of every
 * table encoded, salted and hashed into a leaf, leaves into chunk roots (256 rows each). Version 2:
 * every column of every chunk of 128 rows salted and hashed on its own, 16 column hashes into a
 * node, 16 nodes into the chunk root. Then, in both, chunk roots into table roots and those into
 * the dataset root. Streams rows chunk by chunk; memory stays bounded by the chunks in flight.
 *
 * @example
 * const commitment = await buildCommitment({ tablesDir: 'out/tables', saltKey, progress });
 * commitment.root; // 0x…
 */
export async function buildCommitment(p: BuildCommitmentParameters): Promise<BuildCommitmentReturnType> {
  const version = p.version ?? DEFAULT_COMMIT_VERSION;
  const folder = await openTables(p.tablesDir);
  let hasher: ChunkHasher | undefined;
  try {
    checkCommittable(folder.manifest, { version });
    const poseidon = await loadPoseidon();
    hasher = createChunkHasher({
      poseidon,
      workers: p.workers ?? availableParallelism(),
      signal: p.signal,
    });
    const tables: TableCommitment[] = [];
    for (const entry of folder.manifest.tables) {
      tables.push(await commitTable({ ...p, version, poseidon, folder, hasher }, entry));
    }
    const root = datasetRoot(
      poseidon,
      tables.map((t) => BigInt(t.root)),
      version,
    );
    const common = {
      schema: '1',
      kind: 'sinso-commitment',
      scheme: COMMIT_SCHEME,
      root: fieldHex(root),
      rows: tables.reduce((n, t) => n + t.rows, 0),
      tablesSha256: folder.sha256,
      saltKeyFingerprint: secretFingerprint(p.saltKey),
      tables,
    } as const;
    return version === '1'
      ? { ...common, version: COMMIT_VERSION, chunkSize: CHUNK_SIZE, chunkArity: CHUNK_ARITY }
      : {
          ...common,
          version: V2.version,
          chunkSize: V2.chunkSize,
          chunkArity: V2.nodeArity,
          layout: V2.layout,
        };
  } finally {
    await hasher?.close();
    folder.close();
  }
}

type CommitTableContext = BuildCommitmentParameters & {
  version: CommitVersion;
  poseidon: Poseidon;
  folder: TablesFolder;
  hasher: ChunkHasher;
};

/** The sorted dictionary of a categorical column (at most MAX_DICTIONARY values). */
async function columnDictionary(folder: TablesFolder, table: string, column: TableColumn): Promise<string[]> {
  const values = await folder.distinct(table, column.name, MAX_DICTIONARY);
  if (values === undefined) {
    throw new CommitError('COMMIT_TABLES_INVALID', { problem: 'dictionary', table, column: column.name });
  }
  return sortDictionary(values);
}

async function commitTable(ctx: CommitTableContext, entry: TableEntry): Promise<TableCommitment> {
  const rows = await ctx.folder.rowCount(entry.name);
  if (rows !== entry.rows) throw rowCountMismatch(entry.name);
  const columns: CommittedColumn[] = [];
  for (const c of entry.columns) {
    columns.push({
      name: c.name,
      logical: c.logical,
      ...(c.logical === 'decimal' ? { scale: c.scale ?? 0 } : {}),
      ...(c.logical === 'categorical'
        ? { dictionary: await columnDictionary(ctx.folder, entry.name, c) }
        : {}),
    });
  }
  const chunkRoots =
    ctx.version === '1'
      ? await hashTableChunks(ctx, entry, columns)
      : await hashTableColumnChunks(ctx, entry, columns);
  const encoding = encodingHash(ctx.poseidon, entry.name, columns, ctx.version);
  const root = tableRoot(ctx.poseidon, {
    encodingHash: encoding,
    rows,
    chunkTreeRoot: chunkTreeRoot(ctx.poseidon, chunkRoots),
  });
  return {
    name: entry.name,
    rows,
    chunks: chunkRoots.length,
    root: fieldHex(root),
    encodingHash: fieldHex(encoding),
    chunkRoots: chunkRoots.map(fieldHex),
    columns: columns.map((c) => ({
      name: c.name,
      logical: c.logical,
      ...(c.scale === undefined ? {} : { scale: c.scale }),
      ...(c.dictionary === undefined ? {} : { dictionary: [...c.dictionary] }),
    })),
  };
}

/** Streams a table's rows into chunk buffers (leaf inputs as words) and hashes each chunk. */
async function hashTableChunks(
  ctx: CommitTableContext,
  entry: TableEntry,
  columns: readonly CommittedColumn[],
): Promise<bigint[]> {
  const dictionaries: (DictionaryIndex | undefined)[] = columns.map((c) =>
    c.dictionary === undefined ? undefined : dictionaryIndex(c.dictionary),
  );
  const width = columns.length + 2;
  const rowBytes = width * 32;
  const roots: Promise<Uint8Array>[] = [];
  const task = ctx.progress.start(`commit ${entry.name}`, entry.rows);
  let words = new Uint8Array(CHUNK_SIZE * rowBytes);
  let inChunk = 0;
  let row = 0;
  const flush = async () => {
    roots.push((await ctx.hasher.submit({ layout: 'rows', rowWords: words, width, rows: inChunk })).root);
    words = new Uint8Array(CHUNK_SIZE * rowBytes);
    inChunk = 0;
  };
  for await (const batch of ctx.folder.scan(entry.name)) {
    if (ctx.signal?.aborted) throw interrupted();
    const count = batch[0]?.length ?? 0;
    for (let r = 0; r < count; r++) {
      const cells = batch.map((column) => column[r] as Cell);
      const encoded = encodeRow(columns, cells, dictionaries);
      const base = inChunk * rowBytes;
      writeWord(rowSalt(ctx.saltKey, entry.name, row), words, base);
      writeWord(encoded.nullMask, words, base + 32);
      for (const [i, v] of encoded.values.entries()) writeWord(v, words, base + (i + 2) * 32);
      inChunk++;
      row++;
      if (inChunk === CHUNK_SIZE) await flush();
    }
    task.tick(count);
  }
  if (inChunk > 0) await flush();
  task.done();
  if (row !== entry.rows) throw rowCountMismatch(entry.name);
  return (await Promise.all(roots)).map((w) => readWord(w));
}

/**
 * Version 2: streams a table's columns into chunk buffers (per column: salt, null word, 128
 * values, as words) and hashes each chunk.
 */
async function hashTableColumnChunks(
  ctx: CommitTableContext,
  entry: TableEntry,
  columns: readonly CommittedColumn[],
): Promise<bigint[]> {
  const dictionaries: (DictionaryIndex | undefined)[] = columns.map((c) =>
    c.dictionary === undefined ? undefined : dictionaryIndex(c.dictionary),
  );
  const n = columns.length;
  const blockBytes = COLUMN_BLOCK_WORDS * 32;
  const roots: Promise<Uint8Array>[] = [];
  const task = ctx.progress.start(`commit ${entry.name}`, entry.rows);
  const size = V2.chunkSize;
  let words = new Uint8Array(n * blockBytes);
  const nulls: boolean[][] = columns.map(() => new Array<boolean>(size).fill(false));
  let inChunk = 0;
  let chunk = 0;
  let row = 0;
  const flush = async () => {
    for (let j = 0; j < n; j++) {
      const base = j * blockBytes;
      writeWord(columnSalt({ saltKey: ctx.saltKey, table: entry.name, chunk, column: j }), words, base);
      writeWord(nullWord(nulls[j] as boolean[], inChunk), words, base + 32);
      (nulls[j] as boolean[]).fill(false);
    }
    roots.push((await ctx.hasher.submit({ layout: 'columns', columnWords: words, columns: n })).root);
    words = new Uint8Array(n * blockBytes);
    inChunk = 0;
    chunk++;
  };
  for await (const batch of ctx.folder.scan(entry.name)) {
    if (ctx.signal?.aborted) throw interrupted();
    const count = batch[0]?.length ?? 0;
    if (batch.length !== n) {
      throw new CommitError('COMMIT_TABLES_INVALID', {
        problem: 'row-width',
        columns: n,
        values: batch.length,
      });
    }
    let r = 0;
    while (r < count) {
      const take = Math.min(count - r, size - inChunk);
      for (let j = 0; j < n; j++) {
        const cells = batch[j] as readonly Cell[];
        const column = columns[j] as CommittedColumn;
        const dictionary = dictionaries[j];
        const columnNulls = nulls[j] as boolean[];
        const text = column.logical === 'id' || column.logical === 'string';
        const base = j * blockBytes + 64;
        for (let i = 0; i < take; i++) {
          const cell = cells[r + i] as Cell;
          if (cell === null) columnNulls[inChunk + i] = true;
          else if (text && typeof cell === 'string') writeStringWord(cell, words, base + (inChunk + i) * 32);
          else writeWord(encodeCell(column, cell, dictionary), words, base + (inChunk + i) * 32);
        }
      }
      inChunk += take;
      row += take;
      r += take;
      if (inChunk === size) await flush();
    }
    task.tick(count);
  }
  if (inChunk > 0) await flush();
  task.done();
  if (row !== entry.rows) throw rowCountMismatch(entry.name);
  return (await Promise.all(roots)).map((w) => readWord(w));
}

/**
 * The word of a text value, as `writeWord(stringField(text))` writes it but without a bigint: the
 * first 31 bytes of SHA-256, big-endian, written little-endian (byte 31 stays 0).
 */
function writeStringWord(text: string, words: Uint8Array, offset: number): void {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  for (let b = 0; b < 31; b++) words[offset + b] = digest[30 - b] as number;
}

function rowCountMismatch(table: string): CommitError {
  return new CommitError('COMMIT_TABLES_INVALID', { problem: 'row-count', table });
}

function interrupted(): InterruptedError {
  return new InterruptedError('INTERRUPTED', { activity: 'building the commitment', nothingWritten: true });
}
