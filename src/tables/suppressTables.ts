import type { TablesManifest } from '../core/schemas/tables.js';
import type { StageContext, StageResult } from '../core/stage.js';
import type { DuckDBSession } from './adapters/DuckDBSession.js';
import { exportTables } from './adapters/exportTables.js';
import { withTables } from './adapters/openTables.js';
import { sqlIdent } from './quoteSql.js';
import { latestDataYear, needsAsOfYear, parseQuasiIdentifiers, quasiIdentifierSql } from './risk.js';
import {
  type QuasiIdentifier,
  TABLE_NAMES,
  type TablesSuppressOptions,
  type TablesSuppressResult,
} from './schema.js';

const temp = (t: string) => `temp.main.${sqlIdent(t)}`;

/** Tables whose rows belong to a patient through `patient_id`. */
const PATIENT_TABLES = [
  'encounters',
  'observations',
  'observation_components',
  'conditions',
  'medications',
  'imaging_studies',
];
/** Tables whose rows belong to a patient through their study. */
const STUDY_TABLES = ['imaging_series', 'imaging_instances'];

/**
 * The SQL updates that coarsen the quasi-identifiers a QI list uses: birth year → first year of
 * its decade (and the full birth date removed, as it would give the year back), zip3 → `000`.
 * Returns the predicate of the rows it changes, or undefined when nothing applies.
 *
 * @example
 * generalizationSql(['birth_year', 'gender']).set // 'birth_year = …, birth_date = NULL'
 */
export function generalizationSql(
  qi: readonly QuasiIdentifier[],
): { set: string; changes: string } | undefined {
  const set: string[] = [];
  const changes: string[] = [];
  if (qi.some((q) => q === 'birth_year' || q.startsWith('age_band_'))) {
    set.push('birth_year = birth_year - ((birth_year % 10) + 10) % 10', 'birth_date = NULL');
    changes.push('(birth_year IS NOT NULL AND ((birth_year % 10) + 10) % 10 <> 0)', 'birth_date IS NOT NULL');
  }
  if (qi.includes('zip3')) {
    set.push("zip3 = CASE WHEN zip3 IS NULL THEN NULL ELSE '000' END");
    changes.push("(zip3 IS NOT NULL AND zip3 <> '000')");
  }
  return set.length === 0 ? undefined : { set: set.join(', '), changes: changes.join(' OR ') };
}

export type SuppressInSessionParameters = {
  qi: readonly QuasiIdentifier[];
  minK: number;
  method: 'drop' | 'generalize';
  asOfYear?: number | undefined;
};

/**
 * Suppression over the tables loaded as temp tables: generalize (if asked) then drop every
 * patient in a class below k, with every row of theirs in every table (imaging series and
 * instances follow their study's patient). Returns the counts.
 *
 * @example
 * const counts = await suppressInSession(session, { qi: ['gender'], minK: 5, method: 'drop' });
 */
export async function suppressInSession(
  session: DuckDBSession,
  p: SuppressInSessionParameters,
): Promise<{ patientsDropped: number; patientsGeneralized: number; rowsDropped: number }> {
  let patientsGeneralized = 0;
  const g = p.method === 'generalize' ? generalizationSql(p.qi) : undefined;
  if (g) {
    const [row] = await session.rows(
      `SELECT count(*)::BIGINT AS n FROM ${temp('patients')} WHERE ${g.changes}`,
    );
    patientsGeneralized = Number(row?.['n'] ?? 0);
    await session.run(`UPDATE ${temp('patients')} SET ${g.set}`);
  }
  const parts = p.qi.map((q) => quasiIdentifierSql(q, p.asOfYear)).join(', ');
  await session.run(
    `CREATE OR REPLACE TEMP TABLE suppress_patients AS SELECT patient_id FROM (SELECT patient_id, ` +
      `count(*) OVER (PARTITION BY ${parts}) AS n FROM ${temp('patients')}) WHERE n < ${p.minK}`,
  );
  await session.run(
    `CREATE OR REPLACE TEMP TABLE suppress_studies AS SELECT study_uid FROM ${temp('imaging_studies')} ` +
      'WHERE patient_id IN (SELECT patient_id FROM suppress_patients)',
  );
  let rowsDropped = 0;
  const drop = async (table: string, where: string) => {
    rowsDropped += (await session.run(`DELETE FROM ${temp(table)} WHERE ${where}`)).rowsChanged;
  };
  for (const t of STUDY_TABLES) await drop(t, 'study_uid IN (SELECT study_uid FROM suppress_studies)');
  for (const t of PATIENT_TABLES) await drop(t, 'patient_id IN (SELECT patient_id FROM suppress_patients)');
  const [dropped] = await session.rows('SELECT count(*)::BIGINT AS n FROM suppress_patients');
  await drop('patients', 'patient_id IN (SELECT patient_id FROM suppress_patients)');
  return { patientsDropped: Number(dropped?.['n'] ?? 0), patientsGeneralized, rowsDropped };
}

/**
 * The `tables.suppress` stage: reads a tables folder, suppresses patients in k-anonymity classes
 * below `minK` (drop; or generalize, then drop what is still below), and writes a new tables
 * folder with `suppression` counts in tables.json and a fresh risk.json.
 *
 * @example
 * const r = await suppressTables(ctx, TablesSuppressOptionsSchema.parse({ input: 'tables', out: 'tables-k5' }));
 */
export async function suppressTables(
  ctx: StageContext,
  o: TablesSuppressOptions,
): Promise<StageResult<TablesSuppressResult>> {
  const qi = parseQuasiIdentifiers(o.qi);
  return withTables(o.input, { sinsoTables: true }, async (tables) => {
    const session = await tables.session();
    for (const t of TABLE_NAMES) {
      await session.run(`CREATE TEMP TABLE ${sqlIdent(t)} AS SELECT * FROM ${tables.relation(t)}`);
    }
    const asOfYear = o.asOfYear ?? (needsAsOfYear(qi) ? await latestDataYear(session, temp) : undefined);
    const counts = await suppressInSession(session, { qi, minK: o.minK, method: o.method, asOfYear });
    const suppression: NonNullable<TablesManifest['suppression']> = {
      method: o.method,
      minK: o.minK,
      quasiIdentifiers: [...qi],
      ...counts,
    };
    const { risk } = await exportTables(session, {
      relationOf: temp,
      out: o.out,
      sources: tables.manifest.sources,
      suppression,
      qi,
      minK: o.minK,
      asOfYear,
    });
    ctx.log.info(
      `suppression: ${counts.patientsDropped} patient(s) dropped, ${counts.patientsGeneralized} generalized, ${counts.rowsDropped} row(s) removed`,
    );
    return {
      summary: {
        method: o.method,
        patientsDropped: counts.patientsDropped,
        patientsGeneralized: counts.patientsGeneralized,
        rowsDropped: counts.rowsDropped,
        k: risk.k,
        patients: risk.rows,
      },
    };
  });
}
