import { Worker } from 'node:worker_threads';
import { InternalError } from '../../../core/errors/index.js';
import { workerFile } from '../../../core/workerFile.js';
import type { FhirFileOutcome } from '../processFhirFile.js';
import type { FhirWorkerSettings } from './fhirWorker.js';

export type FhirPoolResult = { outcome: FhirFileOutcome; byType: Record<string, number> };

/**
 * Runs one input file per task on worker threads, one task in flight per worker (files are the
 * unit of work and can be large). Returns each file's outcome and per-type line counts.
 */
export async function runFhirPool(p: {
  settings: FhirWorkerSettings;
  tasks: readonly { ordinal: number; path: string; size?: number | undefined }[];
  workers: number;
  onDone?: () => void;
}): Promise<Map<number, FhirPoolResult>> {
  const file = workerFile(import.meta.url, './fhirWorker.js');
  const results = new Map<number, FhirPoolResult>();
  const queue = [...p.tasks];
  const pool = Array.from({ length: p.workers }, () => new Worker(file, { workerData: p.settings }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const next = () => {
              const t = queue.shift();
              if (!t) return resolve();
              w.postMessage(t);
            };
            w.on(
              'message',
              (m: {
                ordinal: number;
                outcome?: FhirFileOutcome;
                byType?: Record<string, number>;
                crash?: string;
              }) => {
                if (m.crash !== undefined || !m.outcome) {
                  reject(
                    new InternalError('INTERNAL', {
                      what: 'a FHIR de-identification worker failed',
                      detail: m.crash,
                    }),
                  );
                  return;
                }
                results.set(m.ordinal, { outcome: m.outcome, byType: m.byType ?? {} });
                p.onDone?.();
                next();
              },
            );
            w.on('error', (err) =>
              reject(
                new InternalError(
                  'INTERNAL',
                  { what: 'a FHIR de-identification worker crashed' },
                  { cause: err },
                ),
              ),
            );
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
