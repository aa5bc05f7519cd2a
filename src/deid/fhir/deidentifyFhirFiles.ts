import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SinsoError } from '../../core/errors/index.js';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson, sha256Hex } from '../../core/hash.js';
import { secretFingerprint } from '../../core/keystore.js';
import type { Rejection, StageContext, StageResult } from '../../core/stage.js';
import { version } from '../../core/version.js';
import { walkInputs } from '../../core/walkInputs.js';
import { loadSecret } from '../loadSecret.js';
import { createTypeSinks } from './adapters/createTypeSinks.js';
import { buildFhirDeidEngine, type FhirDeidEngine, findFhirLeaks, parseFhirRules } from './engine/index.js';
import type { DeidFhirOptions, DeidFhirReport } from './schema.js';

/** A single JSON document larger than this is not read whole (export it as NDJSON). */
const MAX_JSON_BYTES = 1 << 30;

/** Thrown inside one input to reject it (with its reason) and roll back its output lines. */
class InputRejected extends Error {}

/** Thrown for a JSON document that is not a FHIR resource: the input is skipped, not rejected. */
class NotFhir extends Error {}

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
export async function deidentifyFhirFiles(ctx: StageContext, o: DeidFhirOptions): Promise<StageResult> {
  const secret = await loadSecret(ctx, o.secretFile);
  let rules: ReturnType<typeof parseFhirRules> | undefined;
  let configSha256: string | undefined;
  if (o.config !== undefined) {
    let text: string;
    try {
      text = await readFile(o.config, 'utf8');
    } catch (err) {
      throw new SinsoError('The rules file could not be read.', {
        code: 'DEID_FHIR_RULES_INVALID',
        cause: err,
        fix: 'Check the path given to --config.',
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new SinsoError('The rules file is not valid JSON.', {
        code: 'DEID_FHIR_RULES_INVALID',
        cause: err,
      });
    }
    rules = parseFhirRules(json);
    configSha256 = sha256Hex(text);
  }
  const asOfYear = o.asOfYear ?? ctx.clock.now().getUTCFullYear();
  const engine = buildFhirDeidEngine({
    secret,
    rules,
    dateShift: o.dateShift,
    maxShiftDays: o.maxDateShiftDays,
    asOfYear,
  });
  const sinks = createTypeSinks(o.out);
  const inputs: DeidFhirReport['inputs'] = [];
  const rejected: Rejection[] = [];
  let resourcesIn = 0;
  const task = ctx.progress.start('deid fhir', 0);
  try {
    for await (const f of walkInputs(o.inputs)) {
      if ('missing' in f) {
        inputs.push({ ordinal: f.ordinal, status: 'rejected', reason: 'not found' });
        rejected.push({ ordinal: f.ordinal, reason: 'not found', path: f.path });
        continue;
      }
      const lower = f.path.toLowerCase();
      const ndjson = lower.endsWith('.ndjson') || lower.endsWith('.jsonl');
      if (!ndjson && !lower.endsWith('.json')) {
        inputs.push({
          ordinal: f.ordinal,
          status: 'skipped',
          reason: 'not FHIR JSON or NDJSON (by file type)',
        });
        continue;
      }
      const mark = sinks.mark();
      let count = 0;
      const emit = (resource: Record<string, unknown>, refs?: ReadonlyMap<string, string>) => {
        let r: ReturnType<FhirDeidEngine['deidentify']>;
        try {
          r = engine.deidentify(resource, refs);
        } catch (err) {
          if (err instanceof SinsoError) throw new InputRejected(err.shortMessage);
          throw err;
        }
        const line = JSON.stringify(r.resource);
        if (o.leakScan) {
          const scan = findFhirLeaks({ json: line, identifying: r.identifying });
          if (scan.leaks > 0) {
            throw new InputRejected(
              `leak scan: ${scan.leaks} identifying value(s) survive in an output resource (${scan.kinds.join(', ')})`,
            );
          }
        }
        sinks.write(String(r.resource['resourceType']), line);
        count++;
        task.tick();
      };
      try {
        if (ndjson) await readNdjson(f.path, emit);
        else await readJsonDocument(f.path, f.size, engine, emit);
        resourcesIn += count;
        inputs.push({ ordinal: f.ordinal, status: 'deidentified', resources: count });
      } catch (err) {
        if (err instanceof NotFhir) {
          inputs.push({ ordinal: f.ordinal, status: 'skipped', reason: 'JSON that is not a FHIR resource' });
          continue;
        }
        if (!(err instanceof InputRejected)) throw err;
        sinks.rollback(mark);
        inputs.push({ ordinal: f.ordinal, status: 'rejected', reason: err.message });
        rejected.push({ ordinal: f.ordinal, reason: err.message, path: f.path });
      }
    }
  } finally {
    sinks.close();
    task.done();
  }
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
      asOfYear,
      secretFingerprint: secretFingerprint(secret),
      ...(configSha256 === undefined ? {} : { configSha256 }),
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
    },
    rejected,
  };
}

