import type { Clock } from '../../../core/clock.js';
import { SinsoError } from '../../../core/errors/index.js';
import type { Logger } from '../../../core/log.js';
import type { ProgressTask } from '../../../core/progress.js';
import { IngestFhirError } from '../errors.js';
import { operationOutcomeCodes } from '../operationOutcomeCodes.js';
import { parseRetryAfter } from '../parseRetryAfter.js';
import { type BulkManifest, BulkManifestSchema } from '../schema.js';
import {
  badResponse,
  deadline,
  type FhirHttp,
  headersFor,
  httpError,
  networkError,
  type RequestPurpose,
  readErrorBody,
} from './http.js';
import type { NdjsonTypeFile } from './NdjsonTypeFile.js';

/** A GET under the request deadline; the caller reads (or cancels) the body. */
async function get(
  http: FhirHttp,
  url: string,
  accept: string,
  purpose: RequestPurpose,
  withAuth = true,
): Promise<{ res: Response; d: ReturnType<typeof deadline> }> {
  const d = deadline(http);
  try {
    const headers = withAuth ? headersFor(http, url, { accept }) : { accept };
    const res = await fetch(url, { headers, signal: d.signal });
    return { res, d };
  } catch (err) {
    d.clear();
    throw networkError(err, http, purpose, d.timedOut());
  }
}

export type KickOffExportReturnType = { statusUrl: string };

/**
 * Starts a system-level Bulk Data export: `GET [base]/$export?_type=…[&_since=…]` with
 * `Accept: application/fhir+json` and `Prefer: respond-async`; expects 202 and Content-Location.
 *
 * @example
 * const { statusUrl } = await kickOffExport(http, { types: ['Patient'] });
 */
export async function kickOffExport(
  http: FhirHttp,
  o: { types: readonly string[]; since?: string | undefined },
): Promise<KickOffExportReturnType> {
  const purpose: RequestPurpose = { step: 'kick-off', what: 'starting the $export' };
  const q = new URLSearchParams({ _type: o.types.join(',') });
  if (o.since) q.set('_since', o.since);
  const url = `${http.baseUrl}/$export?${q}`;
  const d = deadline(http);
  let res: Response;
  try {
    res = await fetch(url, {
      headers: headersFor(http, url, { accept: 'application/fhir+json', prefer: 'respond-async' }),
      signal: d.signal,
    });
  } catch (err) {
    d.clear();
    throw networkError(err, http, purpose, d.timedOut());
  }
  try {
    if (res.status !== 202) {
      if (res.status >= 400) throw httpError(res.status, await readErrorBody(res), http, purpose);
      await res.body?.cancel();
      throw badResponse(`HTTP ${res.status} instead of 202 Accepted`, http, purpose);
    }
    await res.body?.cancel();
    const location = res.headers.get('content-location');
    if (!location) throw badResponse('202 Accepted without a Content-Location', http, purpose);
    let statusUrl: string;
    try {
      statusUrl = new URL(location, url).href;
    } catch (err) {
      throw badResponse('its Content-Location is not a URL', http, purpose, err);
    }
    return { statusUrl };
  } finally {
    d.clear();
  }
}

/**
 * Polls an export's status URL until the manifest is ready: 202 (or 429) → wait for Retry-After,
 * else `pollIntervalMs`; 200 → the manifest; an error status → INGEST_FHIR_EXPORT_FAILED. After
 * `maxPolls` it asks the server to cancel (DELETE) and throws INGEST_FHIR_EXPORT_TIMEOUT. The
 * waits (and an HTTP-date Retry-After) go through `ctx.clock`, so a test's fake clock makes none.
 *
 * @example
 * const manifest = await pollExport({ log, clock }, http, statusUrl, { pollIntervalMs: 1000, maxPolls: 600 });
 */
