import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/utils/errors.js';
import { canonicalNumber } from '../core/sql/canonicalSql.js';
import { SqlSubsetError } from '../core/sql/errors.js';
import type { SqlLiteral, SqlOp, SqlPredicate } from '../core/sql/types.js';
import { parseZkQuery, ZK_SQL_SUPPORTED, type ZkQuery } from './sql.js';

const num = (text: string): SqlLiteral => ({ kind: 'number', text });
const str = (text: string): SqlLiteral => ({ kind: 'string', text });
const where = (sql: string) => parseZkQuery(`SELECT COUNT(*) FROM t WHERE ${sql}`).where;

describe('parseZkQuery: accepted forms', () => {
  it('parses the example of its doc comment', () => {
    const q = parseZkQuery(
      'SELECT site, COUNT(*), AVG(dose) FROM obs WHERE age BETWEEN 20 AND 40 AND dose > 7.50 GROUP BY site',
    );
    expect(q).toEqual({
      table: 'obs',
      select: [
        { kind: 'group', column: 'site', alias: 'site' },
        { kind: 'aggregate', fn: 'count', column: null, alias: 'count' },
        { kind: 'aggregate', fn: 'avg', column: 'dose', alias: 'avg_dose' },
      ],
      where: [
        { column: 'age', op: '<=', values: [num('40')] },
        { column: 'age', op: '>=', values: [num('20')] },
        { column: 'dose', op: '>', values: [num('7.50')] },
      ],
      groupBy: 'site',
      valueColumn: 'dose',
      canonical:
        'SELECT site, COUNT(*), AVG(dose) FROM obs WHERE age <= 40 AND age >= 20 AND dose > 7.5 GROUP BY site',
    } satisfies ZkQuery);
  });

  it('reads every operator, <> as != and a literal on the left as the flipped comparison', () => {
    const ops: [string, SqlOp][] = [
      ['=', '='],
      ['!=', '!='],
      ['<>', '!='],
      ['<', '<'],
      ['<=', '<='],
      ['>', '>'],
      ['>=', '>='],
    ];
    for (const [written, op] of ops)
      expect(where(`a ${written} 1`), written).toEqual([{ column: 'a', op, values: [num('1')] }]);
    const flipped: [string, SqlOp][] = [
      ['=', '='],
      ['<>', '!='],
      ['<', '>'],
      ['<=', '>='],
      ['>', '<'],
      ['>=', '<='],
    ];
    for (const [written, op] of flipped)
      expect(where(`1 ${written} a`), written).toEqual([{ column: 'a', op, values: [num('1')] }]);
    expect(parseZkQuery("SELECT COUNT(*) FROM t WHERE 'v' <> a").canonical).toBe(
      "SELECT COUNT(*) FROM t WHERE a != 'v'",
    );
  });

  it('reads BETWEEN a AND b as >= a and <= b, between other predicates', () => {
    expect(where("y BETWEEN -5 AND 2.50 AND c = 'v'")).toEqual([
      { column: 'c', op: '=', values: [str('v')] },
      { column: 'y', op: '<=', values: [num('2.50')] },
      { column: 'y', op: '>=', values: [num('-5')] },
    ]);
    expect(where("d BETWEEN '2024-01-01' AND '2024-12-31'")).toEqual([
      { column: 'd', op: '<=', values: [str('2024-12-31')] },
      { column: 'd', op: '>=', values: [str('2024-01-01')] },
    ]);
  });

  it('keeps the text of numbers (negative, decimal) and strings, dates as strings', () => {
    const cases: [string, SqlLiteral][] = [
      ['7.50', num('7.50')],
      ['-7.50', num('-7.50')],
      ['- 3', num('-3')],
      ['+3', num('3')],
      ['.5', num('.5')],
      ['-0', num('-0')],
      ['007', num('007')],
      ["'7.50'", str('7.50')],
      ["'2024-01-31'", str('2024-01-31')],
      ["'it''s'", str("it's")],
    ];
    for (const [written, literal] of cases)
      expect(where(`a > ${written}`), written).toEqual([{ column: 'a', op: '>', values: [literal] }]);
    expect(parseZkQuery('SELECT COUNT(*) FROM t WHERE a > -007.50 AND b < .5').canonical).toBe(
      'SELECT COUNT(*) FROM t WHERE a > -7.5 AND b < 0.5',
    );
  });

  it('gives one canonical text for one meaning: predicates sorted, repeats dropped, numbers by value', () => {
    const canonical = (sql: string) => parseZkQuery(sql).canonical;
    const a = canonical("SELECT COUNT(*) FROM t WHERE z < 5 AND y >= 30 AND x = 'v' AND x != 'w'");
    expect(a).toBe("SELECT COUNT(*) FROM t WHERE x = 'v' AND x != 'w' AND y >= 30 AND z < 5");
    expect(
      canonical("select count(*) from T where 30 <= Y and 'w' <> X and z < 5.0 and x = 'v' and y >= 30.00"),
    ).toBe(a);
    expect(canonical('SELECT COUNT(*) FROM t WHERE y BETWEEN 1 AND 2')).toBe(
      canonical('SELECT COUNT(*) FROM t WHERE y <= 2 AND y >= 1'),
    );
    // a number and a string are different literals
    expect(canonical("SELECT COUNT(*) FROM t WHERE a = '5' AND a = 5")).toBe(
      "SELECT COUNT(*) FROM t WHERE a = 5 AND a = '5'",
    );
    expect(where('a > 7.50 AND a > 7.5')).toEqual([{ column: 'a', op: '>', values: [num('7.50')] }]);
  });

  it('takes every aggregate over one value column, COUNT(x) included, and one GROUP BY column', () => {
    const q = parseZkQuery(
      'SELECT g, COUNT(*), COUNT(x), SUM(x), AVG(x) AS m, VAR(x), VAR_SAMP(x) s, VARIANCE(x) v, VAR_POP(x) FROM t GROUP BY g',
    );
    expect(q.valueColumn).toBe('x');
    expect(q.groupBy).toBe('g');
    expect(q.select.map((i) => (i.kind === 'aggregate' ? `${i.fn}:${i.alias}` : i.column))).toEqual([
      'g',
      'count:count',
      'count:count_x',
      'sum:sum_x',
      'avg:m',
      'var_samp:var_x',
      'var_samp:s',
      'var_samp:v',
      'var_pop:var_pop_x',
    ]);
    expect(q.canonical).toBe(
      'SELECT g, COUNT(*), COUNT(x), SUM(x), AVG(x) AS m, VAR_SAMP(x), VAR_SAMP(x) AS s, VAR_SAMP(x) AS v, VAR_POP(x) FROM t GROUP BY g',
    );
    const counted = parseZkQuery('SELECT COUNT(*) FROM t WHERE x > 1');
    expect([counted.valueColumn, counted.groupBy, counted.where.length]).toEqual([null, null, 1]);
    expect(parseZkQuery('SELECT COUNT(*) FROM t').where).toEqual([]);
  });
});

