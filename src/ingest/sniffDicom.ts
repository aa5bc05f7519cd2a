/** What the first bytes of a file say about it being DICOM. */
export type DicomSniff =
  | { kind: 'part10'; transferSyntax?: string | undefined; sopClass?: string | undefined }
  | { kind: 'raw' }
  | { kind: 'none' };

const STANDARD_UID_ROOT = '1.2.840.10008.';

/**
 * Reads the DICOM Part 10 preamble and file meta group (0002) from the head of a file.
 * Only standard registry UIDs (transfer syntax, SOP class) are returned; a private SOP class is
 * reported as `private`, since an organisation's UID root can identify it.
 */
export function sniffDicom(head: Uint8Array): DicomSniff {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 132 && b.toString('latin1', 128, 132) === 'DICM') {
    let transferSyntax: string | undefined;
    let sopClass: string | undefined;
    let pos = 132;
    while (pos + 8 <= b.length) {
      const group = b.readUInt16LE(pos);
      const element = b.readUInt16LE(pos + 2);
      if (group !== 0x0002) break;
      const vr = b.toString('latin1', pos + 4, pos + 6);
      let len: number;
      let valueAt: number;
      if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR'].includes(vr)) {
        if (pos + 12 > b.length) break;
        len = b.readUInt32LE(pos + 8);
        valueAt = pos + 12;
      } else {
        len = b.readUInt16LE(pos + 6);
        valueAt = pos + 8;
      }
      if (len === 0xffffffff || valueAt + len > b.length) break;
      const value = () => b.toString('latin1', valueAt, valueAt + len).replace(/[\0 ]+$/, '');
      if (element === 0x0010) transferSyntax = value();
      if (element === 0x0002) {
        const v = value();
        sopClass = v.startsWith(STANDARD_UID_ROOT) ? v : 'private';
      }
      pos = valueAt + len;
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
  if (b.length >= 8 && b.readUInt16LE(0) === 0x0008 && b.readUInt16LE(2) < 0x0100) return { kind: 'raw' };
  return { kind: 'none' };
}
