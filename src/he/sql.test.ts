import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/utils/errors.js';
import { HeError } from './errors.js';
import { type AggregateFn, type HeQuery, parseHeQuery, type SelectItem } from './sql.js';

const count: SelectItem = { kind: 'aggregate', fn: 'count', column: null, alias: 'count' };

/** The error `sql` raises (fails the test when it parses). */
function errorOf(sql: string): HeError {
  return thrownBy(HeError, () => parseHeQuery(sql));
}

describe('parseHeQuery: accepted forms', () => {
  it('parses the example of its doc comment', () => {
    const q = parseHeQuery(
      "select gender, count(*), avg(Value) from obs where code in ('4548-4') group by gender",
    );
    expect(q).toEqual({
      table: 'obs',
      select: [
        { kind: 'group', column: 'gender', alias: 'gender' },
        count,
        { kind: 'aggregate', fn: 'avg', column: 'value', alias: 'avg_value' },
      ],
      where: { code: ['4548-4'] },
      groupBy: ['gender'],
      canonical: "SELECT gender, COUNT(*), AVG(value) FROM obs WHERE code = '4548-4' GROUP BY gender",
    } satisfies HeQuery);
  });

  it('maps every aggregate to its function and default alias', () => {
    const q = parseHeQuery(
      'SELECT COUNT(*), COUNT(x), SUM(x), AVG(x), VAR(x), VAR_POP(y), variance(z), Var_Samp(w) FROM t',
    );
    const agg = (fn: AggregateFn, column: string, alias: string): SelectItem => ({
      kind: 'aggregate',
      fn,
      column,
      alias,
    });
    expect(q.select).toEqual([
      count,
      agg('count', 'x', 'count_x'),
      agg('sum', 'x', 'sum_x'),
      agg('avg', 'x', 'avg_x'),
      agg('var_samp', 'x', 'var_x'),
      agg('var_pop', 'y', 'var_pop_y'),
      agg('var_samp', 'z', 'var_z'),
      agg('var_samp', 'w', 'var_w'),
    ]);
    expect(q.canonical).toBe(
      'SELECT COUNT(*), COUNT(x), SUM(x), AVG(x), VAR_SAMP(x), VAR_POP(y), VAR_SAMP(z), VAR_SAMP(w) FROM t',
    );
    expect(q.where).toEqual({});
    expect(q.groupBy).toEqual([]);
  });

  it('folds unquoted identifiers to lower case and keeps quoted ones as written', () => {
    const q = parseHeQuery('SELECT "Gender", SUM("My ""Col""") FROM Obs_1 GROUP BY "Gender"');
    expect(q.table).toBe('obs_1');
    expect(q.select).toEqual([
      { kind: 'group', column: 'Gender', alias: 'Gender' },
      { kind: 'aggregate', fn: 'sum', column: 'My "Col"', alias: 'sum_My "Col"' },
    ]);
    expect(q.groupBy).toEqual(['Gender']);
    expect(q.canonical).toBe('SELECT "Gender", SUM("My ""Col""") FROM obs_1 GROUP BY "Gender"');
    // a quoted lower-case name is the same column as the unquoted one; a reserved word needs quotes
    expect(parseHeQuery('SELECT "a", COUNT(*) FROM "order" GROUP BY A').canonical).toBe(
      'SELECT a, COUNT(*) FROM "order" GROUP BY a',
    );
    expect(() => parseHeQuery('SELECT "A", COUNT(*) FROM t GROUP BY A')).toThrow(
      /"A" is selected but not in/,
    );
  });

  it('takes aliases with AS, without AS and quoted, and prints only those that differ from the default', () => {
    const q = parseHeQuery(
      'SELECT COUNT(*) AS n, SUM(x) total, AVG(x) AS "Mean x", g AS grp, COUNT(x) AS count_x FROM t GROUP BY g',
    );
    expect(q.select.map((i) => i.alias)).toEqual(['n', 'total', 'Mean x', 'grp', 'count_x']);
    expect(q.canonical).toBe(
      'SELECT COUNT(*) AS n, SUM(x) AS total, AVG(x) AS "Mean x", g AS grp, COUNT(x) FROM t GROUP BY g',
    );
    // function names are not reserved: they are columns when no "(" follows
    expect(parseHeQuery('SELECT count, sum(count) FROM t GROUP BY count').select).toEqual([
      { kind: 'group', column: 'count', alias: 'count' },
      { kind: 'aggregate', fn: 'sum', column: 'count', alias: 'sum_count' },
    ]);
  });

  it('unescapes strings and writes numbers in canonical decimal form', () => {
    const values = (literal: string) =>
      parseHeQuery(`SELECT COUNT(*) FROM t WHERE a = ${literal}`).where['a'];
    expect(values("'it''s'")).toEqual(["it's"]);
    expect(values("''")).toEqual(['']);
    expect(values("'  Mixed Case  '")).toEqual(['  Mixed Case  ']);
    expect(values("'1.50'")).toEqual(['1.50']); // a string stays as written
    const numbers: [string, string][] = [
      ['1.50', '1.5'],
      ['2.0', '2'],
      ['2.', '2'],
      ['-0', '0'],
      ['-0.000', '0'],
      ['+7', '7'],
      ['007', '7'],
      ['.5', '0.5'],
      ['-.25', '-0.25'],
      ['- 12', '-12'],
      ['123456789012345678901234567890.10', '123456789012345678901234567890.1'],
    ];
    for (const [written, canonical] of numbers) expect(values(written), written).toEqual([canonical]);
  });

  it('sorts values and columns, drops repeats and accepts literal = column', () => {
    const q = parseHeQuery(
      "SELECT COUNT(*) FROM t WHERE z IN ('b', 'a', 'b', 'B') AND 5 = y AND m IN (10, 9, 10.0)",
    );
    expect(q.where).toEqual({ m: ['10', '9'], y: ['5'], z: ['B', 'a', 'b'] });
    expect(Object.keys(q.where)).toEqual(['m', 'y', 'z']);
    expect(q.canonical).toBe(
      "SELECT COUNT(*) FROM t WHERE m IN ('10', '9') AND y = '5' AND z IN ('B', 'a', 'b')",
    );
  });

  it('intersects the value sets of a column constrained twice, keeping an empty intersection', () => {
    const both = parseHeQuery("SELECT COUNT(*) FROM t WHERE a = 'x' AND b = 1 AND A IN ('x', 'y')");
    expect(both.where).toEqual({ a: ['x'], b: ['1'] });
    const none = parseHeQuery("SELECT COUNT(*) FROM t WHERE a IN ('x', 'y') AND a IN ('z') AND b = 2");
    expect(none.where).toEqual({ a: [], b: ['2'] });
    expect(none.canonical).toBe("SELECT COUNT(*) FROM t WHERE a = '0' AND a = '1' AND b = '2'");
    expect(parseHeQuery(none.canonical)).toEqual(none);
    // a number and the string of its canonical form are one value
    expect(parseHeQuery("SELECT COUNT(*) FROM t WHERE a IN (1.50, 3) AND a = '1.5'").where).toEqual({
      a: ['1.5'],
    });
  });

  it('accepts a trailing semicolon, free whitespace and two GROUP BY columns in written order', () => {
    const q = parseHeQuery('\n select\tb ,a,COUNT ( * )from t group\nby b,a ;\n');
    expect(q.groupBy).toEqual(['b', 'a']);
    expect(q.canonical).toBe('SELECT b, a, COUNT(*) FROM t GROUP BY b, a');
    expect(parseHeQuery('SELECT COUNT(*) FROM t GROUP BY g').select).toEqual([count]); // a group need not be selected
  });

  it('lets a column named like a keyword through when quoted', () => {
    const q = parseHeQuery(
      'SELECT "select", COUNT(*) AS "from" FROM "where" WHERE "and" = 1 GROUP BY "select"',
    );
    expect(q.table).toBe('where');
    expect(q.where).toEqual({ and: ['1'] });
    expect(q.canonical).toBe(
      `SELECT "select", COUNT(*) AS "from" FROM "where" WHERE "and" = '1' GROUP BY "select"`,
    );
    expect(parseHeQuery(q.canonical)).toEqual(q);
  });
});