export async function pollExport(
  ctx: { log: Logger; clock: Clock },
  http: FhirHttp,
  statusUrl: string,
  o: { pollIntervalMs: number; maxPolls: number },
): Promise<BulkManifest> {
  for (let poll = 1; poll <= o.maxPolls; poll++) {
    const purpose: RequestPurpose = { step: 'poll', what: `checking the $export status (poll ${poll})` };
    const { res, d } = await get(http, statusUrl, 'application/json', purpose);
    try {
      if (res.status === 202 || res.status === 429) {
        await res.body?.cancel();
        const wait =
          parseRetryAfter(res.headers.get('retry-after'), { now: ctx.clock.now().getTime() }) ??
          o.pollIntervalMs;
        ctx.log.debug(`$export in progress (poll ${poll}); next poll in ${wait} ms`);
        d.clear();
        try {
          await ctx.clock.sleep(wait, http.signal);
        } catch (err) {
          throw networkError(err, http, purpose, false);
        }
        continue;
      }
      if (res.status >= 400) {
        throw httpError(res.status, await readErrorBody(res), http, {
          ...purpose,
          failedCode: 'INGEST_FHIR_EXPORT_FAILED',
        });
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw badResponse(`HTTP ${res.status} from the status URL`, http, purpose);
      }
      let json: unknown;
      try {
        json = await res.json();
      } catch (err) {
        if (d.timedOut() || http.signal?.aborted) throw networkError(err, http, purpose, d.timedOut());
        throw badResponse('the export manifest is not JSON', http, purpose, err);
      }
      const parsed = BulkManifestSchema.safeParse(json);
      if (!parsed.success) throw badResponse('the export manifest lacks output[].type/url', http, purpose);
      return parsed.data;
    } finally {
      d.clear();
    }
  }
  // best effort: tell the server it may stop and free the files
  await fetch(statusUrl, {
    method: 'DELETE',
    headers: headersFor(http, statusUrl, {}),
    signal: AbortSignal.timeout(http.timeoutMs),
  })
    .then((r) => r.body?.cancel())
    .catch(() => undefined);
  throw new IngestFhirError('INGEST_FHIR_EXPORT_TIMEOUT', {
    step: 'poll',
    activity: 'waiting for the $export',
    server: http.origin,
    maxPolls: o.maxPolls,
  });
}

/**
 * Streams one NDJSON output file of an export to the type's file, line by line (constant
 * memory); every line must be a JSON resource of `type`. Returns the lines written. The auth
 * header goes only where the manifest asks for it, and only to the server's own origin.
 *
 * @example
 * const n = await downloadNdjson(http, { url, type: 'Patient', file, requiresAccessToken: true, task });
 */
export async function downloadNdjson(
  http: FhirHttp,
  o: {
    url: string;
    type: string;
    file: NdjsonTypeFile;
    requiresAccessToken: boolean;
    ordinal: number;
    task: ProgressTask;
  },
): Promise<number> {
  const purpose: RequestPurpose = {
    step: 'download',
    resourceType: o.type,
    what: `downloading ${o.type} file ${o.ordinal} of the $export`,
  };
  let lines = 0;
  await streamLines(http, o.url, purpose, o.requiresAccessToken, async (line, lineNo) => {
    let rt: unknown;
    try {
      rt = (JSON.parse(line) as { resourceType?: unknown } | null)?.resourceType;
    } catch (err) {
      throw badResponse(`line ${lineNo} of the file is not JSON`, http, purpose, err);
    }
    if (rt !== o.type) throw badResponse(`line ${lineNo} of the file is not a ${o.type}`, http, purpose);
    o.file.push(line);
    lines++;
    o.task.tick();
    await o.file.flush();
  });
  return lines;
}

/**
 * Reads one manifest error file (NDJSON of OperationOutcome) and tallies its issue codes only;
 * the diagnostics text is never kept.
 *
 * @example
 * await tallyErrorFile(http, { url, requiresAccessToken: true, tally });
 */
export async function tallyErrorFile(
  http: FhirHttp,
  o: {
    url: string;
    requiresAccessToken: boolean;
    tally: { issues: number; issueCodes: Record<string, number> };
  },
): Promise<void> {
  const purpose: RequestPurpose = { step: 'download', what: 'downloading an $export error file' };
  await streamLines(http, o.url, purpose, o.requiresAccessToken, async (line) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return;
    }
    o.tally.issues++;
    for (const c of operationOutcomeCodes(json)) o.tally.issueCodes[c] = (o.tally.issueCodes[c] ?? 0) + 1;
  });
}

/** GETs an NDJSON file and hands each non-blank line to `onLine`; a half line at a reset is dropped. */
async function streamLines(
  http: FhirHttp,
  url: string,
  purpose: RequestPurpose,
  requiresAccessToken: boolean,
  onLine: (line: string, lineNo: number) => Promise<void>,
): Promise<void> {
  const { res, d } = await get(http, url, 'application/fhir+ndjson', purpose, requiresAccessToken);
  try {
    if (res.status !== 200) {
      if (res.status >= 400) throw httpError(res.status, await readErrorBody(res), http, purpose);
      await res.body?.cancel();
      throw badResponse(`HTTP ${res.status} instead of 200`, http, purpose);
    }
    if (!res.body) return;
    const decoder = new TextDecoder('utf-8');
    let rest = '';
    let lineNo = 0;
    const emit = async (raw: string) => {
      lineNo++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() !== '') await onLine(line, lineNo);
    };
    try {
      for await (const chunk of res.body) {
        d.touch();
        rest += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl = rest.indexOf('\n');
        let start = 0;
        while (nl !== -1) {
          await emit(rest.slice(start, nl));
          start = nl + 1;
          nl = rest.indexOf('\n', start);
        }
        rest = rest.slice(start);
      }
    } catch (err) {
      if (err instanceof SinsoError) throw err;
      throw networkError(err, http, purpose, d.timedOut());
    }
    rest += decoder.decode();
    if (rest !== '') await emit(rest);
  } finally {
    d.clear();
  }
}
