import { readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson, sha256Hex } from '../../core/hash.js';
import { secretFingerprint } from '../../core/keystore.js';
import { NOT_JSON } from '../../core/parse.js';
import type { DeidFhirReport } from '../../core/schemas/deidFhirReport.js';
import type { Rejection, StageContext, StageResult } from '../../core/stage.js';
import { version } from '../../core/version.js';
import { walkInputs } from '../../core/walkInputs.js';
import { readPatientIdNamespace } from '../adapters/readPatientIdNamespace.js';
import { createPatientIdNamespace } from '../patientIdNamespace.js';
import { createTypeSinks } from './adapters/createTypeSinks.js';
import { runFhirPool } from './adapters/runFhirPool.js';
import { scanLatestYear } from './adapters/scanLatestYear.js';
import { FhirDeidError } from './engine/errors.js';
import { buildFhirDeidEngine, parseFhirRules } from './engine/index.js';
import { type FhirFileOutcome, processFhirFile } from './processFhirFile.js';
import type { DeidFhirOptions, DeidFhirResult } from './schema.js';

/**
 * `sinso deid fhir`: de-identifies FHIR R4 inputs — Bundles of any type, single resources and
 * NDJSON (Bulk Data) files, mixed — into one NDJSON file per resource type, by the HIPAA Safe
 * Harbor profile or a rules file. NDJSON streams line by line; pseudonyms are keyed functions, so
 * memory does not grow with the input. A bad input is rejected with its reason, its lines already
 * written are rolled back, and the batch goes on. Each output resource is leak-scanned.
 *
 * @example
 * await deidentifyFhirFiles(ctx, DeidFhirOptionsSchema.parse({ inputs: ['export/'], out: 'deid/' }));
 */
