import { InterruptedError } from '../../../core/errors/index.js';
import { workerFile } from '../../../core/workerFile.js';
import { createWorkerPool, type WorkerPool } from '../../../core/workerPool.js';
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
  /**
   * When set, this thread de-identifies too, alone for this long, then with the workers, taking a
   * task itself whenever none of them is ready for one. Unset: every task goes to the workers
   * (what `--workers N` asks for).
   */
  startWorkersAfterMs?: number | undefined;
  onResult: (r: DeidTaskResult) => void;
  signal?: AbortSignal | undefined;
};

/**
 * Runs de-identification tasks in this thread and on `workers` threads of the core pool beside it
 * (0: this thread only), keeping at most a few tasks in flight per worker so memory stays bounded
 * however many files there are.
 *
 * With `startWorkersAfterMs` this thread takes part. The work is mostly copying pixel data,
 * bound by memory bandwidth more than by cores, and a fresh worker costs ~0.3 s to load and is
 * slow until its code is optimised: a job of a second or two is over sooner without workers,
 * and no file waits for a worker that is still loading.
 */
export async function runPool(p: RunPoolParameters): Promise<void> {
  // a worker costs ~0.3 s to start: a small batch runs faster in this thread alone
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
  let ctx: ReturnType<typeof makeProcessContext> | undefined;
  const here = (t: { id: number; path: string }) => {
    ctx ??= makeProcessContext(p.settings);
    p.onResult(processOne(ctx, p.settings.outDir, t.id, t.path));
  };
  const interrupted = () =>
    new InterruptedError('INTERRUPTED', { activity: 'de-identifying DICOM files', nothingWritten: true });
  if (workers <= 0) {
    for await (const t of tasks) {
      if (p.signal?.aborted) throw interrupted();
      if ('reject' in t) p.onResult({ id: t.id, ok: false, reason: t.reject });
      else here(t);
    }
    return;
  }
  const started = performance.now();
  let pool: WorkerPool<{ id: number; path: string }, DeidTaskResult> | undefined;
  const startPool = () =>
    createWorkerPool<{ id: number; path: string }, DeidTaskResult>({
      file: workerFile(import.meta.url, './worker.js'),
      size: workers,
      workerData: p.settings,
      perWorker: 4,
      signal: p.signal,
      name: 'de-identification',
    });
  const adaptive = p.startWorkersAfterMs !== undefined;
  const after = p.startWorkersAfterMs ?? 0;
  if (after <= 0) pool = startPool();
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const t of tasks) {
      if (p.signal?.aborted) throw interrupted();
      if ('reject' in t) {
        p.onResult({ id: t.id, ok: false, reason: t.reject });
      } else if (pool && (!adaptive || pool.hasRoom())) {
        const { result } = await pool.submit(t);
        const done = result.then(p.onResult);
        inFlight.add(done);
        done.then(
          () => inFlight.delete(done),
          () => inFlight.delete(done),
        );
      } else {
        here(t);
        if (!pool && performance.now() - started >= after) pool = startPool();
        // let the workers' answers in, so they get their next task without waiting for this thread
        if (pool) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    await Promise.all(inFlight);
  } finally {
    await pool?.close();
  }
}
