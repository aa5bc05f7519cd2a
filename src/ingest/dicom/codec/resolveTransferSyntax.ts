import { DicomCodecError, type DicomCodecErrorType } from './errors.js';
import type { TransferSyntaxInfo } from './types.js';

export type ResolveTransferSyntaxParameters = string;
export type ResolveTransferSyntaxReturnType = TransferSyntaxInfo;
export type ResolveTransferSyntaxErrorType = DicomCodecErrorType;

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';

const ROOT = '1.2.840.10008.1.2';

function info(
  uid: string,
  explicitVR: boolean,
  littleEndian: boolean,
  deflated: boolean,
  encapsulated: boolean,
) {
  return { uid, littleEndian, explicitVR, deflated, encapsulated };
}

/**
 * Describes a transfer syntax UID: byte order, explicit or implicit VR, whether the data set is
 * deflated, and whether Pixel Data is encapsulated. Every standard syntax of PS3.6 Table A-1 is
 * known (native, deflated, JPEG, JPEG-LS, JPEG 2000, HTJ2K, JPIP, MPEG, HEVC, RLE, Deflated Image
 * Frame Compression, Encapsulated Uncompressed); anything else raises `DEID_DICOM_UNSUPPORTED`.
 * Trailing NUL and space padding is ignored.
 *
 * @example
 * resolveTransferSyntax('1.2.840.10008.1.2.4.50').encapsulated; // true
 * resolveTransferSyntax('1.2.840.10008.1.2').explicitVR; // false
 */
export function resolveTransferSyntax(uid: ResolveTransferSyntaxParameters): ResolveTransferSyntaxReturnType {
  const u = uid.replace(/[\0 ]+$/, '');
  switch (u) {
    case IMPLICIT_VR_LITTLE_ENDIAN:
      return info(u, false, true, false, false);
    case EXPLICIT_VR_LITTLE_ENDIAN:
      return info(u, true, true, false, false);
    case EXPLICIT_VR_BIG_ENDIAN:
      return info(u, true, false, false, false);
    case DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN:
      return info(u, true, true, true, false);
    // JPIP Referenced (.94), JPIP HTJ2K Referenced (.204): pixel data is referenced, not present
    case `${ROOT}.4.94`:
    case `${ROOT}.4.204`:
      return info(u, true, true, false, false);
    // their deflated variants
    case `${ROOT}.4.95`:
    case `${ROOT}.4.205`:
      return info(u, true, true, true, false);
    // Encapsulated Uncompressed, RLE, RFC 2557 MIME (retired), Deflated Image Frame Compression
    case `${ROOT}.1.98`:
    case `${ROOT}.5`:
    case `${ROOT}.6.1`:
    case `${ROOT}.8.1`:
      return info(u, true, true, false, true);
  }
  // JPEG, JPEG-LS, JPEG 2000, HTJ2K, MPEG-2/4, HEVC: 1.2.840.10008.1.2.4.<n>
  if (/^1\.2\.840\.10008\.1\.2\.4\.[1-9][0-9]{1,2}$/.test(u)) return info(u, true, true, false, true);
  throw new DicomCodecError('DEID_DICOM_UNSUPPORTED', {
    reason:
      u.startsWith('1.2.840.10008.') && /^[0-9.]{1,64}$/.test(u)
        ? `unknown transfer syntax ${u}`
        : 'a private or malformed transfer syntax UID',
  });
}
