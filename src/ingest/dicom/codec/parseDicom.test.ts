import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SinsoError } from '../../../core/errors/index.js';
import { decodeText } from './decodeText.js';
import { DicomCodecError } from './errors.js';
import { MAX_SEQUENCE_DEPTH, parseDicom } from './parseDicom.js';
import type { DicomElement } from './types.js';

const samples = new URL('../../../../datasets/samples/dicom/', import.meta.url);
const sample = (name: string) => readFileSync(new URL(name, samples));

// ---- a tiny byte builder for hand-made (and malformed) inputs ----
type Bytes = number[];
const u16 = (n: number, le = true): Bytes => (le ? [n & 0xff, n >>> 8] : [n >>> 8, n & 0xff]);
const u32 = (n: number, le = true): Bytes => {
  const b = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  return le ? b : b.reverse();
};
const tagB = (tag: number, le = true): Bytes => [...u16(tag >>> 16, le), ...u16(tag & 0xffff, le)];
const ascii = (s: string): Bytes => [...Buffer.from(s, 'latin1')];
const LONG = new Set(['OB', 'OW', 'SQ', 'UN', 'UT', 'UC', 'UR', 'OD', 'OF', 'OL', 'OV', 'SV', 'UV']);
const UNDEF = 0xffffffff;

/** Explicit VR element; `len` overrides the length field (e.g. UNDEF). */
function ex(
  tag: number,
  vr: string,
  value: Bytes | string,
  opts: { le?: boolean; len?: number } = {},
): Bytes {
  const le = opts.le ?? true;
  const v = typeof value === 'string' ? ascii(value) : value;
  const len = opts.len ?? v.length;
  const head = LONG.has(vr) ? [...ascii(vr), 0, 0, ...u32(len, le)] : [...ascii(vr), ...u16(len, le)];
  return [...tagB(tag, le), ...head, ...v];
}
/** Implicit VR element. */
const im = (tag: number, value: Bytes | string, len?: number): Bytes => {
  const v = typeof value === 'string' ? ascii(value) : value;
  return [...tagB(tag), ...u32(len ?? v.length), ...v];
};
/** An item, defined or undefined length. */
const item = (content: Bytes, undefinedLength = false, le = true): Bytes =>
  undefinedLength
    ? [...tagB(0xfffee000, le), ...u32(UNDEF, le), ...content, ...tagB(0xfffee00d, le), 0, 0, 0, 0]
    : [...tagB(0xfffee000, le), ...u32(content.length, le), ...content];
const seqDelim = (le = true): Bytes => [...tagB(0xfffee0dd, le), 0, 0, 0, 0];

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';

function uid(s: string): Bytes {
  const b = ascii(s);
  return b.length & 1 ? [...b, 0] : b;
}

/** Part 10 file: preamble, DICM, meta (with a group length unless told otherwise), data set. */
function part10(
  ts: string | undefined,
  dataset: Bytes,
  groupLength: number | 'none' | 'correct' = 'correct',
): Buffer {
  const meta = [
    ...ex(0x00020001, 'OB', [0, 1]),
    ...ex(0x00020002, 'UI', uid('1.2.840.10008.5.1.4.1.1.7')),
    ...ex(0x00020003, 'UI', uid('2.25.1')),
    ...(ts === undefined ? [] : ex(0x00020010, 'UI', uid(ts))),
  ];
  const gl =
    groupLength === 'none'
      ? []
      : ex(0x00020000, 'UL', u32(groupLength === 'correct' ? meta.length : groupLength));
  return Buffer.from([...new Array(128).fill(0), ...ascii('DICM'), ...gl, ...meta, ...dataset]);
}

const PN = ex(0x00100010, 'PN', 'Doe^Jane');
const ROWS = ex(0x00280010, 'US', u16(512));

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DicomCodecError);
    return (err as DicomCodecError).fields.reason;
  }
  return expect.unreachable('expected parseDicom to throw');
}

const find = (list: readonly DicomElement[], tag: number) => list.find((e) => e.tag === tag);

