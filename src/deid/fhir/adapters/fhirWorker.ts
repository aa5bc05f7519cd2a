import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { serveTasks } from '../../../core/workerPool.js';
import { createPatientIdNamespace, type PatientIdNamespaceSettings } from '../../createPatientIdNamespace.js';
import { buildFhirDeidEngine } from '../engine/buildFhirDeidEngine.js';
import type { FhirRulesFile } from '../engine/schema.js';
import { type FhirFileOutcome, processFhirFile } from '../processFhirFile.js';
import { createTypeSinks } from './createTypeSinks.js';

/** What a FHIR worker needs, as plain data. */
export type FhirWorkerSettings = {
  secret: Uint8Array;
  rules: FhirRulesFile | undefined;
  dateShift: boolean;
  maxShiftDays: number;
  asOfYear: number | undefined;
  leakScan: boolean;
  patientIds: PatientIdNamespaceSettings;
  /** Each input's output goes to `<partsDir>/<ordinal>/`, merged in input order by the caller. */
  partsDir: string;
};

/** One input file. */
export type FhirTask = { ordinal: number; path: string; size?: number | undefined };
/** Its outcome and the lines written per resource type. */
export type FhirTaskResult = { outcome: FhirFileOutcome; byType: Record<string, number> };

const s = workerData as FhirWorkerSettings;
const engine = buildFhirDeidEngine({
  secret: s.secret,
  rules: s.rules,
  dateShift: s.dateShift,
  maxShiftDays: s.maxShiftDays,
  asOfYear: s.asOfYear,
  patientIds: createPatientIdNamespace(s.patientIds),
});
serveTasks<FhirTask, FhirTaskResult>(async (t) => {
  const sinks = createTypeSinks(join(s.partsDir, String(t.ordinal)));
  try {
    const outcome = await processFhirFile({
      engine,
      path: t.path,
      size: t.size,
      sinks,
      leakScan: s.leakScan,
    });
    return { outcome, byType: sinks.counts() };
  } finally {
    sinks.close();
  }
});
