import { workerFile } from '../../../core/workerFile.js';
import { createWorkerPool } from '../../../core/workerPool.js';
import type { FhirTask, FhirTaskResult, FhirWorkerSettings } from './fhirWorker.js';

export type FhirPoolResult = FhirTaskResult;

/**
 * Runs one input file per task on the core worker pool, one task in flight per worker (files are
 * the unit of work and can be large). Returns each file's outcome and per-type line counts.
 */
export async function runFhirPool(p: {
  settings: FhirWorkerSettings;
  tasks: readonly FhirTask[];
  workers: number;
  onDone?: () => void;
  signal?: AbortSignal | undefined;
}): Promise<Map<number, FhirPoolResult>> {
  const pool = createWorkerPool<FhirTask, FhirTaskResult>({
    file: workerFile(import.meta.url, './fhirWorker.js'),
    size: p.workers,
    workerData: p.settings,
    perWorker: 1,
    signal: p.signal,
    name: 'FHIR de-identification',
  });
  const results = new Map<number, FhirPoolResult>();
  try {
    const done: Promise<void>[] = [];
    for (const t of p.tasks) {
      const { result } = await pool.submit(t);
      done.push(
        result.then((r) => {
          results.set(t.ordinal, r);
          p.onDone?.();
        }),
      );
    }
    await Promise.all(done);
  } finally {
    await pool.close();
  }
  return results;
}
