import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import type { RiskReport } from '../core/schemas/risk.js';
import { withTables } from './adapters/openTables.js';
import { computeRisk, latestDataYear, needsAsOfYear, parseQuasiIdentifiers } from './risk.js';
import type { RiskOptions } from './schema.js';

/**
 * `sinso risk`: k-anonymity of a tables folder's patients over quasi-identifiers (GROUP BY in
 * DuckDB over the Parquet), optionally written to a JSON file.
 *
 * @example
 * const report = await assessRisk(RiskOptionsSchema.parse({ tables: 'tables/', qi: ['gender', 'zip3'] }));
 */
export async function assessRisk(o: RiskOptions): Promise<RiskReport> {
  const qi = parseQuasiIdentifiers(o.qi);
  return withTables(o.tables, { sinsoTables: true }, async (tables) => {
    const session = await tables.session();
    const relationOf = (t: string) => tables.relation(t);
    const asOfYear =
      o.asOfYear ?? (needsAsOfYear(qi) ? await latestDataYear(session, relationOf) : undefined);
    const report = await computeRisk(session, {
      relation: relationOf('patients'),
      qi,
      minK: o.minK,
      asOfYear: asOfYear ?? 0,
    });
    if (o.out !== undefined) await writeFileAtomic(o.out, `${canonicalJson(report, 2)}\n`);
    return report;
  });
}
