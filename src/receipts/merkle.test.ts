import fc from 'fast-check';
import { concat, type Hex, keccak256, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { receiptsProof, receiptsRoot, verifyReceiptsProof } from './merkle.js';

const h = (i: number): Hex => keccak256(toHex(`receipt-${i}`));

describe('receiptsRoot', () => {
  it('is the documented tree: hashed leaves, pairs, an odd node carried up', () => {
    const [a, b, c] = [h(1), h(2), h(3)].map((x) => keccak256(x)) as [Hex, Hex, Hex];
    expect(receiptsRoot([h(1)])).toBe(a);
    expect(receiptsRoot([h(1), h(2)])).toBe(keccak256(concat([a, b])));
    expect(receiptsRoot([h(1), h(2), h(3)])).toBe(keccak256(concat([keccak256(concat([a, b])), c])));
    expect(() => receiptsRoot([])).toThrow(RangeError);
  });

  it('changes with any receipt left out, added, changed or moved', () => {
    const all = [1, 2, 3, 4, 5].map(h);
    const root = receiptsRoot(all);
    expect(receiptsRoot(all.slice(0, 4))).not.toBe(root);
    expect(receiptsRoot([...all, h(6)])).not.toBe(root);
    expect(receiptsRoot([all[1], all[0], ...all.slice(2)] as Hex[])).not.toBe(root);
  });

  it('every receipt has a proof that verifies against the root, and only for itself (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (n, k) => {
        const hashes = Array.from({ length: n }, (_, i) => h(i));
        const root = receiptsRoot(hashes);
        const i = k % n;
        const proof = receiptsProof(hashes, i);
        expect(verifyReceiptsProof(root, hashes[i] as Hex, proof)).toBe(true);
        expect(verifyReceiptsProof(root, h(n + 1), proof)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
