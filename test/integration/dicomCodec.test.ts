import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import dcmjs from 'dcmjs';
import { describe, expect, it, vi } from 'vitest';
import { SinsoError } from '../../src/core/errors/index.js';
import {
  DicomCodecError,
  type DicomElement,
  type DicomFile,
  parseDicom,
  readUint32,
  walkElements,
  writeDicom,
} from '../../src/ingest/index.js';
import { repoRoot } from '../utils/cli.js';

// Every DICOM sample we have, read, written and read again; cross-checked with dcmjs. The copied
// samples in datasets/ are always here; the larger shared corpus is added when it is present.

const SAMPLES = join(repoRoot, 'datasets', 'samples', 'dicom');
const CORPUS = process.env['SINSO_DICOM_CORPUS'] ?? '/work/shared/datasets/dicom';

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return listFiles(p);
      if (/^(LICENSE|README)/i.test(n) || n === 'inventory.json') return [];
      const ext = extname(n).toLowerCase();
      return ext === '.dcm' || (ext === '' && p.includes('dicomdirtests')) ? [p] : [];
    });
}

const files = [
  ...listFiles(SAMPLES).map((p) => ({ label: `samples/${relative(SAMPLES, p)}`, path: p })),
  ...(existsSync(CORPUS) ? listFiles(CORPUS) : []).map((p) => ({
    label: `corpus/${relative(CORPUS, p)}`,
    path: p,
  })),
];

/** Files that are genuinely broken, and why they are refused. */
const UNREADABLE: Record<string, string> = {
  // "CT_small.dcm with no File Meta Information header", but one stray byte (0x20) precedes the
  // data set, so no reader can find its first element (pydicom and dcmjs refuse it too)
  'no_meta.dcm': 'not DICOM: no preamble and no recognisable first element',
};

/** Files that read and write back to the same structure but not to the same bytes, and why. */
const NOT_BYTE_IDENTICAL: Record<string, string> = {
  'no-meta-length-test.dcm': 'the meta group had no group length; one is written',
  'ctbrain1.dcm': 'a private OB value of odd length is padded to even',
  'ctbrain2.dcm': 'a private OB value of odd length is padded to even',
  'nested_priv_SQ.dcm': 'a private value of odd length is padded to even',
  'image_dfl.dcm': 'deflated: zlib output differs from the original compressor',
  'rtstruct.dcm': 'a raw data set without meta: written as Part 10 with a meta group',
  'OT-PAL-8-face.dcm': 'a raw data set without meta: written as Part 10 with a meta group',
};

const TEXT = new Set('AE AS CS DA DS DT IS LO LT PN SH ST TM UC UR UT'.split(' '));
function digest(v: Uint8Array, vr: string): string {
  const padded = v.length & 1 ? Buffer.concat([v, Uint8Array.of(TEXT.has(vr) ? 0x20 : 0)]) : v;
  return `${padded.length}:${createHash('sha1').update(padded).digest('hex')}`;
}
/** Tags, VRs, value bytes (odd values padded, as written), item structure, fragments. */
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
const hex8 = (tag: number) => tag.toString(16).toUpperCase().padStart(8, '0');

type DcmjsElement = { vr: string; Value?: unknown[] };
// dcmjs logs what it cannot resolve (VRs 'ox', 'xs', SV, OL, OV; private sequences) to stderr
type Logger = { setLevel(level: string): void; getLogger(name: string): Logger };
const dcmjsLog = (dcmjs as unknown as { log?: Logger }).log;
dcmjsLog?.setLevel('silent');
dcmjsLog?.getLogger('validation.dcmjs').setLevel('silent');
function readWithDcmjs(
  bytes: Buffer,
): { meta: Record<string, DcmjsElement>; dict: Record<string, DcmjsElement> } | undefined {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    return dcmjs.data.DicomMessage.readFile(ab, { ignoreErrors: true });
  } catch {
    return undefined; // dcmjs cannot read it: nothing to compare with
  } finally {
    warn.mockRestore();
  }
}

describe('DICOM codec on every sample file', () => {
  it('has the copied samples', () => {
    expect(files.filter((f) => f.label.startsWith('samples/')).length).toBeGreaterThanOrEqual(18);
  });

  for (const { label, path } of files) {
    const name = basename(path);
    it(label, () => {
      const bytes = readFileSync(path);
      const refused = UNREADABLE[name];
      if (refused !== undefined) {
        expect(() => parseDicom(bytes)).toThrow(DicomCodecError);
        try {
          parseDicom(bytes);
          expect.unreachable();
        } catch (err) {
          expect((err as DicomCodecError).fields.reason).toBe(refused);
        }
        return;
      }

      let file: DicomFile;
      try {
        file = parseDicom(bytes);
      } catch (err) {
        // make an unexpected refusal readable in the test output
        throw new Error(`${label}: ${err instanceof SinsoError ? err.shortMessage : String(err)}`);
      }
      expect(file.dataset.length).toBeGreaterThan(0);

      // round trip: same elements, VRs, values, items and fragments
      const out = writeDicom(file);
      const again = parseDicom(out);
      expect(again.syntax).toEqual(file.syntax);
      expect(metaShape(again)).toEqual(metaShape(file));
      expect(shape(again.dataset)).toEqual(shape(file.dataset));
      const groupLength = readUint32(again.meta.find((e) => e.tag === 0x00020000)!, true)!;
      expect(out.readUInt16LE(132 + 12 + groupLength)).not.toBe(0x0002); // the meta ends where it says

      // byte identity where the input already followed the writer's conventions
      if (NOT_BYTE_IDENTICAL[name] === undefined) expect(out.equals(bytes)).toBe(true);
      else expect(out.equals(bytes)).toBe(false);

      // agreement with dcmjs, where dcmjs reads the file
      const theirs = readWithDcmjs(bytes);
      if (theirs === undefined) return;
      const ours = new Map(file.dataset.map((e) => [hex8(e.tag), e]));
      for (const [tag, el] of Object.entries(theirs.dict)) {
        const mine = ours.get(tag);
        expect(mine, `${tag} is missing`).toBeDefined();
        // dcmjs reads VRs it does not know (SV, OL, OV) as UN, turns UN into the dictionary VR, and
        // does not recognise private sequences in implicit VR
        if (el.vr !== 'UN' && mine!.vr !== 'UN' && !(mine!.vr === 'SQ' && el.vr === 'UN')) {
          expect(mine!.vr, tag).toBe(el.vr);
        }
        if (el.vr === 'SQ' && mine!.items) {
          // dcmjs drops empty items (pydicom-data JPGLosslessP14SV1_1s_1f_8b.dcm has one)
          const nonEmpty = (el.Value ?? []).filter((v) => Object.keys(v as object).length > 0).length;
          expect(mine!.items.filter((i) => i.length > 0).length, tag).toBe(nonEmpty);
        }
      }
      const metaTags = new Set(file.meta.map((e) => hex8(e.tag)));
      for (const tag of Object.keys(theirs.meta)) expect(metaTags.has(tag), tag).toBe(true);
    });
  }

  it('reads every element of every sample at any depth (walkElements)', () => {
    let count = 0;
    for (const { path } of files.filter((f) => UNREADABLE[basename(f.path)] === undefined)) {
      walkElements(parseDicom(readFileSync(path)).dataset, () => {
        count++;
      });
    }
    expect(count).toBeGreaterThan(1000);
  });
});
