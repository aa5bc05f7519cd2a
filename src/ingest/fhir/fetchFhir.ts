import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from 'fhir-kit-client';
import type { Clock } from '../../core/clock.js';
import { InternalError, isSinsoError, wrapIoError } from '../../core/errors/index.js';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson } from '../../core/hash.js';
import type { Logger } from '../../core/log.js';
import type { Progress } from '../../core/progress.js';
import { downloadNdjson, kickOffExport, pollExport, tallyErrorFile } from './adapters/bulkExport.js';
import { deadline, type FhirHttp, networkError } from './adapters/http.js';
import { NdjsonTypeFile } from './adapters/NdjsonTypeFile.js';
import { searchType } from './adapters/searchType.js';
import { advertisesExport } from './advertisesExport.js';
import { IngestFhirError } from './errors.js';
import {
  DEFAULT_FHIR_TYPES,
  type IngestFhirOptions,
  type IngestFhirReport,
  type IngestFhirStep,
  type IngestFhirTypeReport,
} from './schema.js';
import { splitServerUrl } from './splitServerUrl.js';

export type IngestFhirContext = {
  progress: Progress;
  log: Logger;
  /** Waits between $export status polls (and Retry-After dates) go through it. */
  clock: Clock;
  signal?: AbortSignal | undefined;
};
export type IngestFhirReturnType = { report: IngestFhirReport };

/** Name of the report written next to the NDJSON files. */
export const INGEST_FHIR_REPORT = 'ingest-report.json';

/**
 * Fetches resources from a FHIR R4 server into `OUT/<Type>.ndjson` (one resource per line, in
 * server order) plus `OUT/ingest-report.json` (server origin, mode, counts; no PHI).
 *
 * - search mode: `GET [base]/<Type>?_count=N[&_lastUpdated=ge<since>]`, following next links, each
 *   page appended to disk as it arrives. Resources are re-serialised with `JSON.stringify` (the
 *   client parses pages), so a decimal written `11.0` by the server comes out as `11`.
 * - export mode: Bulk Data `$export` kick-off, status polls (honouring Retry-After), then each
 *   output file streamed to disk byte for byte (lines checked to be resources of the type);
 *   files of one type are concatenated in manifest order.
 * - auto: export when `/metadata` advertises `export`, else search; if the server then refuses
 *   the kick-off with an HTTP error, search instead (nothing has been fetched yet).
 *
 * On failure nothing fetched is lost: every completed type is a complete `<Type>.ndjson`, the
 * type being fetched is left as `<Type>.ndjson.partial` holding every complete resource received
 * (whole pages in search mode), and the report has `status: 'failed'` with per-type counts and
 * the failed step. It then throws an {@link IngestFhirError} (code `INGEST_FHIR_NETWORK`,
 * `INGEST_FHIR_HTTP`, `INGEST_FHIR_BAD_RESPONSE`, `INGEST_FHIR_EXPORT_FAILED`,
 * `INGEST_FHIR_EXPORT_TIMEOUT`) whose fields carry the step, the HTTP status and OperationOutcome
 * issue codes, never a response body; `err.report` is the report written. An abort throws an
 * `InterruptedError` (`INTERRUPTED`), which the report records too.
 *
 * @example
 * const { report } = await ingestFhir(
 *   { progress: silentProgress, log: silentLogger, clock: systemClock },
 *   IngestFhirOptionsSchema.parse({ server: 'https://fhir.example.org/r4', out: 'raw/', type: ['Patient'] }),
 * );
 * report.types[0]; // { type: 'Patient', status: 'complete', file: 'Patient.ndjson', resources: 13, ... }
 */
