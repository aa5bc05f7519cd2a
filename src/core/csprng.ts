import { createCipheriv, createHash } from 'node:crypto';

/**
 * A cryptographically secure, deterministic random stream: what a privacy mechanism draws its
 * noise from. Unlike `createRng` (core/rng.ts, xoshiro128**, predictable from a few outputs) nothing
 * about the seed or the rest of the stream can be learnt from the values drawn, as long as the
 * seed is secret.
 */
export type Csprng = {
  /** Uniform float in [0, 1) with 53 bits of randomness (a multiple of 2^-53). */
  float(): number;
  /** The next `n` bytes of the stream. */
  bytes(n: number): Uint8Array;
};

/** Bytes of keystream made at a time (a multiple of the AES block). */
const CHUNK = 4096;

/** Separates this use of SHA-256 from every other one in sinso (and versions the encoding). */
const DOMAIN = 'sinso-csprng-v1';

/**
 * Creates a cryptographically secure deterministic stream from a secret seed and labels (e.g.
 * the query id and the group): the key is SHA-256 over a length-prefixed encoding of the
 * domain, the seed and each label, and the stream is AES-256-CTR of zero bytes under that key
 * with a zero IV (the key is never reused with another IV, so a zero IV is safe). Equal
 * (seed, labels) give equal streams on every platform; any other (seed, labels) gives an
 * unrelated one: each part is tagged by its kind (bytes, string, number) and prefixed by its
 * length, so `('ab')` and `('a', 'b')`, or `'1'` and `1`, never collide.
 *
 * @example
 * const rng = createCsprng(secretSeed, 'query', queryId, 'group', 3);
 * const u = rng.float();
 */
export function createCsprng(seed: string | Uint8Array, ...labels: (string | number)[]): Csprng {
  const cipher = createCipheriv('aes-256-ctr', streamKey(seed, labels), Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  let buf = Buffer.alloc(0);
  let pos = 0;
  const take = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (pos === buf.length) {
        buf = cipher.update(zeros);
        pos = 0;
      }
      const k = Math.min(n - filled, buf.length - pos);
      out.set(buf.subarray(pos, pos + k), filled);
      pos += k;
      filled += k;
    }
    return out;
  };
  return {
    float() {
      const b = take(8);
      const hi = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
      const lo = ((b[4]! << 24) | (b[5]! << 16) | (b[6]! << 8) | b[7]!) >>> 0;
      // the top 27 bits of hi and the top 26 of lo: 53 bits, exact in a double
      return ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;
    },
    bytes(n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError('bytes(n) needs a whole number n >= 0');
      return take(n);
    },
  };
}

/** SHA-256 of the domain, the seed and the labels, each tagged and length-prefixed. */
function streamKey(seed: string | Uint8Array, labels: readonly (string | number)[]): Buffer {
  const h = createHash('sha256');
  const part = (tag: number, bytes: Uint8Array) => {
    const head = Buffer.alloc(5);
    head.writeUInt8(tag, 0);
    head.writeUInt32BE(bytes.length, 1);
    h.update(head);
    h.update(bytes);
  };
  part(0, Buffer.from(DOMAIN, 'utf8'));
  if (typeof seed === 'string') part(1, Buffer.from(seed, 'utf8'));
  else part(2, seed);
  for (const l of labels) {
    // String(n) is the same on every platform (ECMAScript fixes the shortest round-trip form)
    if (typeof l === 'number') part(3, Buffer.from(String(l), 'utf8'));
    else part(1, Buffer.from(l, 'utf8'));
  }
  return h.digest();
}
