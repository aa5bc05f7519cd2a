import { InterruptedError } from '../../../core/errors/index.js';
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
): IngestFhirError | InterruptedError {
  if (err instanceof IngestFhirError || err instanceof InterruptedError) return err;
  if (http.signal?.aborted)
    return new InterruptedError('INTERRUPTED', { activity: purpose.what }, { cause: err });
  const fields = request(http, purpose);
  if (timedOut)
    return new IngestFhirError(
      'INGEST_FHIR_NETWORK',
      { ...fields, timeoutMs: http.timeoutMs },
      { cause: err },
    );
  return new IngestFhirError('INGEST_FHIR_NETWORK', { ...fields, system: systemCode(err) }, { cause: err });
}

/** The fields every error of a request names. */
function request(http: FhirHttp, purpose: RequestPurpose) {
  return {
    step: purpose.step,
    activity: purpose.what,
    server: http.origin,
    resourceType: purpose.resourceType,
  };
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
  return new IngestFhirError(purpose.failedCode ?? 'INGEST_FHIR_HTTP', {
    ...request(http, purpose),
    httpStatus: status,
    issueCodes: operationOutcomeCodes(body),
  });
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
  return new IngestFhirError(
    'INGEST_FHIR_BAD_RESPONSE',
    { ...request(http, purpose), problem: what },
    { cause },
  );
}
