import { describe, expect, it } from 'vitest';
import { DicomCodecError } from './errors.js';
import { resolveTransferSyntax } from './resolveTransferSyntax.js';

describe('resolveTransferSyntax', () => {
  it('knows the native, deflated and encapsulated syntaxes', () => {
    const f = (uid: string) => {
      const s = resolveTransferSyntax(uid);
      return [s.explicitVR, s.littleEndian, s.deflated, s.encapsulated];
    };
    expect(f('1.2.840.10008.1.2')).toEqual([false, true, false, false]);
    expect(f('1.2.840.10008.1.2.1\0')).toEqual([true, true, false, false]);
    expect(f('1.2.840.10008.1.2.2')).toEqual([true, false, false, false]);
    expect(f('1.2.840.10008.1.2.1.99')).toEqual([true, true, true, false]);
    for (const uid of [
      '1.2.840.10008.1.2.4.50',
      '1.2.840.10008.1.2.4.70',
      '1.2.840.10008.1.2.4.80',
      '1.2.840.10008.1.2.4.90',
      '1.2.840.10008.1.2.4.91',
      '1.2.840.10008.1.2.4.201',
      '1.2.840.10008.1.2.4.203',
      '1.2.840.10008.1.2.4.100',
      '1.2.840.10008.1.2.5',
      '1.2.840.10008.1.2.8.1',
      '1.2.840.10008.1.2.1.98',
    ]) {
      expect(f(uid), uid).toEqual([true, true, false, true]);
    }
    expect(f('1.2.840.10008.1.2.4.94')).toEqual([true, true, false, false]);
    expect(f('1.2.840.10008.1.2.4.95')).toEqual([true, true, true, false]);
    expect(resolveTransferSyntax('1.2.840.10008.1.2 ').uid).toBe('1.2.840.10008.1.2');
  });

  it('refuses unknown and private syntaxes as unsupported, quoting only standard UIDs', () => {
    for (const [uid, reason] of [
      ['1.2.840.10008.1.2.9', 'unknown transfer syntax 1.2.840.10008.1.2.9'],
      ['1.2.840.113619.5.2', 'a private or malformed transfer syntax UID'],
      ['Doe^Jane', 'a private or malformed transfer syntax UID'],
    ] as const) {
      try {
        resolveTransferSyntax(uid);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(DicomCodecError);
        expect((err as DicomCodecError).code).toBe('DEID_DICOM_UNSUPPORTED');
        expect((err as DicomCodecError).fields.reason).toBe(reason);
      }
    }
  });
});
