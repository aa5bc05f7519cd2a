/**
 * The error types DuckDB prefixes its messages with (`<type> Error: …`), as its exception map
 * spells them. Anything else is `Unknown`.
 */
const DUCKDB_ERROR_KINDS = [
  'Invalid',
  'Out of Range',
  'Conversion',
  'Unknown Type',
  'Decimal',
  'Mismatch Type',
  'Divide by Zero',
  'Object Size',
  'Invalid type',
  'Serialization',
  'TransactionContext',
  'Not implemented',
  'Expression',
  'Catalog',
  'Parser',
  'Binder',
  'Planner',
  'Scheduler',
  'Executor',
  'Constraint',
  'Index',
  'Stat',
  'Connection',
  'Syntax',
  'Settings',
  'Optimizer',
  'NullPointer',
  'IO',
  'INTERRUPT',
  'FATAL',
  'INTERNAL',
  'Invalid Input',
  'Out of Memory',
  'Permission',
  'Parameter Not Resolved',
  'Parameter Not Allowed',
  'Dependency',
  'Missing Extension',
  'HTTP',
  'Extension Autoloading',
  'Sequence',
  'Invalid Configuration',
] as const;

export type DuckDBErrorKind = (typeof DUCKDB_ERROR_KINDS)[number] | 'Unknown';

/**
 * Kinds raised before the query runs, by the binder and the catalog: they name columns, tables
 * and functions of the query and the catalog, never a value read from the data. Their message is
 * kept (without the query text DuckDB echoes after it).
 */
const NAMING_KINDS: ReadonlySet<DuckDBErrorKind> = new Set(['Binder', 'Catalog']);

/** `<kind> Error: `, optionally behind the node binding's `Failed to extract statements: `. */
const PREFIX = new RegExp(
  `^(?:Failed to [a-z ]+: )?(${[...DUCKDB_ERROR_KINDS]
    .sort((a, b) => b.length - a.length)
    .map((k) => k.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&'))
    .join('|')}) Error: `,
);

/** DuckDB's query context: `LINE n: <part of the line>` and a caret under the error. */
const CONTEXT = /\n+LINE (\d+): ([^\n]*)\n( *)\^[ \t]*$/;

export type DescribeDuckDBErrorReturnType = {
  kind: DuckDBErrorKind;
  /** 1-based line of the error in the query, when DuckDB gives a position. */
  line?: number | undefined;
  /** 1-based column (in characters) of the error in that line, when it can be placed. */
  column?: number | undefined;
  /**
   * DuckDB's message, one entry per line, for the kinds whose message cannot hold a data value
   * (binder and catalog errors), without the query text; for a parser error only its fixed
   * phrase (`syntax error`, `unterminated quoted string`); undefined for every other kind.
   */
  engine?: readonly string[] | undefined;
  /** For a conversion of a column's value: the column (a name of the catalog). */
  castColumn?: string | undefined;
  /** For a conversion of a string: the type it was converted to (INT32, DATE, …). */
  castType?: string | undefined;
};

/**
 * What can be said of a DuckDB error about a user's query without any value of the data: its
 * kind, its position (line and column in `query`) and, for binder and catalog errors, DuckDB's
 * own message. Execution errors (conversion, invalid input, out of range, constraint…) quote the
 * values they failed on, and every kind echoes the query text around the error (which may hold
 * a value the operator typed): neither is returned.
 *
 * @example
 * describeDuckDBError(err, 'SELECT CAST(display AS INT) FROM observations');
 * // { kind: 'Conversion', line: 1, column: 8, castColumn: 'display', castType: 'INT32' }
 */
export function describeDuckDBError(err: unknown, query: string): DescribeDuckDBErrorReturnType {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const prefix = PREFIX.exec(text);
  const kind: DuckDBErrorKind = (prefix?.[1] as DuckDBErrorKind | undefined) ?? 'Unknown';
  const rest = prefix ? text.slice(prefix[0].length) : '';
  const context = CONTEXT.exec(rest);
  const body = context ? rest.slice(0, context.index) : rest;
  const position = context
    ? locate(
        query,
        Number(context[1]),
        context[2] ?? '',
        (context[3] ?? '').length - `LINE ${context[1]}: `.length,
      )
    : {};
  const out: DescribeDuckDBErrorReturnType = { kind, ...position };
  if (NAMING_KINDS.has(kind)) out.engine = body.split('\n').filter((l) => l.trim() !== '');
  else if (kind === 'Parser') {
    // the phrases of the SQL grammar are lower-case words; what follows them (`at or near "…"`)
    // is a token of the query
    const phrase = /^([a-z ]+?)(?: at or near "[\s\S]*")?$/.exec(body)?.[1];
    if (phrase) out.engine = [phrase];
  } else if (kind === 'Conversion') {
    const column = / when casting from source column ([A-Za-z_][A-Za-z0-9_]*)$/.exec(body)?.[1];
    if (column) out.castColumn = column;
    const type =
      /^Could not convert string '[\s\S]*' to ([A-Z][A-Z0-9_]*)(?: when casting from source column [^\n]*)?$/.exec(
        body,
      )?.[1];
    if (type) out.castType = type;
  }
  return out;
}

/** The position of DuckDB's caret in `query`: 1-based line and column, as editors count them. */
function locate(
  query: string,
  duckLine: number,
  snippet: string,
  caretWidth: number,
): { line?: number; column?: number } {
  // DuckDB shows at most about 40 characters either side of the error, marking a cut with '...'
  const variants: { core: string; width: number }[] = [];
  for (const cutStart of snippet.startsWith('...') ? [true, false] : [false]) {
    for (const cutEnd of snippet.endsWith('...') ? [true, false] : [false]) {
      variants.push({
        core: snippet.slice(cutStart ? 3 : 0, cutEnd ? -3 : undefined),
        width: caretWidth - (cutStart ? 3 : 0),
      });
    }
  }
  const starts = lineStarts(query);
  const lineOf = (offset: number) => {
    let l = 0;
    while (l + 1 < starts.length && (starts[l + 1] as number) <= offset) l++;
    return l + 1;
  };
  for (const v of variants) {
    if (v.core === '' || v.width < 0) continue;
    const found: number[] = [];
    for (let i = query.indexOf(v.core); i >= 0; i = query.indexOf(v.core, i + 1)) found.push(i);
    // a query of several statements numbers the lines of each from 1: the line is a hint
    const at = found.find((i) => lineOf(i) === duckLine) ?? (found.length === 1 ? found[0] : undefined);
    if (at === undefined) continue;
    let offset = at;
    for (let w = 0; w < v.width && offset < query.length; ) {
      const cp = query.codePointAt(offset) as number;
      w += renderWidth(cp);
      offset += cp > 0xffff ? 2 : 1;
    }
    const line = lineOf(offset);
    const column = [...query.slice(starts[line - 1], offset)].length + 1;
    return { line, column };
  }
  return duckLine > 0 ? { line: duckLine } : {};
}

/** Offsets where each line begins (`\r\n`, `\r` and `\n` each end a line). */
function lineStarts(s: string): number[] {
  const starts = [0];
  for (const m of s.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
  return starts;
}

/** Terminal columns of a code point, as DuckDB counts them when it places its caret (close enough). */
function renderWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) {
    return 0;
  }
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}