type Emit = (resource: Record<string, unknown>, refs?: ReadonlyMap<string, string>) => void;

function asResource(json: unknown, where: string): Record<string, unknown> {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new InputRejected(`${where} is not a JSON object`);
  const rt = (json as { resourceType?: unknown }).resourceType;
  if (typeof rt !== 'string' || !/^[A-Z][A-Za-z]{1,63}$/.test(rt)) {
    throw new InputRejected(`${where} has no valid resourceType`);
  }
  return json as Record<string, unknown>;
}

/** NDJSON, line by line: memory does not grow with the file. */
async function readNdjson(path: string, emit: Emit): Promise<void> {
  const rl = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  try {
    for await (const text of rl) {
      n++;
      if (text.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new InputRejected(`line ${n} is not valid JSON`);
      }
      const r = asResource(json, `line ${n}`);
      if (r['resourceType'] === 'Bundle')
        throw new InputRejected(`line ${n} is a Bundle: NDJSON holds resources`);
      emit(r);
    }
  } finally {
    rl.close();
  }
}

/** A Bundle (of any type) or a single resource, read whole. */
async function readJsonDocument(
  path: string,
  size: number | undefined,
  engine: FhirDeidEngine,
  emit: Emit,
): Promise<void> {
  if ((size ?? (await stat(path)).size) > MAX_JSON_BYTES) {
    throw new InputRejected('JSON document too large to read whole (export it as NDJSON)');
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new InputRejected('not valid JSON');
  }
  if (
    !json ||
    typeof json !== 'object' ||
    Array.isArray(json) ||
    typeof (json as { resourceType?: unknown }).resourceType !== 'string'
  ) {
    throw new NotFhir(); // JSON, but not a FHIR resource (a report, a manifest): skipped
  }
  const doc = asResource(json, 'the document');
  if (doc['resourceType'] !== 'Bundle') {
    emit(doc);
    return;
  }
  const entries = Array.isArray(doc['entry']) ? (doc['entry'] as unknown[]) : [];
  // urn:uuid fullUrls → the output reference of their resource, so references inside the Bundle
  // resolve to the NDJSON resources written
  const refs = new Map<string, string>();
  for (const e of entries) {
    const full = (e as { fullUrl?: unknown } | null)?.fullUrl;
    const res = (e as { resource?: { resourceType?: unknown; id?: unknown } } | null)?.resource;
    if (typeof full === 'string' && res && typeof res.resourceType === 'string') {
      const id = typeof res.id === 'string' ? res.id : full;
      refs.set(full, `${res.resourceType}/${engine.newId(res.resourceType, id)}`);
    }
  }
  entries.forEach((e, i) => {
    const res = (e as { resource?: unknown } | null)?.resource;
    if (res === undefined) return; // e.g. a DELETE request entry: nothing to de-identify
    const r = asResource(res, `entry ${i + 1}`);
    const full = (e as { fullUrl?: unknown }).fullUrl;
    // a resource known only by its urn:uuid gets the id its references were mapped to
    if (typeof r['id'] !== 'string' && typeof full === 'string') emit({ ...r, id: full }, refs);
    else emit(r, refs);
  });
}