describe('parseZkQuery: what it refuses', () => {
  // § marks where the offending token starts; 'S3CR3T' and 8675309 are literals that must not be echoed
  const only = 'only =, !=, <, <=, >, >= and BETWEEN';
  const cases: [string, string | RegExp][] = [
    ["SELECT COUNT(*) FROM t WHERE a §IN ('S3CR3T')", `IN is not supported; ${only}`],
    ['SELECT COUNT(*) FROM t WHERE a §NOT IN (8675309)', 'NOT is not supported'],
    [
      "SELECT COUNT(*) FROM t WHERE a = 'S3CR3T' §OR b = 8675309",
      'OR is not supported; combine predicates with AND',
    ],
    ['SELECT COUNT(*) FROM t WHERE a §NOT BETWEEN 1 AND 8675309', 'NOT is not supported'],
    ["SELECT COUNT(*) FROM t WHERE a §LIKE 'S3CR3T%'", `LIKE is not supported; ${only}`],
    ['SELECT COUNT(*) FROM t WHERE a §== 8675309', `comparison == is not supported; ${only}`],
    ['SELECT COUNT(*) FROM t WHERE a §IS NULL', 'IS (IS NULL, IS NOT NULL) is not supported'],
    ['SELECT COUNT(*) FROM t WHERE a = §NULL', 'NULL is not supported'],
    ['SELECT §BETWEEN FROM t', 'BETWEEN is only supported in a predicate: column BETWEEN a AND b'],
    [
      'SELECT COUNT(*) FROM t WHERE a BETWEEN 1 §, 8675309',
      'expected AND between the two literals of BETWEEN, found ","',
    ],
    [
      'SELECT COUNT(*) FROM t WHERE a BETWEEN §b AND 8675309',
      'expected a literal after BETWEEN, found an identifier; string literals take single quotes',
    ],
    [
      'SELECT COUNT(*) FROM t WHERE a BETWEEN 1 AND §)',
      'expected a literal after BETWEEN ... AND, found ")"',
    ],
    [
      'SELECT COUNT(*) FROM t WHERE a < §b',
      'comparing two columns is not supported; string literals take single quotes',
    ],
    ["SELECT COUNT(*) FROM t WHERE 'S3CR3T' < §8675309", 'comparing two literals is not supported'],
    [
      'SELECT COUNT(*) FROM t WHERE 8675309 §IN (a)',
      'expected a comparison (=, !=, <, <=, >, >=) after a literal, found IN',
    ],
    [
      'SELECT COUNT(*) FROM t WHERE a§',
      'expected a comparison (=, !=, <, <=, >, >=) or BETWEEN after the column, found the end of the query',
    ],
    [
      'SELECT COUNT(*) FROM t WHERE §AND a = 1',
      'expected a predicate (column OP literal, OP one of =, !=, <, <=, >, >=; or column BETWEEN a AND b) after WHERE or AND, found AND',
    ],
    ['SELECT COUNT(*) FROM t WHERE a > 8675309 §+ 1', 'arithmetic (+) is not supported'],
    ["SELECT COUNT(*) FROM t WHERE §(a = 'S3CR3T')", 'parentheses around predicates are not supported'],
    ['SELECT a, b, COUNT(*) FROM t GROUP BY a, §b', 'GROUP BY on 2 columns is not supported; at most 1 is'],
    [
      'SELECT SUM(x), AVG(§y) FROM t',
      'aggregates over two columns (x and y) are not supported; aggregate one value column',
    ],
    [
      'SELECT COUNT(x), SUM(§"X") FROM t',
      'aggregates over two columns (x and "X") are not supported; aggregate one value column',
    ],
    ['SELECT SUM(§*) FROM t', 'SUM(*) is not supported; only COUNT(*)'],
    ['SELECT §* FROM t', 'SELECT * is not supported; select COUNT(*), aggregates and GROUP BY columns'],
    ['SELECT §MAX(x) FROM t', 'function MAX is not supported'],
    ['SELECT COUNT(*) FROM t WHERE §SUM(x) > 8675309', 'aggregate SUM is only supported as a select item'],
    ['SELECT §a FROM t', /^column a is selected but not in GROUP BY/],
    ['SELECT COUNT(*) FROM t §JOIN u ON t.a = u.a', 'JOIN is not supported; query one table'],
    ['SELECT COUNT(*) FROM t WHERE a = §(SELECT 8675309)', 'subqueries are not supported'],
    ['SELECT a, COUNT(*) FROM t GROUP BY a §HAVING COUNT(*) > 8675309', 'HAVING is not supported'],
    ['SELECT COUNT(*) FROM t §ORDER BY a', 'ORDER BY is not supported'],
    ['SELECT COUNT(*) FROM t §LIMIT 8675309', 'LIMIT is not supported'],
    ['SELECT COUNT(*) FROM t WHERE a > §8675309e3', /^this form of number is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a > 1§::INT', 'casts (::) are not supported'],
    ['SELECT COUNT(*) FROM t §-- S3CR3T', 'comments are not supported'],
    ['SELECT COUNT(*) FROM t; §SELECT 8675309', 'more than one statement is not supported'],
  ];

  it.each(cases)('%s', (marked, problem) => {
    const at = marked.indexOf('§');
    expect(at).toBeGreaterThanOrEqual(0);
    const err = thrownBy(SqlSubsetError, () => parseZkQuery(marked.replace('§', '')));
    expect(err.is('SQL_UNSUPPORTED')).toBe(true);
    expect(err.fields.dialect).toBe('ZK');
    if (typeof problem === 'string') expect(err.fields.problem).toBe(problem);
    else expect(err.fields.problem).toMatch(problem);
    expect(err.fields.offset).toBe(at);
    expect(err.fix).toBe(ZK_SQL_SUPPORTED);
    expect(err.message).not.toContain('S3CR3T');
    expect(err.message).not.toContain('8675309');
  });

  it('says what the subset is', () => {
    const err = thrownBy(SqlSubsetError, () => parseZkQuery("SELECT COUNT(*) FROM t WHERE a IN ('S3CR3T')"));
    expect(err.message.split('\n').slice(0, -1).join('\n')).toMatchInlineSnapshot(`
      "The query is outside the SQL subset of ZK queries: IN is not supported; only =, !=, <, <=, >, >= and BETWEEN (at offset 31).

      Fix: The subset: SELECT [g,] COUNT(*) | COUNT(x) | SUM(x) | AVG(x) | VAR(x) | VAR_POP(x), ... over one value column x FROM t [WHERE a >= 30 AND b < 5 AND c BETWEEN 20 AND 40 AND d = 'v' AND e != 'w' ...] [GROUP BY g]."
    `);
  });
});

// ---- property tests: random valid ZK queries, written in random surface forms ----

type Ident = { quoted: boolean; text: string };
const nameOf = (id: Ident) => (id.quoted ? id.text : id.text.toLowerCase());
/** Unquoted words carry a digit, so none is a keyword; a few common names without one too. */
const identArb: fc.Arbitrary<Ident> = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,4}[0-9]$/).map((text) => ({ quoted: false, text })),
  fc.constantFrom('Age', 'dose', 'COUNT', 'date', 'value').map((text) => ({ quoted: false, text })),
  fc
    .string({
      minLength: 1,
      maxLength: 5,
      unit: fc.constantFrom('a', 'B', ' ', '"', "'", 'é', '1', 'between'),
    })
    .map((text) => ({ quoted: true, text })),
);

