import { workerFile } from '../../../core/workerFile.js';
import { createWorkerPool } from '../../../core/workerPool.js';
import type { DeidJobSettings, DeidTaskResult } from './processOne.js';
import { makeProcessContext, processOne } from './processOne.js';

type Task = { id: number; path: string } | { id: number; reject: string };

/** Batches of at most this many files run in the calling thread. */
const SMALL_BATCH = 48;

export type RunPoolParameters = {
  settings: DeidJobSettings;
  /** Tasks, produced lazily (a walk of 100,000 files is never held as one list). */
  tasks: AsyncIterable<Task>;
  workers: number;
  onResult: (r: DeidTaskResult) => void;
  signal?: AbortSignal | undefined;
};

/**
 * Runs de-identification tasks on `workers` threads of the core pool (0: in this thread), keeping
 * at most a few tasks in flight per worker so memory stays bounded however many files there are.
 */
export async function runPool(p: RunPoolParameters): Promise<void> {
  // a worker costs ~0.25 s to start: a small batch runs faster in this thread
  const it = p.tasks[Symbol.asyncIterator]();
  const head: Task[] = [];
  let ended = false;
  while (head.length < SMALL_BATCH) {
    const n = await it.next();
    if (n.done) {
      ended = true;
      break;
    }
    head.push(n.value);
  }
  const tasks: AsyncIterable<Task> = {
    async *[Symbol.asyncIterator]() {
      yield* head;
      if (ended) return;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    },
  };
  const workers = ended ? 0 : p.workers;
  if (workers <= 0) {
    const ctx = makeProcessContext(p.settings);
    for await (const t of tasks) {
      p.onResult(
        'reject' in t
          ? { id: t.id, ok: false, reason: t.reject }
          : processOne(ctx, p.settings.outDir, t.id, t.path),
      );
    }
    return;
  }
  const pool = createWorkerPool<{ id: number; path: string }, DeidTaskResult>({
    file: workerFile(import.meta.url, './worker.js'),
    size: workers,
    workerData: p.settings,
    perWorker: 8,
    signal: p.signal,
    name: 'de-identification',
  });
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const t of tasks) {
      if ('reject' in t) {
        p.onResult({ id: t.id, ok: false, reason: t.reject });
        continue;
      }
      const { result } = await pool.submit(t);
      const done = result.then(p.onResult);
      inFlight.add(done);
      done.then(
        () => inFlight.delete(done),
        () => inFlight.delete(done),
      );
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
}
