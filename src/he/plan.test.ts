import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/utils/errors.js';
import { HeError } from './errors.js';
import { type HeTableManifest, vectorName } from './heTable.js';
import type { HeParams } from './params.js';
import { groupScope, planQuery } from './plan.js';
import { parseHeQuery } from './sql.js';

const CID = `bafkrei${'a'.repeat(52)}`;
/** t = 65537: sums are exact while |sum| ≤ 32767. */
const BFV: HeParams = {
  scheme: 'bfv',
  polyDegree: 8192,
  coeffModulusBits: [43, 43, 44, 44, 44],
  plainModulus: '65537',
};
const CKKS: HeParams = {
  scheme: 'ckks',
  polyDegree: 8192,
  coeffModulusBits: [60, 40, 40, 60],
  scaleBits: 40,
};

type Value = HeTableManifest['values'][number];
const value = (over: Partial<Value> = {}): Value => ({
  column: 'value',
  scale: 1,
  bound: 20,
  boundSource: 'declared',
  hasNulls: false,
  ...over,
});

/**
 * A hand-made he.json (no SEAL): owner n's table, public columns gender and age_band laid out
 * as `cells`, `value` a value column, gender, age_band and code indicator columns; its vectors
 * and blocks as writeEncryptedTable names them (every CID the same: the planner never reads them).
 */
function manifest(
  n: number,
  over: Partial<Omit<HeTableManifest, 'keys'>> & { params?: HeParams; fingerprint?: string } = {},
): HeTableManifest {
  const { params = BFV, fingerprint = 'a'.repeat(32), ...rest } = over;
  const cells = rest.cells ?? [
    { key: ['female', '20'], start: 0, rows: 4 },
    { key: ['female', '40'], start: 4, rows: 3 },
    { key: ['male', '40'], start: 7, rows: 2 },
    { key: [null, '20'], start: 9, rows: 1 },
  ];
  const rows = rest.rows ?? cells.reduce((a, c) => a + c.rows, 0);
  const slots = rest.slots ?? (params.scheme === 'bfv' ? 8192 : 4096);
  const values = rest.values ?? [value()];
  const indicators = rest.indicators ?? [
    { column: 'gender', values: ['female', 'male', null] },
    { column: 'age_band', values: ['20', '40'] },
    { column: 'code', values: ['a', 'b'] },
  ];
  const vectors = [
    ...values.flatMap((v) => [
      vectorName.value(v.column),
      vectorName.square(v.column),
      vectorName.present(v.column),
    ]),
    ...indicators.flatMap((ind) => ind.values.map((_, i) => vectorName.indicator(ind.column, i))),
  ];
  return {
    schema: '1',
    kind: 'sinso-he-table',
    name: 't',
    dataset: {
      id: `owner-00${n}`,
      name: `owner ${n}`,
      manifestCid: CID,
      commitmentRoot: `0x${n.toString(16).padStart(64, '0')}`,
      table: 'obs',
    },
    rowFilter: null,
    asOfYear: null,
    keys: { fingerprint, params },
    slots,
    publicColumns: ['gender', 'age_band'],
    ...rest,
    rows,
    cells,
    values,
    indicators,
    vectors,
    blocks: Array.from({ length: Math.max(1, Math.ceil(rows / slots)) }, () => vectors.map(() => CID)),
  };
}

const plan = (sql: string, tables: HeTableManifest[], mode: 'public' | 'private' | 'auto' = 'auto') =>
  planQuery(parseHeQuery(sql), tables, mode);

/** The HE error planQuery raises (or fails the test if it raises none). */
function refusal(
  sql: string,
  tables: HeTableManifest[],
  mode: 'public' | 'private' | 'auto' = 'auto',
): HeError {
  return thrownBy(HeError, () => plan(sql, tables, mode));
}

