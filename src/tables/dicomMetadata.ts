import { TextDecoder } from 'node:util';
import { characterSetDecoder, type DicomElement, type DicomFile, lookupVr } from '../ingest/index.js';
import type { ArrowColumnInput } from './arrowColumns.js';

/** The header fields of one de-identified DICOM file that the imaging tables keep. */
export type DicomFileMetadata = {
  sopInstanceUid: string;
  seriesUid: string;
  studyUid: string;
  sopClassUid: string | undefined;
  modality: string | undefined;
  bodyPart: string | undefined;
  seriesNumber: number | undefined;
  instanceNumber: number | undefined;
  pixelRows: number | undefined;
  pixelColumns: number | undefined;
  bitsAllocated: number | undefined;
  bitsStored: number | undefined;
  samplesPerPixel: number | undefined;
  photometric: string | undefined;
  /** Decimal strings as in the file (DS), converted exactly by DuckDB. */
  sliceThickness: string | undefined;
  pixelSpacingRow: string | undefined;
  pixelSpacingCol: string | undefined;
  /** `YYYY-MM-DD`, from a full StudyDate only. */
  studyDate: string | undefined;
  dicomPatientId: string | undefined;
  transferSyntaxUid: string | undefined;
  file: string;
  fileBytes: number;
  cid: string;
};

/** What the values of an element are read with: the data set's byte order and text decoder. */
type ReadContext = { littleEndian: boolean; explicitVR: boolean; decoder: TextDecoder };

/** VRs whose text is single-byte (read byte by byte), and those the character set governs. */
const ASCII_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'TM', 'UI', 'UR']);
const ENCODED_VRS = new Set(['LO', 'LT', 'SH', 'ST', 'UC', 'UT']);
/** Binary numeric VRs: bytes per value and the DataView reader. */
const NUMERIC_VRS: Record<string, [number, (d: DataView, o: number, le: boolean) => number | bigint]> = {
  US: [2, (d, o, le) => d.getUint16(o, le)],
  SS: [2, (d, o, le) => d.getInt16(o, le)],
  UL: [4, (d, o, le) => d.getUint32(o, le)],
  SL: [4, (d, o, le) => d.getInt32(o, le)],
  FL: [4, (d, o, le) => d.getFloat32(o, le)],
  FD: [8, (d, o, le) => d.getFloat64(o, le)],
  UV: [8, (d, o, le) => d.getBigUint64(o, le)],
  SV: [8, (d, o, le) => d.getBigInt64(o, le)],
};
/** The `latin1` decoder: of text read as UN, and of a data set without a known character set. */
const DEFAULT_DECODER = new TextDecoder('latin1');

function latin1(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
}

/** DS and IS: the number in the text, every character but digits, `.`, `+`, `-` and `e` dropped. */
function numberOf(text: string): number | null {
  const cleaned = text.trim().replace(/[^0-9.\\\-+e]/gi, '');
  return cleaned === '' ? null : Number(cleaned);
}

/**
 * The values of an element as the tables have always read them (the semantics of dcmjs 0.51,
 * which read the headers before): text split at `\\` (not LT); DS and IS as numbers; UI
 * without characters other than digits and dots; binary numbers in the data set's byte order
 * (an empty one is 0); an element written as UN read by its dictionary VR (little endian,
 * `latin1`, not split); PN, sequences and binary data give nothing.
 */
function elementValues(el: DicomElement, ctx: ReadContext): unknown[] {
  const v = el.value;
  if (v === undefined) return [];
  let vr = el.vr;
  let littleEndian = ctx.littleEndian;
  let decoder = ctx.decoder;
  let unknown = false;
  if (vr === 'UN' && ctx.explicitVR) {
    const known = lookupVr(el.tag);
    if (known !== 'UN') {
      vr = known;
      littleEndian = true;
      decoder = DEFAULT_DECODER;
      unknown = true;
    }
  }
  const numeric = NUMERIC_VRS[vr];
  if (numeric) {
    const [size, read] = numeric;
    if (v.length === 0) return [0];
    const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: Math.floor(v.length / size) }, (_, i) => read(view, i * size, littleEndian));
  }
  if (!ASCII_VRS.has(vr) && !ENCODED_VRS.has(vr)) return [];
  const text = ASCII_VRS.has(vr) ? latin1(v) : decoder.decode(v);
  if (vr === 'DS' || vr === 'IS') return text.split('\\').map(numberOf);
  if (vr === 'UI') return text.split('\\').map((s: string) => s.replace(/[^0-9.]/g, ''));
  return vr === 'LT' || (unknown && vr !== 'CS') ? [text] : text.split('\\');
}

/** The elements of one level of a data set by tag, and how their values are read. */
type Elements = { byTag: Map<number, DicomElement>; ctx: ReadContext };

function elements(list: readonly DicomElement[], ctx: ReadContext): Elements {
  const byTag = new Map<number, DicomElement>();
  for (const el of list) byTag.set(el.tag, el);
  return { byTag, ctx };
}

function values(e: Elements, tag: number): unknown[] {
  const el = e.byTag.get(tag);
  return el === undefined ? [] : elementValues(el, e.ctx);
}

function text(e: Elements, tag: number, index = 0): string | undefined {
  const v = values(e, tag)[index];
  if (v === undefined || v === null) return undefined;
  const s = (typeof v === 'object' ? '' : String(v)).replace(/\0/g, '').trim();
  return s === '' ? undefined : s;
}

