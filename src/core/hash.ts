import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Hex sha256 of bytes or a UTF-8 string. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Raw sha256 of bytes or a UTF-8 string. */
export function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * JSON with object keys sorted at every depth, so equal values always give equal bytes.
 * `undefined` members are dropped as JSON.stringify drops them.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** sha256 of a file, streamed (constant memory). */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** What sinso records for a file or folder: its content hash, and its size. */
export type PathDigest = { sha256: string; files: number; bytes: number };

/** Optional memo of file hashes keyed by (path, size, mtime, inode), like DVC's state db. */
export type HashMemo = {
  get(path: string, size: number, mtimeMs: number, ino: number): string | undefined;
  set(path: string, size: number, mtimeMs: number, ino: number, sha256: string): void;
};

/**
 * Content digest of a file or a folder. A folder's digest is the sha256 of its sorted listing,
 * one `sha256  relative/path\n` line per file (POSIX separators), so it depends on names and
 * contents only, never on timestamps or the order the file system lists entries in.
 */
export async function digestPath(
  path: string,
  memo?: HashMemo,
  onFile?: (bytes: number) => void,
): Promise<PathDigest> {
  const st = await stat(path);
  if (st.isFile()) {
    const sha = await fileHash(path, st, memo);
    onFile?.(st.size);
    return { sha256: sha, files: 1, bytes: st.size };
  }
  const lines: string[] = [];
  let bytes = 0;
  for (const file of await listFiles(path)) {
    const fst = await stat(file);
    bytes += fst.size;
    lines.push(`${await fileHash(file, fst, memo)}  ${relative(path, file).split(sep).join('/')}\n`);
    onFile?.(fst.size);
  }
  return { sha256: sha256Hex(lines.join('')), files: lines.length, bytes };
}

async function fileHash(
  path: string,
  st: { size: number; mtimeMs: number; ino: number },
  memo?: HashMemo,
): Promise<string> {
  const hit = memo?.get(path, st.size, st.mtimeMs, st.ino);
  if (hit) return hit;
  const h = await sha256File(path);
  memo?.set(path, st.size, st.mtimeMs, st.ino, h);
  return h;
}

/** Every regular file under `dir`, recursively, sorted by relative path (code-unit order). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}