export async function ingestFhir(
  ctx: IngestFhirContext,
  o: IngestFhirOptions,
): Promise<IngestFhirReturnType> {
  const { baseUrl, origin, authorization } = splitServerUrl(o.server);
  const http: FhirHttp = { baseUrl, origin, authorization, timeoutMs: o.timeoutMs, signal: ctx.signal };
  const types = o.type.length ? [...new Set(o.type)] : [...DEFAULT_FHIR_TYPES];
  // loaded here, not at the top: every stage that imports `ingest` (deid workers too) would pay
  // ~65 ms for it at start-up
  const { Client: FhirClient } = await import('fhir-kit-client');
  const client = new FhirClient({ baseUrl, customHeaders: authorization ? { authorization } : {} });
  const report: IngestFhirReport = {
    schema: '1',
    kind: 'sinso-fhir-ingest',
    server: origin,
    requestedMode: o.mode,
    mode: o.mode === 'export' ? 'export' : 'search',
    since: o.since ?? null,
    pageSize: o.pageSize,
    status: 'failed',
    types: types.map((type) => ({
      type,
      status: 'not-fetched',
      file: null,
      resources: 0,
      pages: 0,
      downloads: 0,
    })),
    totals: { resources: 0, pages: 0, downloads: 0 },
  };
  const entryOf = (type: string) => report.types.find((t) => t.type === type) as IngestFhirTypeReport;
  let step: IngestFhirStep = 'capabilities';
  let current: { entry: IngestFhirTypeReport; file: NdjsonTypeFile } | undefined;

  const runType = async (
    type: string,
    fetchInto: (file: NdjsonTypeFile, entry: IngestFhirTypeReport) => Promise<void>,
  ) => {
    const entry = entryOf(type);
    const file = await NdjsonTypeFile.open(o.out, type);
    current = { entry, file };
    await fetchInto(file, entry);
    step = 'write';
    await file.commit();
    current = undefined;
    entry.status = 'complete';
    entry.file = file.finalName;
    ctx.log.info(`${type}: ${entry.resources} resources`);
  };

  try {
    try {
      await mkdir(o.out, { recursive: true });
    } catch (err) {
      throw wrapIoError(err, 'Creating the output folder', 'Check that the parent folder is writable.');
    }

    let mode: 'search' | 'export' = o.mode === 'auto' ? 'search' : o.mode;
    if (o.mode === 'auto') {
      step = 'capabilities';
      mode = (await fetchCapabilities(ctx, client, http)) ? 'export' : 'search';
    }

    let statusUrl: string | undefined;
    if (mode === 'export') {
      step = 'kick-off';
      try {
        ({ statusUrl } = await kickOffExport(http, { types, since: o.since && instantOf(o.since) }));
      } catch (err) {
        if (o.mode !== 'auto' || !(err instanceof IngestFhirError && err.is('INGEST_FHIR_HTTP'))) throw err;
        ctx.log.warn(`The server refused $export (HTTP ${err.fields.httpStatus}); using search instead.`);
        report.exportFallbackStatus = err.fields.httpStatus;
        mode = 'search';
      }
    }
    report.mode = mode;

    if (statusUrl !== undefined) {
      step = 'poll';
      const manifest = await pollExport(ctx, http, statusUrl, o);
      const requiresAccessToken = manifest.requiresAccessToken !== false;
      const wanted = new Set(types);
      const skipped = manifest.output.filter((f) => !wanted.has(f.type)).length;
      if (skipped) ctx.log.warn(`Skipped ${skipped} $export file(s) of types that were not asked for.`);
      for (const type of types) {
        const urls = manifest.output.filter((f) => f.type === type).map((f) => f.url);
        await runType(type, async (file, entry) => {
          const task = ctx.progress.start(`fhir ${type}`, 0);
          try {
            for (const [i, url] of urls.entries()) {
              step = 'download';
              const n = await downloadNdjson(http, {
                url,
                type,
                file,
                requiresAccessToken,
                ordinal: i + 1,
                task,
              });
              entry.resources += n;
              entry.downloads++;
            }
          } finally {
            // count what reached the file even when a download broke off mid-way
            entry.resources = file.lines;
            task.done();
          }
        });
      }
      if (manifest.error.length) {
        step = 'download';
        const tally = { issues: 0, issueCodes: {} as Record<string, number> };
        for (const e of manifest.error)
          await tallyErrorFile(http, { url: e.url, requiresAccessToken, tally });
        report.exportErrors = { files: manifest.error.length, ...tally };
        ctx.log.warn(
          `The server reported ${tally.issues} problem(s) during the export (see exportErrors in ${INGEST_FHIR_REPORT}).`,
        );
      }
    } else {
      for (const type of types) {
        await runType(type, async (file, entry) => {
          step = 'search';
          const task = ctx.progress.start(`fhir ${type}`, 0);
          try {
            await searchType({
              client,
              http,
              type,
              pageSize: o.pageSize,
              since: o.since,
              file,
              counts: entry,
              task,
            });
          } finally {
            task.done();
          }
        });
      }
    }
    report.status = 'complete';
    totalUp(report);
    await writeReport(o.out, report);
    return { report };
  } catch (err) {
    const kept: string[] = [];
    if (current) {
      const { entry, file } = current;
      await file.keepPartial().catch(() => undefined);
      entry.status = 'partial';
      entry.file = file.partialName;
      entry.resources = file.lines;
    }
    const code = isSinsoError(err) ? err.code : 'INTERNAL';
    report.status = 'failed';
    report.failure = {
      type: current?.entry.type ?? null,
      step,
      code,
      httpStatus: httpStatusOf(err),
    };
    totalUp(report);
    const complete = report.types.filter((t) => t.status === 'complete');
    let reportWritten = true;
    await writeReport(o.out, report).catch(() => {
      reportWritten = false;
    });
    kept.push(
      complete.length
        ? `Kept complete: ${complete.map((t) => `${t.file} (${t.resources})`).join(', ')}.`
        : 'No type was complete.',
    );
    if (current)
      kept.push(
        `Kept partial: ${current.file.partialName} (${current.entry.resources} resources${
          report.mode === 'search' ? `, ${current.entry.pages} pages` : ''
        }).`,
      );
    kept.push(
      reportWritten
        ? `Report: ${join(o.out, INGEST_FHIR_REPORT)} (status: failed).`
        : 'The report could not be written.',
    );
    if (err instanceof IngestFhirError) {
      const e = withKept(err, kept);
      e.report = report;
      throw e;
    }
    if (isSinsoError(err)) throw err;
    throw new InternalError(
      'INTERNAL',
      { what: `fetching from the FHIR server failed unexpectedly during ${step}`, detail: kept.join(' ') },
      { cause: err },
    );
  }
}