describe('parseHeQuery: what it refuses', () => {
  // § marks where the offending token starts; 'S3CR3T' and 8675309 are literals that must not be echoed
  const cases: [string, RegExp][] = [
    ["SELECT COUNT(*) FROM t WHERE a = 'S3CR3T' §OR b = 8675309", /^OR is not supported/],
    ["SELECT COUNT(*) FROM t WHERE §NOT a = 'S3CR3T'", /^NOT is not supported/],
    ["SELECT COUNT(*) FROM t WHERE a §NOT IN ('S3CR3T')", /^NOT is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a §< 8675309', /^comparison < is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a §>= 8675309', /^comparison >= is not supported/],
    ["SELECT COUNT(*) FROM t WHERE a §<> 'S3CR3T'", /^comparison <> is not supported/],
    ["SELECT COUNT(*) FROM t WHERE a §!= 'S3CR3T'", /^comparison != is not supported/],
    ["SELECT COUNT(*) FROM t WHERE a §BETWEEN 'S3CR3T' AND 'Z'", /^BETWEEN is not supported/],
    ["SELECT COUNT(*) FROM t WHERE a §LIKE 'S3CR3T%'", /^LIKE is not supported/],
    ['SELECT COUNT(*) FROM t §JOIN u ON t.a = u.a', /^JOIN is not supported/],
    ['SELECT COUNT(*) FROM t §LEFT JOIN u ON t.a = u.a', /^LEFT is not supported/],
    ['SELECT COUNT(*) FROM t§, u', /^more than one table \(a join\) is not supported/],
    ['SELECT COUNT(*) FROM §(SELECT a FROM t)', /^subqueries are not supported/],
    ['SELECT COUNT(*) FROM t WHERE a IN (§SELECT a FROM u)', /^subqueries are not supported/],
    ['SELECT a, COUNT(*) FROM t GROUP BY a §HAVING COUNT(*) > 8675309', /^HAVING is not supported/],
    ['SELECT a, COUNT(*) FROM t GROUP BY a §ORDER BY a', /^ORDER BY is not supported/],
    ['SELECT COUNT(*) FROM t §LIMIT 8675309', /^LIMIT is not supported/],
    ['SELECT §DISTINCT a FROM t', /^DISTINCT is not supported/],
    ['SELECT COUNT(§DISTINCT a) FROM t', /^DISTINCT is not supported/],
    ['SELECT SUM(a) §+ 8675309 FROM t', /^arithmetic \(\+\) is not supported/],
    ['SELECT SUM(a §* b) FROM t', /^arithmetic \(\*\) is not supported/],
    ['SELECT SUM(a)§/COUNT(*) FROM t', /^arithmetic \(\/\) is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a = 8675309 §- 1', /^arithmetic \(-\) is not supported/],
    ["SELECT COUNT(*) FROM t WHERE a = 'S3CR3T' §|| 'x'", /^arithmetic \(\|\|\) is not supported/],
    ['SELECT §MAX(a) FROM t', /^function MAX is not supported/],
    ['SELECT §median(a) FROM t', /^function MEDIAN is not supported/],
    ["SELECT COUNT(*) FROM t WHERE §lower(a) = 'S3CR3T'", /^function LOWER is not supported/],
    ['SELECT COUNT(*) FROM t WHERE §SUM(a) = 8675309', /^aggregate SUM is only supported as a select item/],
    ['SELECT SUM(§AVG(a)) FROM t', /^aggregate AVG is only supported as a select item/],
    ['SELECT §* FROM t', /^SELECT \* is not supported/],
    ['SELECT SUM(§*) FROM t', /^SUM\(\*\) is not supported; only COUNT\(\*\)/],
    ['SELECT COUNT(*) FROM t WHERE a = §NULL', /^NULL is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a §IS NULL', /^IS \(IS NULL, IS NOT NULL\) is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a = §TRUE', /^boolean literals are not supported/],
    ['SELECT COUNT(*) §OVER (PARTITION BY a) FROM t', /^OVER is not supported/],
    ['SELECT COUNT(*) §FILTER (WHERE a = 8675309) FROM t', /^FILTER is not supported/],
    ['SELECT §CAST(a AS INT) FROM t', /^CAST is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a§::INT = 8675309', /^casts \(::\) are not supported/],
    ['SELECT COUNT(*) FROM s§.t', /^qualified names \(a\.b\) are not supported/],
    ['SELECT SUM(t§.a) FROM t', /^qualified names/],
    ['§WITH u AS (SELECT 1) SELECT COUNT(*) FROM u', /^WITH \(a common table expression\) is not supported/],
    ['SELECT COUNT(*) FROM t §UNION SELECT COUNT(*) FROM u', /^UNION is not supported/],
    ['SELECT COUNT(*) FROM t; §SELECT 8675309', /^more than one statement is not supported/],
    ['SELECT COUNT(*) FROM t §AS u', /^a table alias is not supported/],
    ['SELECT COUNT(*) FROM t §u', /^a table alias is not supported/],
    ["SELECT COUNT(*) FROM t WHERE §(a = 'S3CR3T')", /^parentheses around predicates are not supported/],
    [
      'SELECT COUNT(*) FROM t WHERE a = §S3CR3T',
      /^comparing two columns is not supported; string literals take single quotes/,
    ],
    [
      'SELECT COUNT(*) FROM t WHERE a IN (§S3CR3T)',
      /^expected a literal in the IN list, found an identifier; string literals take single quotes/,
    ],
    ['SELECT COUNT(*) FROM t WHERE a = §"S3CR3T"', /^comparing two columns is not supported/],
    [
      'SELECT COUNT(*) FROM t WHERE a IN (§"S3CR3T")',
      /found an identifier; string literals take single quotes/,
    ],
    ["SELECT COUNT(*) FROM t WHERE 'S3CR3T' = §8675309", /^comparing two literals is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a IN §8675309', /^expected "\(" after IN, found a number/],
    ['SELECT COUNT(*) FROM t WHERE a IN (§)', /^an empty IN list is not supported/],
    ["SELECT COUNT(*) FROM t WHERE a = §'S3CR3T", /^a string literal is not closed/],
    ['SELECT COUNT(*) FROM §"t', /^a quoted identifier is not closed/],
    ['SELECT COUNT(*) FROM §""', /^an empty quoted identifier is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a = §8675309e3', /^this form of number is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a = §8_675_309', /^this form of number is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a = §0x8675309', /^this form of number is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a = §?', /^the character U\+003F is not supported/],
    ['SELECT COUNT(*) FROM t WHERE a = §$1', /^the character U\+0024 is not supported/],
    ['SELECT COUNT(*) FROM t §-- S3CR3T', /^comments are not supported/],
    ['SELECT COUNT(*) §/* S3CR3T */ FROM t', /^comments are not supported/],
    ['SELECT COUNT(a§, b) FROM t', /^COUNT takes one column/],
    ['SELECT COUNT(§8675309) FROM t', /^expected a column inside COUNT\(...\), found a number/],
    ["SELECT COUNT(§'S3CR3T') FROM t", /^expected a column inside COUNT\(...\), found a string literal/],
    ["SELECT §'S3CR3T' FROM t", /^expected a select item .* found a string literal/],
    ["SELECT COUNT(*) FROM t WHERE 'S3CR3T'§", /^expected "=" after a literal, found the end of the query/],
    [
      'SELECT COUNT(*) FROM t WHERE a = 1 §b = 2',
      /^expected AND, GROUP BY or the end of the query, found an identifier/,
    ],
    ['SELECT COUNT(*) FROM t GROUP §a', /^expected BY after GROUP, found an identifier/],
    ['SELECT COUNT(*) FROM t GROUP BY §8675309', /^expected a column name after GROUP BY, found a number/],
    ['SELECT COUNT(*) FROM t GROUP BY a §b', /^expected a comma or the end of the query after GROUP BY/],
    ['SELECT COUNT(*) FROM t WHERE§', /^expected a predicate .* found the end of the query/],
    ['SELECT COUNT(*) §WHERE a = 1', /^expected a comma or FROM after a select item, found WHERE/],
    ['SELECT COUNT(*) FROM §WHERE', /^expected a table name after FROM, found WHERE/],
    ['§UPDATE t SET a = 8675309', /^expected SELECT at the start, found an identifier/],
    ['§', /^expected SELECT at the start, found the end of the query/],
    [
      'SELECT a, b, c, COUNT(*) FROM t GROUP BY a, b, §c',
      /^GROUP BY on 3 columns is not supported; at most 2 are/,
    ],
    ['SELECT COUNT(*) FROM t GROUP BY a, b, §c, d', /^GROUP BY on 4 columns is not supported/],
    ['SELECT COUNT(*) FROM t GROUP BY a, §A', /^column a appears twice in GROUP BY/],
    ['SELECT §b, COUNT(*) FROM t GROUP BY a', /^column b is selected but not in GROUP BY/],
    ['SELECT §a FROM t', /^column a is selected but not in GROUP BY/],
    ['SELECT COUNT(*), §COUNT(*) FROM t', /^the name count is given to two select items/],
    ['SELECT a, SUM(x) AS §a FROM t GROUP BY a', /^the name a is given to two select items/],
    ['SELECT COUNT(x) AS "n x", SUM(x) §"n x" FROM t', /^the name "n x" is given to two select items/],
  ];

  it.each(cases)('%s', (marked, problem) => {
    const at = marked.indexOf('§');
    expect(at).toBeGreaterThanOrEqual(0);
    const sql = marked.replace('§', '');
    const err = errorOf(sql);
    expect(err.is('HE_SQL_UNSUPPORTED')).toBe(true);
    const text = String(err.fields['problem']);
    expect(text).toMatch(problem);
    expect(text.endsWith(`(at offset ${at})`)).toBe(true);
    expect(err.message).toContain(text);
    expect(err.message).not.toContain('S3CR3T');
    expect(err.message).not.toContain('8675309');
  });
});

// ---- property tests: random valid queries, written in random surface forms ----

type Ident = { quoted: boolean; text: string };
const nameOf = (id: Ident) => (id.quoted ? id.text : id.text.toLowerCase());
/** Unquoted words carry a digit, so none is a keyword; a few common names without one too. */
const identArb: fc.Arbitrary<Ident> = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,4}[0-9]$/).map((text) => ({ quoted: false, text })),
  fc
    .constantFrom('Gender', 'code', 'COUNT', 'sum', 'value', 'filter', 'over')
    .map((text) => ({ quoted: false, text })),
  fc
    .string({
      minLength: 1,
      maxLength: 6,
      unit: fc.constantFrom('a', 'B', ' ', '"', "'", 'é', '_', '1', 'select'),
    })
    .map((text) => ({ quoted: true, text })),
);