export async function deidentifyFhirFiles(
  ctx: StageContext<boolean, 'pseudonym'>,
  o: DeidFhirOptions,
): Promise<StageResult<DeidFhirResult>> {
  const secret = ctx.secrets.pseudonym;
  let rules: ReturnType<typeof parseFhirRules> | undefined;
  let configSha256: string | undefined;
  if (o.config !== undefined) {
    let text: string;
    try {
      text = await readFile(o.config, 'utf8');
    } catch (err) {
      throw new FhirDeidError('DEID_FHIR_RULES_INVALID', { problem: 'unreadable' }, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new FhirDeidError(
        'DEID_FHIR_RULES_INVALID',
        { problem: 'invalid' },
        { issues: NOT_JSON, cause: err },
      );
    }
    rules = parseFhirRules(json);
    configSha256 = sha256Hex(text);
  }
  const patientIds = await readPatientIdNamespace(o);
  const namespace = createPatientIdNamespace(patientIds);
  const inputs: DeidFhirReport['inputs'] = [];
  const rejected: Rejection[] = [];
  let resourcesIn = 0;
  const task = ctx.progress.start('deid fhir', 0);
  // the walk is cheap: list the inputs first (files, not resources), then pick the mode
  type Candidate = { ordinal: number; path: string; size?: number | undefined };
  const candidates: Candidate[] = [];
  for await (const f of walkInputs(o.inputs)) {
    if ('missing' in f) {
      inputs.push({ ordinal: f.ordinal, status: 'rejected', reason: 'not found' });
      rejected.push({ ordinal: f.ordinal, reason: 'not found', path: f.path });
    } else candidates.push({ ordinal: f.ordinal, path: f.path, size: f.size });
  }
  // the over-89 rule's year: given, or the latest in the data (a pre-pass over the text of every
  // input, so it does not depend on which worker sees which file), never the clock; a rules file
  // does not use it
  const scanned =
    o.asOfYear !== undefined || rules !== undefined
      ? Promise.resolve(o.asOfYear)
      : scanLatestYear(candidates.map((c) => c.path));
  // a rejection is awaited below (in the pool, or here): none is left unhandled meanwhile
  scanned.catch(() => {});
  const workers = o.workers ?? Math.max(1, availableParallelism());
  const parallel = workers > 1 && candidates.length >= 2;
  // the workers start now and load while the inputs are scanned; their tasks wait for the year
  const pooled = parallel
    ? runFhirPool({
        settings: {
          secret,
          rules,
          dateShift: o.dateShift,
          maxShiftDays: o.maxDateShiftDays,
          leakScan: o.leakScan,
          patientIds,
          partsDir: join(o.out, '.parts'),
        },
        tasks: candidates,
        asOfYear: scanned,
        workers: Math.min(workers, candidates.length),
        onDone: () => task.tick(),
        signal: ctx.signal,
      })
    : undefined;
  pooled?.catch(() => {});
  const asOfYear = await scanned;
  const asOfYearSource = o.asOfYear !== undefined ? 'option' : asOfYear !== undefined ? 'data' : undefined;
  const engine = buildFhirDeidEngine({
    secret,
    rules,
    dateShift: o.dateShift,
    maxShiftDays: o.maxDateShiftDays,
    asOfYear,
    patientIds: namespace,
  });
  const record = (c: Candidate, outcome: FhirFileOutcome) => {
    if (outcome.status === 'deidentified') {
      resourcesIn += outcome.resources;
      inputs.push({ ordinal: c.ordinal, status: 'deidentified', resources: outcome.resources });
    } else if (outcome.status === 'skipped')
      inputs.push({ ordinal: c.ordinal, status: 'skipped', reason: outcome.reason });
    else {
      inputs.push({ ordinal: c.ordinal, status: 'rejected', reason: outcome.reason });
      rejected.push({ ordinal: c.ordinal, reason: outcome.reason, path: c.path });
    }
  };
  const sinks = createTypeSinks(o.out);
  try {
    if (pooled === undefined) {
      for (const c of candidates) {
        record(
          c,
          await processFhirFile({
            engine,
            path: c.path,
            size: c.size,
            sinks,
            leakScan: o.leakScan,
            onResource: () => task.tick(),
          }),
        );
      }
    } else {
      // one input file per task on worker threads; each writes its own parts, merged here in
      // input order, so the output bytes are those of a single-threaded run
      const partsDir = join(o.out, '.parts');
      const results = await pooled;
      for (const c of candidates) {
        const r = results.get(c.ordinal);
        if (!r) continue;
        record(c, r.outcome);
        if (r.outcome.status === 'deidentified') {
          for (const type of Object.keys(r.byType).sort()) {
            sinks.append(type, join(partsDir, String(c.ordinal), `${type}.ndjson`), r.byType[type] ?? 0);
          }
        }
      }
      await rm(partsDir, { recursive: true, force: true });
    }
  } finally {
    sinks.close();
    task.done();
  }
  inputs.sort((a, b) => a.ordinal - b.ordinal);
  rejected.sort((a, b) => a.ordinal - b.ordinal);
  const resourcesByType = sinks.counts();
  const resourcesOut = Object.values(resourcesByType).reduce((a, b) => a + b, 0);
  const d = engine.describe();
  const report: DeidFhirReport = {
    schema: '1',
    kind: 'sinso-deid-fhir-report',
    tool: { name: 'sinso', version },
    profile: { name: d.profile, dateShift: d.dateShift, rules: d.rules },
    settings: {
      leakScan: o.leakScan,
      maxDateShiftDays: o.maxDateShiftDays,
      ...(asOfYear === undefined ? {} : { asOfYear }),
      ...(asOfYearSource === undefined ? {} : { asOfYearSource }),
      secretFingerprint: secretFingerprint(secret),
      ...(configSha256 === undefined ? {} : { configSha256 }),
      patientIdNamespace: namespace.policy,
    },
    counts: {
      inputs: inputs.length,
      deidentified: inputs.filter((i) => i.status === 'deidentified').length,
      rejected: rejected.length,
      skipped: inputs.filter((i) => i.status === 'skipped').length,
      resourcesIn,
      resourcesOut,
    },
    resourcesByType,
    inputs,
  };
  await writeFileAtomic(join(o.out, 'deid-report.json'), `${canonicalJson(report, 2)}\n`);
  return {
    summary: {
      inputs: inputs.length,
      deidentified: report.counts.deidentified,
      rejected: rejected.length,
      resources: resourcesOut,
      dateShift: o.dateShift,
      leakScan: o.leakScan,
      patientIds: namespace.policy.mode,
    },
    rejected,
  };
}
