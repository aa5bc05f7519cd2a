import { serveTasks } from '../../core/workerPool.js';
import { chunkRootOfRows } from '../chunkRows.js';
import { loadPoseidon } from '../poseidon.js';

/** A chunk to hash: its rows' leaf inputs as words (see chunkRootOfRows). */
export type ChunkTask = { rowWords: Uint8Array; width: number; rows: number };

// listen before anything is awaited, so no task posted early is missed
const ready = loadPoseidon();
serveTasks<ChunkTask, Uint8Array>(async (task) => chunkRootOfRows(await ready, task));