type Lit = { written: string[]; value: string };
/** A number in canonical form, written with random sign, leading zeros and trailing zeros. */
const numberArb: fc.Arbitrary<Lit> = fc
  .record({
    negative: fc.boolean(),
    int: fc.stringMatching(/^(0|[1-9][0-9]{0,12})$/),
    frac: fc.stringMatching(/^([0-9]{0,5}[1-9])?$/),
    plus: fc.boolean(),
    zeros: fc.nat(2),
    trailing: fc.nat(2),
    dropInt: fc.boolean(),
    space: fc.boolean(),
  })
  .map((r) => {
    const body = r.frac ? `${r.int}.${r.frac}` : r.int;
    const value = r.negative && body !== '0' ? `-${body}` : body;
    const int = r.int === '0' && r.dropInt && (r.frac || r.trailing) ? '' : '0'.repeat(r.zeros) + r.int;
    const frac = r.frac + '0'.repeat(r.trailing);
    const digits = frac ? `${int}.${frac}` : r.trailing ? `${int}.` : int;
    const sign = r.negative ? '-' : r.plus ? '+' : '';
    return { value, written: sign ? (r.space ? [sign, digits] : [sign + digits]) : [digits] };
  });
const stringArb: fc.Arbitrary<Lit> = fc
  .string({ maxLength: 6, unit: fc.constantFrom('x', 'Y', "'", "''", '"', ' ', '\n', '1', '.', 'ü', '😀') })
  .map((value) => ({ value, written: [`'${value.replaceAll("'", "''")}'`] }));
