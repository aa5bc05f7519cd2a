import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { relative, sep } from 'node:path';
import { cidOfBytes } from '../../core/cid.js';
import type { Rejection } from '../../core/stage.js';
import { type DcmjsDict, type DicomFileMetadata, dicomFileMetadata } from '../dicomMetadata.js';

/** The part of dcmjs used here (dcmjs ships no types). */
type Dcmjs = {
  data: {
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): { meta: DcmjsDict; dict: DcmjsDict };
    };
  };
  log?: { setLevel?(level: string): void };
};

let dcmjs: Dcmjs | undefined;
function loadDcmjs(): Dcmjs {
  if (!dcmjs) {
    dcmjs = createRequire(import.meta.url)('dcmjs') as Dcmjs;
    dcmjs.log?.setLevel?.('error');
  }
  return dcmjs;
}

/** One DICOM file to read: where it is, which folder it is relative to, and its input ordinal. */
export type DicomFileInput = { path: string; root: string; ordinal: number };

/**
 * Reads one file: the header up to (not including) the pixel data, and the whole file's CID.
 * Returns a rejection reason instead of throwing for a file that is not readable DICOM.
 */
async function readOne(f: DicomFileInput): Promise<DicomFileMetadata | string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(f.path);
  } catch {
    return 'the file could not be read';
  }
  let parsed: { meta: DcmjsDict; dict: DcmjsDict };
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    parsed = loadDcmjs().data.DicomMessage.readFile(ab, {
      untilTag: '7FE00010',
      includeUntilTagValue: false,
      ignoreErrors: true,
    });
  } catch {
    return 'not a readable DICOM Part 10 file';
  }
  const cid = (await cidOfBytes(bytes)).toString();
  const file = relative(f.root, f.path).split(sep).join('/');
  return (
    dicomFileMetadata(parsed.meta, parsed.dict, { file, fileBytes: bytes.byteLength, cid }) ??
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
