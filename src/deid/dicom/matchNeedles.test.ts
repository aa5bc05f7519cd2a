import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsWord } from './findLeaks.js';
import { matchNeedles } from './matchNeedles.js';

// characters that exercise every rule: word characters (digits, a-z, ≥ U+00C0), upper case,
// separators, Latin-1 letters of both cases, others beyond Latin-1 and a surrogate pair's halves
const ALPHABET = [
  'a',
  'b',
  'n',
  '1',
  '9',
  'A',
  'B',
  '.',
  '^',
  ' ',
  '\u0000',
  'é',
  'É',
  'ß',
  '×',
  'µ',
  'ÿ',
  'ł',
  '中',
  '\ud83d',
  '\ude00',
];
const text = (maxLength: number) =>
  fc.array(fc.constantFrom(...ALPHABET), { maxLength }).map((cs) => cs.join(''));
// needles mostly cut from the texts, so that they do occur (and around word boundaries)
const caseOf = fc
  .tuple(
    fc.array(text(30), { minLength: 1, maxLength: 3 }),
    fc.array(fc.tuple(fc.nat(2), fc.nat(30), fc.nat(6), text(4), fc.boolean()), { maxLength: 12 }),
  )
  .map(([texts, cuts]) => ({
    texts,
    needles: cuts.map(([t, at, len, own, cut]) =>
      cut ? (texts[t % texts.length] as string).slice(at, at + len) : own,
    ),
  }));

describe('matchNeedles', () => {
  it('finds exactly the needles that containsWord finds, and those that includes finds', () => {
    fc.assert(
      fc.property(caseOf, ({ texts, needles }) => {
        const hay = texts[0] as string;
        const r = matchNeedles({ needles, anywhereIn: texts, wordsIn: hay });
        expect([...r.words]).toEqual(needles.map((n) => (containsWord(hay, n) ? 1 : 0)));
        expect([...r.anywhere]).toEqual(needles.map((n) => (texts.some((t) => t.includes(n)) ? 1 : 0)));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads bytes as lowercased Latin-1 exactly as toString and toLowerCase do', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(60), fc.nat(5)), { maxLength: 10 }),
        (bytes, cuts) => {
          const hay = Buffer.from(bytes).toString('latin1').toLowerCase();
          // needles from the lowercased text and from the raw text (upper case does not match)
          const raw = Buffer.from(bytes).toString('latin1');
          const needles = cuts.flatMap(([at, len]) => [hay.slice(at, at + len), raw.slice(at, at + len)]);
          const r = matchNeedles({ needles, wordsInLatin1: bytes });
          expect([...r.words]).toEqual(needles.map((n) => (containsWord(hay, n) ? 1 : 0)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('handles repeated, nested and empty needles, and texts given or not', () => {
    const needles = ['ann', 'anna', 'nna', 'ann', '', 'x'];
    expect(matchNeedles({ needles, anywhereIn: ['joanna', 'ax'] }).anywhere).toEqual(
      Uint8Array.of(1, 1, 1, 1, 1, 1),
    );
    expect(matchNeedles({ needles, wordsIn: 'anna^x' }).words).toEqual(Uint8Array.of(0, 1, 0, 0, 1, 1));
    expect(matchNeedles({ needles, anywhereIn: [] })).toEqual({
      anywhere: new Uint8Array(6),
      words: new Uint8Array(6),
    });
    // one call does not leave state behind for the next
    expect(matchNeedles({ needles: ['b'], wordsIn: 'a b' }).words).toEqual(Uint8Array.of(1));
    expect(matchNeedles({ needles: ['c'], wordsIn: 'a b' }).words).toEqual(Uint8Array.of(0));
  });
});
