import type { RiskReport } from '../core/schemas/risk.js';
import type { DuckDBSession } from './adapters/DuckDBSession.js';
import { TablesError } from './errors.js';
import { sqlIdent } from './quoteSql.js';
import { QUASI_IDENTIFIERS, type QuasiIdentifier } from './schema.js';

/**
 * Checks quasi-identifier names against the allowed ones, keeping order and dropping repeats.
 *
 * @example
 * parseQuasiIdentifiers(['gender', 'zip3']) // ['gender', 'zip3']
 */
export function parseQuasiIdentifiers(names: readonly string[]): QuasiIdentifier[] {
  const out: QuasiIdentifier[] = [];
  for (const n of names) {
    if (!(QUASI_IDENTIFIERS as readonly string[]).includes(n)) {
      throw new TablesError('RISK_INVALID_QUASI_IDENTIFIER', { problem: 'unknown' });
    }
    if (!out.includes(n as QuasiIdentifier)) out.push(n as QuasiIdentifier);
  }
  if (out.length === 0) {
    throw new TablesError('RISK_INVALID_QUASI_IDENTIFIER', { problem: 'none' });
  }
  return out;
}

/** Whether a quasi-identifier needs the as-of year (age bands). */
export function needsAsOfYear(qi: readonly QuasiIdentifier[]): boolean {
  return qi.some((q) => q.startsWith('age_band_'));
}

/**
 * The SQL expression of a quasi-identifier over a `patients` relation. Age bands are the first
 * age of the band (0, 5, 10, …) as of `asOfYear`.
 *
 * @example
 * quasiIdentifierSql('age_band_10', 2025) // 'CAST(floor((2025 - birth_year) / 10) * 10 AS INTEGER)'
 */
export function quasiIdentifierSql(qi: QuasiIdentifier, asOfYear: number | undefined): string {
  const band = (w: number) => {
    if (asOfYear === undefined) throw new RangeError('age bands need an as-of year');
    return `CAST(floor((${asOfYear} - birth_year) / ${w}) * ${w} AS INTEGER)`;
  };
  if (qi === 'age_band_5') return band(5);
  if (qi === 'age_band_10') return band(10);
  return sqlIdent(qi);
}

/** SQL: the equivalence classes (one row per class, its size `n`) of a patients relation. */
export function classesSql(relation: string, qi: readonly QuasiIdentifier[], asOfYear?: number): string {
  const cols = qi.map((q, i) => `${quasiIdentifierSql(q, asOfYear)} AS q${i}`);
  return `SELECT ${cols.join(', ')}, count(*) AS n FROM ${relation} GROUP BY ALL`;
}

export type ComputeRiskParameters = {
  /** A SQL relation with the `patients` columns: a table name or `read_parquet('…')`. */
  relation: string;
  qi: readonly QuasiIdentifier[];
  minK: number;
  asOfYear?: number | undefined;
};

/**
 * k-anonymity of a patients relation over quasi-identifiers: k (the smallest class), the sizes
 * of the smallest classes (never their values), and how many classes and rows fall below minK.
 *
 * @example
 * const report = await computeRisk(session, { relation: 'main.patients', qi: ['gender'], minK: 5 });
 */
export async function computeRisk(session: DuckDBSession, p: ComputeRiskParameters): Promise<RiskReport> {
  const classes = classesSql(p.relation, p.qi, p.asOfYear);
  const [agg] = await session.rows(
    `WITH c AS (${classes}) SELECT count(*)::BIGINT AS classes, coalesce(sum(n), 0)::BIGINT AS rows, ` +
      `coalesce(min(n), 0)::BIGINT AS k, (count(*) FILTER (WHERE n < ${p.minK}))::BIGINT AS cb, ` +
      `coalesce(sum(n) FILTER (WHERE n < ${p.minK}), 0)::BIGINT AS rb FROM c`,
  );
  const smallest = await session.rows(
    `WITH c AS (${classes}) SELECT n::BIGINT AS n FROM c ORDER BY n LIMIT 10`,
  );
  const num = (v: unknown) => Number(v ?? 0);
  return {
    schema: '1',
    kind: 'sinso-risk',
    table: 'patients',
    quasiIdentifiers: [...p.qi],
    rows: num(agg?.['rows']),
    classes: num(agg?.['classes']),
    k: num(agg?.['k']),
    smallestClasses: smallest.map((r) => num(r['n'])),
    classesBelowMinK: num(agg?.['cb']),
    rowsBelowMinK: num(agg?.['rb']),
    minK: p.minK,
  };
}

/**
 * The year age bands are computed at when none is given: the latest year found in the data
 * (birth years and event years), so the result never depends on the wall clock.
 *
 * @example
 * const year = await latestDataYear(session, (t) => `main.${t}`);
 */
export async function latestDataYear(
  session: DuckDBSession,
  relationOf: (table: string) => string,
): Promise<number | undefined> {
  const parts = [
    ['patients', 'birth_year'],
    ['encounters', 'greatest(start_year, end_year)'],
    ['observations', 'effective_year'],
    ['conditions', 'greatest(onset_year, abatement_year, recorded_year)'],
    ['medications', 'authored_year'],
    ['imaging_studies', 'greatest(started_year, year(study_date))'],
  ].map(([t, e]) => `SELECT max(${e}) AS y FROM ${relationOf(t as string)}`);
  const [row] = await session.rows(`SELECT max(y)::INTEGER AS y FROM (${parts.join(' UNION ALL ')})`);
  const y = row?.['y'];
  return y === null || y === undefined ? undefined : Number(y);
}
