import { describe, expect, it } from 'vitest';
import { decodeText } from './decodeText.js';
import { encodeText } from './encodeText.js';

describe('encodeText', () => {
  it('encodes UTF-8 and pads to even length per VR', () => {
    expect([...encodeText('PN', 'Doe^Jane')]).toEqual([...Buffer.from('Doe^Jane')]);
    expect([...encodeText('LO', 'abc')]).toEqual([...Buffer.from('abc ')]);
    expect([...encodeText('UI', '1.2.3')]).toEqual([...Buffer.from('1.2.3\0')]);
    expect([...encodeText('OB', 'a')]).toEqual([0x61, 0]);
    expect(encodeText('PN', 'Zoë').length).toBe(4);
    expect(encodeText('PN', '').length).toBe(0);
  });

  it('round-trips through decodeText', () => {
    for (const s of ['Doe^Jane', 'Nguyễn^Zoë', '1.2.840.10008', 'x']) {
      expect(decodeText({ tag: 0x00100010, vr: 'PN', value: encodeText('PN', s) })).toBe(s);
    }
  });
});