describe('planQuery: the mode', () => {
  it('auto is public-keys mode when every WHERE and GROUP BY column is public in every table', () => {
    const t = [manifest(1), manifest(2)];
    expect(plan("SELECT age_band, AVG(value) FROM t WHERE gender = 'female' GROUP BY age_band", t).mode).toBe(
      'public',
    );
    expect(plan('SELECT COUNT(*), SUM(value) FROM t', t).mode).toBe('public');
    // code is an indicator, not public
    expect(plan("SELECT gender, COUNT(*) FROM t WHERE code = 'a' GROUP BY gender", t).mode).toBe('private');
    // one pooled table without gender public is enough
    expect(
      plan('SELECT gender, COUNT(*) FROM t GROUP BY gender', [
        manifest(1),
        manifest(2, { publicColumns: ['age_band'] }),
      ]).mode,
    ).toBe('private');
    // asked for, private mode is planned even where public would do
    expect(plan('SELECT gender, COUNT(*) FROM t GROUP BY gender', t, 'private').mode).toBe('private');
  });

  it('public mode refuses a column that is not public; private mode one that is not an indicator', () => {
    const pub = refusal("SELECT COUNT(*) FROM t WHERE code = 'a'", [manifest(1)], 'public');
    expect(pub.code).toBe('HE_QUERY_INVALID');
    expect(pub.message).toContain('code is not a public column of dataset owner-001');
    const noIndicator = manifest(2, { indicators: [{ column: 'gender', values: ['female'] }] });
    const priv = refusal(
      'SELECT age_band, COUNT(*) FROM t GROUP BY age_band',
      [manifest(1), noIndicator],
      'private',
    );
    expect(priv.code).toBe('HE_QUERY_INVALID');
    expect(priv.message).toContain('age_band is not an encrypted indicator column of dataset owner-002');
  });
});

describe('planQuery: refusals', () => {
  it('HE_QUERY_INVALID for a column no table encrypts, another table name, no aggregate, no table', () => {
    const t = [manifest(1), manifest(2, { values: [value({ column: 'bmi' }), value()] }), manifest(3)];
    const bmi = refusal('SELECT AVG(bmi) FROM t', t);
    expect(bmi.code).toBe('HE_QUERY_INVALID');
    expect(bmi.message).toContain('bmi is not an encrypted value column of dataset owner-001');
    expect(refusal('SELECT race, COUNT(*) FROM t GROUP BY race', t).message).toContain(
      'race is not an encrypted indicator column',
    );
    expect(refusal('SELECT COUNT(*) FROM other', t).message).toContain(
      'the query reads other but a pooled table is t',
    );
    expect(refusal('SELECT gender FROM t GROUP BY gender', t).message).toContain('asks for no aggregate');
    expect(refusal('SELECT COUNT(*) FROM t', []).code).toBe('HE_QUERY_INVALID');
    // pooled tables must scale a column alike
    expect(
      refusal('SELECT SUM(value) FROM t', [manifest(1), manifest(2, { values: [value({ scale: 2 })] })])
        .message,
    ).toContain('different scales');
  });

  it('HE_KEY_MISMATCH for tables encrypted under different public keys', () => {
    const err = refusal('SELECT COUNT(*) FROM t', [
      manifest(1),
      manifest(2, { fingerprint: 'b'.repeat(32) }),
    ]);
    expect(err.code).toBe('HE_KEY_MISMATCH');
  });

  it('HE_PARAMS when bound × rows, pooled, may reach t/2 (BFV), at the boundary exactly', () => {
    // scale 0, bound 217: 151 rows may sum to 217 × 151 = 32767 = t/2 − 1, exactly representable
    const v = value({ scale: 0, bound: 217 });
    const at = [manifest(1, { rows: 100, values: [v] }), manifest(2, { rows: 51, values: [v] })];
    expect(plan('SELECT SUM(value) FROM t', at).quantities).toContain('x:value');
    const over = [manifest(1, { rows: 100, values: [v] }), manifest(2, { rows: 52, values: [v] })];
    const err = refusal('SELECT SUM(value) FROM t', over);
    expect(err.code).toBe('HE_PARAMS');
    expect(err.message).toContain('the sum of value over 152 rows may reach 32984');
    // the scale multiplies the bound; the largest bound of the pooled tables counts
    expect(
      refusal('SELECT SUM(value) FROM t', [
        manifest(1, { rows: 151, values: [value({ scale: 1, bound: 21.8 })] }),
      ]).code,
    ).toBe('HE_PARAMS');
    expect(
      refusal('SELECT SUM(value) FROM t', [
        manifest(1, { rows: 100, values: [v] }),
        manifest(2, { rows: 51, values: [value({ scale: 0, bound: 218 })] }),
      ]).code,
    ).toBe('HE_PARAMS');
    // squares: VAR needs Σx² ≤ t/2 too (20 × 10 = 200, squared 40000, over 1 row already)
    const sq = refusal('SELECT VAR(value) FROM t', [manifest(1, { rows: 1 })]);
    expect(sq.message).toContain('the sum of squares of value over 1 rows may reach 40000');
    expect(plan('SELECT SUM(value) FROM t', [manifest(1, { rows: 1 })]).mode).toBe('public');
    // CKKS approximates: no such limit
    expect(
      plan('SELECT VAR(value) FROM t', [
        manifest(1, { rows: 10 ** 6, params: CKKS, values: [value({ scale: 0, bound: 1e6 })] }),
      ]).quantities,
    ).toContain('x2:value');
  });

  it('HE_PARAMS for a private query deeper than the parameters allow', () => {
    const t = [manifest(1, { rows: 10, values: [value({ scale: 0, bound: 1 })] })];
    // two columns and a value: 2 products in a row (N = 8192 allows 2)
    expect(
      plan('SELECT gender, age_band, SUM(value) FROM t GROUP BY gender, age_band', t, 'private').depth,
    ).toBe(2);
    expect(plan("SELECT gender, SUM(value) FROM t WHERE code = 'a' GROUP BY gender", t).depth).toBe(2);
    // three columns and a value: 3
    const deep = refusal(
      "SELECT gender, age_band, SUM(value) FROM t WHERE code = 'a' GROUP BY gender, age_band",
      t,
    );
    expect(deep.code).toBe('HE_PARAMS');
    expect(deep.message).toContain(
      'the query needs 3 ciphertext products in a row (3 WHERE/GROUP BY columns times a value); these parameters allow 2',
    );
    // COUNT(*) alone multiplies indicators only: three columns are 2 products
    expect(
      plan("SELECT gender, age_band, COUNT(*) FROM t WHERE code = 'a' GROUP BY gender, age_band", t).depth,
    ).toBe(2);
    expect(
      refusal(
        "SELECT gender, age_band, COUNT(*) FROM t WHERE code = 'a' AND gender = 'male' GROUP BY gender, age_band",
        t,
      ).code,
    ).toBe('HE_PARAMS');
    // COUNT(x) counts a value vector
    expect(
      refusal("SELECT gender, age_band, COUNT(value) FROM t WHERE code = 'a' GROUP BY gender, age_band", t)
        .code,
    ).toBe('HE_PARAMS');
    // public mode multiplies nothing; N = 16384 allows 5
    expect(
      plan(
        "SELECT gender, age_band, SUM(value) FROM t WHERE gender = 'male' AND age_band = '20' GROUP BY gender, age_band",
        t,
      ).depth,
    ).toBe(0);
    const big = [
      manifest(1, {
        rows: 10,
        values: [value({ scale: 0, bound: 1 })],
        params: { ...BFV, polyDegree: 16384 },
      }),
    ];
    expect(
      plan("SELECT gender, age_band, SUM(value) FROM t WHERE code = 'a' GROUP BY gender, age_band", big)
        .depth,
    ).toBe(3);
  });
});

