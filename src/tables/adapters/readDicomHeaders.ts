import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { cidOfBytes } from '../../core/cid.js';
import type { Rejection } from '../../core/stage.js';
import { DicomCodecError, type DicomFile, PIXEL_DATA, parseDicom } from '../../ingest/index.js';
import { type DicomFileMetadata, dicomFileMetadata } from '../dicomMetadata.js';

/** One DICOM file to read: where it is, which folder it is relative to, and its input ordinal. */
export type DicomFileInput = { path: string; root: string; ordinal: number };

const NOT_PART10 = 'not a readable DICOM Part 10 file';

/**
 * Reads one file with the codec: the header up to (not including) the pixel data, and the whole
 * file's CID.
 * Returns a rejection reason instead of throwing for a file that is not readable DICOM.
 */
async function readOne(f: DicomFileInput): Promise<DicomFileMetadata | string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(f.path);
  } catch {
    return 'the file could not be read';
  }
  let parsed: DicomFile;
  try {
    parsed = parseDicom(bytes, { stopAt: PIXEL_DATA });
  } catch (err) {
    if (err instanceof DicomCodecError) return NOT_PART10;
    throw err;
  }
  // Part 10 only: a preamble and 'DICM', and a transfer syntax in the meta group
  if (parsed.preamble === undefined || !parsed.meta.some((e) => e.tag === 0x00020010)) return NOT_PART10;
  const cid = (await cidOfBytes(bytes)).toString();
  const file = relative(f.root, f.path).split(sep).join('/');
  return (
    dicomFileMetadata(parsed, { file, fileBytes: bytes.byteLength, cid }) ??
    'the file lacks a Study, Series or SOP Instance UID'
  );
}

/**
 * Reads many DICOM headers with bounded concurrency, keeping input order. Unreadable files
 * become rejections (ordinal, path, reason), never errors.
 *
 * @example
 * const { files, rejected } = await readDicomHeaders(inputs, { concurrency: 8, onFile: () => task.tick() });
 */
export async function readDicomHeaders(
  inputs: readonly DicomFileInput[],
  options: { concurrency: number; onFile?: () => void },
): Promise<{ files: DicomFileMetadata[]; rejected: Rejection[] }> {
  const results: (DicomFileMetadata | string)[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const input = inputs[i];
      if (!input) return;
      results[i] = await readOne(input);
      options.onFile?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, inputs.length) }, worker));
  const files: DicomFileMetadata[] = [];
  const rejected: Rejection[] = [];
  for (const [i, r] of results.entries()) {
    const input = inputs[i] as DicomFileInput;
    if (typeof r === 'string') rejected.push({ ordinal: input.ordinal, path: input.path, reason: r });
    else files.push(r);
  }
  return { files, rejected };
}
