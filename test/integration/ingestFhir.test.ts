import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/core/errors/index.js';
import { type LogLevel, silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { IngestFhirError } from '../../src/ingest/fhir/errors.js';
import { ingestFhir } from '../../src/ingest/fhir/fetchFhir.js';
import {
  IngestFhirOptionsSchema,
  type IngestFhirParameters,
  type IngestFhirReport,
} from '../../src/ingest/fhir/schema.js';
import { ingestFhirStage } from '../../src/ingest/fhir/stage.js';
import { fakeClock } from '../utils/clock.js';
import { type FhirServer, type FhirServerOptions, PHI_MARKER, startFhirServer } from '../utils/fhirServer.js';
import { tempDir } from '../utils/tmp.js';

const TYPES = ['Patient', 'Organization', 'Immunization', 'Condition'];

let servers: FhirServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(options: FhirServerOptions = {}): Promise<FhirServer> {
  const s = await startFhirServer(options);
  servers.push(s);
  return s;
}

const logLines: string[] = [];
const log = {
  ...silentLogger,
  level: 'debug' as LogLevel,
  error: (m: string) => void logLines.push(m),
  warn: (m: string) => void logLines.push(m),
  info: (m: string) => void logLines.push(m),
  debug: (m: string) => void logLines.push(m),
};

/** Runs an ingest on a fake clock: the $export polls wait for nothing, and `clock.waits` says what they asked. */
async function run(params: Omit<IngestFhirParameters, 'out'> & { out?: string }) {
  const out = params.out ?? (await tempDir('sinso-fhir-'));
  const o = IngestFhirOptionsSchema.parse({ timeoutMs: 5000, pollIntervalMs: 10, ...params, out });
  const clock = fakeClock();
  const result = await ingestFhir({ progress: silentProgress, log, clock }, o);
  return { out, clock, ...result };
}

async function runFailing(params: Omit<IngestFhirParameters, 'out'>) {
  const out = await tempDir('sinso-fhir-');
  const o = IngestFhirOptionsSchema.parse({ timeoutMs: 5000, pollIntervalMs: 10, ...params, out });
  const clock = fakeClock();
  const err = await ingestFhir({ progress: silentProgress, log, clock }, o).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IngestFhirError);
  const report = JSON.parse(await readFile(join(out, 'ingest-report.json'), 'utf8')) as IngestFhirReport;
  return { out, clock, err: err as IngestFhirError, report };
}

const norm = (line: string) => JSON.stringify(JSON.parse(line));

async function linesOf(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text.split('\n').filter((l) => l !== '');
}

/** Every type file equals the server's sample lines, in order (after JSON normalisation). */
async function expectAllFetched(out: string, server: FhirServer, types: readonly string[]) {
  for (const type of types) {
    const got = await linesOf(join(out, `${type}.ndjson`));
    const want = server.data.get(type) ?? [];
    expect(got.length, type).toBe(want.length);
    expect(got.map(norm)).toEqual(want.map(norm));
  }
}

