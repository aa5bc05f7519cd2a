import { readFile, stat } from 'node:fs/promises';
import { SinsoError } from '../../core/errors/index.js';
import type { TypeSinks } from './adapters/createTypeSinks.js';
import { forEachLine } from './adapters/forEachLine.js';
import type { FhirDeidEngine } from './engine/buildFhirDeidEngine.js';
import { findFhirLeaks } from './engine/findFhirLeaks.js';

export type FhirFileOutcome =
  | { status: 'deidentified'; resources: number }
  | { status: 'skipped'; reason: string }
  | { status: 'rejected'; reason: string };

/**
 * De-identifies one input file — NDJSON line by line, or a Bundle or single resource read whole —
 * into the sinks. A bad file (malformed JSON, a leak-scan hit) is rejected with its reason and
 * the lines it had written are rolled back; JSON that is not FHIR is skipped.
 *
 * @example
 * const outcome = await processFhirFile({ engine, path, sinks, leakScan: true });
 */
export async function processFhirFile(p: {
  engine: FhirDeidEngine;
  path: string;
  size?: number | undefined;
  sinks: TypeSinks;
  leakScan: boolean;
  onResource?: (() => void) | undefined;
}): Promise<FhirFileOutcome> {
  const lower = p.path.toLowerCase();
  const ndjson = lower.endsWith('.ndjson') || lower.endsWith('.jsonl');
  if (!ndjson && !lower.endsWith('.json'))
    return { status: 'skipped', reason: 'not FHIR JSON or NDJSON (by file type)' };
  const mark = p.sinks.mark();
  let count = 0;
  const emit: Emit = (resource, where, refs) => {
    let r: ReturnType<FhirDeidEngine['deidentify']>;
    try {
      r = p.engine.deidentify(resource, refs);
    } catch (err) {
      if (err instanceof SinsoError) throw new InputRejected(`${where}: ${err.shortMessage}`);
      throw err;
    }
    const line = JSON.stringify(r.resource);
    if (p.leakScan) {
      const scan = findFhirLeaks({ json: line, identifying: r.identifying });
      if (scan.leaks > 0) {
        throw new InputRejected(
          `${where}: leak scan: ${scan.leaks} identifying value(s) survive in an output resource (${scan.kinds.join(', ')})`,
        );
      }
    }
    p.sinks.write(String(r.resource['resourceType']), line);
    count++;
    p.onResource?.();
  };
  try {
    if (ndjson) await readNdjson(p.path, emit);
    else await readJsonDocument(p.path, p.size, p.engine, emit);
    return { status: 'deidentified', resources: count };
  } catch (err) {
    if (err instanceof NotFhir) return { status: 'skipped', reason: 'JSON that is not a FHIR resource' };
    if (!(err instanceof InputRejected)) throw err;
    p.sinks.rollback(mark);
    return { status: 'rejected', reason: err.message };
  }
}

/** A single JSON document larger than this is not read whole (export it as NDJSON). */
const MAX_JSON_BYTES = 1 << 30;

/** Thrown inside one input to reject it (with its reason) and roll back its output lines. */
class InputRejected extends Error {}

/** Thrown for a JSON document that is not a FHIR resource: the input is skipped, not rejected. */
class NotFhir extends Error {}

/** De-identifies one resource; `where` (`line 3`, `entry 2`, `the document`) names it in a rejection. */
type Emit = (resource: Record<string, unknown>, where: string, refs?: ReadonlyMap<string, string>) => void;

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
  let n = 0;
  await forEachLine(path, (text) => {
    n++;
    if (text.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new InputRejected(`line ${n} is not valid JSON`);
    }
    const r = asResource(json, `line ${n}`);
    if (r['resourceType'] === 'Bundle')
      throw new InputRejected(`line ${n} is a Bundle: NDJSON holds resources`);
    emit(r, `line ${n}`);
  });
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
    emit(doc, 'the document');
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
    if (typeof r['id'] !== 'string' && typeof full === 'string')
      emit({ ...r, id: full }, `entry ${i + 1}`, refs);
    else emit(r, `entry ${i + 1}`, refs);
  });
}
