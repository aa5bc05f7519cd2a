import { DicomCodecError } from './errors.js';
import { readContext, readMeta } from './parseDicom.js';
import type { DicomElement } from './types.js';

export type ReadFileMetaParameters = Uint8Array;
export type ReadFileMetaReturnType = {
  /** 128-byte preamble, or undefined when the bytes have no preamble followed by 'DICM'. */
  preamble: Uint8Array | undefined;
  /** The file meta elements (group 0002) read, in file order. */
  meta: DicomElement[];
  /** Offset of the first byte after the meta group, where the data set starts; undefined if not complete. */
  end: number | undefined;
  /**
   * False when the meta group is cut short or malformed (e.g. only the head of a file was
   * read): `meta` then holds the elements before that point.
   */
  complete: boolean;
};

/**
 * Reads the preamble, 'DICM' and file meta group (0002) of a DICOM file, or of just its first
 * bytes: never throws on truncated or malformed input, and never reads the data set. What
 * `parseDicom` reads first, with the same reader.
 *
 * @example
 * const { preamble, meta } = readFileMeta(head); // head: the first 4 KiB of a file
 * const ts = meta.find((e) => e.tag === 0x00020010);
 */
export function readFileMeta(bytes: ReadFileMetaParameters): ReadFileMetaReturnType {
  const meta: DicomElement[] = [];
  const ctx = readContext(bytes);
  try {
    const { preamble, end } = readMeta(ctx, meta);
    return { preamble, meta, end, complete: true };
  } catch (err) {
    if (!(err instanceof DicomCodecError)) throw err;
    const dicm =
      bytes.length >= 132 &&
      bytes[128] === 0x44 &&
      bytes[129] === 0x49 &&
      bytes[130] === 0x43 &&
      bytes[131] === 0x4d;
    return { preamble: dicm ? bytes.subarray(0, 128) : undefined, meta, end: undefined, complete: false };
  }
}
