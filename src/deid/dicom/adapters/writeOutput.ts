import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes an output file atomically and exclusively: to a temporary name, then hard-linked into
 * place (which fails if the name exists, even when two workers race), then the temporary name
 * is removed. When the output already exists (a duplicate SOPInstanceUID) the temporary file is
 * kept and its path returned, so the caller can decide which input wins.
 */
export function writeOutputExclusive(
  outDir: string,
  rel: string,
  bytes: Uint8Array,
): { written: true } | { written: false; tmp: string } {
  const final = join(outDir, rel);
  mkdirSync(dirname(final), { recursive: true });
  const tmp = `${final}.${randomBytes(6).toString('hex')}.sinso-tmp`;
  writeFileSync(tmp, bytes);
  try {
    linkSync(tmp, final);
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return { written: false, tmp };
    unlinkSync(tmp);
    throw err;
  }
  unlinkSync(tmp);
  return { written: true };
}
