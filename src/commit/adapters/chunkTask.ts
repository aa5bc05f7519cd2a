import { chunkRootOfRows } from '../chunkRows.js';
import { type ColumnChunkWords, columnChunkRootWords } from '../columnChunkRoot.js';
import type { Poseidon } from '../poseidon.js';

/**
 * A chunk to hash. Version 1: its rows' leaf inputs as words (see chunkRootOfRows). Version 2:
 * its columns' hash inputs as words (see columnChunkRootWords).
 */
export type ChunkTask =
  | { layout: 'rows'; rowWords: Uint8Array; width: number; rows: number }
  | ({ layout: 'columns' } & ColumnChunkWords);

/**
 * The root word of a chunk task.
 *
 * @example
 * hashChunkTask(poseidon, { layout: 'columns', columnWords, columns: 8 });
 */
export function hashChunkTask(poseidon: Poseidon, task: ChunkTask): Uint8Array {
  return task.layout === 'rows' ? chunkRootOfRows(poseidon, task) : columnChunkRootWords(poseidon, task);
}

/** The buffer a task carries (transferred to the worker). */
export function taskBuffer(task: ChunkTask): ArrayBuffer {
  return (task.layout === 'rows' ? task.rowWords.buffer : task.columnWords.buffer) as ArrayBuffer;
}
