import { parentPort, type Transferable, Worker } from 'node:worker_threads';
import { InternalError, InterruptedError, SinsoError } from './errors/index.js';

/** A message to a pool worker. */
type TaskMessage<T> = { id: number; task: T };
/** A worker's answer: the task's value, or the name of what it threw (never its message). */
type ResultMessage<R> = { id: number; value: R } | { id: number; crash: string } | { ready: true };

export type CreateWorkerPoolParameters = {
  /** The worker module (see `workerFile`); it calls `serveTasks` once. */
  file: string;
  /** Worker threads; at least 1. */
  size: number;
  /** Sent to every worker as `workerData` (plain data: settings, secrets, no functions). */
  workerData?: unknown;
  /**
   * Tasks in flight per worker: `submit` waits while every worker has this many (backpressure,
   * so a producer of 100,000 tasks never queues them all). Default 4.
   */
  perWorker?: number | undefined;
  /** Aborting rejects every pending task with INTERRUPTED and stops the workers. */
  signal?: AbortSignal | undefined;
  /** What the workers do, for error messages (e.g. 'de-identification'). */
  name: string;
};

export type WorkerPool<T, R> = {
  /**
   * Queues a task on the least busy worker, first waiting while the pool is full. Resolves once
   * the task is sent; `result` resolves with the worker's value (or rejects if it failed).
   */
  submit(task: T, transfer?: readonly Transferable[]): Promise<{ result: Promise<R> }>;
  /**
   * Whether a worker that has started is waiting for work (has fewer than `perWorker` tasks): a
   * caller that can also do the work itself runs a task in its own thread when this is false,
   * so no task waits for a worker that is still loading.
   */
  hasRoom(): boolean;
  /** Stops every worker (pending tasks are rejected). Always call it, in a `finally`. */
  close(): Promise<void>;
};

/** `ready`: the worker has loaded its module and waits for tasks (it said so). */
type Slot = { worker: Worker; inFlight: number; ready: boolean };
type Waiter<R> = { resolve: (value: R) => void; reject: (err: unknown) => void; slot: Slot };

/**
 * The one worker-thread pool every stage uses: least-busy dispatch, bounded in-flight tasks
 * (backpressure), abort, and crash reporting that never carries a worker's error message (it
 * may quote data).
 *
 * @example
 * const pool = createWorkerPool<ChunkTask, Uint8Array>({ file, size: 2, name: 'commitment' });
 * try {
 *   const { result } = await pool.submit(task, [task.rowWords.buffer]);
 *   const root = await result;
 * } finally {
 *   await pool.close();
 * }
 */
export function createWorkerPool<T, R>(p: CreateWorkerPoolParameters): WorkerPool<T, R> {
  const perWorker = Math.max(1, p.perWorker ?? 4);
  const pending = new Map<number, Waiter<R>>();
  let nextId = 0;
  let failure: unknown;
  let closed = false;
  let wakers: (() => void)[] = [];
  const wake = () => {
    const w = wakers;
    wakers = [];
    for (const f of w) f();
  };
  const fail = (err: unknown) => {
    failure ??= err;
    for (const w of pending.values()) w.reject(failure);
    pending.clear();
    wake();
  };
  const slots: Slot[] = Array.from({ length: Math.max(1, p.size) }, () => {
    const slot: Slot = {
      worker: new Worker(p.file, { workerData: p.workerData }),
      inFlight: 0,
      ready: false,
    };
    slot.worker.on('message', (m: ResultMessage<R>) => {
      if ('ready' in m) {
        slot.ready = true;
        wake();
        return;
      }
      const waiter = pending.get(m.id);
      if (!waiter) return;
      pending.delete(m.id);
      waiter.slot.inFlight--;
      if ('crash' in m) waiter.reject(workerFailed(p.name, m.crash));
      else waiter.resolve(m.value);
      wake();
    });
    slot.worker.on('error', (err) => fail(workerFailed(p.name, undefined, err)));
    slot.worker.on('exit', (code) => {
      if (!closed && code !== 0) fail(workerFailed(p.name, `exit code ${code}`));
    });
    return slot;
  });
  const onAbort = () =>
    fail(
      new InterruptedError('INTERRUPTED', {
        activity: `running the ${p.name} workers`,
        nothingWritten: true,
      }),
    );
  if (p.signal?.aborted) onAbort();
  p.signal?.addEventListener('abort', onAbort, { once: true });
  const leastBusy = () => slots.reduce((best, s) => (s.inFlight < best.inFlight ? s : best));
  // a ready worker with room, the least busy one; else any least busy one (it starts soon)
  const pick = () =>
    slots.reduce<Slot | undefined>(
      (best, s) => (s.ready && s.inFlight < perWorker && (!best || s.inFlight < best.inFlight) ? s : best),
      undefined,
    ) ?? leastBusy();
  return {
    async submit(task, transfer) {
      while (failure === undefined && leastBusy().inFlight >= perWorker) {
        await new Promise<void>((resolve) => wakers.push(resolve));
      }
      if (failure !== undefined) throw failure;
      const slot = pick();
      const id = nextId++;
      const result = new Promise<R>((resolve, reject) => pending.set(id, { resolve, reject, slot }));
      // a caller that stops at the first failure may never await the others
      result.catch(() => {});
      slot.inFlight++;
      slot.worker.postMessage({ id, task } satisfies TaskMessage<T>, transfer);
      return { result };
    },
    hasRoom: () => failure === undefined && slots.some((s) => s.ready && s.inFlight < perWorker),
    async close() {
      closed = true;
      p.signal?.removeEventListener('abort', onAbort);
      await Promise.all(slots.map((s) => s.worker.terminate()));
      if (pending.size > 0) fail(workerFailed(p.name, 'closed with tasks in flight'));
    },
  };
}

/**
 * The worker side of `createWorkerPool`: answers each task with `handler`'s value. A throw is
 * reported by the error's name only (its message may quote data).
 *
 * @example
 * // chunkWorker.ts
 * serveTasks<ChunkTask, Uint8Array>(async (task) => chunkRoot(await ready, task));
 */
export function serveTasks<T, R>(
  handler: (task: T) => R | Promise<R>,
  transfer?: (value: R) => readonly Transferable[],
): void {
  const port = parentPort;
  if (!port) {
    throw new InternalError('INTERNAL', { what: 'a pool worker module was loaded outside a worker thread' });
  }
  port.postMessage({ ready: true } satisfies ResultMessage<never>);
  port.on('message', async (m: TaskMessage<T>) => {
    try {
      const value = await handler(m.task);
      port.postMessage({ id: m.id, value } satisfies ResultMessage<R>, transfer?.(value));
    } catch (err) {
      port.postMessage({
        id: m.id,
        crash: err instanceof SinsoError ? err.code : err instanceof Error ? err.name : 'error',
      } satisfies ResultMessage<R>);
    }
  });
}

function workerFailed(name: string, detail: string | undefined, cause?: unknown): InternalError {
  return new InternalError('INTERNAL', { what: `a ${name} worker failed`, detail }, { cause });
}
