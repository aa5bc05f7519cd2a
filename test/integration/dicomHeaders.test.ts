import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import dcmjs from 'dcmjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cidOfBytes } from '../../src/core/cid.js';
import {
  type DicomElement,
  type DicomFile,
  IMPLICIT_VR_LITTLE_ENDIAN,
  parseDicom,
  resolveTransferSyntax,
  writeDicom,
} from '../../src/ingest/index.js';
import { type DicomFileInput, readDicomHeaders } from '../../src/tables/adapters/readDicomHeaders.js';
import type { DicomFileMetadata } from '../../src/tables/dicomMetadata.js';
import { repoRoot } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

// The tables read DICOM headers with sinso's codec; they were read with dcmjs before. dcmjs is kept
// here as the independent reference: every file must give the same row (or the same rejection),
// so the tables keep their bytes. The reference is the former reader, verbatim.

type Dict = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

function dcmjsValues(dict: Dict, tag: string): unknown[] {
  return dict[tag]?.Value ?? [];
}
function dcmjsText(dict: Dict, tag: string, index = 0): string | undefined {
  const v = dcmjsValues(dict, tag)[index];
  if (v === undefined || v === null) return undefined;
  const s = (typeof v === 'object' ? '' : String(v)).replace(/\0/g, '').trim();
  return s === '' ? undefined : s;
}
function dcmjsInteger(dict: Dict, tag: string): number | undefined {
  const s = dcmjsText(dict, tag);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isInteger(n) && Math.abs(n) <= 2_147_483_647 ? n : undefined;
}
function dcmjsDecimal(dict: Dict, tag: string, index = 0): string | undefined {
  const s = dcmjsText(dict, tag, index);
  return s !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? s : undefined;
}
function dcmjsDate(da: string | undefined): string | undefined {
  if (!da || !/^\d{8}$/.test(da)) return undefined;
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
}

/** The header reader the tables used up to sinso 0.1.0 (dcmjs 0.51, up to the pixel data). */
async function dcmjsHeaders(f: DicomFileInput): Promise<DicomFileMetadata | string> {
  const bytes = readFileSync(f.path);
  let parsed: { meta: Dict; dict: Dict };
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    parsed = dcmjs.data.DicomMessage.readFile(ab, {
      untilTag: '7FE00010',
      includeUntilTagValue: false,
      ignoreErrors: true,
    });
  } catch {
    return 'not a readable DICOM Part 10 file';
  }
  const { meta, dict } = parsed;
  const sopInstanceUid = dcmjsText(dict, '00080018') ?? dcmjsText(meta, '00020003');
  const seriesUid = dcmjsText(dict, '0020000E');
  const studyUid = dcmjsText(dict, '0020000D');
  if (!sopInstanceUid || !seriesUid || !studyUid) return 'the file lacks a Study, Series or SOP Instance UID';
  return {
    sopInstanceUid,
    seriesUid,
    studyUid,
    sopClassUid: dcmjsText(dict, '00080016') ?? dcmjsText(meta, '00020002'),
    modality: dcmjsText(dict, '00080060'),
    bodyPart: dcmjsText(dict, '00180015'),
    seriesNumber: dcmjsInteger(dict, '00200011'),
    instanceNumber: dcmjsInteger(dict, '00200013'),
    pixelRows: dcmjsInteger(dict, '00280010'),
    pixelColumns: dcmjsInteger(dict, '00280011'),
    bitsAllocated: dcmjsInteger(dict, '00280100'),
    bitsStored: dcmjsInteger(dict, '00280101'),
    samplesPerPixel: dcmjsInteger(dict, '00280002'),
    photometric: dcmjsText(dict, '00280004'),
    sliceThickness: dcmjsDecimal(dict, '00180050'),
    pixelSpacingRow: dcmjsDecimal(dict, '00280030', 0),
    pixelSpacingCol: dcmjsDecimal(dict, '00280030', 1),
    studyDate: dcmjsDate(dcmjsText(dict, '00080020')),
    dicomPatientId: dcmjsText(dict, '00100020'),
    transferSyntaxUid: dcmjsText(meta, '00020010'),
    file: f.path.slice(f.root.length + 1),
    fileBytes: bytes.byteLength,
    cid: (await cidOfBytes(bytes)).toString(),
  };
}

const SAMPLES = join(repoRoot, 'datasets', 'samples', 'dicom');
const CORPUS = process.env['SINSO_DICOM_CORPUS'] ?? '/work/shared/datasets/dicom';

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return listFiles(p);
      return extname(n).toLowerCase() === '.dcm' || (extname(n) === '' && p.includes('dicomdirtests'))
        ? [p]
        : [];
    });
}