describe('planQuery: groups and quantities', () => {
  it('private mode: every combination of the pooled vocabularies (NULL last) the WHERE allows, and the quantities', () => {
    // N = 16384: a WHERE column and two GROUP BY columns times a value are 3 products
    const params: HeParams = { ...BFV, polyDegree: 16384 };
    const t = [
      manifest(1, { params, values: [value({ bound: 1 })] }),
      manifest(2, {
        params,
        values: [value({ bound: 1, hasNulls: true })],
        indicators: [
          { column: 'gender', values: ['male', 'other'] },
          { column: 'age_band', values: ['60'] },
          { column: 'code', values: ['b'] },
        ],
      }),
    ];
    const p = plan(
      "SELECT gender, age_band, SUM(value) FROM t WHERE gender IN ('female', 'male', 'x') GROUP BY gender, age_band",
      t,
      'private',
    );
    expect(p.mode).toBe('private');
    expect(p.groups.map((g) => g.key)).toEqual([
      ['female', '20'],
      ['female', '40'],
      ['female', '60'],
      ['male', '20'],
      ['male', '40'],
      ['male', '60'],
    ]);
    // the group count always; SUM's count where a table has NULLs (SUM of no value is NULL)
    expect(p.quantities).toEqual(['count', 'x:value', 'n:value']);
    const [t1, t2] = p.tables;
    expect(t1?.where).toEqual([{ column: 'gender', vectors: [3, 4] }]);
    // i:gender:0 is male in table 2 (index 3 of its vectors); 'female' it does not have
    expect(t2?.where).toEqual([{ column: 'gender', vectors: [3] }]);
    expect(t2?.groupVectors).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [undefined, 5],
      [3, undefined],
      [3, undefined],
      [3, 5],
    ]);
    expect(t1?.groupVectors[0]).toEqual([3, 6]);
    expect(t2?.skip).toBe(false);
    // a WHERE value table 2 does not have: it is skipped
    const onlyA = plan("SELECT COUNT(*) FROM t WHERE code = 'a'", t);
    expect(onlyA.mode).toBe('private');
    expect(onlyA.tables.map((x) => x.skip)).toEqual([false, true]);
    // without NULLs anywhere, COUNT(value) is the group count: no n vector
    expect(
      plan("SELECT COUNT(value), AVG(value) FROM t WHERE code = 'a'", [t[0] as HeTableManifest]).quantities,
    ).toEqual(['count', 'x:value']);
  });

  it('public mode: the groups of the public cells, their row counts, and the quantities', () => {
    const t = [manifest(1, { values: [value({ bound: 1, hasNulls: true })] })];
    const p = plan('SELECT gender, VAR(value) FROM t GROUP BY gender', t);
    expect(p.mode).toBe('public');
    expect(p.groups.map((g) => g.key)).toEqual([['female'], ['male'], [null]]);
    expect(p.quantities).toEqual(['x:value', 'x2:value', 'n:value']);
    expect(p.tables[0]?.ranges.map((r) => r.rows)).toEqual([7, 2, 1]);
    // a WHERE nothing matches: one empty group, and the table skipped
    const none = plan("SELECT COUNT(*) FROM t WHERE gender = 'other'", t);
    expect(none.groups).toEqual([{ key: [] }]);
    expect(none.tables[0]?.skip).toBe(true);
    // GROUP BY a value no row has in a WHERE: no such group
    expect(
      plan("SELECT age_band, COUNT(*) FROM t WHERE gender = 'male' GROUP BY age_band", t).groups,
    ).toEqual([{ key: ['40'] }]);
  });

  it('public mode: a cell spanning block boundaries gives one slot range per block, adjacent cells merged', () => {
    // 8 slots a block: female rows 0–4, male 5–10 (blocks 0 and 1), NULL 11–28 (blocks 1, 2, 3)
    const cells = [
      { key: ['female', '20'], start: 0, rows: 5 },
      { key: ['male', '20'], start: 5, rows: 6 },
      { key: [null, '20'], start: 11, rows: 18 },
    ];
    const t = [manifest(1, { slots: 8, cells })];
    expect(t[0]?.blocks).toHaveLength(4);
    const byGender = plan('SELECT gender, COUNT(*) FROM t GROUP BY gender', t).tables[0]?.ranges;
    expect(byGender).toEqual([
      { rows: 5, ranges: [{ block: 0, start: 0, end: 5 }] },
      {
        rows: 6,
        ranges: [
          { block: 0, start: 5, end: 8 },
          { block: 1, start: 0, end: 3 },
        ],
      },
      {
        rows: 18,
        ranges: [
          { block: 1, start: 3, end: 8 },
          { block: 2, start: 0, end: 8 },
          { block: 3, start: 0, end: 5 },
        ],
      },
    ]);
    // female and male together: one run of rows 0–10, one range per block
    const both = plan("SELECT COUNT(*) FROM t WHERE gender IN ('female', 'male')", t).tables[0]?.ranges;
    expect(both).toEqual([
      {
        rows: 11,
        ranges: [
          { block: 0, start: 0, end: 8 },
          { block: 1, start: 0, end: 3 },
        ],
      },
    ]);
    // a cell ending exactly at a block boundary gives no empty range after it
    const exact = [manifest(1, { slots: 8, cells: [{ key: ['female', '20'], start: 0, rows: 16 }] })];
    expect(plan('SELECT COUNT(*) FROM t', exact).tables[0]?.ranges).toEqual([
      {
        rows: 16,
        ranges: [
          { block: 0, start: 0, end: 8 },
          { block: 1, start: 0, end: 8 },
        ],
      },
    ]);
  });

  it('groupScope: the WHERE and the group key, over the pooled datasets', () => {
    const p = plan(
      "SELECT gender, COUNT(*) FROM t WHERE gender IN ('female', 'male') AND age_band = '20' GROUP BY gender",
      [manifest(2), manifest(1)],
    );
    expect(groupScope(p, { key: ['male'] })).toEqual({
      datasets: ['owner-001', 'owner-002'],
      constraints: { age_band: ['20'], gender: ['male'] },
    });
  });
});
