import { workerFile } from '../../core/workerFile.js';
import { createWorkerPool } from '../../core/workerPool.js';
import type { Poseidon } from '../poseidon.js';
import { type ChunkTask, hashChunkTask, taskBuffer } from './chunkTask.js';

/** Hashes chunks, in-process or on worker threads; results come back per chunk, in any order. */
export type ChunkHasher = {
  /**
   * Queues a chunk (its words buffer is transferred: do not reuse it), waiting first while
   * too many chunks are in flight; `root` resolves to the chunk's root word.
   */
  submit(task: ChunkTask): Promise<{ root: Promise<Uint8Array> }>;
  close(): Promise<void>;
};

/**
 * A chunk hasher: `workers` threads (0: in this thread). Each worker builds its own Poseidon.
 *
 * @example
 * const hasher = createChunkHasher({ poseidon, workers: 2 });
 * const { root } = await hasher.submit({ layout: 'rows', rowWords, width, rows });
 * await root;
 * await hasher.close();
 */
export function createChunkHasher(p: {
  poseidon: Poseidon;
  workers: number;
  signal?: AbortSignal | undefined;
}): ChunkHasher {
  if (p.workers <= 0) {
    return {
      submit: async (task) => ({ root: Promise.resolve(hashChunkTask(p.poseidon, task)) }),
      close: async () => {},
    };
  }
  return workerHasher(p.workers, p.signal);
}

function workerHasher(count: number, signal: AbortSignal | undefined): ChunkHasher {
  const pool = createWorkerPool<ChunkTask, Uint8Array>({
    file: workerFile(import.meta.url, './chunkWorker.js'),
    size: count,
    perWorker: 4,
    name: 'commitment',
    signal,
    // circomlibjs → ffjavascript → web-worker, which, loaded off the main thread, takes the
    // thread for a web worker of its own and reads `workerData.mod`: give it an empty module.
    workerData: { mod: 'data:text/javascript,' },
  });
  return {
    async submit(task) {
      const { result } = await pool.submit(task, [taskBuffer(task)]);
      return { root: result };
    },
    close: () => pool.close(),
  };
}
