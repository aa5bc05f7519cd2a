import { InternalError } from '../core/errors/index.js';
import { type DicomElement, type EncodedElement, elementLength, writeElement } from './encodeElement.js';

/** Explicit VR Little Endian. */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** sinso's fixed Implementation Class UID (a 2.25 UUID-derived OID). */
export const SINSO_IMPLEMENTATION_CLASS_UID = '2.25.325302650589195280435334793236865057691';
/** Implementation Version Name written by the synthetic generator. */
export const SINSO_SYNTH_IMPLEMENTATION_VERSION = 'SINSO_SYNTH_1';

export type EncodeDicomParameters = {
  /** File meta information (group 0002). */
  meta: {
    sopClassUid: string;
    sopInstanceUid: string;
    /** Source Application Entity Title, at most 16 characters. */
    sourceAeTitle?: string | undefined;
    implementationClassUid?: string | undefined;
    implementationVersionName?: string | undefined;
  };
  /** Data set elements (any order; they are sorted by tag). Group 0002 is not allowed here. */
  elements: readonly (DicomElement | EncodedElement)[];
};

export type EncodeDicomReturnType = Buffer;

const isEncoded = (e: DicomElement | EncodedElement): e is EncodedElement => 'bytes' in e;

/**
 * Encodes a DICOM Part 10 file in Explicit VR Little Endian: a 128-byte zero preamble, `DICM`,
 * the group 0002 file meta information with its correct group length, then the data set sorted
 * by tag. Strings are UTF-8 (declare `ISO_IR 192` in SpecificCharacterSet yourself). One
 * allocation; pixel data is copied once.
 *
 * @example
 * const bytes = encodeDicom({
 *   meta: { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '2.25.1' },
 *   elements: [{ tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' }],
 * });
 */
export function encodeDicom({ meta, elements }: EncodeDicomParameters): EncodeDicomReturnType {
  const metaElements: DicomElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: meta.sopClassUid },
    { tag: 0x00020003, vr: 'UI', value: meta.sopInstanceUid },
    { tag: 0x00020010, vr: 'UI', value: EXPLICIT_VR_LITTLE_ENDIAN },
    { tag: 0x00020012, vr: 'UI', value: meta.implementationClassUid ?? SINSO_IMPLEMENTATION_CLASS_UID },
    {
      tag: 0x00020013,
      vr: 'SH',
      value: meta.implementationVersionName ?? SINSO_SYNTH_IMPLEMENTATION_VERSION,
    },
  ];
  if (meta.sourceAeTitle) metaElements.push({ tag: 0x00020016, vr: 'AE', value: meta.sourceAeTitle });
  let metaLen = 0;
  for (const e of metaElements) metaLen += elementLength(e);

  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  let dataLen = 0;
  let prev = -1;
  for (const e of sorted) {
    if (e.tag === prev || e.tag >>> 16 <= 0x0002) {
      throw new InternalError('INTERNAL', {
        what: 'the DICOM writer was given a duplicate or file-meta element',
        detail: `tag ${e.tag.toString(16).padStart(8, '0')}`,
      });
    }
    prev = e.tag;
    dataLen += isEncoded(e) ? e.bytes.length : elementLength(e);
  }

  const total = 132 + 12 + metaLen + dataLen;
  const buf = Buffer.alloc(total);
  buf.write('DICM', 128, 'latin1');
  let off = writeElement(buf, 132, { tag: 0x00020000, vr: 'UL', value: metaLen });
  for (const e of metaElements) off = writeElement(buf, off, e);
  for (const e of sorted) {
    if (isEncoded(e)) {
      buf.set(e.bytes, off);
      off += e.bytes.length;
    } else off = writeElement(buf, off, e);
  }
  return buf;
}
