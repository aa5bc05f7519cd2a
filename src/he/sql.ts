import { HeError } from './errors.js';

/** The aggregates of HE queries; VAR, VAR_SAMP and VARIANCE are `var_samp` (DuckDB's sample variance). */
export type AggregateFn = 'count' | 'sum' | 'avg' | 'var_samp' | 'var_pop';

/** One item of the select list: an aggregate, or a GROUP BY column. */
export type SelectItem =
  | { kind: 'aggregate'; fn: AggregateFn; column: string | null /* null only for COUNT(*) */; alias: string }
  | { kind: 'group'; column: string; alias: string };

/** A parsed query of the SQL subset of HE queries. */
export type HeQuery = {
  table: string;
  select: readonly SelectItem[];
  /** Column → allowed values (sorted, unique); one entry per constrained column, columns sorted. */
  where: Readonly<Record<string, readonly string[]>>;
  /** As written (the order of the first mention); at most 2, without repeats. */
  groupBy: readonly string[];
  /** A canonical SQL text: same meaning → same text (keywords upper case, identifiers as parsed, values sorted, predicates sorted by column). Used for hashing the job spec. */
  canonical: string;
};

type Token =
  | { t: 'word'; text: string; quoted: boolean; pos: number }
  | { t: 'string'; value: string; pos: number }
  | { t: 'number'; text: string; pos: number }
  | { t: 'op'; text: string; pos: number }
  | { t: 'end'; pos: number };

const AGGREGATES: Readonly<Record<string, AggregateFn>> = {
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  VAR: 'var_samp',
  VAR_SAMP: 'var_samp',
  VARIANCE: 'var_samp',
  VAR_POP: 'var_pop',
};
const FN_SQL: Readonly<Record<AggregateFn, string>> = {
  count: 'COUNT',
  sum: 'SUM',
  avg: 'AVG',
  var_samp: 'VAR_SAMP',
  var_pop: 'VAR_POP',
};
const ALIAS_PREFIX: Readonly<Record<AggregateFn, string>> = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  var_samp: 'var',
  var_pop: 'var_pop',
};

const plain = (...kws: string[]) => kws.map((kw) => [kw, `${kw} is not supported`] as const);
/** Reserved words outside the subset, each with the problem it names; unquoted, none is an identifier. */
const KEYWORD_PROBLEMS: ReadonlyMap<string, string> = new Map([
  ['OR', 'OR is not supported; combine predicates with AND and list alternatives with IN'],
  ['NOT', 'NOT is not supported'],
  ['IS', 'IS (IS NULL, IS NOT NULL) is not supported'],
  ['NULL', 'NULL is not supported'],
  ['TRUE', 'boolean literals are not supported'],
  ['FALSE', 'boolean literals are not supported'],
  ['ORDER', 'ORDER BY is not supported'],
  ['JOIN', 'JOIN is not supported; query one table'],
  ['WITH', 'WITH (a common table expression) is not supported'],
  ...['BETWEEN', 'LIKE', 'ILIKE', 'GLOB', 'SIMILAR'].map(
    (kw) => [kw, `${kw} is not supported; only = and IN`] as const,
  ),
  ...plain('LEFT', 'RIGHT', 'INNER', 'OUTER', 'FULL', 'CROSS', 'NATURAL', 'ON', 'USING', 'LATERAL'),
  ...plain('HAVING', 'LIMIT', 'OFFSET', 'FETCH', 'DISTINCT', 'UNION', 'INTERSECT', 'EXCEPT', 'CASE', 'WHEN'),
  ...plain('THEN', 'ELSE', 'END', 'CAST', 'EXISTS', 'ANY', 'SOME', 'ALL', 'WINDOW', 'QUALIFY', 'COLLATE'),
  ...plain('ASC', 'DESC', 'INTO', 'PIVOT', 'UNPIVOT', 'RETURNING'),
]);
const RESERVED = new Set([
  ...KEYWORD_PROBLEMS.keys(),
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'GROUP',
  'BY',
  'AS',
  'IN',
]);
const COMPARISONS = new Set(['<', '>', '<=', '>=', '<>', '!=', '==']);
const OPS = ['<=', '>=', '<>', '!=', '==', '::', '||', ...'(),;=*.<>+-/%^&|~!:'];

const fail = (problem: string, pos: number): never => {
  throw new HeError('HE_SQL_UNSUPPORTED', { problem: `${problem} (at offset ${pos})` });
};

