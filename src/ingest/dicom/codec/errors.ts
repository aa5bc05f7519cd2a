import { SinsoError } from '../../../core/errors/index.js';

/** The codes the DICOM codec raises. */
export type DicomCodecErrorCode = 'DEID_DICOM_UNREADABLE' | 'DEID_DICOM_UNSUPPORTED';

/**
 * Raised when a DICOM file cannot be read (`DEID_DICOM_UNREADABLE`: truncated, not DICOM,
 * malformed structure) or uses an encoding sinso does not handle (`DEID_DICOM_UNSUPPORTED`).
 * `reason` says what is wrong in a few words and never quotes a data value; `details` may give
 * the byte offset.
 *
 * @example
 * try {
 *   parseDicom(bytes);
 * } catch (err) {
 *   if (err instanceof DicomCodecError && err.code === 'DEID_DICOM_UNREADABLE') console.warn(err.reason);
 * }
 */
export class DicomCodecError extends SinsoError {
  override name = 'DicomCodecError';
  /** What is wrong, e.g. 'truncated: an element runs past the end of the file'. */
  readonly reason: string;
  declare readonly code: DicomCodecErrorCode;

  constructor(code: DicomCodecErrorCode, reason: string, options: { offset?: number; cause?: unknown } = {}) {
    super(
      code === 'DEID_DICOM_UNREADABLE'
        ? `The DICOM file cannot be read (${reason}).`
        : `The DICOM file uses an encoding sinso does not support (${reason}).`,
      {
        code,
        details: options.offset === undefined ? undefined : `at byte ${options.offset}`,
        cause: options.cause,
        fix:
          code === 'DEID_DICOM_UNREADABLE'
            ? 'Check that the file is complete and is DICOM; export it again from the source system.'
            : 'Convert the file to a standard transfer syntax (e.g. with dcmconv or gdcmconv) and retry.',
      },
    );
    this.reason = reason;
  }
}
export type DicomCodecErrorType = DicomCodecError & { name: 'DicomCodecError' };

/** Shorthand for an unreadable-file error (internal to the codec). */
export function unreadable(reason: string, offset?: number, cause?: unknown): DicomCodecError {
  const options: { offset?: number; cause?: unknown } = {};
  if (offset !== undefined) options.offset = offset;
  if (cause !== undefined) options.cause = cause;
  return new DicomCodecError('DEID_DICOM_UNREADABLE', reason, options);
}
