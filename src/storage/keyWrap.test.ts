import { createHash } from 'node:crypto';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { unwrapKey, wrapKey } from './keyWrap.js';
import { WrappedKeySchema } from './schema.js';

const bytes = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}` as const;
/** A deterministic random source, so the wrapped output is reproducible in the test. */
function seededRandom(seed: string) {
  let i = 0;
  return (n: number) => {
    const out = Buffer.alloc(n);
    for (let at = 0; at < n; at += 32) createHash('sha256').update(`${seed}/${i++}`).digest().copy(out, at);
    return new Uint8Array(out);
  };
}

const datasetKey = bytes('dataset key');
const consumerKey = bytes('consumer private key');
const consumer = privateKeyToAccount(hex(consumerKey));

describe('ECIES key wrapping (secp256k1)', () => {
  it('round-trips; names the recipient’s address; is reproducible with a fixed random source', () => {
    const wrapped = wrapKey({
      key: datasetKey,
      recipientPublicKey: consumer.publicKey,
      randomBytes: seededRandom('a'),
    });
    expect(WrappedKeySchema.parse(JSON.parse(JSON.stringify(wrapped)))).toEqual(wrapped);
    expect(wrapped).toMatchObject({
      schema: '1',
      kind: 'sinso-wrapped-key',
      scheme: 'ecies-secp256k1-hkdf-sha256-aes-256-gcm',
      recipient: consumer.address,
    });
    expect(wrapped.ciphertext).not.toContain(Buffer.from(datasetKey).toString('hex'));
    expect(
      Buffer.from(unwrapKey(consumerKey, JSON.parse(JSON.stringify(wrapped)))).equals(
        Buffer.from(datasetKey),
      ),
    ).toBe(true);
    const again = wrapKey({
      key: datasetKey,
      recipientPublicKey: consumer.publicKey,
      randomBytes: seededRandom('a'),
    });
    expect(again).toEqual(wrapped);
    const fresh = wrapKey({ key: datasetKey, recipientPublicKey: consumer.publicKey });
    expect(fresh.ephemeralPublicKey).not.toBe(wrapped.ephemeralPublicKey);
    expect(Buffer.from(unwrapKey(consumerKey, fresh)).equals(Buffer.from(datasetKey))).toBe(true);
  });

  it('accepts a compressed public key as well', () => {
    const compressed =
      `0x${BigInt(`0x${consumer.publicKey.slice(-2)}`) % 2n === 0n ? '02' : '03'}${consumer.publicKey.slice(4, 68)}` as const;
    const wrapped = wrapKey({ key: datasetKey, recipientPublicKey: compressed });
    expect(wrapped.recipient).toBe(consumer.address);
    expect(Buffer.from(unwrapKey(consumerKey, wrapped)).equals(Buffer.from(datasetKey))).toBe(true);
  });

  it('another private key cannot unwrap it, even with the recipient field changed to its address', () => {
    const wrapped = wrapKey({ key: datasetKey, recipientPublicKey: consumer.publicKey });
    const otherKey = bytes('someone else');
    const other = privateKeyToAccount(hex(otherKey));
    expect(() => unwrapKey(otherKey, wrapped)).toThrow(
      expect.objectContaining({ code: 'STORAGE_KEY_UNWRAP_FAILED' }),
    );
    expect(() => unwrapKey(otherKey, wrapped)).toThrow(
      expect.objectContaining({ fields: { problem: 'other-account', recipient: consumer.address } }),
    );
    const redirected = { ...wrapped, recipient: other.address };
    expect(() => unwrapKey(otherKey, redirected)).toThrow(
      expect.objectContaining({ code: 'STORAGE_KEY_UNWRAP_FAILED' }),
    );
  });

  it('any altered field fails with STORAGE_KEY_UNWRAP_FAILED', () => {
    const wrapped = wrapKey({ key: datasetKey, recipientPublicKey: consumer.publicKey });
    const flip = (h: string, at: number) => {
      const i = 2 + at;
      const c = h[i] === '0' ? '1' : '0';
      return `${h.slice(0, i)}${c}${h.slice(i + 1)}`;
    };
    const tampered = [
      { ...wrapped, ciphertext: flip(wrapped.ciphertext, 0) },
      { ...wrapped, ciphertext: flip(wrapped.ciphertext, 95) }, // in the tag
      { ...wrapped, nonce: flip(wrapped.nonce, 5) },
      { ...wrapped, ephemeralPublicKey: flip(wrapped.ephemeralPublicKey, 40) },
      { ...wrapped, ephemeralPublicKey: flip(wrapped.ephemeralPublicKey, 1) }, // not a point prefix
      { ...wrapped, recipient: wrapped.recipient.toLowerCase() }, // same account, other text
      { ...wrapped, scheme: 'ecies-x25519' },
      { ...wrapped, extra: 1 },
      { ...wrapped, ciphertext: wrapped.ciphertext.slice(0, -2) },
    ];
    for (const t of tampered) {
      expect(() => unwrapKey(consumerKey, t)).toThrow(
        expect.objectContaining({ code: 'STORAGE_KEY_UNWRAP_FAILED' }),
      );
    }
    expect(() => unwrapKey(consumerKey, tampered[0])).toThrow(
      expect.objectContaining({
        code: 'STORAGE_KEY_UNWRAP_FAILED',
        message: expect.not.stringContaining(Buffer.from(datasetKey).toString('hex')),
      }),
    );
    expect(() => unwrapKey(consumerKey, tampered[0])).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining(Buffer.from(consumerKey).toString('hex')),
      }),
    );
  });
});