const litArb = fc.oneof(numberArb, stringArb);

type Item =
  | { fn: string; column: Ident | null; alias: Ident | null }
  | { group: number; alias: Ident | null };
type Pred = { column: number; form: 'eq' | 'rev' | 'in'; values: Lit[] };
type Ast = {
  table: Ident;
  columns: Ident[];
  groupBy: Ident[];
  items: Item[];
  preds: Pred[];
  semicolon: boolean;
};

const FNS: Record<string, [AggregateFn, string]> = {
  COUNT: ['count', 'count'],
  SUM: ['sum', 'sum'],
  AVG: ['avg', 'avg'],
  VAR: ['var_samp', 'var'],
  VAR_SAMP: ['var_samp', 'var'],
  VARIANCE: ['var_samp', 'var'],
  VAR_POP: ['var_pop', 'var_pop'],
};

function expectedSelect(ast: Ast): SelectItem[] {
  return ast.items.map((item) => {
    if ('group' in item) {
      const column = nameOf(ast.groupBy[item.group]!);
      return { kind: 'group', column, alias: item.alias ? nameOf(item.alias) : column };
    }
    const [fn, prefix] = FNS[item.fn]!;
    const column = item.column && nameOf(item.column);
    const alias = item.alias ? nameOf(item.alias) : column === null ? 'count' : `${prefix}_${column}`;
    return { kind: 'aggregate', fn, column, alias };
  });
}

