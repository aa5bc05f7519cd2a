import { canonicalSql, defaultAlias, quoteIdent, SQL_RESERVED } from './canonicalSql.js';
import { SqlSubsetError, type SqlSubsetErrorType } from './errors.js';
import { type SqlFail, type SqlToken, tokenizeSql } from './tokenizeSql.js';
import type {
  SqlAggregateFn,
  SqlDialect,
  SqlLiteral,
  SqlOp,
  SqlPredicate,
  SqlQuery,
  SqlSelectItem,
} from './types.js';

const AGGREGATES: Readonly<Record<string, SqlAggregateFn>> = {
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  VAR: 'var_samp',
  VAR_SAMP: 'var_samp',
  VARIANCE: 'var_samp',
  VAR_POP: 'var_pop',
};
/** Every comparison token, and the operator it reads as (`==` is SQL nowhere, so none). */
const COMPARISONS: ReadonlyMap<string, SqlOp | undefined> = new Map([
  ['=', '='],
  ['!=', '!='],
  ['<>', '!='],
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
  ['==', undefined],
]);
/** `5 < a` is `a > 5`. */
const FLIPPED: Readonly<Record<SqlOp, SqlOp>> = {
  '=': '=',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  in: 'in',
};
const COMPARISON_ORDER: readonly SqlOp[] = ['=', '!=', '<', '<=', '>', '>='];

