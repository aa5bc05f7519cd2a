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

/** A dcmjs data set: tag (8 upper-case hex digits) → element. */
export type DcmjsDict = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

function values(dict: DcmjsDict, tag: string): unknown[] {
  return dict[tag]?.Value ?? [];
}

function text(dict: DcmjsDict, tag: string, index = 0): string | undefined {
  const v = values(dict, tag)[index];
  if (v === undefined || v === null) return undefined;
  const s = (typeof v === 'object' ? '' : String(v)).replace(/\0/g, '').trim();
  return s === '' ? undefined : s;
}

function integer(dict: DcmjsDict, tag: string): number | undefined {
  const s = text(dict, tag);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isInteger(n) && Math.abs(n) <= 2_147_483_647 ? n : undefined;
}

function decimalString(dict: DcmjsDict, tag: string, index = 0): string | undefined {
  const s = text(dict, tag, index);
  return s !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? s : undefined;
}

function isoDate(da: string | undefined): string | undefined {
  if (!da || !/^\d{8}$/.test(da)) return undefined;
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
}

/**
 * Picks the imaging-table fields out of a DICOM file's meta and data set (as dcmjs reads them).
 * Returns undefined when a UID the tables key on is missing.
 *
 * @example
 * const m = dicomFileMetadata(meta, dict, { file: 'a/b/c.dcm', fileBytes: 1234, cid: 'bafk…' });
 */
export function dicomFileMetadata(
  meta: DcmjsDict,
  dict: DcmjsDict,
  file: { file: string; fileBytes: number; cid: string },
): DicomFileMetadata | undefined {
  const sopInstanceUid = text(dict, '00080018') ?? text(meta, '00020003');
  const seriesUid = text(dict, '0020000E');
  const studyUid = text(dict, '0020000D');
  if (!sopInstanceUid || !seriesUid || !studyUid) return undefined;
  return {
    sopInstanceUid,
    seriesUid,
    studyUid,
    sopClassUid: text(dict, '00080016') ?? text(meta, '00020002'),
    modality: text(dict, '00080060'),
    bodyPart: text(dict, '00180015'),
    seriesNumber: integer(dict, '00200011'),
    instanceNumber: integer(dict, '00200013'),
    pixelRows: integer(dict, '00280010'),
    pixelColumns: integer(dict, '00280011'),
    bitsAllocated: integer(dict, '00280100'),
    bitsStored: integer(dict, '00280101'),
    samplesPerPixel: integer(dict, '00280002'),
    photometric: text(dict, '00280004'),
    sliceThickness: decimalString(dict, '00180050'),
    pixelSpacingRow: decimalString(dict, '00280030', 0),
    pixelSpacingCol: decimalString(dict, '00280030', 1),
    studyDate: isoDate(text(dict, '00080020')),
    dicomPatientId: text(dict, '00100020'),
    transferSyntaxUid: text(meta, '00020010'),
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