function expectedWhere(ast: Ast): Record<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const p of ast.preds) {
    const name = nameOf(ast.columns[p.column]!);
    const values = p.values.map((v) => v.value);
    const prev = sets.get(name);
    sets.set(name, prev ? prev.filter((v) => values.includes(v)) : values);
  }
  const sorted = (xs: string[]) => [...new Set(xs)].sort();
  return Object.fromEntries([...sets.keys()].sort().map((k) => [k, sorted(sets.get(k)!)]));
}

const astArb: fc.Arbitrary<Ast> = fc
  .record({
    table: identArb,
    columns: fc.array(identArb, { minLength: 1, maxLength: 3 }),
    groupBy: fc.uniqueArray(identArb, { maxLength: 2, selector: nameOf }),
    semicolon: fc.boolean(),
  })
  .chain((base) => {
    const aggregate = fc
      .record({
        fn: fc.constantFrom(...Object.keys(FNS)),
        column: identArb,
        star: fc.boolean(),
        alias: fc.option(identArb),
      })
      .map(
        ({ fn, column, star, alias }): Item => ({
          fn,
          column: fn === 'COUNT' && star ? null : column,
          alias,
        }),
      );
    const group = fc.record({
      group: fc.nat(Math.max(0, base.groupBy.length - 1)),
      alias: fc.option(identArb),
    });
    const item: fc.Arbitrary<Item> = base.groupBy.length ? fc.oneof(aggregate, group) : aggregate;
    const pred = fc.oneof(
      fc.record({
        column: fc.nat(base.columns.length - 1),
        form: fc.constantFrom('eq' as const, 'rev' as const),
        values: fc.tuple(litArb),
      }),
      fc.record({
        column: fc.nat(base.columns.length - 1),
        form: fc.constant('in' as const),
        values: fc.array(litArb, { minLength: 1, maxLength: 4 }),
      }),
    );
    return fc
      .record({
        items: fc.array(item, { minLength: 1, maxLength: 4 }),
        preds: fc.array(pred, { maxLength: 4 }),
      })
      .map((rest): Ast => ({ ...base, ...rest }));
  })
  .filter((ast) => {
    const aliases = expectedSelect(ast).map((i) => i.alias);
    return new Set(aliases).size === aliases.length;
  });

