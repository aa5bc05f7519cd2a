import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writevSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Folders already made by this thread (one per series: a small set). */
const made = new Set<string>();

function writeAll(fd: number, parts: readonly Uint8Array[]): void {
  let rest = parts.filter((p) => p.length > 0);
  while (rest.length > 0) {
    let n = writevSync(fd, rest);
    const next: Uint8Array[] = [];
    for (const p of rest) {
      if (n >= p.length) n -= p.length;
      else {
        next.push(n > 0 ? p.subarray(n) : p);
        n = 0;
      }
    }
    rest = next;
  }
}

/**
 * Writes an output file exclusively (O_CREAT | O_EXCL: fails if the name exists, even when two
 * workers race) with one `writev` of its parts, so pixel data goes from the input buffer to the
 * kernel without a copy. Atomicity comes from the staged output folder, which is renamed into
 * place only when the whole batch has finished. When the name exists (a duplicate
 * SOPInstanceUID) the file is written to a temporary name instead and that path returned, so the
 * caller can decide which input wins.
 */
export function writeOutputExclusive(
  outDir: string,
  rel: string,
  parts: readonly Uint8Array[],
): { written: true } | { written: false; tmp: string } {
  const final = join(outDir, rel);
  const dir = dirname(final);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  let fd: number;
  try {
    fd = openSync(final, 'wx');
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
    const tmp = `${final}.${randomBytes(6).toString('hex')}.sinso-tmp`;
    const t = openSync(tmp, 'wx');
    try {
      writeAll(t, parts);
    } finally {
      closeSync(t);
    }
    return { written: false, tmp };
  }
  try {
    writeAll(fd, parts);
  } finally {
    closeSync(fd);
  }
  return { written: true };
}