/** An identifier as canonical SQL writes it: bare when it reads back the same, else double-quoted. */
function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name.toUpperCase())
    ? name
    : `"${name.replaceAll('"', '""')}"`;
}

const quoteString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** `-0012.50` → `-12.5`; `-0` → `0`; `.5` → `0.5`. */
function canonicalNumber(sign: string, text: string): string {
  const [intPart = '', frac = ''] = text.split('.');
  const int = intPart.replace(/^0+/, '') || '0';
  const f = frac.replace(/0+$/, '');
  const body = f ? `${int}.${f}` : int;
  return sign === '-' && body !== '0' ? `-${body}` : body;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const sticky = (re: RegExp, at: number) => {
    re.lastIndex = at;
    return re.exec(sql)?.[0];
  };
  /** The text between `q` quotes from `at`, `qq` read as one `q`; undefined when never closed. */
  const quoted = (q: string, at: number) => {
    let value = '';
    for (let j = at + 1; ; ) {
      const k = sql.indexOf(q, j);
      if (k < 0) return undefined;
      value += sql.slice(j, k);
      if (sql[k + 1] !== q) return { value, end: k + 1 };
      value += q;
      j = k + 2;
    }
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const word = sticky(/[A-Za-z_][A-Za-z0-9_]*/y, i);
    const number = sticky(/[0-9]+(?:\.[0-9]*)?|\.[0-9]+/y, i);
    if (word) {
      tokens.push({ t: 'word', text: word, quoted: false, pos: i });
      i += word.length;
    } else if (number) {
      if (/[A-Za-z0-9_.]/.test(sql[i + number.length] ?? ''))
        fail('this form of number is not supported; write plain digits with at most one decimal point', i);
      tokens.push({ t: 'number', text: number, pos: i });
      i += number.length;
    } else if (c === "'" || c === '"') {
      const q = quoted(c, i);
      if (!q) fail(c === "'" ? 'a string literal is not closed' : 'a quoted identifier is not closed', i);
      if (c === '"' && q!.value === '') fail('an empty quoted identifier is not supported', i);
      tokens.push(
        c === "'"
          ? { t: 'string', value: q!.value, pos: i }
          : { t: 'word', text: q!.value, quoted: true, pos: i },
      );
      i = q!.end;
    } else if (sql.startsWith('--', i) || sql.startsWith('/*', i)) {
      fail('comments are not supported', i);
    } else {
      const op = OPS.find((o) => sql.startsWith(o, i));
      if (!op) {
        const cp = sql.codePointAt(i)!;
        fail(`the character U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not supported`, i);
      }
      tokens.push({ t: 'op', text: op!, pos: i });
      i += op!.length;
    }
  }
  tokens.push({ t: 'end', pos: sql.length });
  return tokens;
}

/**
 * Parses a query of the SQL subset that homomorphic encryption answers: aggregates (COUNT, SUM,
 * AVG, VAR / VAR_SAMP / VARIANCE, VAR_POP) over one table, WHERE a conjunction of `col = literal`
 * and `col IN (...)`, GROUP BY at most 2 columns. Unquoted identifiers are folded to lower case;
 * literals become strings (numbers in canonical decimal form). Anything else raises
 * `HE_SQL_UNSUPPORTED` naming the construct and its offset, never a literal of the query.
 * A column constrained twice keeps the intersection of its value sets, which may be empty; the
 * canonical text writes an empty set as `col = '0' AND col = '1'` (valid SQL selecting nothing).
 *
 * @example
 * const q = parseHeQuery("select gender, count(*), avg(Value) from obs where code in ('4548-4') group by gender");
 * // q.select: [{ kind: 'group', column: 'gender', alias: 'gender' },
 * //            { kind: 'aggregate', fn: 'count', column: null, alias: 'count' },
 * //            { kind: 'aggregate', fn: 'avg', column: 'value', alias: 'avg_value' }]
 * // q.where: { code: ['4548-4'] }
 * // q.canonical: "SELECT gender, COUNT(*), AVG(value) FROM obs WHERE code = '4548-4' GROUP BY gender"
 */
