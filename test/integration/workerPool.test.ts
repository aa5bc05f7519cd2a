import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SinsoError } from '../../src/core/errors/index.js';
import { createWorkerPool } from '../../src/core/workerPool.js';

const file = fileURLToPath(new URL('../fixtures/workers/gate.mjs', import.meta.url));

function gatedPool(o: { size: number; perWorker: number; signal?: AbortSignal; readyOnOpen?: boolean }) {
  const shared = new SharedArrayBuffer(4);
  const pool = createWorkerPool<number | string, number | string>({
    file,
    size: o.size,
    perWorker: o.perWorker,
    workerData: { gate: shared, readyOnOpen: o.readyOnOpen ?? false },
    signal: o.signal,
    name: 'test',
  });
  const open = () => {
    const gate = new Int32Array(shared);
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
  };
  return { pool, open };
}

describe('createWorkerPool', () => {
  it('returns every task’s result, spread over the workers', async () => {
    const { pool } = gatedPool({ size: 2, perWorker: 2 });
    try {
      const handles = [];
      for (let i = 0; i < 20; i++) handles.push((await pool.submit(i)).result);
      expect(await Promise.all(handles)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    } finally {
      await pool.close();
    }
  });

  it('makes submit wait while every worker is full (backpressure)', async () => {
    const { pool, open } = gatedPool({ size: 1, perWorker: 1 });
    try {
      const first = await pool.submit('wait');
      let secondSent = false;
      const second = pool.submit(3).then((h) => {
        secondSent = true;
        return h.result;
      });
      // the worker is blocked on the gate, so the second task cannot have been sent yet
      await new Promise((r) => setImmediate(r));
      expect(secondSent).toBe(false);
      open();
      expect(await first.result).toBe('wait');
      expect(await second).toBe(6);
      expect(secondSent).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('has room only once a worker has said it is ready, and while it has fewer than perWorker tasks', async () => {
    const { pool, open } = gatedPool({ size: 1, perWorker: 1, readyOnOpen: true });
    const until = async (f: () => boolean) => {
      for (let i = 0; i < 500 && !f(); i++) await new Promise((r) => setTimeout(r, 5));
    };
    try {
      await new Promise((r) => setTimeout(r, 100)); // the worker has started, but not said it is ready
      expect(pool.hasRoom()).toBe(false);
      open();
      await until(() => pool.hasRoom());
      expect(pool.hasRoom()).toBe(true);
      const slow = await pool.submit(21);
      expect(pool.hasRoom()).toBe(false); // its one slot is taken
      expect(await slow.result).toBe(42);
      expect(pool.hasRoom()).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('rejects a failed task with an INTERNAL error that never carries the worker’s message', async () => {
    const { pool } = gatedPool({ size: 1, perWorker: 2 });
    try {
      const { result } = await pool.submit('boom');
      const err = await result.then(
        () => expect.unreachable(),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SinsoError);
      expect((err as SinsoError).code).toBe('INTERNAL');
      expect((err as SinsoError).message).not.toContain('Jane');
      expect((err as SinsoError).fields).toMatchObject({ detail: 'TypeError' });
    } finally {
      await pool.close();
    }
  });

  it('rejects pending tasks and further submits with INTERRUPTED on abort', async () => {
    const abort = new AbortController();
    const { pool, open } = gatedPool({ size: 1, perWorker: 1, signal: abort.signal });
    try {
      const { result } = await pool.submit('wait');
      abort.abort();
      await expect(result).rejects.toMatchObject({ code: 'INTERRUPTED' });
      await expect(pool.submit(1)).rejects.toMatchObject({ code: 'INTERRUPTED' });
      open();
    } finally {
      await pool.close();
    }
  });
});
