import { Worker } from 'node:worker_threads';
import { InternalError } from '../../core/errors/index.js';
import { workerFile } from '../../core/workerFile.js';
import { chunkRootOfRows } from '../chunkRows.js';
import type { Poseidon } from '../poseidon.js';
import type { ChunkTask, ChunkTaskResult } from './chunkWorker.js';

/** Hashes chunks, in-process or on worker threads; results come back per chunk, in any order. */
export type ChunkHasher = {
  /**
   * Queues a chunk (its `rowWords` buffer is transferred: do not reuse it), waiting first while
   * too many chunks are in flight; `root` resolves to the chunk's root word.
   */
  submit(task: Omit<ChunkTask, 'id'>): Promise<{ root: Promise<Uint8Array> }>;
  close(): Promise<void>;
};

/**
 * A chunk hasher: `workers` threads (0: in this thread). Each worker builds its own Poseidon.
 *
 * @example
 * const hasher = createChunkHasher({ poseidon, workers: 2 });
 * const { root } = await hasher.submit({ rowWords, width, rows });
 * await root;
 * await hasher.close();
 */
export function createChunkHasher(p: { poseidon: Poseidon; workers: number }): ChunkHasher {
  if (p.workers <= 0) {
    return {
      submit: async (task) => ({ root: Promise.resolve(chunkRootOfRows(p.poseidon, task)) }),
      close: async () => {},
    };
  }
  return workerHasher(p.workers);
}

function workerHasher(count: number): ChunkHasher {
  const file = workerFile(import.meta.url, './chunkWorker.js');
  const pending = new Map<number, { resolve: (root: Uint8Array) => void; reject: (err: unknown) => void }>();
  const maxInFlight = count * 4;
  let nextId = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const fail = (err: unknown) => {
    failure ??= err;
    for (const w of pending.values()) w.reject(failure);
    pending.clear();
    wake?.();
  };
  const pool = Array.from({ length: count }, () => {
    // circomlibjs → ffjavascript → web-worker, which, loaded off the main thread, takes the
    // thread for a web worker of its own and reads `workerData.mod`: give it an empty module.
    const w = new Worker(file, { workerData: { mod: 'data:text/javascript,' } });
    w.on('message', (m: ChunkTaskResult) => {
      const waiter = pending.get(m.id);
      if (!waiter) return;
      pending.delete(m.id);
      if (m.root) waiter.resolve(m.root);
      else waiter.reject(workerError(m.crash));
      wake?.();
    });
    w.on('error', (err) => fail(workerError(undefined, err)));
    return w;
  });
  return {
    async submit(task) {
      while (pending.size >= maxInFlight && failure === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (failure !== undefined) throw failure;
      const id = nextId++;
      const result = new Promise<Uint8Array>((resolve, reject) => pending.set(id, { resolve, reject }));
      result.catch(() => {});
      const worker = pool[id % count] as Worker;
      worker.postMessage({ id, ...task } satisfies ChunkTask, [task.rowWords.buffer as ArrayBuffer]);
      return { root: result };
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}

function workerError(detail: string | undefined, cause?: unknown): InternalError {
  return new InternalError('INTERNAL', { what: 'a commitment worker failed', detail }, { cause });
}