type Lit = { written: string; literal: SqlLiteral };
const numberArb: fc.Arbitrary<Lit> = fc
  .record({
    sign: fc.constantFrom('', '-', '+', '- '),
    int: fc.stringMatching(/^[0-9]{0,6}$/),
    frac: fc.option(fc.stringMatching(/^[0-9]{0,4}$/), { nil: undefined }),
  })
  .filter((r) => r.int !== '' || (r.frac !== undefined && r.frac !== ''))
  .map((r) => {
    const digits = r.frac === undefined ? r.int : `${r.int}.${r.frac}`;
    return { written: r.sign + digits, literal: num(r.sign.startsWith('-') ? `-${digits}` : digits) };
  });
const stringArb: fc.Arbitrary<Lit> = fc
  .oneof(
    fc.string({ maxLength: 6, unit: fc.constantFrom('x', 'Y', "'", ' ', '1', '.', 'ü', '😀') }),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  )
  .map((value) => ({ written: `'${value.replaceAll("'", "''")}'`, literal: str(value) }));
const litArb = fc.oneof(numberArb, stringArb);

type Pred =
  | { form: 'cmp'; column: number; op: string; value: Lit; reversed: boolean }
  | { form: 'between'; column: number; low: Lit; high: Lit };
type Item = { fn: string | null; alias: Ident | null } | { group: true; alias: Ident | null };
type Ast = {
  table: Ident;
  value: Ident;
  group: Ident | null;
  columns: Ident[];
  items: Item[];
  preds: Pred[];
};

