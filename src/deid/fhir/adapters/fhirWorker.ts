import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { buildFhirDeidEngine, type FhirRulesFile } from '../engine/index.js';
import { processFhirFile } from '../processFhirFile.js';
import { createTypeSinks } from './createTypeSinks.js';

/** What a FHIR worker needs, as plain data. */
export type FhirWorkerSettings = {
  secret: Uint8Array;
  rules: FhirRulesFile | undefined;
  dateShift: boolean;
  maxShiftDays: number;
  asOfYear: number;
  leakScan: boolean;
  /** Each input's output goes to `<partsDir>/<ordinal>/`, merged in input order by the caller. */
  partsDir: string;
};

const s = workerData as FhirWorkerSettings;
const engine = buildFhirDeidEngine({
  secret: s.secret,
  rules: s.rules,
  dateShift: s.dateShift,
  maxShiftDays: s.maxShiftDays,
  asOfYear: s.asOfYear,
});
parentPort?.on('message', async (t: { ordinal: number; path: string; size?: number }) => {
  const sinks = createTypeSinks(join(s.partsDir, String(t.ordinal)));
  try {
    const outcome = await processFhirFile({
      engine,
      path: t.path,
      size: t.size,
      sinks,
      leakScan: s.leakScan,
    });
    sinks.close();
    parentPort?.postMessage({ ordinal: t.ordinal, outcome, byType: sinks.counts() });
  } catch (err) {
    sinks.close();
    parentPort?.postMessage({ ordinal: t.ordinal, crash: err instanceof Error ? err.name : 'error' });
  }
});
