import { describe, expect, it } from 'vitest';
import { matchTagPattern } from './matchTagPattern.js';
import { parseTagPattern } from './parseTagPattern.js';

describe('parseTagPattern', () => {
  it('parses exact tags, hex letters included', () => {
    expect(parseTagPattern('(0010,0010)')).toEqual({ kind: 'exact', tag: 0x00100010 });
    expect(parseTagPattern('(FFFA,FFFA)')).toEqual({ kind: 'exact', tag: 0xfffafffa });
    expect(parseTagPattern('(0040,a730)')).toEqual({ kind: 'exact', tag: 0x0040a730 });
  });

  it('parses X placeholders into a mask', () => {
    expect(parseTagPattern('(60XX,3000)')).toEqual({ kind: 'masked', mask: 0xff00ffff, value: 0x60003000 });
    expect(parseTagPattern('(50XX,XXXX)')).toEqual({ kind: 'masked', mask: 0xff000000, value: 0x50000000 });
    expect(parseTagPattern('(1000,xxx0)')).toEqual({ kind: 'masked', mask: 0xffff000f, value: 0x10000000 });
  });

  it('parses the private row', () => {
    expect(parseTagPattern('(GGGG,EEEE) WHERE GGGG IS ODD')).toEqual({ kind: 'private' });
  });

  it('rejects anything else with a SchemaError', () => {
    for (const bad of ['0010,0010', '(0010,001)', '(GGGG,EEEE)', '(0010,00100)', '']) {
      expect(() => parseTagPattern(bad)).toThrowError(expect.objectContaining({ code: 'SCHEMA_INVALID' }));
    }
  });
});

describe('matchTagPattern', () => {
  const overlay = parseTagPattern('(60XX,3000)');
  const curve = parseTagPattern('(50XX,XXXX)');

  it('matches the repeating groups and the even groups above them, never odd groups', () => {
    for (const t of [0x60003000, 0x60023000, 0x601e3000, 0x60223000, 0x60fe3000]) {
      expect(matchTagPattern(overlay, t)).toBe(true);
    }
    for (const t of [0x60013000, 0x60003001, 0x60004000, 0x61003000, 0x50003000]) {
      expect(matchTagPattern(overlay, t)).toBe(false);
    }
    for (const t of [0x50000000, 0x50020010, 0x501e3000, 0x50ffffff - 0x10000]) {
      expect(matchTagPattern(curve, t)).toBe(true);
    }
    expect(matchTagPattern(curve, 0x50010010)).toBe(false);
    expect(matchTagPattern(curve, 0x52009229)).toBe(false);
  });

  it('matches exact and private patterns', () => {
    expect(matchTagPattern({ kind: 'exact', tag: 0xfffafffa }, 0xfffafffa)).toBe(true);
    expect(matchTagPattern({ kind: 'exact', tag: 0xfffafffa }, 0xfffafffa | 0)).toBe(true);
    expect(matchTagPattern({ kind: 'private' }, 0x00091001)).toBe(true);
    expect(matchTagPattern({ kind: 'private' }, 0x00100010)).toBe(false);
  });
});