describe('ingest fhir: search mode', () => {
  it('pages through every type and writes NDJSON per type plus a report', async () => {
    const server = await serve();
    const { out, report } = await run({ server: server.url, type: TYPES, mode: 'search', pageSize: 10 });
    await expectAllFetched(out, server, TYPES);
    expect(report.mode).toBe('search');
    expect(report.status).toBe('complete');
    const pages = (n: number) => Math.max(1, Math.ceil(n / 10));
    for (const t of report.types) {
      const n = server.data.get(t.type)?.length ?? 0;
      expect(t).toEqual({
        type: t.type,
        status: 'complete',
        file: `${t.type}.ndjson`,
        resources: n,
        pages: pages(n),
        downloads: 0,
      });
    }
    expect(report.totals.pages).toBe(TYPES.reduce((a, t) => a + pages(server.data.get(t)?.length ?? 0), 0));
    // paging followed next links with _count
    const searches = server.requests.filter((r) => r.path === '/fhir/Organization');
    expect(searches.map((r) => r.query['_offset'] ?? '0')).toEqual(['0', '10', '20', '30', '40']);
    expect(searches.every((r) => r.query['_count'] === '10')).toBe(true);
    expect((await readdir(out)).sort()).toEqual(
      [...TYPES.map((t) => `${t}.ndjson`), 'ingest-report.json'].sort(),
    );
    // the report names counts only: no resource content
    const text = await readFile(join(out, 'ingest-report.json'), 'utf8');
    const patient = JSON.parse(server.data.get('Patient')?.[0] ?? '{}') as { id: string };
    expect(text).not.toContain(patient.id);
  });

  it('is deterministic: a second run gives identical bytes', async () => {
    const server = await serve();
    const a = await run({ server: server.url, type: ['Patient', 'Condition'], mode: 'search', pageSize: 7 });
    const b = await run({ server: server.url, type: ['Patient', 'Condition'], mode: 'search', pageSize: 7 });
    for (const f of ['Patient.ndjson', 'Condition.ndjson', 'ingest-report.json'])
      expect(await readFile(join(a.out, f), 'utf8')).toBe(await readFile(join(b.out, f), 'utf8'));
  });

  it('writes an empty file for a type the server has none of (search and export)', async () => {
    const server = await serve({ exportOperation: true, emptyTypes: ['Observation'] });
    for (const mode of ['search', 'export'] as const) {
      const { out, report } = await run({ server: server.url, type: ['Observation', 'Patient'], mode });
      expect(await readFile(join(out, 'Observation.ndjson'), 'utf8')).toBe('');
      expect(report.types[0]).toMatchObject({ type: 'Observation', status: 'complete', resources: 0 });
      expect(report.types[1]).toMatchObject({ type: 'Patient', status: 'complete', resources: 13 });
    }
  });

  it('--since sends _lastUpdated=ge…', async () => {
    const server = await serve();
    await run({ server: server.url, type: ['Patient'], mode: 'search', since: '2024-01-01' });
    const r = server.requests.find((q) => q.path === '/fhir/Patient');
    expect(r?.query['_lastUpdated']).toBe('ge2024-01-01');
    const server2 = await serve();
    await run({
      server: server2.url,
      type: ['Patient'],
      mode: 'search',
      since: '2024-01-01T10:00:00+02:00',
      pageSize: 5,
    });
    const qs = server2.requests.filter((q) => q.path === '/fhir/Patient');
    expect(qs.length).toBe(3);
    expect(qs.every((q) => q.query['_lastUpdated'] === 'ge2024-01-01T10:00:00+02:00')).toBe(true);
  });

  it('a 500 on page 3 fails clearly, keeping completed types and pages 1-2 as a partial file', async () => {
    const server = await serve({ failSearchPage: { type: 'Organization', page: 3, status: 500 } });
    const { out, err, report } = await runFailing({
      server: server.url,
      type: ['Patient', 'Organization', 'Condition'],
      mode: 'search',
      pageSize: 10,
    });
    expect(err.code).toBe('INGEST_FHIR_HTTP');
    expect(err.fields).toMatchObject({
      step: 'search',
      activity: 'searching Organization (page 3)',
      resourceType: 'Organization',
      httpStatus: 500,
      issueCodes: ['exception'],
      kept: [
        'Kept complete: Patient.ndjson (13).',
        'Kept partial: Organization.ndjson.partial (20 resources, 2 pages).',
        `Report: ${join(out, 'ingest-report.json')} (status: failed).`,
      ],
    });
    expect(
      err.message
        .split('\n')
        .slice(0, -1)
        .join('\n')
        .replaceAll(out, 'OUT')
        .replace(server.url.replace(/\/fhir$/, ''), 'SERVER'),
    ).toMatchInlineSnapshot(`
      "The FHIR server answered HTTP 500 while searching Organization (page 3).

      Server: SERVER
      OperationOutcome issue codes: exception
      Kept complete: Patient.ndjson (13).
      Kept partial: Organization.ndjson.partial (20 resources, 2 pages).
      Report: OUT/ingest-report.json (status: failed).

      Fix: The server failed; run again later, or ask its administrator. Completed types are kept in the output folder."
    `);
    expect(err.message).not.toContain(PHI_MARKER);
    // Patient complete, Organization partial (pages 1-2, whole lines), Condition never started
    await expectAllFetched(out, server, ['Patient']);
    const partial = await linesOf(join(out, 'Organization.ndjson.partial'));
    expect(partial.map(norm)).toEqual((server.data.get('Organization') ?? []).slice(0, 20).map(norm));
    expect((await readdir(out)).sort()).toEqual([
      'Organization.ndjson.partial',
      'Patient.ndjson',
      'ingest-report.json',
    ]);
    expect(report.status).toBe('failed');
    expect(report.failure).toEqual({
      type: 'Organization',
      step: 'search',
      code: 'INGEST_FHIR_HTTP',
      httpStatus: 500,
    });
    expect(report.types.map((t) => [t.type, t.status, t.file, t.resources, t.pages])).toEqual([
      ['Patient', 'complete', 'Patient.ndjson', 13, 2],
      ['Organization', 'partial', 'Organization.ndjson.partial', 20, 2],
      ['Condition', 'not-fetched', null, 0, 0],
    ]);
    expect(err.report).toEqual(report);
  });

  it('an unknown type (404) fails clearly, naming the type and the fix', async () => {
    const server = await serve();
    const { err, report } = await runFailing({
      server: server.url,
      type: ['Patient', 'Observation'],
      mode: 'search',
    });
    expect(err.code).toBe('INGEST_FHIR_HTTP');
    expect(err.fields).toMatchObject({
      activity: 'searching Observation (page 1)',
      resourceType: 'Observation',
      httpStatus: 404,
      issueCodes: ['not-supported'],
    });
    expect(err.fix).toMatchInlineSnapshot(
      `"The server does not serve Observation here: check the server's base URL and its /metadata, or leave Observation out with --type."`,
    );
    expect(err.message).not.toContain(PHI_MARKER);
    expect(report.types[0]?.status).toBe('complete');
    expect(report.types[1]).toMatchObject({ status: 'partial', resources: 0, pages: 0 });
  });

  it('a connection reset mid-page fails clearly and keeps earlier pages', async () => {
    const server = await serve({ resetSearchPage: { type: 'Condition', page: 2 } });
    const { out, err, report } = await runFailing({
      server: server.url,
      type: ['Condition'],
      mode: 'search',
      pageSize: 25,
    });
    expect(err.code).toBe('INGEST_FHIR_NETWORK');
    expect(err.fields).toMatchObject({ step: 'search', activity: 'searching Condition (page 2)' });
    expect(err.fix).toBeDefined();
    const partial = await linesOf(join(out, 'Condition.ndjson.partial'));
    expect(partial.map(norm)).toEqual((server.data.get('Condition') ?? []).slice(0, 25).map(norm));
    expect(report.failure?.code).toBe('INGEST_FHIR_NETWORK');
  });

  it('a server that is not there fails with a network error', async () => {
    const server = await serve();
    await server.close();
    const { err } = await runFailing({ server: server.url, type: ['Patient'], mode: 'search' });
    expect(err.code).toBe('INGEST_FHIR_NETWORK');
    expect(err.fields).toMatchObject({ system: 'ECONNREFUSED' });
  });

  it('keeps credentials and the query out of the report, sending them as basic auth', async () => {
    const server = await serve();
    const withCreds = server.url.replace('http://', 'http://alice:s3cret@');
    const { out, report } = await run({
      server: `${withCreds}?token=abc`,
      type: ['Patient'],
      mode: 'search',
      pageSize: 5,
    });
    expect(report.server).toBe(`http://127.0.0.1:${server.port}`);
    const text = await readFile(join(out, 'ingest-report.json'), 'utf8');
    expect(text).not.toMatch(/alice|s3cret|token|abc/);
    const auth = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    const searches = server.requests.filter((r) => r.path === '/fhir/Patient');
    expect(searches.length).toBe(3);
    expect(searches.every((r) => r.headers['authorization'] === auth && r.query['token'] === undefined)).toBe(
      true,
    );
  });
});