/** The surface: separators between tokens and the case of each keyword and unquoted word, cycled. */
type Surface = { seps: string[]; upper: boolean[] };
const surfaceArb: fc.Arbitrary<Surface> = fc.record({
  seps: fc.array(fc.constantFrom(' ', '\n', '\t', '  ', '\r\n ', ''), { minLength: 1, maxLength: 7 }),
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
    if ('group' in item) toks.push(id(ast.groupBy[item.group]!));
    else toks.push(word(item.fn), '(', item.column ? id(item.column) : '*', ')');
    if (item.alias) toks.push(...(i % 2 ? [word('AS')] : []), id(item.alias));
  });
  toks.push(word('FROM'), id(ast.table));
  ast.preds.forEach((p, i) => {
    toks.push(word(i ? 'AND' : 'WHERE'));
    const col = id(ast.columns[p.column]!);
    const v = p.values.map((l) => l.written);
    if (p.form === 'eq') toks.push(col, '=', ...v[0]!);
    else if (p.form === 'rev') toks.push(...v[0]!, '=', col);
    else toks.push(col, word('IN'), '(', ...v.flatMap((w, j) => (j ? [',', ...w] : w)), ')');
  });
  if (ast.groupBy.length)
    toks.push(word('GROUP'), word('BY'), ...ast.groupBy.flatMap((g, j) => (j ? [',', id(g)] : [id(g)])));
  if (ast.semicolon) toks.push(';');
  const punct = (t: string) => /^[(),=;*+-]$/.test(t);
  return toks
    .map((t, i) => {
      if (i === 0) return t;
      const sep = s.seps[i % s.seps.length]!;
      return sep === '' && !punct(t) && !punct(toks[i - 1]!) ? ` ${t}` : sep + t;
    })
    .join('');
}

