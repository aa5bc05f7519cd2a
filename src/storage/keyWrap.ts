import { createCipheriv, createDecipheriv, hkdfSync, randomBytes as nodeRandomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';
import { publicKeyToAddress } from 'viem/accounts';
import { UsageError } from '../core/errors/index.js';
import { parseWith } from '../core/parse.js';
import { StorageError } from './errors.js';
import { WRAP_SCHEME, type WrappedKey, WrappedKeySchema } from './schema.js';

/** A source of random bytes; injected so tests (and reproducible demos) can fix it. */
export type RandomBytes = (length: number) => Uint8Array;

const defaultRandomBytes: RandomBytes = (n) => new Uint8Array(nodeRandomBytes(n));
const HKDF_INFO = 'sinso/keywrap/v1';

export type WrapKeyParameters = {
  /** The 32-byte dataset key. */
  key: Uint8Array;
  /**
   * The recipient's secp256k1 public key: 0x04‖X‖Y (viem `account.publicKey`), or compressed;
   * hex string or bytes.
   */
  recipientPublicKey: `0x${string}` | Uint8Array;
  /** Random source for the ephemeral key and nonce (default: node:crypto). */
  randomBytes?: RandomBytes | undefined;
};

/**
 * Wraps a dataset key for a recipient's secp256k1 public key (ECIES): an ephemeral key pair,
 * ECDH with the recipient key (the shared point's X coordinate), HKDF-SHA-256 (salt: ephemeral
 * public key ‖ recipient public key, both uncompressed; info "sinso/keywrap/v1") to an
 * AES-256-GCM key, which seals the dataset key with the scheme and recipient address as
 * additional data. Only the holder of the recipient's private key can unwrap it.
 *
 * @example
 * const consumer = await keyring.account('consumer');
 * const wrapped = wrapKey({ key: datasetKey, recipientPublicKey: consumer.publicKey });
 * await writeFileAtomic('dataset-key.wrapped.json', JSON.stringify(wrapped, null, 2));
 */
export function wrapKey(p: WrapKeyParameters): WrappedKey {
  if (!(p.key instanceof Uint8Array) || p.key.length !== 32) {
    throw new UsageError('Only a 32-byte dataset key can be wrapped.');
  }
  const recipient = uncompressedPoint(p.recipientPublicKey);
  const random = p.randomBytes ?? defaultRandomBytes;
  const ephemeralPrivate = ephemeralKey(random);
  const ephemeralPublic = secp256k1.getPublicKey(ephemeralPrivate, false);
  const address = publicKeyToAddress(toHex(recipient));
  const wrapKeyBytes = deriveWrapKey(sharedX(ephemeralPrivate, recipient), ephemeralPublic, recipient);
  ephemeralPrivate.fill(0);
  const nonce = random(12);
  const cipher = createCipheriv('aes-256-gcm', wrapKeyBytes, nonce, { authTagLength: 16 });
  cipher.setAAD(additionalData(address));
  const ciphertext = Buffer.concat([cipher.update(p.key), cipher.final(), cipher.getAuthTag()]);
  return WrappedKeySchema.parse({
    schema: '1',
    kind: 'sinso-wrapped-key',
    scheme: WRAP_SCHEME,
    recipient: address,
    ephemeralPublicKey: toHex(ephemeralPublic),
    nonce: toHex(nonce),
    ciphertext: toHex(ciphertext),
  });
}

/**
 * Unwraps a dataset key with the recipient's 32-byte secp256k1 private key (from the workspace:
 * `keyring.evmPrivateKey('consumer')`). A key wrapped for another account, or any altered field,
 * fails with STORAGE_KEY_UNWRAP_FAILED; a malformed document with a schema error of that code.
 *
 * @example
 * const datasetKey = unwrapKey(await keyring.evmPrivateKey('consumer'), JSON.parse(text));
 */
export function unwrapKey(privateKey: Uint8Array, wrapped: unknown): Uint8Array {
  const w = parseWith(WrappedKeySchema, wrapped, {
    what: 'wrapped key',
    error: (issues, cause) =>
      new StorageError('STORAGE_KEY_UNWRAP_FAILED', { problem: 'file' }, { issues, cause }),
  });
  if (!(privateKey instanceof Uint8Array) || !secp256k1.utils.isValidPrivateKey(privateKey)) {
    throw new UsageError('The private key must be 32 bytes of a valid secp256k1 key.');
  }
  const own = secp256k1.getPublicKey(privateKey, false);
  if (publicKeyToAddress(toHex(own)).toLowerCase() !== w.recipient.toLowerCase()) {
    throw new StorageError('STORAGE_KEY_UNWRAP_FAILED', { problem: 'other-account', recipient: w.recipient });
  }
  try {
    const ephemeral = uncompressedPoint(w.ephemeralPublicKey);
    const key = deriveWrapKey(sharedX(privateKey, ephemeral), ephemeral, own);
    const sealed = Buffer.from(w.ciphertext.slice(2), 'hex');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(w.nonce.slice(2), 'hex'), {
      authTagLength: 16,
    });
    decipher.setAAD(additionalData(w.recipient));
    decipher.setAuthTag(sealed.subarray(32));
    return new Uint8Array(Buffer.concat([decipher.update(sealed.subarray(0, 32)), decipher.final()]));
  } catch (err) {
    throw new StorageError('STORAGE_KEY_UNWRAP_FAILED', { problem: 'altered' }, { cause: err });
  }
}

function ephemeralKey(random: RandomBytes): Uint8Array {
  for (let i = 0; i < 64; i++) {
    const k = random(32);
    if (k.length === 32 && secp256k1.utils.isValidPrivateKey(k)) return Uint8Array.from(k);
  }
  throw new UsageError('The random source gives no valid secp256k1 key.', {
    fix: 'Give a random source that returns the number of bytes asked for.',
  });
}

function uncompressedPoint(key: `0x${string}` | Uint8Array | string): Uint8Array {
  try {
    const hex = typeof key === 'string' ? key.replace(/^0x/, '') : Buffer.from(key).toString('hex');
    return secp256k1.ProjectivePoint.fromHex(hex).toRawBytes(false);
  } catch (err) {
    throw new StorageError('STORAGE_KEY_UNWRAP_FAILED', { problem: 'public-key' }, { cause: err });
  }
}

function sharedX(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return secp256k1.getSharedSecret(privateKey, publicKey, true).subarray(1);
}

function deriveWrapKey(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Buffer {
  const salt = Buffer.concat([ephemeral, recipient]);
  return Buffer.from(hkdfSync('sha256', shared, salt, HKDF_INFO, 32));
}

function additionalData(recipient: string): Buffer {
  return Buffer.from(`${HKDF_INFO}|${WRAP_SCHEME}|${recipient}`, 'utf8');
}

function toHex(bytes: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}
