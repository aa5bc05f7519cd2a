import { describe, expect, it } from 'vitest';
import { characterSetDecoder } from './characterSetDecoder.js';

describe('characterSetDecoder', () => {
  it('maps defined terms (ISO_IR, ISO 2022 IR, GB18030) to decoders, padding ignored', () => {
    expect(characterSetDecoder('ISO_IR 192')?.decode(Buffer.from('李', 'utf8'))).toBe('李');
    expect(characterSetDecoder(' ISO_IR 144 ')?.decode(Uint8Array.of(0xbf))).toBe('П');
    expect(characterSetDecoder('ISO 2022 IR 149')?.encoding).toBe('euc-kr');
    expect(characterSetDecoder('GB18030')?.encoding).toBe('gb18030');
    expect(characterSetDecoder('')?.decode(Uint8Array.of(0x41, 0xe9))).toBe('Aé');
  });
  it('knows no other term (a prototype key included)', () => {
    expect(characterSetDecoder('ISO_IR 999')).toBeUndefined();
    expect(characterSetDecoder('constructor')).toBeUndefined();
  });
});
