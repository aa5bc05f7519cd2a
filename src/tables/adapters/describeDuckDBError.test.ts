import { describe, expect, it } from 'vitest';
import { describeDuckDBError } from './describeDuckDBError.js';

// Messages as DuckDB 1.5 writes them (test/integration/runSql.test.ts raises them for real).
const error = (message: string) => Object.assign(new Error(message), { name: 'Error' });

describe('describeDuckDBError', () => {
  it('keeps neither the value of a conversion nor the query line, but the column, the type and the position', () => {
    const query = 'SELECT code,\n  CAST(display AS INTEGER) FROM observations';
    const d = describeDuckDBError(
      error(
        "Conversion Error: Could not convert string 'JOHN SMITH' to INT32 when casting from source column display\n\n" +
          'LINE 2:   CAST(display AS INTEGER) FROM observations\n          ^',
      ),
      query,
    );
    expect(d).toEqual({ kind: 'Conversion', line: 2, column: 3, castColumn: 'display', castType: 'INT32' });
  });

  it('keeps a binder message without the echoed line, with line and column', () => {
    const d = describeDuckDBError(
      error(
        'Binder Error: Referenced column "nope" not found in FROM clause!\nCandidate bindings: "n", "name"\n\n' +
          "LINE 1: SELECT nope FROM p WHERE name = 'JOHN SMITH'\n               ^",
      ),
      "SELECT nope FROM p WHERE name = 'JOHN SMITH'",
    );
    expect(d).toEqual({
      kind: 'Binder',
      line: 1,
      column: 8,
      engine: ['Referenced column "nope" not found in FROM clause!', 'Candidate bindings: "n", "name"'],
    });
  });

  it('places the caret in a line DuckDB cut short on the left, and counts wide characters as DuckDB does', () => {
    const long = `SELECT * FROM p WHERE name = '${'JOHN '.repeat(11).trim()}' AND nope = 1`;
    const cut = long.slice(long.indexOf('nope') - 40);
    const d = describeDuckDBError(
      error(
        `Binder Error: Referenced column "nope" not found!\n\nLINE 1: ...${cut}\n${' '.repeat(8 + 3 + 40)}^`,
      ),
      long,
    );
    expect(d.column).toBe(long.indexOf('nope') + 1);
    const wide = "SELECT 'ü中文' || nope FROM t";
    const w = describeDuckDBError(
      error(`Binder Error: Referenced column "nope" not found!\n\nLINE 1: ${wide}\n${' '.repeat(8 + 18)}^`),
      wide,
    );
    expect(w.column).toBe(17);
  });

  it('counts lines as editors do (CRLF is one line end)', () => {
    const query = "SELECT * FROM t WHERE x = 'a'\r\n  AND nope = 1";
    const d = describeDuckDBError(
      error(
        `Binder Error: Referenced column "nope" not found!\n\nLINE 2:   AND nope = 1\n${' '.repeat(14)}^`,
      ),
      query,
    );
    expect(d).toMatchObject({ line: 2, column: 7 });
  });

  it('gives a parser error its fixed phrase only, never the token it quotes', () => {
    const query = "SELECT *\nFROM t\nWHERE name = 'JOHN' QZX = 1";
    const d = describeDuckDBError(
      error(
        'Failed to extract statements: Parser Error: syntax error at or near "QZX"\n\n' +
          `LINE 3: WHERE name = 'JOHN' QZX = 1\n${' '.repeat(8 + 20)}^`,
      ),
      query,
    );
    expect(d).toEqual({ kind: 'Parser', line: 3, column: 21, engine: ['syntax error'] });
    expect(
      describeDuckDBError(
        error('Failed to extract statements: Parser Error: syntax error at end of input'),
        'SELECT',
      ),
    ).toEqual({ kind: 'Parser', engine: ['syntax error at end of input'] });
    // a parser message that is not a phrase of the grammar is not kept
    expect(describeDuckDBError(error('Parser Error: Unknown keyword JOHN'), 'x')).toEqual({ kind: 'Parser' });
  });

  it('withholds the message of every other kind, and of a message it cannot read', () => {
    for (const [message, kind] of [
      [
        'Invalid Input Error: Could not parse string "JOHN SMITH" according to format specifier "%Y"',
        'Invalid Input',
      ],
      ['Invalid Input Error: missing ): (JOHN', 'Invalid Input'],
      ['Out of Range Error: Overflow in addition of INT64 (9223372036854775807 + 1)!', 'Out of Range'],
      ['Constraint Error: Duplicate key "n: 1" violates primary key constraint.', 'Constraint'],
      ['Conversion Error: extract specifier "JOHN SMITH" not recognized', 'Conversion'],
      ['JOHN SMITH', 'Unknown'],
      ['Error in native callback', 'Unknown'],
    ] as const) {
      const d = describeDuckDBError(error(message), 'SELECT 1');
      expect(d).toEqual({ kind });
      expect(JSON.stringify(d)).not.toContain('JOHN');
    }
  });

  it('gives the line only when the echoed part cannot be found in the query', () => {
    expect(
      describeDuckDBError(error('Binder Error: x\n\nLINE 4: something else\n          ^'), 'SELECT 1'),
    ).toEqual({ kind: 'Binder', line: 4, engine: ['x'] });
  });
});
