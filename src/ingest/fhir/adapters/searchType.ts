import type { Client, PaginationParams } from 'fhir-kit-client';
import type { ProgressTask } from '../../../core/progress.js';
import {
  badResponse,
  deadline,
  type FhirHttp,
  httpError,
  networkError,
  type RequestPurpose,
  sameOrigin,
} from './http.js';
import type { NdjsonTypeFile } from './NdjsonTypeFile.js';

export type SearchTypeParameters = {
  client: Client;
  http: FhirHttp;
  type: string;
  pageSize: number;
  /** Sent as `_lastUpdated=ge<since>`. */
  since?: string | undefined;
  file: NdjsonTypeFile;
  /** Updated as pages arrive, so a caller sees how far a failed search got. */
  counts: { pages: number; resources: number };
  task: ProgressTask;
};

type BundleEntry = { resource?: unknown; search?: { mode?: unknown } };
type Bundle = { resourceType?: unknown; entry?: unknown; link?: unknown; total?: unknown };

/**
 * Pages through `GET [base]/<Type>?_count=N[&_lastUpdated=ge…]` with fhir-kit-client, following
 * `link[relation=next]`, and appends each page's matching resources to the type's file as it
 * arrives (one page in memory at a time). Included resources and OperationOutcomes are skipped.
 * Refuses a next link to another origin (the credentials would follow it) or a link loop.
 *
 * @example
 * await searchType({ client, http, type: 'Patient', pageSize: 500, file, counts, task });
 */
export async function searchType(p: SearchTypeParameters): Promise<void> {
  const { client, http, type } = p;
  const purpose = (page: number): RequestPurpose => ({
    step: 'search',
    resourceType: type,
    what: `searching ${type} (page ${page})`,
  });
  const searchParams: Record<string, string | number> = { _count: p.pageSize };
  if (p.since) searchParams['_lastUpdated'] = `ge${p.since}`;

  let page = 1;
  let bundle = await call(http, purpose(page), (signal) =>
    client.search({ resourceType: type, searchParams, options: { signal } }),
  );
  let prevUrl = '';
  for (;;) {
    const b = bundle as Bundle;
    if (b.resourceType !== 'Bundle') throw badResponse('not a Bundle', http, purpose(page));
    const entries = Array.isArray(b.entry) ? (b.entry as BundleEntry[]) : [];
    let n = 0;
    for (const e of entries) {
      const mode = e?.search?.mode;
      if (mode === 'include' || mode === 'outcome') continue;
      const r = e?.resource;
      if (!r || typeof r !== 'object' || (r as { resourceType?: unknown }).resourceType !== type) continue;
      p.file.push(JSON.stringify(r));
      n++;
    }
    await p.file.flush();
    p.counts.pages++;
    p.counts.resources += n;
    p.task.tick(n);

    const links = Array.isArray(b.link) ? (b.link as { relation?: unknown; url?: unknown }[]) : [];
    const next = links.find((l) => l?.relation === 'next')?.url;
    if (typeof next !== 'string' || next === '') return;
    const nextUrl = resolveLink(next, http.baseUrl);
    if (!nextUrl || !sameOrigin(http, nextUrl))
      throw badResponse(
        'its next-page link points to another host, which sinso does not follow',
        http,
        purpose(page),
      );
    if (nextUrl === prevUrl)
      throw badResponse('its next-page link repeats the previous page', http, purpose(page));
    prevUrl = nextUrl;
    page++;
    const got = await call(http, purpose(page), (signal) => {
      const pending = client.nextPage({ bundle: withAbsoluteNext(nextUrl), options: { signal } });
      return pending ?? Promise.resolve(undefined);
    });
    if (got === undefined) return;
    bundle = got;
  }
}

/** Resolves a next link against the base (servers may send relative links). */
function resolveLink(link: string, baseUrl: string): string | undefined {
  try {
    return new URL(link, `${baseUrl}/`).href;
  } catch {
    return undefined;
  }
}

/** fhir-kit-client resolves a relative link its own way; hand it the absolute one checked above. */
function withAbsoluteNext(nextUrl: string): PaginationParams['bundle'] {
  return { resourceType: 'Bundle', link: [{ relation: 'next', url: nextUrl }] } as PaginationParams['bundle'];
}

/** Runs one fhir-kit-client request under a timeout, mapping its failures to IngestFhirErrors. */
async function call<T>(
  http: FhirHttp,
  purpose: RequestPurpose,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const d = deadline(http);
  try {
    return await fn(d.signal);
  } catch (err) {
    const response = (err as { response?: { status?: unknown; data?: unknown } } | null)?.response;
    if (response && typeof response.status === 'number') {
      if (response.status >= 200 && response.status < 300) throw badResponse('not JSON', http, purpose, err);
      throw httpError(response.status, response.data, http, purpose);
    }
    throw networkError(err, http, purpose, d.timedOut());
  } finally {
    d.clear();
  }
}
