import { Worker } from 'node:worker_threads';
import { InternalError } from '../../../core/errors/index.js';
import { workerFile } from '../../../core/workerFile.js';
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
};

/**
 * Runs de-identification tasks on `workers` threads (0: in this thread), keeping at most a few
 * tasks in flight per worker so memory stays bounded however many files there are.
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
  const file = workerFile(import.meta.url, './worker.js');
  const perWorker = 8;
  const pool = Array.from({ length: workers }, () => ({
    worker: new Worker(file, { workerData: p.settings }),
    inFlight: 0,
  }));
  let failed: unknown;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  for (const slot of pool) {
    slot.worker.on('message', (r: DeidTaskResult) => {
      slot.inFlight--;
      p.onResult(r);
      signal();
    });
    slot.worker.on('error', (err) => {
      failed ??= err;
      signal();
    });
  }
  const idle = () => pool.reduce((best, s) => (s.inFlight < best.inFlight ? s : best));
  try {
    for await (const t of tasks) {
      if ('reject' in t) {
        p.onResult({ id: t.id, ok: false, reason: t.reject });
        continue;
      }
      while (idle().inFlight >= perWorker && failed === undefined) await new Promise<void>((r) => (wake = r));
      if (failed !== undefined) break;
      const slot = idle();
      slot.inFlight++;
      slot.worker.postMessage(t);
    }
    while (pool.some((s) => s.inFlight > 0) && failed === undefined)
      await new Promise<void>((r) => (wake = r));
    if (failed !== undefined) {
      throw new InternalError('INTERNAL', { what: 'a de-identification worker crashed' }, { cause: failed });
    }
  } finally {
    await Promise.all(pool.map((s) => s.worker.terminate()));
  }
}