describe('parseDicom: Part 10 and raw data sets', () => {
  it('reads a Part 10 explicit VR LE file; values are views into the input', () => {
    const bytes = part10(EXPLICIT_LE, [...PN, ...ROWS]);
    const file = parseDicom(bytes);
    expect(file.preamble?.length).toBe(128);
    expect(file.meta.map((e) => e.tag)).toEqual([0x00020000, 0x00020001, 0x00020002, 0x00020003, 0x00020010]);
    expect(file.syntax).toEqual({
      uid: EXPLICIT_LE,
      littleEndian: true,
      explicitVR: true,
      deflated: false,
      encapsulated: false,
    });
    const pn = find(file.dataset, 0x00100010)!;
    expect(pn.vr).toBe('PN');
    expect(decodeText(pn)).toBe('Doe^Jane');
    expect(pn.value?.buffer).toBe(bytes.buffer);
  });

  it('ignores a missing or wrong meta group length and trusts the elements', () => {
    for (const gl of ['none', 4, 100_000] as const) {
      const file = parseDicom(part10(EXPLICIT_LE, [...PN], gl));
      expect(file.dataset.map((e) => e.tag)).toEqual([0x00100010]);
      expect(file.meta.some((e) => e.tag === 0x00020000)).toBe(gl !== 'none');
    }
    expect(parseDicom(sample('no-meta-length-test.dcm')).dataset.length).toBeGreaterThan(0);
  });

  it('lets the meta TransferSyntaxUID decide the encoding (implicit VR here)', () => {
    const file = parseDicom(
      part10(IMPLICIT_LE, [...im(0x00100010, 'Doe^Jane'), ...im(0x00280010, u16(512))]),
    );
    expect(file.syntax.explicitVR).toBe(false);
    expect(file.dataset.map((e) => e.vr)).toEqual(['PN', 'US']);
  });

  it('reads raw data sets without preamble or meta: implicit LE, explicit LE, explicit BE', () => {
    const implicit = parseDicom(
      Buffer.from([...im(0x00080005, 'ISO_IR 100'), ...im(0x00100010, 'Doe^Jane')]),
    );
    expect(implicit.preamble).toBeUndefined();
    expect(implicit.meta).toEqual([]);
    expect(implicit.syntax.uid).toBe(IMPLICIT_LE);
    expect(implicit.dataset.map((e) => e.vr)).toEqual(['CS', 'PN']);

    const explicit = parseDicom(Buffer.from([...ex(0x00080005, 'CS', 'ISO_IR 100'), ...PN]));
    expect(explicit.syntax.uid).toBe(EXPLICIT_LE);

    const be = parseDicom(
      Buffer.from([
        ...ex(0x00080005, 'CS', 'ISO_IR 100', { le: false }),
        ...ex(0x00280010, 'US', u16(512, false), { le: false }),
      ]),
    );
    expect(be.syntax.uid).toBe('1.2.840.10008.1.2.2');
    expect(be.dataset.map((e) => e.tag)).toEqual([0x00080005, 0x00280010]);
    expect([...be.dataset[1]!.value!]).toEqual([0x02, 0x00]); // raw bytes stay big endian

    expect(parseDicom(sample('rtstruct.dcm')).syntax.uid).toBe(IMPLICIT_LE);
  });

  it("reads a meta group without preamble, and 'DICM' without preamble", () => {
    const withPreamble = part10(EXPLICIT_LE, [...PN]);
    const noPreamble = withPreamble.subarray(132);
    const dicmOnly = withPreamble.subarray(128);
    for (const b of [noPreamble, dicmOnly]) {
      const file = parseDicom(b);
      expect(file.preamble).toBeUndefined();
      expect(file.meta.length).toBe(5);
      expect(file.dataset.map((e) => e.tag)).toEqual([0x00100010]);
    }
  });

  it('reads a data set written in implicit VR although the meta says explicit (and the reverse)', () => {
    const a = parseDicom(
      part10(EXPLICIT_LE, [...im(0x00080005, 'ISO_IR 100'), ...im(0x00100010, 'Doe^Jane')]),
    );
    expect(a.syntax.uid).toBe(IMPLICIT_LE);
    expect(a.dataset.map((e) => e.vr)).toEqual(['CS', 'PN']);
    const b = parseDicom(part10(IMPLICIT_LE, [...ex(0x00080005, 'CS', 'ISO_IR 100'), ...PN]));
    expect(b.syntax.uid).toBe(EXPLICIT_LE);
  });

  it('reads a file that is only a meta group, and a Part 10 file without transfer syntax', () => {
    expect(parseDicom(part10(EXPLICIT_LE, [])).dataset).toEqual([]);
    const file = parseDicom(part10(undefined, [...im(0x00080005, 'ISO_IR 100')]));
    expect(file.syntax.uid).toBe(IMPLICIT_LE);
  });

  it('stops before the first top-level element at or above stopAt (nested ones do not count)', () => {
    const pixels = ex(0x7fe00010, 'OW', [1, 2, 3, 4]);
    const bytes = part10(EXPLICIT_LE, [...PN, ...ROWS, ...pixels, 0xff, 0xff]);
    expect(() => parseDicom(bytes)).toThrow(DicomCodecError); // the trailing garbage
    const file = parseDicom(bytes, { stopAt: 0x7fe00010 });
    expect(file.dataset.map((e) => e.tag)).toEqual([0x00100010, 0x00280010]);
    const icon = ex(0x00880200, 'SQ', item([...ROWS, ...pixels]));
    const nested = parseDicom(part10(EXPLICIT_LE, [...PN, ...icon, ...pixels]), { stopAt: 0x7fe00010 });
    expect(nested.dataset.map((e) => e.tag)).toEqual([0x00100010, 0x00880200]);
    expect(nested.dataset[1]?.items?.[0]?.map((e) => e.tag)).toEqual([0x00280010, 0x7fe00010]);
    const deflated = parseDicom(sample('image_dfl.dcm'), { stopAt: 0x00280000 });
    expect(deflated.dataset.length).toBeGreaterThan(0);
    expect(deflated.dataset.every((e) => e.tag < 0x00280000)).toBe(true);
  });

  it('rejects a private transfer syntax as unsupported', () => {
    try {
      parseDicom(part10('1.2.840.113619.5.2', [...PN]));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DicomCodecError);
      expect((err as DicomCodecError).code).toBe('DEID_DICOM_UNSUPPORTED');
      expect((err as DicomCodecError).message).not.toContain('113619');
    }
  });
});

