import { createReadStream } from 'node:fs';
import { findLatestYear } from '../engine/findLatestYear.js';

/** A match is shorter than this, so a chunk's last characters are searched again with the next. */
const OVERLAP = 128;

/**
 * The latest year among the dates of FHIR input files (see findLatestYear), read as a stream (a
 * file of any size) before any is de-identified: the year the over-89 rule is judged against when
 * none is given, the same whatever the order or the worker each file later goes to. Files that are
 * not JSON or NDJSON by name are not read.
 *
 * @example
 * const year = await scanLatestYear(['export/Patient.ndjson', 'export/Encounter.ndjson']); // 2020
 */
export async function scanLatestYear(paths: readonly string[]): Promise<number | undefined> {
  let max: number | undefined;
  for (const path of paths) {
    const lower = path.toLowerCase();
    if (!lower.endsWith('.json') && !lower.endsWith('.ndjson') && !lower.endsWith('.jsonl')) continue;
    let tail = '';
    try {
      // dates and keys are ASCII: latin1 reads them as UTF-8 would, without decoding the rest
      for await (const chunk of createReadStream(path, { encoding: 'latin1', highWaterMark: 1 << 20 })) {
        const text = tail + (chunk as string);
        const y = findLatestYear(text);
        if (y !== undefined && (max === undefined || y > max)) max = y;
        tail = text.slice(-OVERLAP);
      }
    } catch {
      // unreadable: de-identification rejects it with its reason
    }
  }
  return max;
}
