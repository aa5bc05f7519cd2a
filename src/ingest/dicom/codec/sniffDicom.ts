import { readFileMeta } from './readFileMeta.js';

/** What the first bytes of a file say about it being DICOM. */
export type DicomSniff =
  | { kind: 'part10'; transferSyntax?: string | undefined; sopClass?: string | undefined }
  | { kind: 'raw' }
  | { kind: 'none' };
export type SniffDicomParameters = Uint8Array;
export type SniffDicomReturnType = DicomSniff;

const STANDARD_UID_ROOT = '1.2.840.10008.';

/** A meta value as Latin-1 text, trailing NUL and space padding removed. */
function metaText(v: Uint8Array | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    .toString('latin1')
    .replace(/[\0 ]+$/, '');
}

/**
 * Reads the DICOM Part 10 preamble and file meta group (0002) from the head of a file, with the
 * codec's meta reader (`readFileMeta`: a meta group cut short by the end of the head is read up
 * to there). Only standard registry UIDs (transfer syntax, SOP class) are returned; a private
 * one is reported as `private`, since an organisation's UID root can identify it. Never throws.
 *
 * @example
 * sniffDicom(head); // { kind: 'part10', transferSyntax: '1.2.840.10008.1.2.1', sopClass: '1.2.840.10008.5.1.4.1.1.4' }
 */
export function sniffDicom(head: SniffDicomParameters): SniffDicomReturnType {
  const { preamble, meta } = readFileMeta(head);
  if (preamble !== undefined) {
    let transferSyntax: string | undefined;
    let sopClass: string | undefined;
    for (const el of meta) {
      if (el.tag === 0x00020010) transferSyntax = metaText(el.value);
      if (el.tag === 0x00020002) {
        const v = metaText(el.value) ?? '';
        sopClass = v.startsWith(STANDARD_UID_ROOT) ? v : 'private';
      }
    }
    return {
      kind: 'part10',
      transferSyntax: transferSyntax?.startsWith(STANDARD_UID_ROOT)
        ? transferSyntax
        : transferSyntax && 'private',
      sopClass,
    };
  }
  // no preamble: a raw data set usually starts with group 0008 (implicit or explicit VR LE)
  const b = head;
  if (b.length >= 8 && (b[0]! | (b[1]! << 8)) === 0x0008 && (b[2]! | (b[3]! << 8)) < 0x0100) {
    return { kind: 'raw' };
  }
  return { kind: 'none' };
}