describe('parseDicom: implicit VR from the data dictionary', () => {
  it('gives group lengths UL, private creators LO, unknown tags UN, repeating groups their base VR', () => {
    const file = parseDicom(
      Buffer.from([
        ...im(0x00080000, u32(10)),
        ...im(0x00080005, 'ISO_IR 100'),
        ...im(0x00091010, [1, 2, 3, 4]),
        ...im(0x00290010, 'SIEMENS '),
        ...im(0x00291010, [1, 2]),
        ...im(0x00280106, u16(0)),
        ...im(0x60023000, [0, 0]),
        ...im(0x7fe00010, [0, 0, 0, 0]),
      ]),
    );
    expect(file.dataset.map((e) => e.vr)).toEqual(['UL', 'CS', 'UN', 'LO', 'UN', 'US', 'OW', 'OW']);
  });
});

describe('parseDicom: sequences', () => {
  const inner = [...im(0x00080100, 'T-D1100 '), ...im(0x00080102, 'SRT ')];

  it('reads defined and undefined lengths for sequences and items, nested, in implicit VR', () => {
    const nested = im(0x00082218, [...item(inner, true)], UNDEF).concat(seqDelim());
    const bytes = [
      ...im(0x00080005, 'ISO_IR 100'),
      ...im(0x00081115, [...item([...im(0x00081150, uid('1.2.3')), ...nested]), ...item(inner, true)]),
      ...im(0x00100010, 'Doe^Jane'),
    ];
    const file = parseDicom(Buffer.from(bytes));
    const sq = find(file.dataset, 0x00081115)!;
    expect(sq).toMatchObject({ vr: 'SQ', undefinedLength: false, undefinedItemLength: false });
    expect(sq.items?.length).toBe(2);
    const deeper = find(sq.items![0]!, 0x00082218)!;
    expect(deeper).toMatchObject({ vr: 'SQ', undefinedLength: true, undefinedItemLength: true });
    expect(deeper.items![0]!.map((e) => e.tag)).toEqual([0x00080100, 0x00080102]);
    expect(find(file.dataset, 0x00100010)).toBeDefined();
  });

  it('reads explicit VR sequences, big endian included', () => {
    for (const le of [true, false]) {
      const content = ex(0x00080100, 'SH', 'ABCD', { le });
      const sq = [
        ...ex(0x00081115, 'SQ', [], { le, len: UNDEF }),
        ...item(content, true, le),
        ...item(content, false, le),
        ...seqDelim(le),
      ];
      const file = parseDicom(Buffer.from([...ex(0x00080005, 'CS', 'ISO_IR 100', { le }), ...sq]));
      const el = find(file.dataset, 0x00081115)!;
      expect(el.items?.length).toBe(2);
      expect(el.items![1]![0]!.tag).toBe(0x00080100);
    }
  });

  it('reads empty sequences and empty items', () => {
    const file = parseDicom(
      part10(EXPLICIT_LE, [
        ...ex(0x00081115, 'SQ', []),
        ...ex(0x00081140, 'SQ', [...item([]), ...seqDelim()], { len: UNDEF }),
      ]),
    );
    expect(find(file.dataset, 0x00081115)!.items).toEqual([]);
    expect(find(file.dataset, 0x00081140)!.items).toEqual([[]]);
  });

  it('reads UN of undefined length as an implicit VR LE sequence and keeps VR UN', () => {
    const un = [...ex(0x00091010, 'UN', [], { len: UNDEF }), ...item(inner, true), ...seqDelim()];
    const file = parseDicom(part10(EXPLICIT_LE, [...ex(0x00090010, 'LO', 'ACME'), ...un, ...PN]));
    const el = find(file.dataset, 0x00091010)!;
    expect(el).toMatchObject({ vr: 'UN', undefinedLength: true });
    expect(el.items![0]!.map((e) => e.vr)).toEqual(['SH', 'SH']);
    expect(find(file.dataset, 0x00100010)).toBeDefined();
    const real = parseDicom(sample('UN_sequence.dcm')).dataset[0]!;
    expect(real.vr).toBe('UN');
    expect(real.items?.length).toBe(1);
  });

  it('reads UN of defined length whose dictionary VR is SQ as a sequence; other UN values stay bytes', () => {
    const file = parseDicom(
      part10(EXPLICIT_LE, [...ex(0x00081115, 'UN', item(inner)), ...ex(0x00100010, 'UN', 'Doe^Jane')]),
    );
    const sq = find(file.dataset, 0x00081115)!;
    expect(sq).toMatchObject({ vr: 'UN', undefinedLength: false });
    expect(sq.items![0]!.length).toBe(2);
    expect(find(file.dataset, 0x00100010)!.value?.length).toBe(8);
  });

  it('reads private sequences in implicit VR (pydicom priv_SQ, nested_priv_SQ)', () => {
    const priv = parseDicom(sample('priv_SQ.dcm'));
    expect(priv.dataset.some((e) => e.vr === 'SQ' && (e.tag >>> 16) & 1)).toBe(true);
    const nested = parseDicom(sample('nested_priv_SQ.dcm')).dataset[0]!;
    expect(nested.items?.[0]?.[0]?.items?.[0]?.[0]?.tag).toBe(0x00010001);
    // a private value that merely starts like an item but is not one stays bytes
    const odd = parseDicom(
      Buffer.from([...im(0x00080005, 'ISO_IR 100'), ...im(0x00091010, [...tagB(0xfffee000), 9, 9, 9, 9])]),
    );
    expect(find(odd.dataset, 0x00091010)).toMatchObject({ vr: 'UN' });
    expect(find(odd.dataset, 0x00091010)!.value?.length).toBe(8);
  });

  it(`accepts ${MAX_SEQUENCE_DEPTH} levels of nesting and refuses one more`, () => {
    const nest = (levels: number): Bytes => {
      let content = im(0x00100010, 'Doe^Jane');
      for (let i = 0; i < levels; i++) content = im(0x00081115, item(content));
      return content;
    };
    expect(
      parseDicom(Buffer.from([...im(0x00080005, 'ISO_IR 100'), ...nest(MAX_SEQUENCE_DEPTH)])).dataset.length,
    ).toBe(2);
    expect(reasonOf(() => parseDicom(Buffer.from([...im(0x00080005, 'ISO_IR 100'), ...nest(65)])))).toBe(
      'sequence nesting deeper than 64',
    );
  });

  it('tolerates stray delimiters and an undefined-length item closed by the sequence delimiter', () => {
    const bytes = part10(EXPLICIT_LE, [
      ...ex(0x00081115, 'SQ', [], { len: UNDEF }),
      ...tagB(0xfffee000),
      ...u32(UNDEF),
      ...ex(0x00080100, 'SH', 'ABCD'),
      ...seqDelim(),
      ...seqDelim(), // stray at the top level
      ...tagB(0xfffee00d),
      0,
      0,
      0,
      0,
      ...PN,
    ]);
    const file = parseDicom(bytes);
    expect(file.dataset.map((e) => e.tag)).toEqual([0x00081115, 0x00100010]);
    expect(find(file.dataset, 0x00081115)!.items![0]!.length).toBe(1);
  });
});

