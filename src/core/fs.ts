import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { wrapIoError } from './errors/index.js';

/** True when the path exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a file atomically: to a temporary sibling first, then renamed over the target, so a
 * crash never leaves a half-written file. `mode` applies to the new file (e.g. 0o600 for keys).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.sinso-tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data, { mode: options.mode ?? 0o644, flush: true });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw wrapIoError(err, 'Writing a file', 'Check that the folder is writable and the disk is not full.');
  }
}

/** The temporary sibling a staged output is written to before it is renamed into place. */
export function stagingPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.sinso-tmp`);
}

/** Where the previous version of an output is parked during the swap. */
function retiredPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.sinso-old`);
}

/**
 * Prepares a staging place for an output (file or folder): removes a stale one left by a killed
 * run and makes sure the parent exists. Returns the staging path.
 */
export async function beginStaged(path: string): Promise<string> {
  const tmp = stagingPath(path);
  await rm(tmp, { recursive: true, force: true });
  await rm(retiredPath(path), { recursive: true, force: true });
  await mkdir(dirname(path), { recursive: true });
  return tmp;
}

/**
 * Moves a finished staged output into place. The old output (if any) is renamed away first and
 * removed after, so at every instant the target is either the old complete output, absent, or
 * the new complete output; never a mix.
 */
export async function commitStaged(path: string): Promise<void> {
  const tmp = stagingPath(path);
  const old = retiredPath(path);
  if (await exists(path)) await rename(path, old);
  await rename(tmp, path);
  await rm(old, { recursive: true, force: true });
}

/** Discards a staged output after a failure. */
export async function abortStaged(path: string): Promise<void> {
  await rm(stagingPath(path), { recursive: true, force: true });
}