/** The HTTP status a failure answered with, if the server answered. */
function httpStatusOf(err: unknown): number | null {
  if (!(err instanceof IngestFhirError)) return null;
  return err.is('INGEST_FHIR_HTTP') || err.is('INGEST_FHIR_EXPORT_FAILED') ? err.fields.httpStatus : null;
}

/** The same error, naming what was kept on disk. */
function withKept(err: IngestFhirError, kept: readonly string[]): IngestFhirError {
  // code and fields come from one error, so they match; TypeScript cannot see it through the union
  const make = IngestFhirError as unknown as new (
    code: IngestFhirError['code'],
    fields: object,
    options: { cause: unknown },
  ) => IngestFhirError;
  return new make(err.code, { ...err.fields, kept }, { cause: err.cause });
}

/** GET /metadata; true when it advertises $export. An HTTP error means "no" (search is tried). */
async function fetchCapabilities(ctx: { log: Logger }, client: Client, http: FhirHttp): Promise<boolean> {
  const d = deadline(http);
  try {
    const cs = await client.capabilityStatement({ signal: d.signal });
    return advertisesExport(cs);
  } catch (err) {
    const status = (err as { response?: { status?: unknown } } | null)?.response?.status;
    if (typeof status === 'number') {
      ctx.log.warn(`Could not read the server's CapabilityStatement (HTTP ${status}); using search.`);
      return false;
    }
    throw networkError(err, http, { step: 'capabilities', what: 'reading /metadata' }, d.timedOut());
  } finally {
    d.clear();
  }
}

/** `_since` must be an instant: a plain date means its start, in UTC. */
function instantOf(since: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since;
}

function totalUp(report: IngestFhirReport): void {
  report.totals = {
    resources: report.types.reduce((a, t) => a + t.resources, 0),
    pages: report.types.reduce((a, t) => a + t.pages, 0),
    downloads: report.types.reduce((a, t) => a + t.downloads, 0),
  };
}

async function writeReport(out: string, report: IngestFhirReport): Promise<void> {
  await writeFileAtomic(join(out, INGEST_FHIR_REPORT), `${canonicalJson(report, 2)}\n`);
}
