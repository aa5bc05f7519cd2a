import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { serveTasks } from '../../../core/workerPool.js';
import { createPatientIdNamespace, type PatientIdNamespaceSettings } from '../../createPatientIdNamespace.js';
import { buildFhirDeidEngine, type FhirDeidEngine } from '../engine/buildFhirDeidEngine.js';
import type { FhirRulesFile } from '../engine/schema.js';
import { type FhirFileOutcome, processFhirFile } from '../processFhirFile.js';
import { createTypeSinks } from './createTypeSinks.js';

/** What a FHIR worker needs, as plain data. */
export type FhirWorkerSettings = {
  secret: Uint8Array;
  rules: FhirRulesFile | undefined;
  dateShift: boolean;
  maxShiftDays: number;
  leakScan: boolean;
  patientIds: PatientIdNamespaceSettings;
  /** Each input's output goes to `<partsDir>/<ordinal>/`, merged in input order by the caller. */
  partsDir: string;
};

/**
 * One input file, and the year of the over-89 rule (the same for every task of a run: it comes
 * with the tasks so the workers can start loading while the caller scans the inputs for it).
 */
export type FhirTask = {
  ordinal: number;
  path: string;
  size?: number | undefined;
  asOfYear: number | undefined;
};
/** Its outcome and the lines written per resource type. */
export type FhirTaskResult = { outcome: FhirFileOutcome; byType: Record<string, number> };

const s = workerData as FhirWorkerSettings;
const patientIds = createPatientIdNamespace(s.patientIds);
/** Built on the first task (its memo then serves every later file). */
let built: { asOfYear: number | undefined; engine: FhirDeidEngine } | undefined;
const engineFor = (asOfYear: number | undefined): FhirDeidEngine => {
  if (built === undefined || built.asOfYear !== asOfYear) {
    const engine = buildFhirDeidEngine({
      secret: s.secret,
      rules: s.rules,
      dateShift: s.dateShift,
      maxShiftDays: s.maxShiftDays,
      asOfYear,
      patientIds,
    });
    built = { asOfYear, engine };
  }
  return built.engine;
};
serveTasks<FhirTask, FhirTaskResult>(async (t) => {
  const engine = engineFor(t.asOfYear);
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
