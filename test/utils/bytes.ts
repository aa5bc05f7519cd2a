import { createHash } from 'node:crypto';

/** A 32-byte key derived from a label (reproducible across runs). */
export const keyOf = (label: string): Uint8Array =>
  new Uint8Array(createHash('sha256').update(label).digest());

/** `n` pseudo-random bytes from a seed (xorshift32): the same seed, the same bytes. */
export function bytesOf(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
