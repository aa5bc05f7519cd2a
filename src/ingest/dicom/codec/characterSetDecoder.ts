import { TextDecoder } from 'node:util';

export type CharacterSetDecoderParameters = string;
export type CharacterSetDecoderReturnType = TextDecoder | undefined;

/**
 * WHATWG encoding labels by normalised Specific Character Set defined term (PS3.3 C.12.1.1.2):
 * `ISO_IR 100` → `iso-ir-100`, `ISO 2022 IR 87` → `iso-2022-ir-87`. The same table dcmjs uses,
 * so text decodes as it always has in sinso's tables. (WHATWG makes `iso-8859-1` and `latin1`
 * windows-1252; Node 20's TextDecoder decodes them as ISO 8859-1.)
 */
const ENCODINGS: Readonly<Record<string, string>> = {
  '': 'iso-8859-1',
  'iso-ir-6': 'iso-8859-1',
  'iso-ir-13': 'shift-jis',
  'iso-ir-100': 'latin1',
  'iso-ir-101': 'iso-8859-2',
  'iso-ir-109': 'iso-8859-3',
  'iso-ir-110': 'iso-8859-4',
  'iso-ir-126': 'iso-ir-126',
  'iso-ir-127': 'iso-ir-127',
  'iso-ir-138': 'iso-ir-138',
  'iso-ir-144': 'iso-ir-144',
  'iso-ir-148': 'iso-ir-148',
  'iso-ir-166': 'tis-620',
  'iso-2022-ir-6': 'iso-8859-1',
  'iso-2022-ir-13': 'shift-jis',
  'iso-2022-ir-87': 'iso-2022-jp',
  'iso-2022-ir-100': 'latin1',
  'iso-2022-ir-101': 'iso-8859-2',
  'iso-2022-ir-109': 'iso-8859-3',
  'iso-2022-ir-110': 'iso-8859-4',
  'iso-2022-ir-126': 'iso-ir-126',
  'iso-2022-ir-127': 'iso-ir-127',
  'iso-2022-ir-138': 'iso-ir-138',
  'iso-2022-ir-144': 'iso-ir-144',
  'iso-2022-ir-148': 'iso-ir-148',
  'iso-2022-ir-149': 'euc-kr',
  'iso-2022-ir-159': 'iso-2022-jp',
  'iso-2022-ir-166': 'tis-620',
  'iso-2022-ir-58': 'iso-ir-58',
  'iso-ir-192': 'utf-8',
  gb18030: 'gb18030',
  'iso-2022-gbk': 'gbk',
  'iso-2022-58': 'gb2312',
  gbk: 'gbk',
};

/**
 * The text decoder of a Specific Character Set (0008,0005) defined term (one value; padding is
 * ignored), for the VRs whose text it governs (SH, LO, ST, LT, UC, UT, PN); undefined for a term
 * it does not know. An empty term
 * is the default repertoire, decoded as `latin1` (a superset of ASCII that never fails).
 * Only one term is interpreted: ISO 2022 code extensions (several terms, escape sequences) are
 * not switched between. Decoding never throws (malformed bytes become U+FFFD).
 *
 * @example
 * characterSetDecoder('ISO_IR 192')?.decode(bytes); // UTF-8
 * characterSetDecoder('ISO_IR 100')?.encoding; // 'windows-1252'
 */
export function characterSetDecoder(term: CharacterSetDecoderParameters): CharacterSetDecoderReturnType {
  const key = term.trim().replace(/[_ ]/g, '-').toLowerCase();
  const label = Object.hasOwn(ENCODINGS, key) ? ENCODINGS[key] : undefined;
  return label === undefined ? undefined : new TextDecoder(label);
}