const COMPARISON: Record<string, [SqlOp, SqlOp]> = {
  '=': ['=', '='],
  '!=': ['!=', '!='],
  '<>': ['!=', '!='],
  '<': ['<', '>'],
  '<=': ['<=', '>='],
  '>': ['>', '<'],
  '>=': ['>=', '<='],
};
const FNS = ['COUNT', 'SUM', 'AVG', 'VAR', 'VAR_SAMP', 'VARIANCE', 'VAR_POP'];
const PREFIX: Record<string, string> = {
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  VAR: 'var',
  VAR_SAMP: 'var',
  VARIANCE: 'var',
  VAR_POP: 'var_pop',
};

function aliasesOf(ast: Ast): string[] {
  return ast.items.map((item) => {
    if (item.alias) return nameOf(item.alias);
    if ('group' in item) return nameOf(ast.group!);
    return item.fn === null ? 'count' : `${PREFIX[item.fn]}_${nameOf(ast.value)}`;
  });
}

const astArb: fc.Arbitrary<Ast> = fc
  .record({
    table: identArb,
    value: identArb,
    group: fc.option(identArb, { nil: null }),
    columns: fc.array(identArb, { minLength: 1, maxLength: 3 }),
  })
  .chain((base) => {
    const aggregate: fc.Arbitrary<Item> = fc.record({
      fn: fc.option(fc.constantFrom(...FNS), { nil: null }),
      alias: fc.option(identArb, { nil: null }),
    });
    const group: fc.Arbitrary<Item> = fc.record({
      group: fc.constant(true as const),
      alias: fc.option(identArb, { nil: null }),
    });
    const column = fc.nat(base.columns.length - 1);
    const pred: fc.Arbitrary<Pred> = fc.oneof(
      fc.record({
        form: fc.constant('cmp' as const),
        column,
        op: fc.constantFrom(...Object.keys(COMPARISON)),
        value: litArb,
        reversed: fc.boolean(),
      }),
      fc.record({ form: fc.constant('between' as const), column, low: litArb, high: litArb }),
    );
    return fc
      .record({
        items: fc.array(base.group ? fc.oneof(aggregate, group) : aggregate, { minLength: 1, maxLength: 4 }),
        preds: fc.array(pred, { maxLength: 5 }),
      })
      .map((rest): Ast => ({ ...base, ...rest }));
  })
  .filter((ast) => new Set(aliasesOf(ast)).size === ast.items.length);

