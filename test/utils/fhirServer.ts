import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Real Synthea sample resources (Apache-2.0, see datasets/SOURCES.md): `<Type>.000.ndjson`. */
export const FHIR_SERVER_DATA_DIR = join(import.meta.dirname, '../../datasets/samples/fhir/synthea-server');

export type FhirServerOptions = {
  dataDir?: string;
  /** Advertise and serve system-level `$export` (default false). */
  exportOperation?: boolean;
  /** Status polls answered 202 before the manifest (default 2). */
  pollsBeforeReady?: number;
  /** Retry-After seconds on 202 polls (default 0; omitted when null). */
  retryAfterSeconds?: number | null;
  /** Split each type into this many export files (default 1), to test concatenation order. */
  exportFilesPerType?: number;
  /** Add an OperationOutcome error file to the manifest. */
  exportErrorFile?: boolean;
  /** Answer the kick-off with this status (with an OperationOutcome) instead of 202. */
  kickOffStatus?: number;
  /** Answer the status URL with this status on the first poll (export failed). */
  pollFailStatus?: number;
  /** Answer search page `page` (1-based) of `type` (any type when absent) with `status`. */
  failSearchPage?: { page: number; status: number; type?: string };
  /** Destroy the socket half-way through search page `page` of `type`. */
  resetSearchPage?: { page: number; type?: string };
  /** Destroy the socket half-way through the (first) export file of `type`. */
  resetDownload?: { type: string };
  /** Put a `search.mode: include` entry on every search page (sinso must skip it). Default true. */
  includeEntries?: boolean;
  /** Answer /metadata with this status instead. */
  metadataStatus?: number;
  /** Types the server supports but holds none of (empty searchset, no export file). */
  emptyTypes?: readonly string[];
  /** Serve under this path (default `/fhir`). */
  basePath?: string;
};

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
};