describe('parseHeQuery: properties', () => {
  it('parses random valid queries to their meaning, and canonical reads back to the same query', () => {
    fc.assert(
      fc.property(astArb, surfaceArb, (ast, surface) => {
        const sql = render(ast, surface);
        const q = parseHeQuery(sql);
        expect(q.table).toBe(nameOf(ast.table));
        expect(q.select).toEqual(expectedSelect(ast));
        expect(q.where).toEqual(expectedWhere(ast));
        expect(Object.keys(q.where)).toEqual(Object.keys(expectedWhere(ast)));
        expect(q.groupBy).toEqual(ast.groupBy.map(nameOf));
        expect(parseHeQuery(q.canonical)).toEqual(q);
      }),
      { numRuns: 300 },
    );
  });

  it('gives one canonical text whatever the whitespace and the case of keywords and unquoted names', () => {
    fc.assert(
      fc.property(astArb, surfaceArb, surfaceArb, (ast, a, b) => {
        expect(parseHeQuery(render(ast, a)).canonical).toBe(parseHeQuery(render(ast, b)).canonical);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an unsupported construct anywhere without echoing a literal of the query', () => {
    const secret = fc.stringMatching(/^[A-Z]{7,10}$/).map((v): Lit => ({ value: v, written: [`'${v}'`] }));
    const bigNumber = fc.stringMatching(/^[1-9][0-9]{7,12}$/).map((v): Lit => ({ value: v, written: [v] }));
    const secretAst = astArb.chain((ast) =>
      fc.array(fc.oneof(secret, bigNumber), { minLength: 1, maxLength: 4 }).map((values) => ({
        ...ast,
        preds: [
          ...ast.preds.map((p) => ({ ...p, values: p.values.map((_, i) => values[i % values.length]!) })),
          { column: 0, form: 'in' as const, values },
        ],
      })),
    );
    const tails = [
      (v: string) => ` OR x = ${v}`,
      (v: string) => ` ${v}`,
      (v: string) => ` , ${v}`,
      (v: string) => ` AND x < ${v}`,
      (v: string) => ` AND x LIKE ${v}`,
      (v: string) => ` AND x BETWEEN ${v} AND ${v}`,
      (v: string) => ` HAVING COUNT(*) > ${v}`,
      (v: string) => ` LIMIT ${v}`,
      (v: string) => ` ORDER BY ${v}`,
      (v: string) => ` AND x = ${v} || ${v}`,
      (v: string) => ` AND x = ${v}::INT`,
      (v: string) => `; SELECT ${v}`,
      (v: string) => ` AND x = ${v}e5`,
      (v: string) => ` AND x = '${v.replaceAll("'", '')}`,
      (v: string) => ` AND x IN (SELECT ${v})`,
      (v: string) => ` AND x IS NULL AND y = ${v}`,
    ];
    fc.assert(
      fc.property(secretAst, fc.nat(tails.length - 1), fc.oneof(secret, bigNumber), (ast, t, extra) => {
        const sql =
          render({ ...ast, semicolon: false }, { seps: [' '], upper: [true] }) + tails[t]!(extra.written[0]!);
        const err = errorOf(sql);
        expect(err.code).toBe('HE_SQL_UNSUPPORTED');
        for (const lit of [...ast.preds.flatMap((p) => p.values), extra])
          expect(err.message).not.toContain(lit.value);
      }),
      { numRuns: 200 },
    );
  });
});
