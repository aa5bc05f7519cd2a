import { parentPort } from 'node:worker_threads';
import { chunkRootOfRows } from '../chunkRows.js';
import { loadPoseidon } from '../poseidon.js';

/** A chunk to hash: its rows' leaf inputs as words (see chunkRootOfRows). */
export type ChunkTask = { id: number; rowWords: Uint8Array; width: number; rows: number };
export type ChunkTaskResult = { id: number; root?: Uint8Array; crash?: string };

// listen before anything is awaited, so no task posted early is missed
const ready = loadPoseidon();
parentPort?.on('message', async (task: ChunkTask) => {
  try {
    const root = chunkRootOfRows(await ready, task);
    parentPort?.postMessage({ id: task.id, root } satisfies ChunkTaskResult);
  } catch (err) {
    parentPort?.postMessage({
      id: task.id,
      crash: err instanceof Error ? err.name : 'error',
    } satisfies ChunkTaskResult);
  }
});