describe('parseDicom: encapsulated pixel data and deflate', () => {
  it('reads the basic offset table and fragments without copying', () => {
    const frag1 = [1, 2, 3, 4];
    const frag2 = [5, 6];
    const bytes = part10('1.2.840.10008.1.2.4.50', [
      ...ROWS,
      ...ex(0x7fe00010, 'OB', [], { len: UNDEF }),
      ...item(u32(0)),
      ...item(frag1),
      ...item(frag2),
      ...seqDelim(),
    ]);
    const file = parseDicom(bytes);
    expect(file.syntax.encapsulated).toBe(true);
    const px = find(file.dataset, 0x7fe00010)!;
    expect(px.vr).toBe('OB');
    expect(px.value).toBeUndefined();
    expect([...px.encapsulated!.offsetTable]).toEqual([0, 0, 0, 0]);
    expect(px.encapsulated!.fragments.map((f) => [...f])).toEqual([frag1, frag2]);
    expect(px.encapsulated!.fragments[0]!.buffer).toBe(bytes.buffer);
    for (const name of ['JPEG2000.dcm', 'JPGExtended.dcm', 'MR_small_RLE.dcm']) {
      const f = parseDicom(sample(name));
      expect(f.syntax.encapsulated).toBe(true);
      expect(find(f.dataset, 0x7fe00010)!.encapsulated!.fragments.length).toBeGreaterThan(0);
    }
  });

  it('inflates a deflated data set', () => {
    const ds = Buffer.from([...ex(0x00080005, 'CS', 'ISO_IR 100'), ...PN]);
    const file = parseDicom(Buffer.concat([part10('1.2.840.10008.1.2.1.99', []), deflateRawSync(ds)]));
    expect(file.syntax.deflated).toBe(true);
    expect(decodeText(find(file.dataset, 0x00100010)!)).toBe('Doe^Jane');
    const real = parseDicom(sample('image_dfl.dcm'));
    expect(real.dataset.length).toBeGreaterThan(10);
    expect(
      reasonOf(() =>
        parseDicom(Buffer.concat([part10('1.2.840.10008.1.2.1.99', []), Buffer.from([1, 2, 3])])),
      ),
    ).toBe('the deflated data set cannot be inflated');
  });
});

