import { defineErrorCodes, errorClass } from '../../core/errors/index.js';
import type { IngestFhirReport, IngestFhirStep } from './schema.js';

/** What every FHIR fetch error names: the step, what was being done, the server (never a body). */
type Request = {
  /** The step that failed. */
  step: IngestFhirStep;
  /** What was being done, e.g. `searching Organization (page 3)`. */
  activity: string;
  /** The server's origin (no credentials, path or query). */
  server: string;
  /** The resource type being fetched, if any. */
  resourceType?: string | undefined;
  /** What was on disk when the fetch stopped (`Kept complete: …`), added by `ingestFhir`. */
  kept?: readonly string[] | undefined;
};

/** The answer of a server that answered with an error status. */
type HttpAnswer = Request & {
  httpStatus: number;
  /** OperationOutcome `issue[].code` values (a closed FHIR code list, never free text). */
  issueCodes: readonly string[];
};

const serverLines = (f: Request) => [`Server: ${f.server}`, ...(f.kept ?? [])];

const httpMeta = (f: HttpAnswer) => [
  `Server: ${f.server}`,
  ...(f.issueCodes.length ? [`OperationOutcome issue codes: ${f.issueCodes.join(', ')}`] : []),
  ...(f.kept ?? []),
];

function httpFix(f: HttpAnswer): string {
  const type = f.resourceType;
  const status = f.httpStatus;
  if (status === 401) return 'The server wants credentials: put user:password in the URL, or ask for access.';
  if (status === 403)
    return 'The credentials lack permission for this; ask the server administrator for access.';
  if (status === 404 && type)
    return `The server does not serve ${type} here: check the server's base URL and its /metadata, or leave ${type} out with --type.`;
  if (status === 404) return "Check the server's base URL (it should end where /metadata is served).";
  if (status === 400 || status === 422)
    return f.step === 'kick-off'
      ? 'The server rejected the $export request: try --mode search, or drop --since / --type it does not support.'
      : 'The server rejected the query: drop --since, or lower --page-size.';
  if (status === 429 || status === 503) return 'The server is busy; run again later.';
  if (status >= 500)
    return 'The server failed; run again later, or ask its administrator. Completed types are kept in the output folder.';
  return 'Check the server URL and options; run again.';
}

const RESET_CODES = ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'];

/** The codes `sinso ingest fhir` raises. */
export const ingestFhirErrors = defineErrorCodes({
  INGEST_FHIR_NETWORK: {
    message: (f: Request & { system?: string | undefined; timeoutMs?: number | undefined }) =>
      f.timeoutMs === undefined
        ? `Could not reach the FHIR server while ${f.activity}${f.system ? ` (${f.system})` : ''}.`
        : `The FHIR server did not answer within ${f.timeoutMs} ms while ${f.activity}.`,
    meta: serverLines,
    fix: (f) =>
      f.timeoutMs !== undefined
        ? 'Check that the server is up, or allow more time with --timeout-ms; then run again.'
        : f.system && RESET_CODES.includes(f.system)
          ? 'The server closed the connection mid-answer; run again (check a proxy or load balancer if it persists).'
          : 'Check the server URL, that the server is running, and the network (proxy, firewall, VPN); then run again.',
  },
  INGEST_FHIR_HTTP: {
    message: (f: HttpAnswer) => `The FHIR server answered HTTP ${f.httpStatus} while ${f.activity}.`,
    meta: httpMeta,
    fix: httpFix,
  },
  INGEST_FHIR_EXPORT_FAILED: {
    message: (f: HttpAnswer) => `The FHIR server answered HTTP ${f.httpStatus} while ${f.activity}.`,
    meta: httpMeta,
    fix: httpFix,
  },
  INGEST_FHIR_BAD_RESPONSE: {
    message: (f: Request & { problem: string }) =>
      `The FHIR server's answer was not usable while ${f.activity}: ${f.problem}.`,
    meta: serverLines,
    fix: 'Check that the URL is a FHIR R4 server base; try --mode search if $export misbehaves.',
  },
  INGEST_FHIR_EXPORT_TIMEOUT: {
    message: (f: Request & { maxPolls: number }) =>
      `The $export did not finish within ${f.maxPolls} status polls.`,
    meta: (f) => [`Server: ${f.server}`, 'sinso asked the server to cancel the export.', ...(f.kept ?? [])],
    fix: 'Allow more polls with --max-polls (or a longer --poll-interval-ms), or fetch fewer types with --type; or use --mode search.',
  },
});

/**
 * A FHIR fetch failed: network, HTTP status, malformed answer or an $export that failed or took
 * too long. Never holds a response body (it may hold PHI): only the status, the OperationOutcome
 * issue codes, and the report of what was already written. (An abort raises `InterruptedError`.)
 *
 * @example
 * try {
 *   await ingestFhir(ctx, options);
 * } catch (err) {
 *   if (err instanceof IngestFhirError && err.is('INGEST_FHIR_HTTP')) console.error(err.fields.httpStatus);
 * }
 */
export class IngestFhirError extends errorClass(ingestFhirErrors) {
  override name = 'IngestFhirError';
  /** What was on disk when it failed; set by `ingestFhir` before it rethrows. */
  report: IngestFhirReport | undefined = undefined;
}
export type IngestFhirErrorType = IngestFhirError & { name: 'IngestFhirError' };
