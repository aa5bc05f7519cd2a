import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTagString } from './parseTagString.js';
import { tagString } from './tagString.js';

describe('tagString and parseTagString', () => {
  it('format and parse the standard notation', () => {
    expect(tagString(0x00100010)).toBe('(0010,0010)');
    expect(tagString(0x7fe00010)).toBe('(7FE0,0010)');
    expect(tagString(0xfffee000)).toBe('(FFFE,E000)');
    expect(parseTagString('(0010,0010)')).toBe(0x00100010);
    expect(parseTagString('7fe0,0010')).toBe(0x7fe00010);
    expect(parseTagString('FFFEE0DD')).toBe(0xfffee0dd);
  });

  it('are inverse on every tag', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (t) => parseTagString(tagString(t)) === t));
  });

  it('refuse wildcards and malformed text with SCHEMA_INVALID', () => {
    for (const bad of ['(50XX,XXXX)', '(0010,0010', '0010', '', '(0010;0010)']) {
      expect(() => parseTagString(bad)).toThrow(expect.objectContaining({ code: 'SCHEMA_INVALID' }));
    }
  });
});
