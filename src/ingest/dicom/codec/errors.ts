import { defineErrorCodes, errorClass } from '../../../core/errors/index.js';

type Problem = {
  /** What is wrong, in a few words, e.g. 'truncated: an element runs past the end of the file'. */
  reason: string;
  /** The byte offset where it went wrong. */
  offset?: number | undefined;
};

/** The codes the DICOM codec raises. */
export const dicomCodecErrors = defineErrorCodes({
  DEID_DICOM_UNREADABLE: {
    message: (
      f: Problem & { /** The file has more elements than the parser allows. */ limit?: boolean | undefined },
    ) => `The DICOM file cannot be read (${f.reason}).`,
    details: (f) => (f.offset === undefined ? undefined : `at byte ${f.offset}`),
    fix: 'Check that the file is complete and is DICOM; export it again from the source system.',
  },
  DEID_DICOM_UNSUPPORTED: {
    message: (f: Problem) => `The DICOM file uses an encoding sinso does not support (${f.reason}).`,
    details: (f) => (f.offset === undefined ? undefined : `at byte ${f.offset}`),
    fix: 'Convert the file to a standard transfer syntax (e.g. with dcmconv or gdcmconv) and retry.',
  },
});

/** The codes the DICOM codec raises. */
export type DicomCodecErrorCode = keyof typeof dicomCodecErrors;

/**
 * Raised when a DICOM file cannot be read (`DEID_DICOM_UNREADABLE`: truncated, not DICOM,
 * malformed structure) or uses an encoding sinso does not handle (`DEID_DICOM_UNSUPPORTED`).
 * `fields.reason` says what is wrong in a few words and never quotes a data value;
 * `fields.offset` may give the byte offset.
 *
 * @example
 * try {
 *   parseDicom(bytes);
 * } catch (err) {
 *   if (err instanceof DicomCodecError && err.is('DEID_DICOM_UNREADABLE')) console.warn(err.fields.reason);
 * }
 */
export class DicomCodecError extends errorClass(dicomCodecErrors) {
  override name = 'DicomCodecError';
}
export type DicomCodecErrorType = DicomCodecError & { name: 'DicomCodecError' };

/** Shorthand for an unreadable-file error (internal to the codec). */
export function unreadable(
  reason: string,
  offset?: number,
  cause?: unknown,
  limit?: boolean,
): DicomCodecError {
  return new DicomCodecError('DEID_DICOM_UNREADABLE', { reason, offset, limit }, { cause });
}
