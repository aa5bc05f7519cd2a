import { workerFile } from '../../../core/workerFile.js';
import { createWorkerPool } from '../../../core/workerPool.js';
import type { FhirTask, FhirTaskResult, FhirWorkerSettings } from './fhirWorker.js';

export type FhirPoolResult = FhirTaskResult;

/**
 * Runs one input file per task on the core worker pool, one task in flight per worker (files are
 * the unit of work and can be large), the largest files first so that no large file is left to
 * run alone at the end. The workers start at once and load while `asOfYear` (the caller's scan of
 * the inputs) resolves; the tasks go out when it has. Returns each file's outcome and per-type
 * line counts, by ordinal.
 */
export async function runFhirPool(p: {
  settings: FhirWorkerSettings;
  tasks: readonly Omit<FhirTask, 'asOfYear'>[];
  asOfYear: Promise<number | undefined>;
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
    const asOfYear = await p.asOfYear;
    const largestFirst = [...p.tasks].sort((a, b) => (b.size ?? 0) - (a.size ?? 0) || a.ordinal - b.ordinal);
    const done: Promise<void>[] = [];
    for (const t of largestFirst) {
      const { result } = await pool.submit({ ...t, asOfYear });
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