describe('ingest fhir: Bulk Data $export', () => {
  it('kicks off, polls (honouring Retry-After), downloads and concatenates files in manifest order', async () => {
    const server = await serve({
      exportOperation: true,
      pollsBeforeReady: 2,
      retryAfterSeconds: 1,
      exportFilesPerType: 3,
    });
    const { out, report, clock } = await run({
      server: server.url,
      type: TYPES,
      mode: 'export',
      pollIntervalMs: 0,
    });
    expect(clock.waits).toEqual([1000, 1000]); // two Retry-After: 1 waits, not the interval
    await expectAllFetched(out, server, TYPES);
    expect(report.mode).toBe('export');
    expect(report.types.map((t) => [t.type, t.downloads])).toEqual(TYPES.map((t) => [t, 3]));
    const kick = server.requests.find((r) => r.path === '/fhir/$export');
    expect(kick?.query['_type']).toBe(TYPES.join(','));
    expect(kick?.headers['prefer']).toBe('respond-async');
    expect(kick?.headers['accept']).toBe('application/fhir+json');
    expect(server.requests.filter((r) => r.path === '/fhir/$export-status/1').length).toBe(3);
    expect(server.requests.filter((r) => r.path.startsWith('/fhir/$export-files/')).length).toBe(12);
    expect(server.requests.some((r) => r.path === '/fhir/Patient')).toBe(false);
  });

  it('export and search give the same resources (export keeps the server bytes; search re-serialises)', async () => {
    const server = await serve({ exportOperation: true, exportFilesPerType: 2 });
    const a = await run({ server: server.url, type: TYPES, mode: 'export' });
    const b = await run({ server: server.url, type: TYPES, mode: 'search', pageSize: 17 });
    for (const t of TYPES) {
      const exported = await linesOf(join(a.out, `${t}.ndjson`));
      expect(exported).toEqual(server.data.get(t)); // byte-equal: decimals such as 11.0 keep their precision
      expect((await linesOf(join(b.out, `${t}.ndjson`))).map(norm)).toEqual(exported.map(norm));
    }
  });

  it('auto picks $export when the CapabilityStatement advertises it, search otherwise', async () => {
    const withExport = await serve({ exportOperation: true });
    const a = await run({ server: withExport.url, type: ['Patient'] });
    expect(a.report.mode).toBe('export');
    expect(a.report.requestedMode).toBe('auto');
    expect(withExport.requests[0]?.path).toBe('/fhir/metadata');
    const without = await serve();
    const b = await run({ server: without.url, type: ['Patient'] });
    expect(b.report.mode).toBe('search');
    expect(without.requests.some((r) => r.path === '/fhir/$export')).toBe(false);
    await expectAllFetched(a.out, withExport, ['Patient']);
    await expectAllFetched(b.out, without, ['Patient']);
  });

  it('auto falls back to search when the server refuses the kick-off', async () => {
    const server = await serve({ exportOperation: true, kickOffStatus: 403 });
    const { out, report } = await run({ server: server.url, type: ['Patient'] });
    expect(report.mode).toBe('search');
    expect(report.exportFallbackStatus).toBe(403);
    await expectAllFetched(out, server, ['Patient']);
  });

  it('--since sends _since (a date meaning 00:00 UTC)', async () => {
    const server = await serve({ exportOperation: true });
    await run({ server: server.url, type: ['Patient'], mode: 'export', since: '2024-01-01' });
    expect(server.requests.find((r) => r.path === '/fhir/$export')?.query['_since']).toBe(
      '2024-01-01T00:00:00Z',
    );
  });

  it('a refused kick-off in export mode fails with the status', async () => {
    const server = await serve({ exportOperation: true, kickOffStatus: 403 });
    const { err } = await runFailing({ server: server.url, type: ['Patient'], mode: 'export' });
    expect(err.code).toBe('INGEST_FHIR_HTTP');
    expect(err.fields).toMatchObject({ step: 'kick-off', httpStatus: 403, issueCodes: ['forbidden'] });
  });

  it('a failed export (error status on poll) fails with INGEST_FHIR_EXPORT_FAILED', async () => {
    const server = await serve({ exportOperation: true, pollFailStatus: 500 });
    const { err, report } = await runFailing({ server: server.url, type: ['Patient'], mode: 'export' });
    expect(err.code).toBe('INGEST_FHIR_EXPORT_FAILED');
    expect(err.fields).toMatchObject({ httpStatus: 500 });
    expect(err.message).not.toContain(PHI_MARKER);
    expect(report.failure).toEqual({
      type: null,
      step: 'poll',
      code: 'INGEST_FHIR_EXPORT_FAILED',
      httpStatus: 500,
    });
  });

  it('gives up after maxPolls and cancels the export', async () => {
    const server = await serve({ exportOperation: true, pollsBeforeReady: 100 });
    const { err, clock } = await runFailing({
      server: server.url,
      type: ['Patient'],
      mode: 'export',
      maxPolls: 3,
    });
    expect(err.code).toBe('INGEST_FHIR_EXPORT_TIMEOUT');
    expect(clock.waits).toEqual([0, 0, 0]); // Retry-After: 0 on every 202
    expect(server.requests.filter((r) => r.path === '/fhir/$export-status/1').map((r) => r.method)).toEqual([
      'GET',
      'GET',
      'GET',
      'DELETE',
    ]);
  });

  it('stops during a wait with INTERRUPTED when the caller aborts', async () => {
    const server = await serve({ exportOperation: true, pollsBeforeReady: 1000, retryAfterSeconds: null });
    const out = await tempDir('sinso-fhir-');
    const o = IngestFhirOptionsSchema.parse({
      server: server.url,
      out,
      type: ['Patient'],
      mode: 'export',
      pollIntervalMs: 50,
    });
    const ctl = new AbortController();
    // the caller aborts during the third wait between polls
    const clock = fakeClock(undefined, (_ms, count) => {
      if (count === 3) ctl.abort();
    });
    const err = await ingestFhir({ progress: silentProgress, log, clock, signal: ctl.signal }, o).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as IngestFhirError).code).toBe('INTERRUPTED');
    expect(clock.waits).toEqual([50, 50, 50]); // no Retry-After: the poll interval
    expect(server.requests.filter((r) => r.path === '/fhir/$export-status/1')).toHaveLength(3);
    const report = JSON.parse(await readFile(join(out, 'ingest-report.json'), 'utf8')) as IngestFhirReport;
    expect(report.failure).toMatchObject({ step: 'poll', code: 'INTERRUPTED' });
  });

  it('a reset mid-download keeps completed types and whole lines of the partial one', async () => {
    const server = await serve({ exportOperation: true, resetDownload: { type: 'Immunization' } });
    const { out, err, report } = await runFailing({ server: server.url, type: TYPES, mode: 'export' });
    expect(err.code).toBe('INGEST_FHIR_NETWORK');
    expect(err.fields.step).toBe('download');
    await expectAllFetched(out, server, ['Patient', 'Organization']);
    const partial = await linesOf(join(out, 'Immunization.ndjson.partial'));
    const want = server.data.get('Immunization') ?? [];
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(want.length);
    expect(partial.map(norm)).toEqual(want.slice(0, partial.length).map(norm));
    expect(report.types.map((t) => [t.status, t.resources])).toEqual([
      ['complete', 13],
      ['complete', 43],
      ['partial', partial.length],
      ['not-fetched', 0],
    ]);
  });

  it('tallies the issue codes of the manifest error files, not their text', async () => {
    const server = await serve({ exportOperation: true, exportErrorFile: true });
    const { out, report } = await run({ server: server.url, type: ['Patient'], mode: 'export' });
    expect(report.exportErrors).toEqual({
      files: 1,
      issues: 2,
      issueCodes: { processing: 1, 'too-costly': 1 },
    });
    expect(await readFile(join(out, 'ingest-report.json'), 'utf8')).not.toContain(PHI_MARKER);
  });
});

describe('ingest.fhir stage', () => {
  it('runs as a stage and owns its output folder', async () => {
    const server = await serve();
    const out = await tempDir('sinso-fhir-');
    const o = IngestFhirOptionsSchema.parse({ server: server.url, out, type: ['Patient'], mode: 'search' });
    const r = await ingestFhirStage.run(
      {
        workspace: undefined,
        secrets: {},
        clock: fakeClock(),
        log: silentLogger,
        progress: silentProgress,
      },
      o,
    );
    expect(r.summary).toEqual({ mode: 'search', types: 1, resources: 13, pages: 1, downloads: 0 });
    // the stage's output marker recognises the folder as its own
    const marker = ingestFhirStage.marker;
    if (!marker) expect.unreachable('ingest.fhir declares an output marker');
    const report = JSON.parse(await readFile(join(out, marker.file), 'utf8'));
    expect(marker.schema.safeParse(report).success).toBe(true);
    expect(logLines.join('\n')).not.toContain(PHI_MARKER);
  });
});
