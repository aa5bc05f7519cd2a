import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/fs.js';
import type { HashMemo } from '../core/hash.js';

/**
 * A persistent memo of file hashes keyed by (inode, size, mtime) — not by path, so an output renamed
 * from its staging place into position keeps its entry —, so a rerun with nothing
 * changed does not re-read gigabytes of outputs. Only entries used in this run are kept.
 */
export async function openHashMemo(runsDir: string): Promise<HashMemo & { save(): Promise<void> }> {
  const file = join(runsDir, 'hash-memo.json');
  let old: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (parsed && typeof parsed === 'object') old = parsed as Record<string, string>;
  } catch {
    // no memo yet, or a damaged one: start empty
  }
  const used: Record<string, string> = {};
  const key = (_path: string, size: number, mtimeMs: number, ino: number) => `${ino}:${size}:${mtimeMs}`;
  return {
    get(path, size, mtimeMs, ino) {
      const k = key(path, size, mtimeMs, ino);
      const v = old[k] ?? used[k];
      if (v && typeof v === 'string') used[k] = v;
      return typeof v === 'string' ? v : undefined;
    },
    set(path, size, mtimeMs, ino, sha) {
      used[key(path, size, mtimeMs, ino)] = sha;
    },
    async save() {
      await writeFileAtomic(file, JSON.stringify(used));
    },
  };
}