// ---- variants of MR_small.dcm that exercise value parsing, character sets and UN ----

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const even = (b: Uint8Array, pad: number) => (b.length & 1 ? Buffer.concat([b, Uint8Array.of(pad)]) : b);

/** The file with elements set (value bytes as given, padded to even) or removed (undefined). */
function withElements(file: DicomFile, set: Record<number, [string, Uint8Array] | undefined>): DicomFile {
  const dataset = file.dataset.filter((e) => !(e.tag in set));
  for (const [tag, v] of Object.entries(set)) {
    if (v) dataset.push({ tag: Number(tag), vr: v[0], value: even(v[1], v[0] === 'UI' ? 0 : 0x20) });
  }
  return { ...file, dataset: dataset.sort((a, b) => a.tag - b.tag) };
}

const CHARSET = 0x00080005;
const PATIENT_ID = 0x00100020;
const SLICE_THICKNESS = 0x00180050;
const PIXEL_SPACING = 0x00280030;
const SERIES_NUMBER = 0x00200011;
const ROWS = 0x00280010;

function variants(base: DicomFile): Record<string, DicomFile> {
  const out: Record<string, DicomFile> = {};
  const charsets: [string, Uint8Array][] = [
    ['ISO_IR 100', latin1('M\xfcller\xe9')],
    ['ISO_IR 192', Buffer.from('Müller-李', 'utf8')],
    ['ISO_IR 192', Uint8Array.of(0x41, 0xc3, 0x28, 0xff)], // malformed UTF-8
    ['', Uint8Array.of(0x41, 0x80, 0x9f, 0xe9)],
    ['ISO_IR 144', Uint8Array.of(0xbf, 0xd5, 0xe2, 0xe0)],
    ['ISO_IR 126', Uint8Array.of(0xc1, 0xe2, 0xe3)],
    ['GB18030', Buffer.from([0xc0, 0xee, 0x41])],
    ['ISO 2022 IR 100', latin1('J\xf6rg')],
    ['\\ISO 2022 IR 87', latin1('abc')],
    ['NOT A CHARSET', latin1('Zo\xeb')],
  ];
  for (const [i, [term, id]] of charsets.entries()) {
    out[`charset-${i}`] = withElements(base, {
      [CHARSET]: ['CS', latin1(term)],
      [PATIENT_ID]: ['LO', Buffer.concat([latin1(' '), id, latin1('\\second ')])],
    });
  }
  const ds = [
    '5.000000',
    ' 1.5 ',
    '1,5',
    'abc',
    '1e3',
    '+.5',
    '-0',
    '1.23456789012',
    '',
    '7 mm',
    '.',
    '0.00001',
  ];
  for (const [i, v] of ds.entries()) {
    out[`ds-${i}`] = withElements(base, {
      [SLICE_THICKNESS]: ['DS', latin1(v)],
      [PIXEL_SPACING]: ['DS', latin1(`${v}\\0.5`)],
    });
  }
  const is = ['+12', '12abc', ' 007 ', '1e2', '3000000000', '1.5', '-4', ''];
  for (const [i, v] of is.entries())
    out[`is-${i}`] = withElements(base, { [SERIES_NUMBER]: ['IS', latin1(v)] });
  out['us-empty'] = withElements(base, { [ROWS]: ['US', new Uint8Array()] });
  out['us-two'] = withElements(base, { [ROWS]: ['US', Uint8Array.of(1, 2, 3, 4)] });
  out['rows-as-is'] = withElements(base, { [ROWS]: ['IS', latin1('256')] });
  out['uid-padded'] = withElements(base, { 2097166: ['UI', latin1('1.2.3 \0x')] });
  out['no-series-uid'] = withElements(base, { 2097166: undefined });
  // every element with a value written as UN (read by its dictionary VR)
  const un = (f: DicomFile): DicomFile => ({
    ...f,
    dataset: f.dataset.map((e): DicomElement => (e.value && e.tag !== 0x7fe00010 ? { ...e, vr: 'UN' } : e)),
  });
  out['all-un'] = un(base);
  out['all-un-charset'] = un(out['charset-1'] as DicomFile);
  out['all-un-ds'] = un(out['ds-1'] as DicomFile);
  const implicit = resolveTransferSyntax(IMPLICIT_VR_LITTLE_ENDIAN);
  out['implicit'] = { ...base, syntax: implicit };
  out['implicit-charset'] = { ...(out['charset-0'] as DicomFile), syntax: implicit };
  out['deflated'] = {
    ...(out['ds-0'] as DicomFile),
    syntax: resolveTransferSyntax('1.2.840.10008.1.2.1.99'),
  };
  // a meta group without TransferSyntaxUID (dcmjs refused it)
  out['meta-without-ts'] = { ...base };
  return out;
}

