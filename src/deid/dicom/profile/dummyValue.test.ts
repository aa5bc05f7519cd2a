import { describe, expect, it } from 'vitest';
import { dummyValue } from './dummyValue.js';

describe('dummyValue', () => {
  it('gives short valid text for text VRs', () => {
    expect(dummyValue('PN', 0x00100010)).toBe('ANONYMOUS');
    expect(dummyValue('LO', 0x00080080)).toBe('ANONYMIZED');
    expect(dummyValue('DA', 0x00080021)).toBe('19000101');
    expect(dummyValue('TM', 0x00080031)).toBe('000000.00');
    expect(dummyValue('DT', 0x0008002a)).toBe('19000101000000');
    expect(dummyValue('AS', 0x00101010)).toBe('000Y');
    expect(dummyValue('DS', 0x00101030)).toBe('0');
    expect(dummyValue('IS', 0x00200011)).toBe('0');
    expect(dummyValue('UI', 0x006a0003)).toBe('2.25.0');
    expect(dummyValue('UR', 0x00720071)).toMatch(/^urn:uuid:0{8}-/);
  });

  it('respects the VR limits: CS upper case and ≤ 16, SH and AE ≤ 16, all non-empty', () => {
    const cs = dummyValue('CS', 0x04000565) as string;
    expect(cs).toMatch(/^[A-Z0-9 _]{1,16}$/);
    expect((dummyValue('SH', 0x00081010) as string).length).toBeLessThanOrEqual(16);
    expect((dummyValue('AE', 0x21000140) as string).length).toBeLessThanOrEqual(16);
    for (const vr of [
      'AE',
      'AS',
      'CS',
      'DA',
      'DS',
      'DT',
      'IS',
      'LO',
      'LT',
      'PN',
      'SH',
      'ST',
      'TM',
      'UC',
      'UI',
      'UR',
      'UT',
    ]) {
      expect((dummyValue(vr, 0) as string).length).toBeGreaterThan(0);
    }
  });

  it('gives zero bytes of one unit for binary VRs, even lengths only', () => {
    const sizes: Record<string, number> = {
      US: 2,
      SS: 2,
      UL: 4,
      SL: 4,
      FL: 4,
      FD: 8,
      AT: 4,
      OB: 2,
      OW: 2,
      OF: 4,
      OD: 8,
      OL: 4,
      OV: 8,
      SV: 8,
      UV: 8,
      UN: 2,
    };
    for (const [vr, n] of Object.entries(sizes)) {
      const v = dummyValue(vr, 0);
      expect(v).toBeInstanceOf(Uint8Array);
      expect((v as Uint8Array).length).toBe(n);
      expect([...(v as Uint8Array)].every((b) => b === 0)).toBe(true);
    }
    expect(dummyValue('??', 0)).toEqual(new Uint8Array(2));
    // a fresh buffer each time
    expect(dummyValue('US', 0)).not.toBe(dummyValue('US', 0));
  });

  it('has no dummy for a sequence', () => {
    expect(() => dummyValue('SQ', 0x00400555)).toThrowError(
      expect.objectContaining({
        code: 'INTERNAL',
        fields: { what: 'no dummy value exists for the sequence (0040,0555)' },
      }),
    );
  });
});