export type FhirServer = {
  /** Base URL, e.g. `http://127.0.0.1:41234/fhir`. */
  url: string;
  port: number;
  /** The sample lines per type, as served. */
  data: ReadonlyMap<string, readonly string[]>;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

/** Free text that must never reach sinso's errors, logs or reports. */
export const PHI_MARKER = 'PHI-MARKER John Doe 1970-01-01';

/**
 * Starts a small FHIR R4 server on 127.0.0.1 (random port) that serves real sample resources:
 * `/metadata`, type search with `_count` paging (searchset Bundles with next links) and
 * `_lastUpdated`, Bulk Data `$export` (kick-off, 202 polls with Retry-After, manifest, NDJSON
 * files), and failure injection. Closes itself after 5 minutes at the latest.
 *
 * @example
 * const server = await startFhirServer({ exportOperation: true });
 * afterAll(() => server.close());
 */
export async function startFhirServer(options: FhirServerOptions = {}): Promise<FhirServer> {
  const dir = options.dataDir ?? FHIR_SERVER_DATA_DIR;
  const basePath = options.basePath ?? '/fhir';
  const data = new Map<string, string[]>();
  for (const name of readdirSync(dir).sort()) {
    const m = /^([A-Z][A-Za-z]+)\.\d+\.ndjson$/.exec(name);
    if (!m?.[1]) continue;
    const lines = readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    data.set(m[1], [...(data.get(m[1]) ?? []), ...lines]);
  }
  for (const t of options.emptyTypes ?? []) data.set(t, []);
  const requests: RecordedRequest[] = [];
  let polls = 0;
  let exportTypes: string[] = [];
  let url = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/fhir+json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
  const outcome = (code: string) => ({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics: PHI_MARKER }],
  });
  /** Sends half of `text` (cut mid-line), then kills the connection. */
  const resetMidway = (res: ServerResponse, contentType: string, text: string) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    res.write(text.slice(0, Math.floor(text.length / 2)), () => {
      setTimeout(() => res.socket?.destroy(), 20);
    });
  };
  const filesOf = (type: string): string[][] => {
    const lines = data.get(type) ?? [];
    const k = Math.max(1, Math.min(options.exportFilesPerType ?? 1, lines.length || 1));
    const per = Math.ceil(lines.length / k);
    return Array.from({ length: k }, (_, i) => lines.slice(i * per, (i + 1) * per));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    requests.push({
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: req.headers,
    });
    if (!u.pathname.startsWith(`${basePath}/`)) return json(res, 404, outcome('not-found'));
    const rest = u.pathname.slice(basePath.length + 1);

    if (rest === 'metadata') {
      if (options.metadataStatus) return json(res, options.metadataStatus, outcome('exception'));
      return json(res, 200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        kind: 'instance',
        fhirVersion: '4.0.1',
        format: ['json'],
        rest: [
          {
            mode: 'server',
            resource: [...data.keys()].map((type) => ({ type, interaction: [{ code: 'search-type' }] })),
            ...(options.exportOperation
              ? {
                  operation: [
                    {
                      name: 'export',
                      definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export',
                    },
                  ],
                }
              : {}),
          },
        ],
      });
    }

    if (rest === '$export') {
      if (!options.exportOperation) return json(res, 404, outcome('not-supported'));
      if (options.kickOffStatus) return json(res, options.kickOffStatus, outcome('forbidden'));
      if (req.headers['prefer'] !== 'respond-async') return json(res, 400, outcome('invalid'));
      const asked = u.searchParams.get('_type');
      exportTypes = asked ? asked.split(',') : [...data.keys()];
      polls = 0;
      res.writeHead(202, { 'content-location': `${url}/$export-status/1` });
      return res.end();
    }

    if (rest === '$export-status/1') {
      if (req.method === 'DELETE') {
        res.writeHead(202);
        return res.end();
      }
      polls++;
      if (options.pollFailStatus) return json(res, options.pollFailStatus, outcome('exception'));
      if (polls <= (options.pollsBeforeReady ?? 2)) {
        const headers: Record<string, string> = { 'x-progress': `${polls * 30}% done` };
        const ra = options.retryAfterSeconds === undefined ? 0 : options.retryAfterSeconds;
        if (ra !== null) headers['retry-after'] = String(ra);
        res.writeHead(202, headers);
        return res.end();
      }
      const output: { type: string; url: string; count: number }[] = [];
      for (const type of exportTypes) {
        if (!data.get(type)?.length) continue;
        filesOf(type).forEach((lines, i) => {
          output.push({ type, url: `${url}/$export-files/${type}.${i}.ndjson`, count: lines.length });
        });
      }
      return json(
        res,
        200,
        {
          transactionTime: '2024-08-06T18:12:57Z',
          request: `${url}/$export`,
          requiresAccessToken: true,
          output,
          error: options.exportErrorFile
            ? [{ type: 'OperationOutcome', url: `${url}/$export-files/errors.ndjson` }]
            : [],
        },
        { 'content-type': 'application/json' },
      );
    }

    const file = /^\$export-files\/(?:([A-Z][A-Za-z]+)\.(\d+)|errors)\.ndjson$/.exec(rest);
    if (file) {
      const ndjson = 'application/fhir+ndjson';
      if (!file[1]) {
        const text = `${JSON.stringify(outcome('processing'))}\n${JSON.stringify(outcome('too-costly'))}\n`;
        res.writeHead(200, { 'content-type': ndjson });
        return res.end(text);
      }
      const lines = filesOf(file[1])[Number(file[2])];
      if (!lines) return json(res, 404, outcome('not-found'));
      const text = lines.map((l) => `${l}\n`).join('');
      if (options.resetDownload?.type === file[1] && file[2] === '0') return resetMidway(res, ndjson, text);
      res.writeHead(200, { 'content-type': ndjson });
      return res.end(text);
    }

    const type = /^([A-Z][A-Za-z]+)$/.exec(rest)?.[1];
    if (type) {
      const all = data.get(type);
      if (!all) return json(res, 404, outcome('not-supported'));
      const count = Number(u.searchParams.get('_count') ?? '50');
      const offset = Number(u.searchParams.get('_offset') ?? '0');
      const since = u.searchParams.get('_lastUpdated');
      const matching = since?.startsWith('ge')
        ? all.filter((l) => {
            const lu = (JSON.parse(l) as { meta?: { lastUpdated?: string } }).meta?.lastUpdated;
            return lu === undefined || lu >= since.slice(2);
          })
        : all;
      const page = Math.floor(offset / count) + 1;
      const fail = options.failSearchPage;
      if (fail && fail.page === page && (!fail.type || fail.type === type))
        return json(res, fail.status, outcome('exception'));
      const slice = matching.slice(offset, offset + count);
      const link = (o: number) => {
        const q = new URLSearchParams(u.searchParams);
        q.set('_offset', String(o));
        return `${url}/${type}?${q}`;
      };
      const entry: unknown[] = slice.map((l) => {
        const r = JSON.parse(l) as { id?: string };
        return { fullUrl: `${url}/${type}/${r.id}`, resource: r, search: { mode: 'match' } };
      });
      const firstOrg = data.get('Organization')?.[0];
      if ((options.includeEntries ?? true) && firstOrg && type !== 'Organization')
        entry.push({ resource: JSON.parse(firstOrg), search: { mode: 'include' } });
      const bundle = {
        resourceType: 'Bundle',
        type: 'searchset',
        total: matching.length,
        link: [
          { relation: 'self', url: link(offset) },
          ...(offset + count < matching.length ? [{ relation: 'next', url: link(offset + count) }] : []),
        ],
        entry,
      };
      const reset = options.resetSearchPage;
      if (reset && reset.page === page && (!reset.type || reset.type === type))
        return resetMidway(res, 'application/fhir+json', JSON.stringify(bundle));
      return json(res, 200, bundle);
    }
    return json(res, 404, outcome('not-found'));
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) json(res, 500, outcome('exception'));
      else res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}${basePath}`;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  const lifetime = setTimeout(() => void close(), 5 * 60_000);
  lifetime.unref();
  return { url, port, data, requests, close };
}
