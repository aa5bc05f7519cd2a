import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { EXPLICIT_VR_LITTLE_ENDIAN, encodeDicom, SINSO_IMPLEMENTATION_CLASS_UID } from './encodeDicom.js';
import { elementLength, encodeElement } from './encodeElement.js';

const toArrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;

describe('encodeElement', () => {
  it('writes a short-length string element padded with a space', () => {
    const { bytes } = encodeElement({ tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' });
    expect([...bytes.subarray(0, 8)]).toEqual([0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, 8, 0]);
    const odd = encodeElement({ tag: 0x00100020, vr: 'LO', value: 'ABC' }).bytes;
    expect(odd.readUInt16LE(6)).toBe(4);
    expect(odd[11]).toBe(0x20);
  });

  it('pads UI with NUL and counts UTF-8 bytes, not characters', () => {
    const ui = encodeElement({ tag: 0x00080018, vr: 'UI', value: '1.2.3' }).bytes;
    expect(ui.readUInt16LE(6)).toBe(6);
    expect(ui[13]).toBe(0);
    const pn = encodeElement({ tag: 0x00100010, vr: 'PN', value: 'Nguyễn^Zoë' }).bytes;
    const n = Buffer.byteLength('Nguyễn^Zoë', 'utf8');
    expect(pn.readUInt16LE(6)).toBe(n + (n & 1));
  });

  it('uses 4-byte lengths with 2 reserved bytes for OB/OW/SQ/UT/UN…', () => {
    for (const vr of ['OB', 'OW', 'UN'] as const) {
      const b = encodeElement({ tag: 0x7fe00010, vr, value: new Uint8Array(3) }).bytes;
      expect(b.readUInt16LE(6)).toBe(0);
      expect(b.readUInt32LE(8)).toBe(4);
      expect(b.length).toBe(16);
    }
    const ut = encodeElement({ tag: 0x00324000, vr: 'UT', value: 'x'.repeat(70_000) }).bytes;
    expect(ut.readUInt32LE(8)).toBe(70_000);
  });

  it('writes numbers and multi-values', () => {
    const us = encodeElement({ tag: 0x00280010, vr: 'US', value: 512 }).bytes;
    expect(us.readUInt16LE(6)).toBe(2);
    expect(us.readUInt16LE(8)).toBe(512);
    const ds = encodeElement({ tag: 0x00280030, vr: 'DS', value: ['0.5', '0.5'] }).bytes;
    expect(ds.subarray(8).toString('latin1')).toBe('0.5\\0.5 ');
  });

  it('encodes sequences with explicit and undefined lengths', () => {
    const item = [{ tag: 0x00081150, vr: 'UI', value: '1.2' } as const];
    const explicit = encodeElement({ tag: 0x00081140, vr: 'SQ', items: [item] }).bytes;
    expect(explicit.readUInt32LE(8)).toBe(8 + 12);
    expect(explicit.readUInt32LE(16)).toBe(12);
    const undef = encodeElement({
      tag: 0x00081140,
      vr: 'SQ',
      items: [item],
      undefinedLength: true,
      undefinedItemLength: true,
    }).bytes;
    expect(undef.readUInt32LE(8)).toBe(0xffffffff);
    expect(undef.readUInt32LE(16)).toBe(0xffffffff);
    // item delimiter, then sequence delimiter
    expect(undef.readUInt32LE(undef.length - 16)).toBe(0xe00dfffe);
    expect(undef.readUInt32LE(undef.length - 8)).toBe(0xe0ddfffe);
    expect(undef.length).toBe(
      elementLength({
        tag: 0x00081140,
        vr: 'SQ',
        items: [item],
        undefinedLength: true,
        undefinedItemLength: true,
      }),
    );
  });
});

describe('encodeDicom', () => {
  const file = encodeDicom({
    meta: {
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      sopInstanceUid: '2.25.12345',
      sourceAeTitle: 'OWNER001_PACS',
    },
    elements: [
      { tag: 0x00100020, vr: 'LO', value: 'MRN1' },
      { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
      { tag: 0x00100010, vr: 'PN', value: 'Nguyễn^José' },
      {
        tag: 0x00101002,
        vr: 'SQ',
        undefinedLength: true,
        undefinedItemLength: true,
        items: [[{ tag: 0x00100020, vr: 'LO', value: '999-12-3456' }]],
      },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array([1, 0, 2, 0]) },
    ],
  });

  it('has a zero preamble, DICM and a correct group length', () => {
    expect(file.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(file.subarray(128, 132).toString('latin1')).toBe('DICM');
    expect(file.readUInt32LE(132)).toBe(0x00000002);
    const groupLength = file.readUInt32LE(140);
    // after the group: first data-set element is (0008,0005)
    expect(file.readUInt16LE(144 + groupLength)).toBe(0x0008);
    expect(file.readUInt16LE(146 + groupLength)).toBe(0x0005);
  });

  it('parses with dcmjs, meta and (sorted) data set intact', () => {
    const d = dcmjs.data.DicomMessage.readFile(toArrayBuffer(file));
    const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.meta);
    expect(meta['TransferSyntaxUID']).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(meta['MediaStorageSOPInstanceUID']).toBe('2.25.12345');
    expect(meta['ImplementationClassUID']).toBe(SINSO_IMPLEMENTATION_CLASS_UID);
    expect(meta['ImplementationVersionName']).toBe('SINSO_SYNTH_1');
    expect(meta['SourceApplicationEntityTitle']).toBe('OWNER001_PACS');
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict);
    expect(ds['PatientID']).toBe('MRN1');
    expect((ds['PatientName'] as { Alphabetic: string }[])[0]?.Alphabetic).toBe('Nguyễn^José');
    expect((ds['OtherPatientIDsSequence'] as Record<string, unknown>[])[0]?.['PatientID']).toBe(
      '999-12-3456',
    );
  });

  it('rejects duplicate tags and group 0002 in the data set', () => {
    const meta = { sopClassUid: '1.2', sopInstanceUid: '1.3' };
    expect(() =>
      encodeDicom({
        meta,
        elements: [
          { tag: 0x00100020, vr: 'LO', value: 'a' },
          { tag: 0x00100020, vr: 'LO', value: 'b' },
        ],
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INTERNAL',
        fields: expect.objectContaining({
          what: 'the DICOM writer was given a duplicate or file-meta element',
        }),
      }),
    );
    expect(() => encodeDicom({ meta, elements: [{ tag: 0x00020010, vr: 'UI', value: '1.2' }] })).toThrow();
  });
});