/** "a", "a and b", "a, b and c". */
const listed = (xs: readonly string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
/** "a", "a or b", "a, b or c". */
const either = (xs: readonly string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`;

/** A dialect's messages and keyword problems, derived once per dialect object. */
type Compiled = {
  fail: SqlFail;
  allows: (op: SqlOp) => boolean;
  /** "only = and IN" */
  only: string;
  keywordProblems: ReadonlyMap<string, string>;
  /** What may follow a column in a predicate: `"=" or IN`. */
  afterColumn: string;
  /** What may follow a literal on the left: `"="`. */
  afterLiteral: string;
  /** The forms of a predicate: `column = literal or column IN (...)`. */
  predicateForms: string;
};
const compiledDialects = new WeakMap<SqlDialect, Compiled>();

function compile(d: SqlDialect): Compiled {
  const cached = compiledDialects.get(d);
  if (cached) return cached;
  const allows = (op: SqlOp) => d.operators.includes(op);
  const comparisons = COMPARISON_ORDER.filter(allows);
  const only = `only ${listed([...comparisons, ...(d.between ? ['BETWEEN'] : []), ...(allows('in') ? ['IN'] : [])])}`;
  const plain = (...kws: string[]) => kws.map((kw) => [kw, `${kw} is not supported`] as const);
  const keywordProblems = new Map<string, string>([
    [
      'OR',
      `OR is not supported; combine predicates with AND${allows('in') ? ' and list alternatives with IN' : ''}`,
    ],
    ['NOT', 'NOT is not supported'],
    ['IS', 'IS (IS NULL, IS NOT NULL) is not supported'],
    ['NULL', 'NULL is not supported'],
    ['TRUE', 'boolean literals are not supported'],
    ['FALSE', 'boolean literals are not supported'],
    ['ORDER', 'ORDER BY is not supported'],
    ['JOIN', 'JOIN is not supported; query one table'],
    ['WITH', 'WITH (a common table expression) is not supported'],
    ...['BETWEEN', 'LIKE', 'ILIKE', 'GLOB', 'SIMILAR'].map(
      (kw) => [kw, `${kw} is not supported; ${only}`] as const,
    ),
    ...(d.between
      ? [['BETWEEN', 'BETWEEN is only supported in a predicate: column BETWEEN a AND b'] as const]
      : []),
    ...plain('LEFT', 'RIGHT', 'INNER', 'OUTER', 'FULL', 'CROSS', 'NATURAL', 'ON', 'USING', 'LATERAL'),
    ...plain(
      'HAVING',
      'LIMIT',
      'OFFSET',
      'FETCH',
      'DISTINCT',
      'UNION',
      'INTERSECT',
      'EXCEPT',
      'CASE',
      'WHEN',
    ),
    ...plain('THEN', 'ELSE', 'END', 'CAST', 'EXISTS', 'ANY', 'SOME', 'ALL', 'WINDOW', 'QUALIFY', 'COLLATE'),
    ...plain('ASC', 'DESC', 'INTO', 'PIVOT', 'UNPIVOT', 'RETURNING'),
  ]);
  const comparison =
    comparisons.length === 1 ? `"${comparisons[0]}"` : `a comparison (${comparisons.join(', ')})`;
  const compared =
    comparisons.length === 1
      ? `column ${comparisons[0]} literal`
      : `column OP literal, OP one of ${comparisons.join(', ')}`;
  const makeError =
    d.error ??
    ((problem: string, offset: number) =>
      new SqlSubsetError('SQL_UNSUPPORTED', { dialect: d.name, problem, offset, supported: d.supported }));
  const c: Compiled = {
    fail: (problem, pos) => {
      throw makeError(problem, pos);
    },
    allows,
    only,
    keywordProblems,
    afterColumn: either([comparison, ...(d.between ? ['BETWEEN'] : []), ...(allows('in') ? ['IN'] : [])]),
    afterLiteral: comparison,
    predicateForms: (() => {
      const forms = [
        compared,
        ...(d.between ? ['column BETWEEN a AND b'] : []),
        ...(allows('in') ? ['column IN (...)'] : []),
      ];
      // the list of operators has commas of its own: separate the forms with semicolons then
      if (comparisons.length === 1 || forms.length === 1) return either(forms);
      return `${forms.slice(0, -1).join('; ')}; or ${forms.at(-1)}`;
    })(),
  };
  compiledDialects.set(d, c);
  return c;
}

export type ParseSqlSubsetParameters = { sql: string; dialect: SqlDialect };
export type ParseSqlSubsetReturnType = SqlQuery;
/** A `SqlSubsetError`, unless the dialect makes its own error (`SqlDialect.error`). */
export type ParseSqlSubsetErrorType = SqlSubsetErrorType;

/**
 * Parses a query of the SQL subset shared by the query engines: `SELECT` aggregates (COUNT(*),
 * COUNT, SUM, AVG, VAR / VAR_SAMP / VARIANCE, VAR_POP of one column, with optional aliases) and
 * GROUP BY columns, `FROM` one table, an optional `WHERE` conjunction (AND) of `column op
 * literal` (or `literal op column`), `column BETWEEN a AND b` and `column IN (...)`, and an
 * optional `GROUP BY`. The dialect says which operators, how many GROUP BY columns and whether one
 * value column; everything else fails with the dialect's error, naming the construct and its
 * offset, never a literal of the query. Unquoted identifiers are folded to lower case; literals
 * keep their text ({@link SqlLiteral}); a selected column must be grouped by, and select items
 * need distinct names.
 *
 * @example
 * const q = parseSqlSubset({
 *   sql: 'SELECT COUNT(*), AVG(v) FROM obs WHERE age BETWEEN 20 AND 40',
 *   dialect: { name: 'ZK', operators: ['=', '<', '<=', '>', '>='], between: true, maxGroupBy: 1, oneValueColumn: true, supported: '…' },
 * });
 * // q.where: [{ column: 'age', op: '>=', values: [{ kind: 'number', text: '20' }] },
 * //           { column: 'age', op: '<=', values: [{ kind: 'number', text: '40' }] }]
 * // q.canonical: 'SELECT COUNT(*), AVG(v) FROM obs WHERE age <= 40 AND age >= 20'
 */
export function parseSqlSubset({ sql, dialect }: ParseSqlSubsetParameters): ParseSqlSubsetReturnType {
  const d = compile(dialect);
  const fail = d.fail;
  const tokens = tokenizeSql({ sql, fail });
  let k = 0;
  const peek = (n = 0): SqlToken => tokens[Math.min(k + n, tokens.length - 1)]!;
  const isKw = (tok: SqlToken, kw: string) =>
    tok.t === 'word' && !tok.quoted && tok.text.toUpperCase() === kw;
  const isOp = (tok: SqlToken, op: string) => tok.t === 'op' && tok.text === op;
  const isIdent = (tok: SqlToken) =>
    tok.t === 'word' && (tok.quoted || !SQL_RESERVED.has(tok.text.toUpperCase()));
  const eat = (test: (tok: SqlToken) => boolean) => test(peek()) && ++k > 0;
  const eatKw = (kw: string) => eat((tok) => isKw(tok, kw));
  const eatOp = (op: string) => eat((tok) => isOp(tok, op));

  /** Fails at `tok`: with the construct it starts when it is one outside the subset, else "expected …". */
  const unexpected = (tok: SqlToken, expected: string): never => {
    if (tok.t === 'word' && !tok.quoted) {
      const problem = d.keywordProblems.get(tok.text.toUpperCase());
      if (problem) fail(problem, tok.pos);
    }
    if (tok.t === 'op') {
      const op = COMPARISONS.get(tok.text);
      const allowed = op !== undefined && d.allows(op);
      if (tok.text === '(' && isKw(peek(1), 'SELECT')) fail('subqueries are not supported', tok.pos);
      if (COMPARISONS.has(tok.text) && !allowed)
        fail(`comparison ${tok.text} is not supported; ${d.only}`, tok.pos);
      if (tok.text === '::') fail('casts (::) are not supported', tok.pos);
      if (tok.text === '.') fail('qualified names (a.b) are not supported', tok.pos);
      if (!allowed && !'(),;='.includes(tok.text)) fail(`arithmetic (${tok.text}) is not supported`, tok.pos);
    }
    const found = {
      word: tok.t === 'word' && !isIdent(tok) ? tok.text.toUpperCase() : 'an identifier',
      string: 'a string literal',
      number: 'a number',
      op: `"${tok.t === 'op' ? tok.text : ''}"`,
      end: 'the end of the query',
    }[tok.t];
    return fail(`expected ${expected}, found ${found}`, tok.pos);
  };

  const identifier = (expected: string): string => {
    const tok = peek();
    if (tok.t !== 'word' || !isIdent(tok)) return unexpected(tok, expected);
    k++;
    if (isOp(peek(), '.')) unexpected(peek(), expected);
    return tok.quoted ? tok.text : tok.text.toLowerCase();
  };
  /** A column outside the select list: a function call there is named as such. */
  const column = (expected: string): string => {
    const tok = peek();
    if (tok.t === 'word' && isIdent(tok) && isOp(peek(1), '(')) {
      const name = tok.quoted ? tok.text : tok.text.toUpperCase();
      fail(
        AGGREGATES[name.toUpperCase()]
          ? `aggregate ${name} is only supported as a select item`
          : `function ${name} is not supported`,
        tok.pos,
      );
    }
    return identifier(expected);
  };
  const startsLiteral = (tok: SqlToken, after: SqlToken) =>
    tok.t === 'string' || tok.t === 'number' || ((isOp(tok, '-') || isOp(tok, '+')) && after.t === 'number');
  const literal = (expected: string): SqlLiteral => {
    const tok = peek();
    if (tok.t === 'string') {
      k++;
      return { kind: 'string', text: tok.value };
    }
    const sign = startsLiteral(tok, peek(1)) && tok.t === 'op' ? tok.text : '';
    if (sign) k++;
    const num = peek();
    if (num.t === 'number') {
      k++;
      return { kind: 'number', text: sign === '-' ? `-${num.text}` : num.text };
    }
    if (isIdent(num))
      fail(`expected ${expected}, found an identifier; string literals take single quotes`, num.pos);
    return unexpected(num, expected);
  };
  /** The operator of the comparison at the cursor, if the dialect allows it (else it fails there). */
  const comparison = (expected: string): { op: SqlOp; text: string } => {
    const tok = peek();
    const op = tok.t === 'op' ? COMPARISONS.get(tok.text) : undefined;
    if (tok.t !== 'op' || !op || !d.allows(op)) return unexpected(tok, expected);
    k++;
    return { op, text: tok.text };
  };

  if (!eatKw('SELECT')) unexpected(peek(), 'SELECT at the start');
  const items: { item: SqlSelectItem; pos: number; columnPos: number; aliasPos: number }[] = [];
  do {
    const tok = peek();
    let item: SqlSelectItem;
    let columnPos = tok.pos;
    if (isOp(tok, '*'))
      fail('SELECT * is not supported; select COUNT(*), aggregates and GROUP BY columns', tok.pos);
    if (tok.t === 'word' && isIdent(tok) && isOp(peek(1), '(')) {
      const name = tok.quoted ? tok.text : tok.text.toUpperCase();
      const fn = AGGREGATES[name.toUpperCase()];
      if (!fn) return fail(`function ${name} is not supported`, tok.pos);
      k += 2;
      let col: string | null = null;
      columnPos = peek().pos;
      if (isOp(peek(), '*')) {
        if (fn !== 'count') fail(`${name}(*) is not supported; only COUNT(*)`, peek().pos);
        k++;
      } else col = column(`a column inside ${name}(...)`);
      if (isOp(peek(), ',')) fail(`${name} takes one column`, peek().pos);
      if (!eatOp(')')) unexpected(peek(), `")" after the column of ${name}`);
      for (const kw of ['OVER', 'FILTER'])
        if (isKw(peek(), kw) && isOp(peek(1), '(')) fail(`${kw} is not supported`, peek().pos);
      item = { kind: 'aggregate', fn, column: col, alias: '' };
      item.alias = defaultAlias(item);
    } else {
      const col = identifier('a select item (an aggregate or a GROUP BY column)');
      item = { kind: 'group', column: col, alias: col };
    }
    let aliasPos = tok.pos;
    if (eatKw('AS') || isIdent(peek())) {
      aliasPos = peek().pos;
      item.alias = identifier('an alias after AS');
    }
    items.push({ item, pos: tok.pos, columnPos, aliasPos });
  } while (eatOp(','));

  if (!eatKw('FROM')) unexpected(peek(), 'a comma or FROM after a select item');
  const table = identifier('a table name after FROM');
  if (isOp(peek(), ',')) fail('more than one table (a join) is not supported', peek().pos);
  if (isKw(peek(), 'AS') || isIdent(peek())) fail('a table alias is not supported', peek().pos);
  let expected = 'WHERE, GROUP BY or the end of the query after the table';

  const where: SqlPredicate[] = [];
  if (eatKw('WHERE')) {
    do {
      const tok = peek();
      if (startsLiteral(tok, peek(1))) {
        const value = literal('a literal');
        const { op, text } = comparison(`${d.afterLiteral} after a literal`);
        if (startsLiteral(peek(), peek(1))) fail('comparing two literals is not supported', peek().pos);
        where.push({ column: column(`a column after "${text}"`), op: FLIPPED[op], values: [value] });
        continue;
      }
      if (isOp(tok, '(') && !isKw(peek(1), 'SELECT'))
        fail('parentheses around predicates are not supported', tok.pos);
      const col = column(`a predicate (${d.predicateForms}) after WHERE or AND`);
      if (peek().t === 'op') {
        const { op, text } = comparison(`${d.afterColumn} after the column`);
        if (isIdent(peek()))
          fail('comparing two columns is not supported; string literals take single quotes', peek().pos);
        where.push({ column: col, op, values: [literal(`a literal after "${text}"`)] });
      } else if (isKw(peek(), 'BETWEEN') && dialect.between) {
        k++;
        const low = literal('a literal after BETWEEN');
        if (!eatKw('AND')) unexpected(peek(), 'AND between the two literals of BETWEEN');
        const high = literal('a literal after BETWEEN ... AND');
        where.push({ column: col, op: '>=', values: [low] }, { column: col, op: '<=', values: [high] });
      } else if (isKw(peek(), 'IN') && !d.allows('in')) {
        fail(`IN is not supported; ${d.only}`, peek().pos);
      } else if (eatKw('IN')) {
        if (!eatOp('(')) unexpected(peek(), '"(" after IN');
        if (isKw(peek(), 'SELECT')) fail('subqueries are not supported', peek().pos);
        if (isOp(peek(), ')')) fail('an empty IN list is not supported', peek().pos);
        const values: SqlLiteral[] = [];
        do values.push(literal('a literal in the IN list'));
        while (eatOp(','));
        if (!eatOp(')')) unexpected(peek(), 'a comma or ")" in the IN list');
        where.push({ column: col, op: 'in', values });
      } else unexpected(peek(), `${d.afterColumn} after the column`);
    } while (eatKw('AND'));
    expected = 'AND, GROUP BY or the end of the query';
  }

  const groupBy: string[] = [];
  if (eatKw('GROUP')) {
    if (!eatKw('BY')) unexpected(peek(), 'BY after GROUP');
    const positions: number[] = [];
    do {
      const tok = peek();
      const col = column('a column name after GROUP BY');
      if (groupBy.includes(col)) fail(`column ${quoteIdent(col)} appears twice in GROUP BY`, tok.pos);
      groupBy.push(col);
      positions.push(tok.pos);
    } while (eatOp(','));
    const max = dialect.maxGroupBy;
    if (groupBy.length > max)
      fail(
        `GROUP BY on ${groupBy.length} columns is not supported; at most ${max} ${max === 1 ? 'is' : 'are'}`,
        positions[max]!,
      );
    expected = 'a comma or the end of the query after GROUP BY';
  }
  if (eatOp(';') && peek().t !== 'end') fail('more than one statement is not supported', peek().pos);
  if (peek().t !== 'end') unexpected(peek(), expected);

  const aliases = new Set<string>();
  let valueColumn: string | null = null;
  for (const { item, pos, columnPos, aliasPos } of items) {
    if (item.kind === 'group' && !groupBy.includes(item.column))
      fail(
        `column ${quoteIdent(item.column)} is selected but not in GROUP BY; select it inside an aggregate or group by it`,
        pos,
      );
    if (dialect.oneValueColumn && item.kind === 'aggregate' && item.column !== null) {
      if (valueColumn !== null && valueColumn !== item.column)
        fail(
          `aggregates over two columns (${quoteIdent(valueColumn)} and ${quoteIdent(item.column)}) are not supported; aggregate one value column`,
          columnPos,
        );
      valueColumn = item.column;
    }
    if (aliases.has(item.alias))
      fail(
        `the name ${quoteIdent(item.alias)} is given to two select items; name them apart with AS`,
        aliasPos,
      );
    aliases.add(item.alias);
  }

  const select = items.map((i) => i.item);
  return { table, select, where, groupBy, canonical: canonicalSql({ table, select, where, groupBy }) };
}
