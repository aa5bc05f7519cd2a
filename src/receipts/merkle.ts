import { concat, type Hex, keccak256 } from 'viem';

/**
 * The Merkle root of an epoch's receipts (docs/receipts.md): a binary keccak-256 tree whose
 * leaves are `keccak256(receiptHash)` in epoch order, each parent `keccak256(left ‖ right)`, an
 * odd last node carried up a level unchanged. Leaves are hashed once more than the receipts so
 * that no inner node can pass for a receipt. An empty epoch has no root.
 *
 * @example
 * const root = receiptsRoot(epoch.receipts.map((r) => r.hash));
 */
export function receiptsRoot(hashes: readonly Hex[]): Hex {
  if (hashes.length === 0) throw new RangeError('an epoch without receipts has no root');
  let level = hashes.map((h) => keccak256(h));
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i] as Hex;
      const b = level[i + 1];
      next.push(b === undefined ? a : keccak256(concat([a, b])));
    }
    level = next;
  }
  return level[0] as Hex;
}

/** The siblings from receipt `index`'s leaf up to the root (a carried node has none at its level). */
export function receiptsProof(hashes: readonly Hex[], index: number): { sibling: Hex; left: boolean }[] {
  if (index < 0 || index >= hashes.length) throw new RangeError('no such receipt in the epoch');
  const proof: { sibling: Hex; left: boolean }[] = [];
  let level = hashes.map((h) => keccak256(h));
  let i = index;
  while (level.length > 1) {
    const pair = i ^ 1;
    if (pair < level.length) proof.push({ sibling: level[pair] as Hex, left: pair < i });
    const next: Hex[] = [];
    for (let j = 0; j < level.length; j += 2) {
      const a = level[j] as Hex;
      const b = level[j + 1];
      next.push(b === undefined ? a : keccak256(concat([a, b])));
    }
    level = next;
    i >>= 1;
  }
  return proof;
}

/** Whether `hash` is a receipt of the epoch whose root is `root`, by its proof. */
export function verifyReceiptsProof(
  root: Hex,
  hash: Hex,
  proof: readonly { sibling: Hex; left: boolean }[],
): boolean {
  let node = keccak256(hash);
  for (const p of proof) node = keccak256(p.left ? concat([p.sibling, node]) : concat([node, p.sibling]));
  return node.toLowerCase() === root.toLowerCase();
}
