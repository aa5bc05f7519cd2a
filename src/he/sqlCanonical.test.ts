import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../core/hash.js';
import { parseHeQuery } from './sql.js';

// HE job-spec hashes are taken over `canonical`: these texts are pinned, and must not change.
describe('parseHeQuery: the canonical text is pinned', () => {
  it('writes a query using every part of the subset as it always has', () => {
    const q = parseHeQuery(
      `select "Site", Gender, count(*), Count(v) AS n_v, sum(v), avg(v) "Mean", variance(v), var_pop(v)
         from Obs
        where code in ('8480-6', '4548-4', '8480-6') and 7.50 = dose and status = 'it''s'
          and "Site" IN ('b', 'a&', 'a') and unit = -0012.50 and unit IN (-12.5, 3)
        group by "Site", gender;`,
    );
    const pinned =
      `SELECT "Site", gender, COUNT(*), COUNT(v) AS n_v, SUM(v), AVG(v) AS "Mean", VAR_SAMP(v), VAR_POP(v) ` +
      `FROM obs WHERE "Site" IN ('a', 'a&', 'b') AND code IN ('4548-4', '8480-6') AND dose = '7.5' ` +
      `AND status = 'it''s' AND unit = '-12.5' GROUP BY "Site", gender`;
    expect(q.canonical).toBe(pinned);
    expect(sha256Hex(q.canonical)).toBe('9457ebaefe6ea76d765462ef6374eb3b6555b84c2a600b127071b8975eb8bff5');
  });

  it('writes an empty intersection and reserved names as it always has', () => {
    expect(
      parseHeQuery(`SELECT COUNT(*) AS "order" FROM "select" WHERE a IN ('x') AND a = 'y' AND "AND" = 1`)
        .canonical,
    ).toBe(`SELECT COUNT(*) AS "order" FROM "select" WHERE "AND" = '1' AND a = '0' AND a = '1'`);
  });
});