export function parseHeQuery(sql: string): HeQuery {
  const tokens = tokenize(sql);
  let k = 0;
  const peek = (d = 0): Token => tokens[Math.min(k + d, tokens.length - 1)]!;
  const isKw = (tok: Token, kw: string) => tok.t === 'word' && !tok.quoted && tok.text.toUpperCase() === kw;
  const isOp = (tok: Token, op: string) => tok.t === 'op' && tok.text === op;
  const isIdent = (tok: Token) => tok.t === 'word' && (tok.quoted || !RESERVED.has(tok.text.toUpperCase()));
  const eat = (test: (tok: Token) => boolean) => test(peek()) && ++k > 0;
  const eatKw = (kw: string) => eat((tok) => isKw(tok, kw));
  const eatOp = (op: string) => eat((tok) => isOp(tok, op));

  /** Fails at `tok`: with the construct it starts when it is one outside the subset, else "expected …". */
  const unexpected = (tok: Token, expected: string): never => {
    if (tok.t === 'word' && !tok.quoted) {
      const problem = KEYWORD_PROBLEMS.get(tok.text.toUpperCase());
      if (problem) fail(problem, tok.pos);
    }
    if (tok.t === 'op') {
      if (tok.text === '(' && isKw(peek(1), 'SELECT')) fail('subqueries are not supported', tok.pos);
      if (COMPARISONS.has(tok.text)) fail(`comparison ${tok.text} is not supported; only = and IN`, tok.pos);
      if (tok.text === '::') fail('casts (::) are not supported', tok.pos);
      if (tok.text === '.') fail('qualified names (a.b) are not supported', tok.pos);
      if (!'(),;='.includes(tok.text)) fail(`arithmetic (${tok.text}) is not supported`, tok.pos);
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
  const startsLiteral = (tok: Token, after: Token) =>
    tok.t === 'string' || tok.t === 'number' || ((isOp(tok, '-') || isOp(tok, '+')) && after.t === 'number');
  const literal = (expected: string): string => {
    const tok = peek();
    if (tok.t === 'string') {
      k++;
      return tok.value;
    }
    const sign = startsLiteral(tok, peek(1)) && tok.t === 'op' ? tok.text : '';
    if (sign) k++;
    const num = peek();
    if (num.t === 'number') {
      k++;
      return canonicalNumber(sign, num.text);
    }
    if (isIdent(num))
      fail(`expected ${expected}, found an identifier; string literals take single quotes`, num.pos);
    return unexpected(num, expected);
  };

  if (!eatKw('SELECT')) unexpected(peek(), 'SELECT at the start');
  const items: { item: SelectItem; pos: number; aliasPos: number }[] = [];
  do {
    const tok = peek();
    let item: SelectItem;
    if (isOp(tok, '*'))
      fail('SELECT * is not supported; select COUNT(*), aggregates and GROUP BY columns', tok.pos);
    if (tok.t === 'word' && isIdent(tok) && isOp(peek(1), '(')) {
      const name = tok.quoted ? tok.text : tok.text.toUpperCase();
      const fn = AGGREGATES[name.toUpperCase()];
      if (!fn) return fail(`function ${name} is not supported`, tok.pos);
      k += 2;
      let col: string | null = null;
      if (isOp(peek(), '*')) {
        if (fn !== 'count') fail(`${name}(*) is not supported; only COUNT(*)`, peek().pos);
        k++;
      } else col = column(`a column inside ${name}(...)`);
      if (isOp(peek(), ',')) fail(`${name} takes one column`, peek().pos);
      if (!eatOp(')')) unexpected(peek(), `")" after the column of ${name}`);
      for (const kw of ['OVER', 'FILTER'])
        if (isKw(peek(), kw) && isOp(peek(1), '(')) fail(`${kw} is not supported`, peek().pos);
      const alias = col === null ? 'count' : `${ALIAS_PREFIX[fn]}_${col}`;
      item = { kind: 'aggregate', fn, column: col, alias };
    } else {
      const col = identifier('a select item (an aggregate or a GROUP BY column)');
      item = { kind: 'group', column: col, alias: col };
    }
    let aliasPos = tok.pos;
    if (eatKw('AS') || isIdent(peek())) {
      aliasPos = peek().pos;
      item.alias = identifier('an alias after AS');
    }
    items.push({ item, pos: tok.pos, aliasPos });
  } while (eatOp(','));

  if (!eatKw('FROM')) unexpected(peek(), 'a comma or FROM after a select item');
  const table = identifier('a table name after FROM');
  if (isOp(peek(), ',')) fail('more than one table (a join) is not supported', peek().pos);
  if (isKw(peek(), 'AS') || isIdent(peek())) fail('a table alias is not supported', peek().pos);
  let expected = 'WHERE, GROUP BY or the end of the query after the table';

  const where = new Map<string, string[]>();
  const constrain = (col: string, values: readonly string[]) => {
    const prev = where.get(col);
    where.set(col, [...new Set(prev ? values.filter((v) => prev.includes(v)) : values)]);
  };
  if (eatKw('WHERE')) {
    do {
      const tok = peek();
      if (startsLiteral(tok, peek(1))) {
        const value = literal('a literal');
        if (!eatOp('=')) unexpected(peek(), '"=" after a literal');
        if (startsLiteral(peek(), peek(1))) fail('comparing two literals is not supported', peek().pos);
        constrain(column('a column after "="'), [value]);
        continue;
      }
      if (isOp(tok, '(') && !isKw(peek(1), 'SELECT'))
        fail('parentheses around predicates are not supported', tok.pos);
      const col = column('a predicate (column = literal or column IN (...)) after WHERE or AND');
      if (eatOp('=')) {
        if (isIdent(peek()))
          fail('comparing two columns is not supported; string literals take single quotes', peek().pos);
        constrain(col, [literal('a literal after "="')]);
      } else if (eatKw('IN')) {
        if (!eatOp('(')) unexpected(peek(), '"(" after IN');
        if (isKw(peek(), 'SELECT')) fail('subqueries are not supported', peek().pos);
        if (isOp(peek(), ')')) fail('an empty IN list is not supported', peek().pos);
        const values: string[] = [];
        do values.push(literal('a literal in the IN list'));
        while (eatOp(','));
        if (!eatOp(')')) unexpected(peek(), 'a comma or ")" in the IN list');
        constrain(col, values);
      } else unexpected(peek(), '"=" or IN after the column');
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
    if (groupBy.length > 2)
      fail(`GROUP BY on ${groupBy.length} columns is not supported; at most 2 are`, positions[2]!);
    expected = 'a comma or the end of the query after GROUP BY';
  }
  if (eatOp(';') && peek().t !== 'end') fail('more than one statement is not supported', peek().pos);
  if (peek().t !== 'end') unexpected(peek(), expected);

  const aliases = new Set<string>();
  for (const { item, pos, aliasPos } of items) {
    if (item.kind === 'group' && !groupBy.includes(item.column))
      fail(
        `column ${quoteIdent(item.column)} is selected but not in GROUP BY; select it inside an aggregate or group by it`,
        pos,
      );
    if (aliases.has(item.alias))
      fail(
        `the name ${quoteIdent(item.alias)} is given to two select items; name them apart with AS`,
        aliasPos,
      );
    aliases.add(item.alias);
  }

  const select = items.map((i) => i.item);
  const columns = [...where.keys()].sort();
  const whereSorted = Object.fromEntries(columns.map((c) => [c, [...where.get(c)!].sort()] as const));
  return {
    table,
    select,
    where: whereSorted,
    groupBy,
    canonical: canonicalSql(table, select, whereSorted, groupBy),
  };
}

function canonicalSql(
  table: string,
  select: readonly SelectItem[],
  where: Readonly<Record<string, readonly string[]>>,
  groupBy: readonly string[],
): string {
  const items = select.map((item) => {
    const text =
      item.kind === 'group'
        ? quoteIdent(item.column)
        : `${FN_SQL[item.fn]}(${item.column === null ? '*' : quoteIdent(item.column)})`;
    const byDefault =
      item.kind === 'group'
        ? item.column
        : item.column === null
          ? 'count'
          : `${ALIAS_PREFIX[item.fn]}_${item.column}`;
    return item.alias === byDefault ? text : `${text} AS ${quoteIdent(item.alias)}`;
  });
  const preds = Object.keys(where)
    .sort()
    .map((col) => {
      const c = quoteIdent(col);
      const values = where[col]!;
      if (values.length === 0) return `${c} = '0' AND ${c} = '1'`;
      if (values.length === 1) return `${c} = ${quoteString(values[0]!)}`;
      return `${c} IN (${values.map(quoteString).join(', ')})`;
    });
  return [
    `SELECT ${items.join(', ')} FROM ${quoteIdent(table)}`,
    ...(preds.length ? [`WHERE ${preds.join(' AND ')}`] : []),
    ...(groupBy.length ? [`GROUP BY ${groupBy.map(quoteIdent).join(', ')}`] : []),
  ].join(' ');
}