type Surface = { seps: string[]; upper: boolean[] };
const surfaceArb: fc.Arbitrary<Surface> = fc.record({
  seps: fc.array(fc.constantFrom(' ', '\n', '\t', '  ', ''), { minLength: 1, maxLength: 7 }),
  upper: fc.array(fc.boolean(), { minLength: 1, maxLength: 11 }),
});

function render(ast: Ast, s: Surface): string {
  let n = 0;
  const word = (w: string) =>
    [...w].map((ch) => (s.upper[n++ % s.upper.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
  const id = (i: Ident) => (i.quoted ? `"${i.text.replaceAll('"', '""')}"` : word(i.text));
  const toks: string[] = [word('SELECT')];
  ast.items.forEach((item, i) => {
    if (i) toks.push(',');
    if ('group' in item) toks.push(id(ast.group!));
    else toks.push(word(item.fn ?? 'COUNT'), '(', item.fn === null ? '*' : id(ast.value), ')');
    if (item.alias) toks.push(...(i % 2 ? [word('AS')] : []), id(item.alias));
  });
  toks.push(word('FROM'), id(ast.table));
  ast.preds.forEach((p, i) => {
    toks.push(word(i ? 'AND' : 'WHERE'));
    const col = id(ast.columns[p.column]!);
    if (p.form === 'between') toks.push(col, word('BETWEEN'), p.low.written, word('AND'), p.high.written);
    else if (p.reversed) toks.push(p.value.written, p.op, col);
    else toks.push(col, p.op, p.value.written);
  });
  if (ast.group) toks.push(word('GROUP'), word('BY'), id(ast.group));
  const punct = (t: string) => /^[(),*]$|^[=<>!]+$/.test(t);
  return toks
    .map((t, i) => {
      if (i === 0) return t;
      const sep = s.seps[i % s.seps.length]!;
      return sep === '' && !punct(t) && !punct(toks[i - 1]!) ? ` ${t}` : sep + t;
    })
    .join('');
}

/** A predicate's meaning: numbers by value. */
const meaning = (p: SqlPredicate) =>
  `${p.column} ${p.op} ${p.values.map((v) => (v.kind === 'number' ? canonicalNumber(v.text) : `'${v.text}'`)).join()}`;

function expectedWhere(ast: Ast): string[] {
  const preds = ast.preds.flatMap((p): SqlPredicate[] => {
    const column = nameOf(ast.columns[p.column]!);
    if (p.form === 'between')
      return [
        { column, op: '>=', values: [p.low.literal] },
        { column, op: '<=', values: [p.high.literal] },
      ];
    return [{ column, op: COMPARISON[p.op]![p.reversed ? 1 : 0], values: [p.value.literal] }];
  });
  return [...new Set(preds.map(meaning))].sort();
}

describe('parseZkQuery: properties', () => {
  it('parses random valid queries to their meaning; canonical(parse(canonical(q))) = canonical(q)', () => {
    fc.assert(
      fc.property(astArb, surfaceArb, (ast, surface) => {
        const q = parseZkQuery(render(ast, surface));
        expect(q.table).toBe(nameOf(ast.table));
        expect(q.groupBy).toBe(ast.group && nameOf(ast.group));
        expect(q.select.map((i) => i.alias)).toEqual(aliasesOf(ast));
        const aggregatesColumn = ast.items.some((i) => !('group' in i) && i.fn !== null);
        expect(q.valueColumn).toBe(aggregatesColumn ? nameOf(ast.value) : null);
        expect([...q.where.map(meaning)].sort()).toEqual(expectedWhere(ast));
        expect(new Set(q.where.map(meaning)).size).toBe(q.where.length);
        const again = parseZkQuery(q.canonical);
        expect(again.canonical).toBe(q.canonical);
        expect({ ...again, where: again.where.map(meaning) }).toEqual({ ...q, where: q.where.map(meaning) });
      }),
      { numRuns: 300 },
    );
  });

  it('gives one canonical text whatever the surface and the order of the predicates', () => {
    fc.assert(
      fc.property(astArb, surfaceArb, surfaceArb, fc.nat(), (ast, a, b, seed) => {
        const shuffled = [...ast.preds].sort(() => 0).reverse();
        const rotated = shuffled.map((_, i) => shuffled[(i + seed) % shuffled.length]!);
        expect(parseZkQuery(render(ast, a)).canonical).toBe(
          parseZkQuery(render({ ...ast, preds: rotated }, b)).canonical,
        );
      }),
      { numRuns: 200 },
    );
  });
});