// dcmjs logs every oddity of the variants below
(dcmjs as unknown as { log?: { setLevel?(level: string): void } }).log?.setLevel?.('silent');

describe('DICOM headers for the tables: codec against dcmjs', () => {
  const inputs: DicomFileInput[] = [];

  beforeAll(async () => {
    const roots = [SAMPLES, ...(existsSync(CORPUS) ? [CORPUS] : [])];
    for (const root of roots) {
      for (const path of listFiles(root)) inputs.push({ path, root, ordinal: inputs.length + 1 });
    }
    const dir = await tempDir('sinso-headers-');
    const base = parseDicom(readFileSync(join(SAMPLES, 'MR_small.dcm')));
    for (const [name, file] of Object.entries(variants(base))) {
      let bytes = writeDicom(file);
      if (name === 'meta-without-ts') {
        const parsed = parseDicom(bytes);
        const ts = parsed.meta.find((e) => e.tag === 0x00020010)?.value as Uint8Array;
        const at = ts.byteOffset - 8; // the element header
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 8 + ts.length)]);
        bytes.writeUInt32LE(bytes.readUInt32LE(140) - 8 - ts.length, 140); // group length
      }
      const path = join(dir, `${name}.dcm`);
      await writeFile(path, bytes);
      inputs.push({ path, root: dir, ordinal: inputs.length + 1 });
    }
    // a truncated header and bytes that are not DICOM
    const mr = readFileSync(join(SAMPLES, 'MR_small.dcm'));
    await writeFile(join(dir, 'truncated.dcm'), mr.subarray(0, 600));
    await writeFile(join(dir, 'not-dicom.dcm'), 'hello');
    for (const n of ['truncated.dcm', 'not-dicom.dcm']) {
      inputs.push({ path: join(dir, n), root: dir, ordinal: inputs.length + 1 });
    }
  }, 60_000);

  it('gives the row dcmjs gives, or rejects with the same reason, for every file', async () => {
    const { files, rejected } = await readDicomHeaders(inputs, { concurrency: 4 });
    const got = new Map<string, DicomFileMetadata | string>();
    for (const f of files) got.set(f.file, f);
    for (const r of rejected) {
      const input = inputs.find((i) => i.ordinal === r.ordinal) as DicomFileInput;
      got.set(input.path.slice(input.root.length + 1), r.reason);
    }
    const mismatches: string[] = [];
    // known and accepted: dcmjs reads what it can of a damaged header (ignoreErrors); the codec
    // refuses a file it cannot parse up to the pixel data
    const codecStricter = new Set(['truncated.dcm']);
    for (const input of inputs) {
      const name = input.path.slice(input.root.length + 1);
      const expected = await dcmjsHeaders(input);
      const actual = got.get(name);
      if (codecStricter.has(name)) {
        expect(actual).toBe('not a readable DICOM Part 10 file');
        continue;
      }
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(`${name}: ${JSON.stringify(actual)} ≠ dcmjs ${JSON.stringify(expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(files.length).toBeGreaterThan(40);
    // the variants did reach the values they vary
    const row = (n: string) => got.get(n) as DicomFileMetadata;
    expect(row('charset-1.dcm').dicomPatientId).toBe('Müller-李');
    expect(row('charset-0.dcm').dicomPatientId).toBe('Müller\u00e9');
    // no character set: the TextDecoder of 'latin1' (WHATWG's windows-1252; Node 20 decodes it as ISO 8859-1)
    expect(row('charset-3.dcm').dicomPatientId).toBe(
      new TextDecoder('latin1').decode(Uint8Array.of(0x41, 0x80, 0x9f, 0xe9)),
    );
    expect(row('ds-0.dcm').sliceThickness).toBe('5'); // DS read as a number, as dcmjs did
    expect(row('ds-2.dcm').sliceThickness).toBe('15');
    expect(row('is-1.dcm').seriesNumber).toBe(12);
    expect(row('us-empty.dcm').pixelRows).toBe(0);
    expect(row('all-un.dcm').pixelRows).toBe(64);
    expect(got.get('meta-without-ts.dcm')).toBe('not a readable DICOM Part 10 file');
  });
});
