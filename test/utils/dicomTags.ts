import { readFile, writeFile } from 'node:fs/promises';
import { type DicomElement, decodeText, encodeText, parseDicom, writeDicom } from '../../src/ingest/index.js';

/**
 * Copies a DICOM file with some top-level text elements set (a string, written as LO unless the
 * element exists with another VR) or removed (`undefined`), through the project's codec.
 *
 * @example
 * await rewriteDicomText(a, b, { [0x00100021]: 'SITE01', [0x00100020]: 'MRN-1' });
 */
export async function rewriteDicomText(
  from: string,
  to: string,
  changes: Readonly<Record<number, string | undefined>>,
): Promise<void> {
  const file = parseDicom(await readFile(from));
  const byTag = new Map<number, DicomElement>(file.dataset.map((e) => [e.tag, e]));
  for (const [key, text] of Object.entries(changes)) {
    const tag = Number(key);
    if (text === undefined) byTag.delete(tag);
    else {
      const vr = byTag.get(tag)?.vr ?? 'LO';
      byTag.set(tag, { tag, vr, value: encodeText(vr, text) });
    }
  }
  const dataset = [...byTag.values()].sort((a, b) => a.tag - b.tag);
  await writeFile(to, writeDicom({ ...file, dataset }));
}

/** The top-level text value of a tag in a DICOM file ('' when absent). */
export async function dicomText(path: string, tag: number): Promise<string> {
  const el = parseDicom(await readFile(path)).dataset.find((e) => e.tag === tag);
  return el?.value ? decodeText(el).trim() : '';
}
