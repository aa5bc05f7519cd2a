import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readFileMeta } from './readFileMeta.js';
import { sniffDicom } from './sniffDicom.js';

const samples = new URL('../../../../datasets/samples/dicom/', import.meta.url);
const sample = (name: string) => readFileSync(new URL(name, samples));

describe('sniffDicom', () => {
  it('reads the meta group of a Part 10 file', () => {
    expect(sniffDicom(sample('MR_small.dcm'))).toEqual({
      kind: 'part10',
      transferSyntax: '1.2.840.10008.1.2.1',
      sopClass: '1.2.840.10008.5.1.4.1.1.4',
    });
  });
  it('reads the meta group from the head of a file only', () => {
    expect(sniffDicom(sample('CT_small.dcm').subarray(0, 4096))).toEqual(sniffDicom(sample('CT_small.dcm')));
  });
  it('says raw for a data set without preamble, none for other bytes', () => {
    expect(sniffDicom(sample('rtstruct.dcm'))).toEqual({ kind: 'raw' });
    expect(sniffDicom(new TextEncoder().encode('{"resourceType":"Patient"}'))).toEqual({ kind: 'none' });
  });
  it('never throws on random or truncated bytes', () => {
    for (let n = 0; n < 300; n += 7) {
      const b = new Uint8Array(n).map((_, i) => (i * 131 + n) & 0xff);
      if (n > 132) b.set([0x44, 0x49, 0x43, 0x4d], 128);
      expect(() => sniffDicom(b)).not.toThrow();
    }
  });
});

describe('readFileMeta', () => {
  it('reads the preamble and the meta group, and says where the data set starts', () => {
    const bytes = sample('MR_small.dcm');
    const r = readFileMeta(bytes);
    expect(r.complete).toBe(true);
    expect(r.preamble).toHaveLength(128);
    expect(r.meta.every((e) => e.tag >>> 16 === 0x0002)).toBe(true);
    expect(r.meta.map((e) => e.tag)).toContain(0x00020010);
    expect(((bytes[r.end!]! | (bytes[r.end! + 1]! << 8)) >>> 0).toString(16)).toBe('8');
  });
  it('keeps the elements before a cut in the meta group', () => {
    const bytes = sample('MR_small.dcm');
    const whole = readFileMeta(bytes);
    const cut = readFileMeta(bytes.subarray(0, whole.end! - 3));
    expect(cut.complete).toBe(false);
    expect(cut.end).toBeUndefined();
    expect(cut.preamble).toHaveLength(128);
    expect(cut.meta.length).toBe(whole.meta.length - 1);
  });
});