function integer(e: Elements, tag: number): number | undefined {
  const s = text(e, tag);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isInteger(n) && Math.abs(n) <= 2_147_483_647 ? n : undefined;
}

function decimalString(e: Elements, tag: number, index = 0): string | undefined {
  const s = text(e, tag, index);
  return s !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? s : undefined;
}

function isoDate(da: string | undefined): string | undefined {
  if (!da || !/^\d{8}$/.test(da)) return undefined;
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
}

/**
 * The text decoder of a data set: from the first value of its Specific Character Set
 * (0008,0005); `latin1` when it has none or one the codec does not know.
 */
function datasetDecoder(dataset: readonly DicomElement[], ctx: ReadContext): TextDecoder {
  const [term] = values(elements(dataset, ctx), 0x00080005);
  return (typeof term === 'string' ? characterSetDecoder(term) : undefined) ?? DEFAULT_DECODER;
}

/**
 * Picks the imaging-table fields out of a DICOM file read by the codec (meta and top-level data
 * set, up to the pixel data). Values are read as the tables always have (see `elementValues`),
 * so the tables keep their bytes: e.g. DS `5.000000` becomes `5`, text of SH/LO/… decodes by the
 * Specific Character Set. Returns undefined when a UID the tables key on is missing.
 *
 * @example
 * const m = dicomFileMetadata(parseDicom(bytes, { stopAt: PIXEL_DATA }), { file: 'a/b/c.dcm', fileBytes: 1234, cid: 'bafk…' });
 */
export function dicomFileMetadata(
  parsed: DicomFile,
  file: { file: string; fileBytes: number; cid: string },
): DicomFileMetadata | undefined {
  const base = {
    littleEndian: parsed.syntax.littleEndian,
    explicitVR: parsed.syntax.explicitVR,
    decoder: DEFAULT_DECODER,
  };
  const meta = elements(parsed.meta, { littleEndian: true, explicitVR: true, decoder: DEFAULT_DECODER });
  const dict = elements(parsed.dataset, { ...base, decoder: datasetDecoder(parsed.dataset, base) });
  const sopInstanceUid = text(dict, 0x00080018) ?? text(meta, 0x00020003);
  const seriesUid = text(dict, 0x0020000e);
  const studyUid = text(dict, 0x0020000d);
  if (!sopInstanceUid || !seriesUid || !studyUid) return undefined;
  return {
    sopInstanceUid,
    seriesUid,
    studyUid,
    sopClassUid: text(dict, 0x00080016) ?? text(meta, 0x00020002),
    modality: text(dict, 0x00080060),
    bodyPart: text(dict, 0x00180015),
    seriesNumber: integer(dict, 0x00200011),
    instanceNumber: integer(dict, 0x00200013),
    pixelRows: integer(dict, 0x00280010),
    pixelColumns: integer(dict, 0x00280011),
    bitsAllocated: integer(dict, 0x00280100),
    bitsStored: integer(dict, 0x00280101),
    samplesPerPixel: integer(dict, 0x00280002),
    photometric: text(dict, 0x00280004),
    sliceThickness: decimalString(dict, 0x00180050),
    pixelSpacingRow: decimalString(dict, 0x00280030, 0),
    pixelSpacingCol: decimalString(dict, 0x00280030, 1),
    studyDate: isoDate(text(dict, 0x00080020)),
    dicomPatientId: text(dict, 0x00100020),
    transferSyntaxUid: text(meta, 0x00020010),
    ...file,
  };
}

/**
 * The Arrow columns of the raw DICOM file table (`dicom_files`), in a fixed order, from the
 * metadata of every file read.
 *
 * @example
 * const t = arrowTable(dicomArrowColumns(files));
 */
export function dicomArrowColumns(files: readonly DicomFileMetadata[]): ArrowColumnInput[] {
  const s = (name: string, pick: (f: DicomFileMetadata) => string | undefined): ArrowColumnInput => ({
    name,
    kind: 'utf8',
    values: files.map(pick),
  });
  const i = (name: string, pick: (f: DicomFileMetadata) => number | undefined): ArrowColumnInput => ({
    name,
    kind: 'int32',
    values: files.map(pick),
  });
  return [
    s('sop_instance_uid', (f) => f.sopInstanceUid),
    s('series_uid', (f) => f.seriesUid),
    s('study_uid', (f) => f.studyUid),
    s('sop_class_uid', (f) => f.sopClassUid),
    s('modality', (f) => f.modality),
    s('body_part', (f) => f.bodyPart),
    i('series_number', (f) => f.seriesNumber),
    i('instance_number', (f) => f.instanceNumber),
    i('pixel_rows', (f) => f.pixelRows),
    i('pixel_columns', (f) => f.pixelColumns),
    i('bits_allocated', (f) => f.bitsAllocated),
    i('bits_stored', (f) => f.bitsStored),
    i('samples_per_pixel', (f) => f.samplesPerPixel),
    s('photometric', (f) => f.photometric),
    s('slice_thickness', (f) => f.sliceThickness),
    s('pixel_spacing_row', (f) => f.pixelSpacingRow),
    s('pixel_spacing_col', (f) => f.pixelSpacingCol),
    s('study_date', (f) => f.studyDate),
    s('dicom_patient_id', (f) => f.dicomPatientId),
    s('transfer_syntax_uid', (f) => f.transferSyntaxUid),
    s('file', (f) => f.file),
    { name: 'file_bytes', kind: 'int64', values: files.map((f) => f.fileBytes) },
    s('cid', (f) => f.cid),
  ];
}
