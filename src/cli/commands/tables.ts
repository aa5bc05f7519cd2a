import { z } from 'zod';
import { ExitCode } from '../../core/errors/index.js';
import type { ProgressTask } from '../../core/progress.js';
import {
  assessRisk,
  RiskOptionsSchema,
  runSql,
  SqlOptionsSchema,
  type SqlRow,
  workspaceDatabasePath,
} from '../../tables/index.js';
import { defineCommand, requireWorkspace } from '../command.js';
import { formatCount, formatTable } from '../format.js';

/** RFC 4180 field. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const TABLE_VIEW_ROWS = 1000;

/** Seconds `sinso sql` waits by default for a process that writes the workspace database. */
const SQL_WAIT_SECONDS = 60;

const SqlCommandOptionsSchema = SqlOptionsSchema.extend({
  wait: z
    .number()
    .min(0)
    .default(SQL_WAIT_SECONDS)
    .describe(
      'Seconds to wait while another sinso process (`sinso tables`, `sinso run`) writes the workspace database; 0: fail at once',
    ),
});

export const sqlCommand = defineCommand({
  path: ['sql'],
  summary: 'Run a read-only SQL query (DuckDB) over the workspace tables',
  description:
    "Queries the workspace DuckDB (store/sinso.duckdb) read-only, with --dataset first on the search path. While another sinso process writes that database (`sinso tables`, `sinso run`), it waits for it (--wait seconds, then exits 1). Output: an aligned table (first 1000 rows unless --max-rows), CSV with --csv, JSON rows with --json; CSV and JSON stream every row. A failing query exits 1 with DuckDB's error kind and position (line, column); DuckDB's message only for binder and catalog errors (names of tables and columns), since the others can quote a value of the data.",
  options: SqlCommandOptionsSchema,
  positional: { key: 'query', name: 'QUERY', many: false },
  examples: [
    'sinso sql "SELECT gender, count(*) AS n FROM patients GROUP BY gender ORDER BY gender"',
    'sinso sql "SELECT code, avg(value) FROM observations GROUP BY code" --csv > means.csv',
    'sinso sql "SELECT * FROM imaging_studies" --dataset owner1 --json',
  ],
  async run(ctx, o) {
    const workspace = await requireWorkspace(ctx);
    const database = workspaceDatabasePath(workspace.paths.store);
    const mode = ctx.globals.json ? 'json' : o.csv ? 'csv' : 'table';
    const limit = o.maxRows ?? (mode === 'table' ? TABLE_VIEW_ROWS : Number.POSITIVE_INFINITY);
    let columns: readonly string[] = [];
    const shown: SqlRow[] = [];
    let written = 0;
    let firstJson = true;
    let waiting: ProgressTask | undefined;
    let waitedSeconds = 0;
    const stopWaiting = () => {
      waiting?.done();
      waiting = undefined;
    };
    const r = await runSql({
      database,
      query: o.query,
      dataset: o.dataset,
      lockWaitMs: o.wait * 1000,
      onLockWait(w) {
        if (!waiting) {
          const holder =
            w.holderPid === undefined ? 'another process' : `another process (PID ${w.holderPid})`;
          ctx.log.info(
            `sql: ${holder} is writing the workspace database; waiting up to ${o.wait} s for it (--wait).`,
          );
          waiting = ctx.progress.start('sql: waiting for the workspace database (s)', Math.ceil(o.wait));
        }
        const s = Math.floor(w.waitedMs / 1000);
        if (s > waitedSeconds) waiting.tick(s - waitedSeconds);
        waitedSeconds = Math.max(s, waitedSeconds);
      },
      onColumns(names) {
        stopWaiting();
        columns = names;
        if (mode === 'csv') ctx.io.stdout(`${names.map(csvField).join(',')}\r\n`);
        if (mode === 'json') ctx.io.stdout('[');
      },
      onRows(rows) {
        const take = rows.slice(0, Math.max(0, limit - written));
        written += take.length;
        if (mode === 'csv') {
          if (take.length)
            ctx.io.stdout(`${take.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`);
        } else if (mode === 'json') {
          for (const row of take) {
            const obj = Object.fromEntries(columns.map((c, i) => [c, row[i] ?? null]));
            ctx.io.stdout(`${firstJson ? '\n' : ',\n'}  ${JSON.stringify(obj)}`);
            firstJson = false;
          }
        } else shown.push(...take);
        return written < limit;
      },
    }).finally(stopWaiting);
    if (mode === 'json') ctx.io.stdout(firstJson ? ']\n' : '\n]\n');
    if (mode === 'table') {
      ctx.io.stdout(
        formatTable(
          shown.map((row) => row.map(cell)),
          columns,
        ),
      );
      const more = r.rows > written ? ' (more not shown; use --max-rows or --csv)' : '';
      ctx.io.stderr(`${formatCount(written)} row(s)${more}\n`);
    }
    return ExitCode.ok;
  },
});

export const riskCommand = defineCommand({
  path: ['risk'],
  summary: 'k-anonymity of a tables folder over quasi-identifiers (class sizes only, never values)',
  description:
    'Forms equivalence classes of patients over the quasi-identifiers (default birth_year, gender, zip3; also age_band_5, age_band_10, state, race, ethnicity) and reports k (the smallest class), the sizes of the 10 smallest classes, and the classes and patients below --min-k. Age bands are as of --as-of-year (default: the latest year in the data, never the clock).',
  options: RiskOptionsSchema,
  positional: { key: 'tables', name: 'TABLES_DIR', many: false },
  examples: [
    'sinso risk tables/',
    'sinso risk tables/ --qi age_band_10 --qi gender --qi zip3 --min-k 10 --out risk.json',
  ],
  async run(ctx, o) {
    const r = await assessRisk(o);
    ctx.print(
      formatTable([
        ['quasi-identifiers', r.quasiIdentifiers.join(', ')],
        ['patients', formatCount(r.rows)],
        ['classes', formatCount(r.classes)],
        ['k', String(r.k)],
        ['smallest classes', r.smallestClasses.join(', ')],
        [`classes below k=${r.minK}`, formatCount(r.classesBelowMinK)],
        [`patients below k=${r.minK}`, formatCount(r.rowsBelowMinK)],
      ]),
      r,
    );
    return ExitCode.ok;
  },
});
