import { SchemaError } from '../../../core/errors/index.js';

/**
 * A tag pattern of Table E.1-1, ready to match tags (uint32, `group << 16 | element`):
 *
 * - `exact`: one tag.
 * - `masked`: `(tag & mask) === value` on an even group; an `X` in the pattern clears the 4 bits of
 *   its digit in the mask. The repeating groups of PS3.5 7.6 are the even groups 5000–501E and
 *   6000–601E; the mask also matches the even groups 5020–50FE and 6020–60FE, which hold no
 *   standard attribute, so unknown data there is treated like curves and overlays rather than
 *   kept. Odd groups are private and never match.
 * - `private`: every attribute of an odd group (`(GGGG,EEEE) WHERE GGGG IS ODD`).
 */
export type TagPattern =
  | { kind: 'exact'; tag: number }
  | { kind: 'masked'; mask: number; value: number }
  | { kind: 'private' };

export type ParseTagPatternErrorType = SchemaError;

const PRIVATE_ROW = '(GGGG,EEEE) WHERE GGGG IS ODD';
const PATTERN = /^\(([0-9A-FX]{4}),([0-9A-FX]{4})\)$/;

/**
 * Parses a tag pattern as Table E.1-1 writes it (`(0010,0010)`, `(60XX,3000)`, `(50XX,XXXX)`,
 * `(GGGG,EEEE) WHERE GGGG IS ODD`). Lower-case `x` is accepted as `X`.
 *
 * @throws SchemaError (`SCHEMA_INVALID`) for any other text.
 *
 * @example
 * parseTagPattern('(0010,0010)'); // { kind: 'exact', tag: 0x00100010 }
 * parseTagPattern('(60XX,3000)'); // { kind: 'masked', mask: 0xff00ffff, value: 0x60003000 }
 */
export function parseTagPattern(text: string): TagPattern {
  if (text === PRIVATE_ROW) return { kind: 'private' };
  const m = PATTERN.exec(text.toUpperCase());
  if (!m) {
    throw new SchemaError(
      'SCHEMA_INVALID',
      {
        what: 'tag pattern of the PS3.15 Annex E table',
        hint: 'Restore datasets/annexE-2024b.json from the sinso package.',
      },
      { issues: [{ path: 'tag', message: 'must be (gggg,eeee) in hexadecimal, X for a repeating digit' }] },
    );
  }
  const digits = `${m[1]}${m[2]}`;
  let mask = 0;
  let value = 0;
  for (const d of digits) {
    mask = mask * 16 + (d === 'X' ? 0 : 15);
    value = value * 16 + (d === 'X' ? 0 : Number.parseInt(d, 16));
  }
  if (mask === 0xffffffff) return { kind: 'exact', tag: value };
  return { kind: 'masked', mask, value };
}
