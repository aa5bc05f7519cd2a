import type { IdentifyingValue } from './collectIdentifying.js';
import { matchNeedles } from './matchNeedles.js';

/** Which identifying values are worth searching for, by VR, and their shortest useful length. */
export const MIN_LEAK_LENGTH: Readonly<Record<string, number>> = {
  PN: 3,
  LO: 4,
  SH: 4,
  LT: 4,
  ST: 4,
  UT: 4,
  UC: 4,
  AE: 4,
  UR: 6,
  DA: 8,
  DT: 8,
  UI: 8,
};
// CS (codes such as a sex 'M'), TM (a time of day alone), AS, DS and IS are too short or too
// generic to search for without false alarms; the profile removes them and tests check that.

/** Placeholder words that stand for no one (a value of 'UNKNOWN' identifies nobody). */
export const PLACEHOLDER_VALUES: ReadonlySet<string> = new Set([
  'unknown',
  'anonymous',
  'anonymized',
  'anonymised',
  'none',
  'n/a',
  'null',
  'test',
  'removed',
  'redacted',
]);

export type FindLeaksParameters = {
  /** The output's bytes to search (sinso searches everything but the pixel data, see below). */
  bytes: Uint8Array;
  identifying: readonly IdentifyingValue[];
  /** Values the profile kept (lowercase): a match on one of them is not a leak. */
  kept: ReadonlySet<string>;
  /** Text sinso itself wrote (dummies, markers, pseudonyms): never counted as leaks. */
  written?: readonly string[];
};

export type FindLeaksReturnType = { leaks: number; vrs: string[] };

/**
 * Searches bytes for every identifying value read from the input (names and their components,
 * IDs, dates, UIDs, free text), case-insensitively, in UTF-8 and Latin-1 spellings, on word
 * boundaries (`containsWord`). Returns how many values were found and their VRs — never the
 * values themselves. One pass of a multi-needle automaton (`matchNeedles`) over the bytes
 * finds them all, and one over the kept and written values tells which of those found are exempt:
 * the work grows with the header's length plus the values' total length, not with their product.
 *
 * @example
 * const { leaks } = findLeaks({ bytes: header, identifying, kept });
 * if (leaks > 0) reject('leak scan: identifying values survive');
 */
export function findLeaks(p: FindLeaksParameters): FindLeaksReturnType {
  // the values to search for, once each (by their lowercase text), with the VR they first came with
  const seen = new Set<string>();
  const texts: string[] = [];
  const textVrs: string[] = [];
  for (const v of p.identifying) {
    const min = MIN_LEAK_LENGTH[v.vr];
    const t = v.text.trim().toLowerCase();
    if (min === undefined || t.length < min || seen.has(t)) continue;
    seen.add(t);
    if (PLACEHOLDER_VALUES.has(t)) continue;
    texts.push(t);
    textVrs.push(v.vr);
  }
  if (texts.length === 0) return { leaks: 0, vrs: [] };
  // needles 0 … n−1 are the values; a value with non-ASCII text also has its UTF-8 bytes read
  // as Latin-1 (the header is searched as Latin-1 text) as a needle after them
  const n = texts.length;
  const needles = [...texts];
  const spelling: number[] = [];
  for (const t of texts) {
    const latin1 = NON_ASCII.test(t) ? Buffer.from(t, 'utf8').toString('latin1') : t;
    spelling.push(latin1 === t ? -1 : needles.push(latin1) - 1);
  }
  const { words: inHeader } = matchNeedles({ needles, wordsInLatin1: p.bytes });
  const found: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = spelling[i] as number;
    if (inHeader[i] || (s >= 0 && inHeader[s])) found.push(i);
  }
  if (found.length === 0) return { leaks: 0, vrs: [] };
  // a value the profile keeps is by definition not identifying: nor is a part of one; nor is a
  // part of the text sinso wrote itself. Only the values found in the header need this test
  // (usually none), so the kept and written values are searched for those alone.
  const { anywhere: exempt } = matchNeedles({
    needles: found.map((i) => texts[i] as string),
    anywhereIn: [...(p.written ?? []).map((w) => w.toLowerCase()), ...p.kept],
  });
  const vrs = new Set<string>();
  let leaks = 0;
  for (let j = 0; j < found.length; j++) {
    if (exempt[j]) continue;
    leaks++;
    vrs.add(textVrs[found[j] as number] as string);
  }
  return { leaks, vrs: [...vrs].sort() };
}

const NON_ASCII = /[^\u0000-\u007f]/;

const isWordChar = (c: number | undefined) =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c >= 0xc0);

/**
 * Whether `needle` occurs in `hay` on word boundaries: not inside a longer run of letters and
 * digits. A short ID like 65023 can occur by chance inside the digits of a new 2.25 UID, and a
 * name part like "Ann" inside "Annotation"; neither is a leak.
 */
export function containsWord(hay: string, needle: string): boolean {
  const first = needle.charCodeAt(0);
  const last = needle.charCodeAt(needle.length - 1);
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    const before = i > 0 ? hay.charCodeAt(i - 1) : undefined;
    const after = i + needle.length < hay.length ? hay.charCodeAt(i + needle.length) : undefined;
    // a boundary is needed only where the needle itself starts or ends with a word character
    if ((!isWordChar(first) || !isWordChar(before)) && (!isWordChar(last) || !isWordChar(after))) return true;
  }
  return false;
}
