import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One input file, numbered from 1 in walk order. `size` is known for inputs named directly. */
export type WalkedInput =
  | { ordinal: number; path: string; size?: number | undefined }
  | { ordinal: number; path: string; missing: true };

/**
 * Walks files and folders (recursively, entries sorted by name so the order, and so every
 * ordinal, is the same on every machine). Yields one entry per file as it goes: only one
 * folder's names are held at a time. Files found in folders are typed from the directory entry,
 * without a `stat` each (symbolic links are followed with one). A missing input is yielded as
 * `missing`.
 *
 * @example
 * for await (const f of walkInputs(['scans/'])) console.log(f.ordinal);
 */
export async function* walkInputs(inputs: readonly string[]): AsyncGenerator<WalkedInput> {
  let ordinal = 0;
  async function* folder(path: string): AsyncGenerator<WalkedInput> {
    let entries: Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      yield { ordinal: ++ordinal, path, missing: true };
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') && e.name.includes('.sinso-')) continue; // staging leftovers
      const p = join(path, e.name);
      if (e.isDirectory()) yield* folder(p);
      else if (e.isFile()) yield { ordinal: ++ordinal, path: p };
      else if (e.isSymbolicLink()) yield* named(p);
    }
  }
  async function* named(path: string): AsyncGenerator<WalkedInput> {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(path);
    } catch {
      yield { ordinal: ++ordinal, path, missing: true };
      return;
    }
    if (st.isDirectory()) yield* folder(path);
    else if (st.isFile()) yield { ordinal: ++ordinal, path, size: st.size };
  }
  for (const i of inputs) yield* named(i);
}
