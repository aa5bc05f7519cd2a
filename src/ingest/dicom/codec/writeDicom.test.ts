import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SinsoError } from '../../../core/errors/index.js';
import { decodeText } from './decodeText.js';
import { encodeText } from './encodeText.js';
import { parseDicom } from './parseDicom.js';
import { resolveTransferSyntax } from './resolveTransferSyntax.js';
import type { DicomElement, DicomFile } from './types.js';
import { writeDicom } from './writeDicom.js';

const samples = new URL('../../../../datasets/samples/dicom/', import.meta.url);
const sample = (name: string) => readFileSync(new URL(name, samples));

const text = (tag: number, vr: string, s: string): DicomElement => ({ tag, vr, value: encodeText(vr, s) });
const us = (tag: number, n: number, le = true): DicomElement => ({
  tag,
  vr: 'US',
  value: Uint8Array.from(le ? [n & 0xff, n >>> 8] : [n >>> 8, n & 0xff]),
});

function file(uid: string, dataset: DicomElement[], meta: DicomElement[] = []): DicomFile {
  return { preamble: undefined, meta, dataset, syntax: resolveTransferSyntax(uid) };
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';

const find = (list: readonly DicomElement[], tag: number) => list.find((e) => e.tag === tag);

describe('writeDicom', () => {
  it('writes a Part 10 file: zero preamble, DICM, meta with group length and transfer syntax', () => {
    const out = writeDicom(file(EXPLICIT_LE, [text(0x00100010, 'PN', 'Doe^Jane')]));
    expect(out.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(out.toString('latin1', 128, 132)).toBe('DICM');
    const back = parseDicom(out);
    expect(back.meta.map((e) => e.tag)).toEqual([0x00020000, 0x00020010]);
    expect(decodeText(find(back.meta, 0x00020010)!)).toBe(EXPLICIT_LE);
    const groupLength = out.readUInt32LE(140);
    expect(132 + 12 + groupLength).toBe(out.indexOf(Buffer.from([0x10, 0, 0x10, 0])));
    expect(decodeText(find(back.dataset, 0x00100010)!)).toBe('Doe^Jane');
  });

  it('recomputes the group length, keeps the caller’s meta order and sets TransferSyntaxUID from the syntax', () => {
    const meta = [
      { tag: 0x00020000, vr: 'UL', value: Uint8Array.from([1, 0, 0, 0]) },
      { tag: 0x00020001, vr: 'OB', value: Uint8Array.from([0, 1]) },
      text(0x00020003, 'UI', '2.25.7'),
      text(0x00020010, 'UI', EXPLICIT_LE), // disagrees with the syntax below: replaced
      text(0x00020013, 'SH', 'SINSO'),
    ];
    const out = writeDicom(file(IMPLICIT_LE, [text(0x00100010, 'PN', 'Doe^Jane')], meta));
    const back = parseDicom(out);
    expect(back.meta.map((e) => e.tag)).toEqual([0x00020000, 0x00020001, 0x00020003, 0x00020010, 0x00020013]);
    expect(decodeText(find(back.meta, 0x00020010)!)).toBe(IMPLICIT_LE);
    expect(back.syntax.uid).toBe(IMPLICIT_LE);
    const metaBytes = back.meta
      .slice(1)
      .reduce((n, e) => n + 8 + (e.vr === 'OB' ? 4 : 0) + e.value!.length, 0);
    expect(out.readUInt32LE(140)).toBe(metaBytes);
    // missing TransferSyntaxUID is inserted in tag order
    const inserted = parseDicom(writeDicom(file(EXPLICIT_LE, [], [meta[1]!, meta[4]!])));
    expect(inserted.meta.map((e) => e.tag)).toEqual([0x00020000, 0x00020001, 0x00020010, 0x00020013]);
  });

  it('pads odd values: UI with NUL, text with space, binary with NUL', () => {
    const out = writeDicom(
      file(EXPLICIT_LE, [
        { tag: 0x00080018, vr: 'UI', value: Buffer.from('1.2.3') },
        { tag: 0x00100010, vr: 'PN', value: Buffer.from('Doe') },
        { tag: 0x00091010, vr: 'OB', value: Uint8Array.from([7]) },
      ]),
    );
    const back = parseDicom(out).dataset;
    expect([...back[0]!.value!]).toEqual([...Buffer.from('1.2.3\0')]);
    expect([...back[1]!.value!]).toEqual([...Buffer.from('Doe ')]);
    expect([...back[2]!.value!]).toEqual([7, 0]);
  });

  it('writes implicit VR without VRs and explicit big endian with big-endian headers', () => {
    const ds = [text(0x00100010, 'PN', 'Doe^Jane'), us(0x00280010, 512, false)];
    const be = writeDicom(file(EXPLICIT_BE, ds));
    const at = be.indexOf(Buffer.from([0x00, 0x10, 0x00, 0x10]), 132 + 12);
    expect(be.toString('latin1', at + 4, at + 6)).toBe('PN');
    expect(be.readUInt16BE(at + 6)).toBe(8);
    const back = parseDicom(be);
    expect(back.syntax.uid).toBe(EXPLICIT_BE);
    expect([...find(back.dataset, 0x00280010)!.value!]).toEqual([2, 0]);

    const im = writeDicom(file(IMPLICIT_LE, [text(0x00100010, 'PN', 'Doe^Jane')]));
    const i = im.indexOf(Buffer.from([0x10, 0x00, 0x10, 0x00]), 132 + 12);
    expect(im.readUInt32LE(i + 4)).toBe(8);
    expect(parseDicom(im).dataset[0]!.vr).toBe('PN');
  });

  it('keeps the length form of sequences and items, and computes defined lengths', () => {
    const inner = [text(0x00080100, 'SH', 'T-D1100'), text(0x00080102, 'SH', 'SRT')];
    const sq = (flags: Partial<DicomElement>): DicomElement => ({
      tag: 0x00082218,
      vr: 'SQ',
      items: [inner, []],
      ...flags,
    });
    for (const uid of [EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE]) {
      for (const flags of [
        {},
        { undefinedLength: true },
        { undefinedLength: false, undefinedItemLength: true },
        { undefinedLength: true, undefinedItemLength: false },
      ]) {
        const out = writeDicom(file(uid, [sq(flags), text(0x00100010, 'PN', 'Doe^Jane')]));
        const back = parseDicom(out).dataset;
        const el = find(back, 0x00082218)!;
        expect(el.undefinedLength).toBe(flags.undefinedLength ?? false);
        expect(el.undefinedItemLength).toBe(flags.undefinedItemLength ?? flags.undefinedLength ?? false);
        expect(el.items!.map((i) => i.map((e) => decodeText(e)))).toEqual([['T-D1100', 'SRT'], []]);
        expect(decodeText(find(back, 0x00100010)!)).toBe('Doe^Jane');
      }
    }
  });

  it('writes the items of a UN sequence in implicit VR little endian, in any syntax', () => {
    const un: DicomElement = {
      tag: 0x00091010,
      vr: 'UN',
      items: [[text(0x00080100, 'SH', 'ABCD')]],
      undefinedLength: true,
      undefinedItemLength: true,
    };
    for (const uid of [EXPLICIT_LE, EXPLICIT_BE]) {
      const out = writeDicom(file(uid, [un]));
      const at = out.indexOf(Buffer.from([0x08, 0x00, 0x00, 0x01]));
      expect(out.readUInt32LE(at + 4)).toBe(4); // implicit: tag then 4-byte LE length, no VR
      const back = parseDicom(out).dataset[0]!;
      expect(back).toMatchObject({ vr: 'UN', undefinedLength: true });
      expect(decodeText(back.items![0]![0]!)).toBe('ABCD');
    }
  });

  it('writes a short-VR value longer than 64 KiB as UN in explicit VR', () => {
    const long = 'x'.repeat(70_000);
    const back = parseDicom(writeDicom(file(EXPLICIT_LE, [text(0x00081030, 'LO', long)]))).dataset[0]!;
    expect(back.vr).toBe('UN');
    expect(back.value!.length).toBe(70_000);
  });

  it('writes encapsulated pixel data as read', () => {
    const px: DicomElement = {
      tag: 0x7fe00010,
      vr: 'OB',
      encapsulated: {
        offsetTable: new Uint8Array(0),
        fragments: [Uint8Array.from([1, 2, 3, 4]), Uint8Array.from([5])],
      },
      undefinedLength: true,
    };
    const back = parseDicom(writeDicom(file('1.2.840.10008.1.2.4.50', [px]))).dataset[0]!;
    expect(back.encapsulated!.offsetTable.length).toBe(0);
    expect(back.encapsulated!.fragments.map((f) => [...f])).toEqual([
      [1, 2, 3, 4],
      [5, 0],
    ]);
  });

  it('deflates the data set for the deflated syntax, deterministically', () => {
    const ds = [text(0x00080005, 'CS', 'ISO_IR 100'), text(0x00100010, 'PN', 'Doe^Jane')];
    const a = writeDicom(file('1.2.840.10008.1.2.1.99', ds));
    const b = writeDicom(file('1.2.840.10008.1.2.1.99', ds));
    expect(a.equals(b)).toBe(true);
    expect(a.length % 2).toBe(0);
    const back = parseDicom(a);
    expect(back.syntax.deflated).toBe(true);
    expect(back.dataset.map((e) => decodeText(e))).toEqual(['ISO_IR 100', 'Doe^Jane']);
  });

  it('reproduces unchanged files byte for byte (explicit LE, big endian, implicit, encapsulated)', () => {
    for (const name of [
      'MR_small.dcm',
      'CT_small.dcm',
      'ExplVR_BigEnd.dcm',
      'MR_small_bigendian.dcm',
      'MR_small_implicit.dcm',
      'JPEG2000.dcm',
      'MR_small_RLE.dcm',
      'UN_sequence.dcm',
      'priv_SQ.dcm',
      'sample-sr.dcm',
    ]) {
      const bytes = sample(name);
      expect(writeDicom(parseDicom(bytes)).equals(bytes), name).toBe(true);
    }
  });

  it('writes a preamble it was given, and refuses a malformed one or an unknown VR', () => {
    const preamble = new Uint8Array(128).fill(7);
    const out = writeDicom({ ...file(EXPLICIT_LE, []), preamble });
    expect(out.subarray(0, 128).every((b) => b === 7)).toBe(true);
    expect(() => writeDicom({ ...file(EXPLICIT_LE, []), preamble: new Uint8Array(3) })).toThrow(SinsoError);
    try {
      writeDicom(file(EXPLICIT_LE, [{ tag: 0x00100010, vr: 'ZZ', value: new Uint8Array(2) }]));
      expect.unreachable();
    } catch (err) {
      expect((err as SinsoError).code).toBe('INTERNAL');
    }
  });
});
