import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson, sha256File } from '../../core/hash.js';
import type { RiskReport } from '../../core/schemas/risk.js';
import type { DeidSource, TableEntry, TablesManifest } from '../../core/schemas/tables.js';
import { orderBySql } from '../materializeSql.js';
import { sqlString } from '../quoteSql.js';
import { computeRisk, latestDataYear, needsAsOfYear } from '../risk.js';
import { type QuasiIdentifier, TABLES, TABLES_VERSION } from '../schema.js';
import type { DuckDBSession } from './DuckDBSession.js';

/** Rows per Parquet row group: fixed, so the file layout never depends on thread count. */
export const PARQUET_ROW_GROUP_SIZE = 122_880;

export type ExportTablesParameters = {
  /** SQL relation of each table, e.g. `t => "main"."t"`. */
  relationOf: (table: string) => string;
  out: string;
  sources: readonly DeidSource[];
  suppression?: TablesManifest['suppression'];
  qi: readonly QuasiIdentifier[];
  minK: number;
  asOfYear?: number | undefined;
};

/**
 * Writes every table as `<out>/<table>.parquet` in its primary row order, then `tables.json`
 * (rows, bytes, sha256, order, columns) and `risk.json` (k-anonymity of `patients`). The same
 * rows always give the same bytes.
 *
 * @example
 * const { manifest, risk } = await exportTables(session, { relationOf: (t) => `main.${t}`, out, sources, qi, minK: 5 });
 */
export async function exportTables(
  session: DuckDBSession,
  p: ExportTablesParameters,
): Promise<{ manifest: TablesManifest; risk: RiskReport }> {
  await mkdir(p.out, { recursive: true });
  const tables: TableEntry[] = [];
  for (const t of TABLES) {
    const file = `${t.name}.parquet`;
    const path = join(p.out, file);
    await session.run(
      `COPY (SELECT * FROM ${p.relationOf(t.name)} ORDER BY ${orderBySql(t)}) TO ${sqlString(path)} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${PARQUET_ROW_GROUP_SIZE})`,
    );
    const [count] = await session.rows(`SELECT count(*)::BIGINT AS n FROM ${p.relationOf(t.name)}`);
    tables.push({
      name: t.name,
      file,
      rows: Number(count?.['n'] ?? 0),
      bytes: (await stat(path)).size,
      sha256: await sha256File(path),
      orderBy: [...t.orderBy],
      columns: t.columns.map((c) => ({ ...c })),
    });
  }
  const manifest: TablesManifest = {
    schema: '1',
    kind: 'sinso-tables',
    tablesVersion: TABLES_VERSION,
    tables,
    sources: [...p.sources],
    ...(p.suppression ? { suppression: p.suppression } : {}),
  };
  const asOfYear =
    p.asOfYear ?? (needsAsOfYear(p.qi) ? await latestDataYear(session, p.relationOf) : undefined);
  const risk = await computeRisk(session, {
    relation: p.relationOf('patients'),
    qi: p.qi,
    minK: p.minK,
    asOfYear: asOfYear ?? 0,
  });
  await writeFileAtomic(join(p.out, 'tables.json'), `${canonicalJson(manifest, 2)}\n`);
  await writeFileAtomic(join(p.out, 'risk.json'), `${canonicalJson(risk, 2)}\n`);
  return { manifest, risk };
}
