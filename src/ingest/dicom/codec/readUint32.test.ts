import { describe, expect, it } from 'vitest';
import { readUint32 } from './readUint32.js';

describe('readUint32', () => {
  const el = { tag: 0x00020000, vr: 'UL', value: Uint8Array.from([0xc4, 0x00, 0x00, 0x80, 1, 2]) };
  it('reads values in either byte order, unsigned', () => {
    expect(readUint32(el, true)).toBe(0x800000c4);
    expect(readUint32(el, false)).toBe(0xc4000080);
  });
  it('returns undefined past the end or without a value', () => {
    expect(readUint32(el, true, 1)).toBeUndefined();
    expect(readUint32({ tag: 1, vr: 'UL' }, true)).toBeUndefined();
  });
});
