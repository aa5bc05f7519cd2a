import { IngestFhirError } from '../errors.js';
import { operationOutcomeCodes } from '../operationOutcomeCodes.js';
import type { IngestFhirStep } from '../schema.js';

/** What every request of one ingest shares. */
export type FhirHttp = {
  /** Base URL without credentials, query or trailing slash. */
  baseUrl: string;
  origin: string;
  /** Sent only to `origin`, never to another host a server points at. */
  authorization: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
};

/** What a request is for, to name it in errors. */
export type RequestPurpose = { step: IngestFhirStep; resourceType?: string | undefined; what: string };

/** The headers for a request to `url`: the auth header only when it goes to the server's own origin. */
export function headersFor(
  http: FhirHttp,
  url: string,
  extra: Record<string, string>,
): Record<string, string> {
  const headers = { ...extra };
  if (http.authorization && sameOrigin(http, url)) headers['authorization'] = http.authorization;
  return headers;
}

export function sameOrigin(http: FhirHttp, url: string): boolean {
  try {
    return new URL(url).origin === http.origin;
  } catch {
    return false;
  }
}

/**
 * An abort signal that fires when the caller aborts or after `timeoutMs` without `touch()`:
 * a whole-request timeout for small answers, an idle timeout for streamed downloads.
 */
export function deadline(http: FhirHttp): {
  signal: AbortSignal;
  touch(): void;
  clear(): void;
  timedOut(): boolean;
} {
  const ctl = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, http.timeoutMs);
  };
  touch();
  const signal = http.signal ? AbortSignal.any([ctl.signal, http.signal]) : ctl.signal;
  return {
    signal,
    touch,
    clear: () => clearTimeout(timer),
    timedOut: () => timedOut,
  };
}

/**
 * Turns a failure to talk to the server (refused, reset, DNS, timeout, abort) into an
 * IngestFhirError. Only the system error code is named (ECONNRESET), never a message.
 */
export function networkError(
  err: unknown,
  http: FhirHttp,
  purpose: RequestPurpose,
  timedOut: boolean,
): IngestFhirError {
  if (err instanceof IngestFhirError) return err;
  if (http.signal?.aborted) {
    return new IngestFhirError(`Interrupted while ${purpose.what}.`, {
      code: 'INTERRUPTED',
      step: purpose.step,
      resourceType: purpose.resourceType,
      cause: err,
    });
  }
  if (timedOut) {
    return new IngestFhirError(
      `The FHIR server did not answer within ${http.timeoutMs} ms while ${purpose.what}.`,
      {
        code: 'INGEST_FHIR_NETWORK',
        step: purpose.step,
        resourceType: purpose.resourceType,
        cause: err,
        metaMessages: [`Server: ${http.origin}`],
        fix: 'Check that the server is up, or allow more time with --timeout-ms; then run again.',
      },
    );
  }
  const sys = systemCode(err);
  return new IngestFhirError(
    `Could not reach the FHIR server while ${purpose.what}${sys ? ` (${sys})` : ''}.`,
    {
      code: 'INGEST_FHIR_NETWORK',
      step: purpose.step,
      resourceType: purpose.resourceType,
      cause: err,
      metaMessages: [`Server: ${http.origin}`],
      fix:
        sys === 'ECONNRESET' || sys === 'UND_ERR_SOCKET' || sys === 'UND_ERR_CLOSED'
          ? 'The server closed the connection mid-answer; run again (check a proxy or load balancer if it persists).'
          : 'Check the server URL, that the server is running, and the network (proxy, firewall, VPN); then run again.',
    },
  );
}

/** The innermost `code` of a fetch failure (`ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`). */
function systemCode(err: unknown): string | undefined {
  let found: string | undefined;
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code)) found = code;
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

/**
 * An IngestFhirError for an HTTP error status, naming the status, the OperationOutcome issue
 * codes (if the body is one) and the likely fix; never the body itself.
 */
export function httpError(
  status: number,
  body: unknown,
  http: FhirHttp,
  purpose: RequestPurpose & { failedCode?: 'INGEST_FHIR_HTTP' | 'INGEST_FHIR_EXPORT_FAILED' },
): IngestFhirError {
  const issueCodes = operationOutcomeCodes(body);
  const meta = [`Server: ${http.origin}`];
  if (issueCodes.length) meta.push(`OperationOutcome issue codes: ${issueCodes.join(', ')}`);
  return new IngestFhirError(`The FHIR server answered HTTP ${status} while ${purpose.what}.`, {
    code: purpose.failedCode ?? 'INGEST_FHIR_HTTP',
    step: purpose.step,
    resourceType: purpose.resourceType,
    httpStatus: status,
    issueCodes,
    metaMessages: meta,
    fix: fixFor(status, purpose),
  });
}

function fixFor(status: number, purpose: RequestPurpose): string {
  const type = purpose.resourceType;
  if (status === 401) return 'The server wants credentials: put user:password in the URL, or ask for access.';
  if (status === 403)
    return 'The credentials lack permission for this; ask the server administrator for access.';
  if (status === 404 && type)
    return `The server does not serve ${type} here: check the server's base URL and its /metadata, or leave ${type} out with --type.`;
  if (status === 404) return "Check the server's base URL (it should end where /metadata is served).";
  if (status === 400 || status === 422)
    return purpose.step === 'kick-off'
      ? 'The server rejected the $export request: try --mode search, or drop --since / --type it does not support.'
      : 'The server rejected the query: drop --since, or lower --page-size.';
  if (status === 429 || status === 503) return 'The server is busy; run again later.';
  if (status >= 500)
    return 'The server failed; run again later, or ask its administrator. Completed types are kept in the output folder.';
  return 'Check the server URL and options; run again.';
}

/** Reads a small error body as JSON, if it is JSON (at most 1 MiB; bigger bodies are ignored). */
export async function readErrorBody(res: Response): Promise<unknown> {
  try {
    const len = Number(res.headers.get('content-length') ?? '0');
    if (len > 1 << 20) {
      await res.body?.cancel();
      return undefined;
    }
    const text = await res.text();
    return text.length <= 1 << 20 ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** An IngestFhirError for an answer that is not what FHIR promises (not a Bundle, bad manifest). */
export function badResponse(
  what: string,
  http: FhirHttp,
  purpose: RequestPurpose,
  cause?: unknown,
): IngestFhirError {
  return new IngestFhirError(`The FHIR server's answer was not usable while ${purpose.what}: ${what}.`, {
    code: 'INGEST_FHIR_BAD_RESPONSE',
    step: purpose.step,
    resourceType: purpose.resourceType,
    cause,
    metaMessages: [`Server: ${http.origin}`],
    fix: 'Check that the URL is a FHIR R4 server base; try --mode search if $export misbehaves.',
  });
}