describe('parseDicom: robustness', () => {
  it('keeps odd lengths and zero lengths as read', () => {
    const file = parseDicom(
      part10(EXPLICIT_LE, [
        ...ex(0x00100010, 'PN', 'Doe'),
        ...ex(0x00100020, 'LO', ''),
        ...ex(0x7fe00010, 'OW', []),
      ]),
    );
    expect(file.dataset.map((e) => e.value?.length)).toEqual([3, 0, 0]);
  });

  it('tolerates zero padding after the data set, but not other trailing bytes', () => {
    const good = part10(EXPLICIT_LE, [...PN]);
    for (const pad of [1, 7, 8, 1000]) {
      expect(parseDicom(Buffer.concat([good, Buffer.alloc(pad)])).dataset.length).toBe(1);
    }
    expect(reasonOf(() => parseDicom(Buffer.concat([good, Buffer.from([0, 0, 1])])))).toBe(
      'truncated: an element header runs past the end of the file',
    );
  });

  it('says why a file is unreadable, without data values', () => {
    const good = part10(EXPLICIT_LE, [...PN, ...ROWS]);
    expect(reasonOf(() => parseDicom(good.subarray(0, good.length - 1)))).toBe(
      'truncated: an element runs past the end of the file',
    );
    expect(reasonOf(() => parseDicom(new Uint8Array(0)))).toBe('not DICOM: the file is too short');
    expect(reasonOf(() => parseDicom(Buffer.from('%PDF-1.4 this is not DICOM at all')))).toBe(
      'not DICOM: no preamble and no recognisable first element',
    );
    expect(
      reasonOf(() => parseDicom(part10(EXPLICIT_LE, [...ex(0x00081115, 'SQ', [], { len: UNDEF })]))),
    ).toBe('truncated: a sequence has no delimiter before the end of the file');
    expect(reasonOf(() => parseDicom(part10(EXPLICIT_LE, [...item([])])))).toBe(
      'an item appears outside a sequence',
    );
    expect(reasonOf(() => parseDicom(part10(EXPLICIT_LE, [...ex(0x00081115, 'SQ', PN)])))).toBe(
      'a sequence holds an element outside any item',
    );
    expect(
      reasonOf(() => parseDicom(part10(EXPLICIT_LE, [...ex(0x00100010, 'UT', [], { len: UNDEF })]))),
    ).toBe('an element of VR UT has undefined length');
    expect(
      reasonOf(() =>
        parseDicom(
          part10('1.2.840.10008.1.2.4.50', [
            ...ex(0x7fe00010, 'OB', [], { len: UNDEF }),
            ...item([]),
            ...item([1, 2]),
          ]),
        ),
      ),
    ).toBe('truncated: encapsulated pixel data has no sequence delimiter');
    try {
      parseDicom(good.subarray(0, good.length - 1));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SinsoError);
      expect((err as SinsoError).code).toBe('DEID_DICOM_UNREADABLE');
      expect((err as SinsoError).message.replace(/sinso@.*/, 'sinso@X')).toMatchInlineSnapshot(`
        "The DICOM file cannot be read (truncated: an element runs past the end of the file).

        Fix: Check that the file is complete and is DICOM; export it again from the source system.
        Details: at byte 250
        Version: sinso@X"
      `);
    }
  });

  it('caps the number of elements', () => {
    const bytes = part10(EXPLICIT_LE, [...PN, ...ROWS, ...ex(0x00280011, 'US', u16(512))]);
    expect(parseDicom(bytes, { maxElements: 9 }).dataset.length).toBe(3);
    expect(reasonOf(() => parseDicom(bytes, { maxElements: 5 }))).toBe('more than 5 elements');
  });

  it('reads an unknown explicit VR as UN, and an element whose VR bytes are not letters as implicit', () => {
    const file = parseDicom(
      part10(EXPLICIT_LE, [
        ...ex(0x00091010, 'XX', [1, 2]),
        ...tagB(0x00100010),
        ...u32(8),
        ...ascii('Doe^Jane'),
        ...ROWS,
      ]),
    );
    expect(file.dataset.map((e) => e.vr)).toEqual(['UN', 'PN', 'US']);
  });
});

describe('parseDicom: zero padding right after the meta group', () => {
  it('keeps the meta transfer syntax and reads an empty data set', () => {
    const file = parseDicom(Buffer.concat([part10(EXPLICIT_LE, []), Buffer.alloc(64)]));
    expect(file.syntax.uid).toBe(EXPLICIT_LE);
    expect(file.dataset).toEqual([]);
  });
});
