import { describe, expect, it } from 'vitest';
import { readUint16 } from './readUint16.js';

describe('readUint16', () => {
  const el = { tag: 0x00280010, vr: 'US', value: Uint8Array.from([0x00, 0x02, 0x34, 0x12]) };
  it('reads values in either byte order', () => {
    expect(readUint16(el, true)).toBe(0x0200);
    expect(readUint16(el, false)).toBe(0x0002);
    expect(readUint16(el, true, 1)).toBe(0x1234);
  });
  it('returns undefined past the end or without a value', () => {
    expect(readUint16(el, true, 2)).toBeUndefined();
    expect(readUint16(el, true, -1)).toBeUndefined();
    expect(readUint16({ tag: 1, vr: 'US' }, true)).toBeUndefined();
  });
});
