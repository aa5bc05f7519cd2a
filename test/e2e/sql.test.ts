import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runMain } from '../utils/cli.js';
import { holdDatabase } from '../utils/duckdb.js';
import { deidFhirReport } from '../utils/reports.js';
import { tempDir } from '../utils/tmp.js';
import { initTestWorkspace, TEST_PASSPHRASE } from '../utils/workspace.js';

// A value that must never reach an error message: free text of a table, as a display name.
const VALUE = 'JOHN QZX SMITH';

let ws: string;
let fhirDir: string;
let outDir: string;

beforeAll(async () => {
  process.env['SINSO_PASSPHRASE'] = TEST_PASSPHRASE;
  const dir = await tempDir('sinso-sql-e2e-');
  ws = join(dir, 'ws');
  await initTestWorkspace(ws);
  const fhir = join(dir, 'deid-fhir');
  fhirDir = fhir;
  outDir = join(dir, 'tables');
  await mkdir(fhir, { recursive: true });
  await writeFile(join(fhir, 'deid-report.json'), JSON.stringify(deidFhirReport()));
  await writeFile(
    join(fhir, 'Patient.ndjson'),
    `${JSON.stringify({ resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1970' })}\n`,
  );
  await writeFile(
    join(fhir, 'Observation.ndjson'),
    `${JSON.stringify({
      resourceType: 'Observation',
      id: 'o1',
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ code: '1234-5', display: VALUE }] },
      valueQuantity: { value: 1 },
    })}\n`,
  );
  const r = await runMain(['tables', '--workspace', ws, fhir, '--out', join(dir, 'tables')]);
  expect(r.code).toBe(0);
});

