import { describe, expect, it } from 'vitest';
import { decodeText } from './decodeText.js';

const el = (bytes: number[] | string) => ({
  tag: 0x00100010,
  vr: 'PN',
  value: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Uint8Array.from(bytes),
});

describe('decodeText', () => {
  it('decodes ASCII and strips trailing space and NUL padding only', () => {
    expect(decodeText(el('Doe^Jane '))).toBe('Doe^Jane');
    expect(decodeText(el('1.2.3\0'))).toBe('1.2.3');
    expect(decodeText(el(' A\\B  '))).toBe(' A\\B');
  });

  it('decodes valid UTF-8 as UTF-8 and anything else as Latin-1', () => {
    expect(decodeText(el('Nguyễn^Zoë'))).toBe('Nguyễn^Zoë');
    expect(decodeText(el([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]))).toBe('Müller'); // ISO_IR 100
  });

  it('returns an empty string for elements without a value', () => {
    expect(decodeText({ tag: 0x00081115, vr: 'SQ', items: [] })).toBe('');
    expect(decodeText(el([]))).toBe('');
  });
});
