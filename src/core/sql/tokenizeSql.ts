/** One token of a query of the SQL subset; `pos` is its UTF-16 offset in the query. */
export type SqlToken =
  | { t: 'word'; text: string; quoted: boolean; pos: number }
  | { t: 'string'; value: string; pos: number }
  | { t: 'number'; text: string; pos: number }
  | { t: 'op'; text: string; pos: number }
  | { t: 'end'; pos: number };

/** How the tokenizer reports a problem: it throws (the dialect's error), so it never returns. */
export type SqlFail = (problem: string, pos: number) => never;

export type TokenizeSqlParameters = { sql: string; fail: SqlFail };
export type TokenizeSqlReturnType = SqlToken[];

const OPS = ['<=', '>=', '<>', '!=', '==', '::', '||', ...'(),;=*.<>+-/%^&|~!:'];

/**
 * Splits a query into words (identifiers and keywords; double-quoted identifiers with `""` for a
 * quote), single-quoted strings (`''` for a quote), unsigned numbers (digits with at most one
 * decimal point, kept as written) and operators, ending with an `end` token. Comments, other
 * number forms and characters outside SQL's punctuation are refused through `fail`, which names
 * the construct and its offset, never the text.
 *
 * @example
 * tokenizeSql({ sql: "a >= 7.50", fail })
 * // [{ t: 'word', text: 'a', quoted: false, pos: 0 }, { t: 'op', text: '>=', pos: 2 },
 * //  { t: 'number', text: '7.50', pos: 5 }, { t: 'end', pos: 9 }]
 */
export function tokenizeSql({ sql, fail }: TokenizeSqlParameters): TokenizeSqlReturnType {
  const tokens: SqlToken[] = [];
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
      if (!q)
        return fail(c === "'" ? 'a string literal is not closed' : 'a quoted identifier is not closed', i);
      if (c === '"' && q.value === '') fail('an empty quoted identifier is not supported', i);
      tokens.push(
        c === "'"
          ? { t: 'string', value: q.value, pos: i }
          : { t: 'word', text: q.value, quoted: true, pos: i },
      );
      i = q.end;
    } else if (sql.startsWith('--', i) || sql.startsWith('/*', i)) {
      fail('comments are not supported', i);
    } else {
      const op = OPS.find((o) => sql.startsWith(o, i));
      if (!op) {
        const cp = sql.codePointAt(i)!;
        return fail(`the character U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not supported`, i);
      }
      tokens.push({ t: 'op', text: op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ t: 'end', pos: sql.length });
  return tokens;
}