describe('sinso sql errors carry no data value', () => {
  it('withholds the message of a conversion error, which quotes the value, and gives its kind and position', async () => {
    const query = 'SELECT code,\n  CAST(display AS INTEGER) AS n FROM observations';
    // the value is there: DuckDB's own message would quote it
    const ok = await runMain(['sql', '--workspace', ws, '--csv', 'SELECT display FROM observations']);
    expect(ok.stdout).toContain(VALUE);
    for (const json of [false, true]) {
      const r = await runMain(['sql', '--workspace', ws, ...(json ? ['--json'] : []), query]);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain('QZX');
      expect(r.stdout).not.toContain('QZX');
      expect(r.stderr).toContain('The SQL query failed.');
      expect(r.stderr).toContain('DuckDB Conversion Error at line 2, column 3.');
      expect(r.stderr).toContain(
        "DuckDB's message is not shown: errors of this kind can quote a value of the data.",
      );
      expect(r.stderr).toContain('Column: display (to INT32)');
      expect(r.stderr).toMatch(/Fix: .*TRY_CAST/);
    }
  });

  it('keeps the column and table names of binder and catalog errors, not the query text around them', async () => {
    const binder = await runMain([
      'sql',
      '--workspace',
      ws,
      `SELECT nope FROM observations WHERE display = '${VALUE}'`,
    ]);
    expect(binder.code).toBe(1);
    expect(binder.stderr).toContain('DuckDB Binder Error at line 1, column 8.');
    expect(binder.stderr).toContain('DuckDB: Referenced column "nope" not found in FROM clause!');
    expect(binder.stderr).toContain('Candidate bindings:');
    expect(binder.stderr).not.toContain('QZX');
    expect(binder.stderr).not.toContain('LINE 1');
    const catalog = await runMain(['sql', '--workspace', ws, `SELECT * FROM nowhere WHERE x = '${VALUE}'`]);
    expect(catalog.code).toBe(1);
    expect(catalog.stderr).toContain('DuckDB Catalog Error at line 1, column 15.');
    expect(catalog.stderr).toContain('DuckDB: Table with name nowhere does not exist!');
    expect(catalog.stderr).not.toContain('QZX');
  });

  it('gives a parser error its position, not the text at that position', async () => {
    const r = await runMain([
      'sql',
      '--workspace',
      ws,
      `SELECT *\nFROM observations\nWHERE display = 'JOHN' QZX = 1`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DuckDB Parser Error at line 3, column 24.');
    expect(r.stderr).toContain('DuckDB: syntax error');
    expect(r.stderr).not.toContain('QZX');
    expect(r.stderr).not.toContain('JOHN');
    const unterminated = await runMain(['sql', '--workspace', ws, `SELECT '${VALUE}`]);
    expect(unterminated.stderr).toContain('DuckDB Parser Error at line 1, column 8.');
    expect(unterminated.stderr).toContain('DuckDB: unterminated quoted string');
    expect(unterminated.stderr).not.toContain('QZX');
  });

  it('withholds invalid-input and out-of-range messages (they quote values and patterns)', async () => {
    for (const query of [
      `SELECT strptime(display, '%Y') FROM observations`,
      `SELECT regexp_matches(display, '(${VALUE}') FROM observations`,
      `SELECT json_extract(display, '$.a') FROM observations`,
    ]) {
      const r = await runMain(['sql', '--workspace', ws, query]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('DuckDB Invalid Input Error.');
      expect(r.stderr).not.toContain('QZX');
    }
    const range = await runMain(['sql', '--workspace', ws, 'SELECT 9223372036854775807::BIGINT + 1']);
    expect(range.stderr).toContain('DuckDB Out of Range Error.');
    expect(range.stderr).not.toContain('9223372036854775807');
  });

  it('says that a dataset does not exist instead of reporting a bug', async () => {
    const r = await runMain(['sql', '--workspace', ws, '--dataset', 'nope', 'SELECT 1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The workspace has no dataset of that name.');
    expect(r.stderr).not.toContain('bug');
  });
});

describe('sinso sql while another sinso process writes the workspace', () => {
  const database = () => join(ws, 'store', 'sinso.duckdb');

  it('waits for the writer, saying so on stderr, then answers', async () => {
    const held = await holdDatabase(database());
    let stdout = '';
    let stderr = '';
    let released: Promise<void> | undefined;
    try {
      const code = await main(['sql', '--workspace', ws, '--csv', 'SELECT count(*) AS n FROM observations'], {
        stdout: (t) => (stdout += t),
        stderr: (t) => {
          stderr += t;
          // the writer finishes once sql has said that it waits
          if (t.includes('waiting up to')) released ??= held.release();
        },
        stdoutIsTTY: false,
        stderrIsTTY: false,
      });
      expect(code).toBe(0);
      expect(stdout).toBe('n\r\n1\r\n');
      expect(stderr).toBe(
        `sql: another process (PID ${held.pid}) is writing the workspace database; waiting up to 60 s for it (--wait).\n`,
      );
    } finally {
      await (released ?? held.release());
    }
  });

  it('gives up after --wait with a typed error and a fix', async () => {
    const held = await holdDatabase(database());
    try {
      const r = await runMain(['sql', '--workspace', ws, '--wait', '0', 'SELECT 1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error: Another process is writing the workspace database.');
      expect(r.stderr).toContain(`Held by process ${held.pid}.`);
      expect(r.stderr).toContain('--wait SECONDS');
    } finally {
      await held.release();
    }
  });

  it('a tables run meets a clear error, not a misleading one, while a query reads the database', async () => {
    const held = await holdDatabase(database(), 'read');
    try {
      const r = await runMain(['tables', '--workspace', ws, fhirDir, '--out', outDir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error: Another process is using the workspace database.');
      expect(r.stderr).toContain(`Held by process ${held.pid}.`);
    } finally {
      await held.release();
    }
    // and the tables still answer
    const ok = await runMain(['sql', '--workspace', ws, 'SELECT count(*) AS n FROM patients']);
    expect(ok.stdout).toContain('1');
  });
});
