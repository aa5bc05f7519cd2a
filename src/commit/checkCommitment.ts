import type { Commitment } from '../core/schemas/commitment.js';
import { chunkTreeRoot } from './chunkTreeRoot.js';
import { FIELD_MODULUS, LOGICAL_TYPE_CODES } from './constants.js';
import type { Poseidon } from './poseidon.js';
import { type CommittedColumn, datasetRoot, encodingHash, tableRoot } from './roots.js';
import { fieldHex } from './schema.js';

const knownTypes = (cols: readonly { logical: string }[]) =>
  cols.every((c) => c.logical in LOGICAL_TYPE_CODES);

export type CheckCommitmentReturnType = { ok: true } | { ok: false; problem: string };

/**
 * Whether a commitment.json holds together without its rows: each table's encoding hash is its
 * columns', its root follows from the encoding hash, the row count and its chunk roots, the chunk
 * count fits the row count, and the dataset root follows from the table roots. What anyone can
 * check of a published commitment before trusting its chunk roots (the file is public: its
 * hashes are salted, so it reveals no row).
 *
 * @example
 * const r = checkCommitment(await loadPoseidon(), commitment);
 */
export function checkCommitment(poseidon: Poseidon, c: Commitment): CheckCommitmentReturnType {
  const roots: bigint[] = [];
  for (const t of c.tables) {
    const columns = t.columns.map((col) => ({
      name: col.name,
      logical: col.logical as CommittedColumn['logical'],
      ...(col.scale === undefined ? {} : { scale: col.scale }),
      ...(col.dictionary === undefined ? {} : { dictionary: col.dictionary }),
    }));
    if (!knownTypes(t.columns)) return { ok: false, problem: `table ${t.name}: a column's logical type` };
    if (t.chunkRoots === undefined) return { ok: false, problem: `table ${t.name}: no chunk roots` };
    const hashes = [t.root, t.encodingHash, ...t.chunkRoots];
    if (hashes.some((h) => BigInt(h) >= FIELD_MODULUS)) {
      return { ok: false, problem: `table ${t.name}: a hash is not a field element` };
    }
    const encoding = encodingHash(poseidon, t.name, columns, c.version);
    if (fieldHex(encoding) !== t.encodingHash)
      return { ok: false, problem: `table ${t.name}: encoding hash` };
    if (t.chunkRoots.length !== Math.ceil(t.rows / c.chunkSize) || t.chunkRoots.length !== t.chunks) {
      return { ok: false, problem: `table ${t.name}: chunk count` };
    }
    const root = tableRoot(poseidon, {
      encodingHash: encoding,
      rows: t.rows,
      chunkTreeRoot: chunkTreeRoot(
        poseidon,
        t.chunkRoots.map((r) => BigInt(r)),
      ),
    });
    if (fieldHex(root) !== t.root) return { ok: false, problem: `table ${t.name}: root` };
    roots.push(root);
  }
  if (fieldHex(datasetRoot(poseidon, roots, c.version)) !== c.root)
    return { ok: false, problem: 'dataset root' };
  return { ok: true };
}
