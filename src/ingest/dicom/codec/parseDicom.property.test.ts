import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SinsoError } from '../../../core/errors/index.js';
import { parseDicom } from './parseDicom.js';
import type { DicomElement, DicomFile } from './types.js';
import { writeDicom } from './writeDicom.js';

// Robustness: whatever the bytes, parseDicom returns or throws a SinsoError; and whatever it
// returns, writeDicom writes and parseDicom reads back to the same structure. How quickly it does
// so on its worst cases is measured by `npm run bench -- parse-dicom` (a hang fails the test by
// its timeout).

const dir = new URL('../../../../datasets/samples/dicom/', import.meta.url);
const samples = readdirSync(dir)
  .filter((n) => n.endsWith('.dcm'))
  .sort()
  .map((name) => ({ name, bytes: readFileSync(new URL(name, dir)) }));

const TEXT = new Set('AE AS CS DA DS DT IS LO LT PN SH ST TM UC UR UT'.split(' '));
function digest(v: Uint8Array, vr: string): string {
  const padded = v.length & 1 ? Buffer.concat([v, Uint8Array.of(TEXT.has(vr) ? 0x20 : 0)]) : v;
  return `${padded.length}:${createHash('sha1').update(padded).digest('hex')}`;
}
/** The structure of a data set, as writing and reading again must keep it (odd values padded). */
function shape(list: readonly DicomElement[]): unknown[] {
  return list.map((e) => ({
    tag: e.tag,
    vr: e.vr,
    value: e.value && digest(e.value, e.vr),
    items: e.items?.map(shape),
    fragments:
      e.encapsulated && [e.encapsulated.offsetTable, ...e.encapsulated.fragments].map((f) => digest(f, 'OB')),
    undefinedLength: e.items ? (e.undefinedLength ?? false) : undefined,
    undefinedItemLength: e.items?.length ? (e.undefinedItemLength ?? e.undefinedLength ?? false) : undefined,
  }));
}
const metaShape = (f: DicomFile) => shape(f.meta.filter((e) => e.tag !== 0x00020000 && e.tag !== 0x00020010));

/** Parses; on success writes and re-reads. Fails the property on any foreign error or mismatch. */
function check(bytes: Uint8Array): boolean {
  let file: DicomFile;
  try {
    file = parseDicom(bytes);
  } catch (err) {
    if (!(err instanceof SinsoError)) throw err;
    expect(['DEID_DICOM_UNREADABLE', 'DEID_DICOM_UNSUPPORTED']).toContain(err.code);
    return true;
  }
  const again = parseDicom(writeDicom(file));
  expect(again.syntax.uid).toBe(file.syntax.uid);
  expect(metaShape(again)).toEqual(metaShape(file));
  expect(shape(again.dataset)).toEqual(shape(file.dataset));
  return true;
}

/** Offsets of likely length fields: after plausible tags (explicit short/long, implicit, items). */
function lengthOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  const groups = new Set([0x0002, 0x0008, 0x0010, 0x0018, 0x0020, 0x0028, 0x0040, 0x7fe0, 0xfffe]);
  for (let i = 0; i + 12 <= b.length; i += 2) {
    const le = b[i]! | (b[i + 1]! << 8);
    const be = (b[i]! << 8) | b[i + 1]!;
    if (!groups.has(le) && !groups.has(be)) continue;
    const letters = b[i + 4]! >= 0x41 && b[i + 4]! <= 0x5a && b[i + 5]! >= 0x41 && b[i + 5]! <= 0x5a;
    for (let k = letters ? 6 : 4; k < (letters ? 12 : 8); k++) out.push(i + k);
  }
  return out;
}

describe('parseDicom never crashes, never hangs', () => {
  it('on random bytes, bare or after a preamble and DICM', () => {
    const head = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM')]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), (bytes, part10) =>
        check(part10 ? Buffer.concat([head, bytes]) : bytes),
      ),
      { numRuns: 1000 },
    );
  });

  it('on random bytes after a valid start of each sample', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.nat(),
        fc.uint8Array({ maxLength: 512 }),
        ({ bytes }, cut, tail) => check(Buffer.concat([bytes.subarray(0, cut % (bytes.length + 1)), tail])),
      ),
      { numRuns: 1000 },
    );
  });

  for (const { name, bytes } of samples) {
    it(`on ${name}: the whole file, truncations at many lengths, corrupted lengths and bytes`, () => {
      check(bytes);
      if (bytes.length <= 5000) for (let n = 0; n < bytes.length; n++) check(bytes.subarray(0, n));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: bytes.length }), (n) => check(bytes.subarray(0, n))),
        { numRuns: 300 },
      );
      const offsets = lengthOffsets(bytes);
      fc.assert(
        fc.property(fc.nat(), fc.nat(255), (k, value) => {
          const b = Buffer.from(bytes);
          b[offsets[k % offsets.length]!] = value;
          return check(b);
        }),
        { numRuns: 400 },
      );
      fc.assert(
        fc.property(fc.nat(), fc.nat(255), (k, value) => {
          const b = Buffer.from(bytes);
          b[k % b.length] = value;
          return check(b);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('on absurd lengths and deep or long structures', () => {
    const ff = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(4096, 0xff)]);
    check(ff);
    // 100 000 nested undefined-length sequences in implicit VR: refused at depth 64
    const open = Buffer.from([
      0x08, 0x00, 0x15, 0x11, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff,
    ]);
    check(
      Buffer.concat([Buffer.from([0x08, 0x00, 0x05, 0x00, 0, 0, 0, 0]), ...new Array(100_000).fill(open)]),
    );
    // a million empty elements: read
    const empty = Buffer.from([0x08, 0x00, 0x50, 0x00, 0x53, 0x48, 0, 0]);
    const many = Buffer.concat(new Array(1_000_000).fill(empty));
    expect(parseDicom(many).dataset.length).toBe(1_000_000);
    expect(() => parseDicom(many, { maxElements: 1000 })).toThrow(SinsoError);
  });
});
