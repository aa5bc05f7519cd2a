import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One input file, numbered from 1 in walk order. */
export type WalkedInput =
  | { ordinal: number; path: string; size: number }
  | { ordinal: number; path: string; missing: true };

/**
 * Walks files and folders (recursively, entries sorted by name so the order, and so every
 * ordinal, is the same on every machine). Yields one entry per file, streaming: a folder of
 * 100,000 files is never held as one list. A missing input is yielded as `missing`.
 *
 * @example
 * for await (const f of walkInputs(['scans/'])) console.log(f.ordinal);
 */
export async function* walkInputs(inputs: readonly string[]): AsyncGenerator<WalkedInput> {
  let ordinal = 0;
  async function* walk(path: string): AsyncGenerator<WalkedInput> {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(path);
    } catch {
      yield { ordinal: ++ordinal, path, missing: true };
      return;
    }
    if (st.isDirectory()) {
      const names = (await readdir(path)).sort();
      for (const n of names) {
        if (n.startsWith('.') && n.includes('.sinso-')) continue; // staging leftovers
        yield* walk(join(path, n));
      }
    } else if (st.isFile()) yield { ordinal: ++ordinal, path, size: st.size };
  }
  for (const i of inputs) yield* walk(i);
}
