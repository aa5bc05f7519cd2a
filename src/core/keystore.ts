import {
  createCipheriv,
  createDecipheriv,
  pbkdf2,
  randomBytes,
  randomUUID,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { promisify } from 'node:util';
import { scryptAsync } from '@noble/hashes/scrypt';
import { keccak_256 } from '@noble/hashes/sha3';
import { KeystoreError } from './errors/index.js';
import { sha256Hex } from './hash.js';
import { parseWith } from './parse.js';
import { type KdfPreset, type KeyMeta, type KeystoreV3, KeystoreV3Schema } from './schemas/keystore.js';

const scryptNative = promisify(scrypt) as (
  password: string | Uint8Array,
  salt: Uint8Array,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const pbkdf2Native = promisify(pbkdf2);

/** scrypt parameters per preset (geth's standard and light values). */
export const kdfPresets: Record<KdfPreset, { n: number; r: number; p: number }> = {
  standard: { n: 1 << 17, r: 8, p: 1 },
  light: { n: 1 << 12, r: 8, p: 6 },
};

export type EncryptKeystoreParameters = {
  secret: Uint8Array;
  passphrase: string;
  kdf: KdfPreset;
  meta: KeyMeta;
  /** EVM address (0x…) for EVM keys. */
  address?: string | undefined;
  /** Source of salt, IV and id; crypto.randomBytes by default. */
  random?: ((n: number) => Uint8Array) | undefined;
};

/**
 * Encrypts a secret as an Ethereum keystore v3 JSON object.
 *
 * @example
 * const json = await encryptKeystore({ secret, passphrase, kdf: 'standard', meta });
 */
export async function encryptKeystore(p: EncryptKeystoreParameters): Promise<KeystoreV3> {
  const random = p.random ?? ((n: number) => randomBytes(n));
  const salt = Buffer.from(random(32));
  const iv = Buffer.from(random(16));
  const { n, r, p: par } = kdfPresets[p.kdf];
  const dk = await deriveScrypt(p.passphrase, salt, n, r, par);
  const cipher = createCipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(p.secret), cipher.final()]);
  const mac = Buffer.from(keccak_256(Buffer.concat([dk.subarray(16, 32), ciphertext])));
  return {
    version: 3,
    id: p.random ? uuidFrom(random(16)) : randomUUID(),
    ...(p.address ? { address: p.address.toLowerCase().replace(/^0x/, '') } : {}),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams: { dklen: 32, n, r, p: par, salt: salt.toString('hex') },
      mac: mac.toString('hex'),
    },
    'x-sinso': p.meta,
  };
}

/**
 * Decrypts a keystore v3 object (scrypt or pbkdf2). A wrong passphrase is a KeystoreError with
 * code KEYSTORE_WRONG_PASSPHRASE; a malformed file is KEYSTORE_CORRUPT.
 *
 * @example
 * const secret = await decryptKeystore(JSON.parse(text), passphrase);
 */
export async function decryptKeystore(json: unknown, passphrase: string): Promise<Uint8Array> {
  const ks = parseWith(KeystoreV3Schema, json, {
    what: 'keystore file',
    error: (issues, cause) =>
      new KeystoreError('KEYSTORE_CORRUPT', { problem: 'it is not keystore v3 JSON' }, { issues, cause }),
  });
  const c = ks.crypto;
  const kp = c.kdfparams;
  const salt = Buffer.from(kp.salt, 'hex');
  let dk: Buffer;
  if (c.kdf === 'scrypt' && 'n' in kp) dk = await deriveScrypt(passphrase, salt, kp.n, kp.r, kp.p);
  else if (c.kdf === 'pbkdf2' && 'c' in kp) dk = await pbkdf2Native(passphrase, salt, kp.c, 32, 'sha256');
  else throw corrupt('its kdf and kdfparams do not match');
  const ciphertext = Buffer.from(c.ciphertext, 'hex');
  const mac = Buffer.from(keccak_256(Buffer.concat([dk.subarray(16, 32), ciphertext])));
  if (!timingSafeEqual(mac, Buffer.from(c.mac, 'hex'))) {
    throw new KeystoreError('KEYSTORE_WRONG_PASSPHRASE');
  }
  const decipher = createDecipheriv('aes-128-ctr', dk.subarray(0, 16), Buffer.from(c.cipherparams.iv, 'hex'));
  return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

async function deriveScrypt(
  passphrase: string,
  salt: Uint8Array,
  n: number,
  r: number,
  p: number,
): Promise<Buffer> {
  if (n > 1 << 22 || r * p >= 1 << 30 || (n & (n - 1)) !== 0)
    throw corrupt('its scrypt parameters are out of range');
  // OpenSSL's scrypt requires N < 2^(16r); keystores written with r = 1 and a large N (the v3
  // spec's own vector) need the pure-JS implementation.
  if (r < 8 && n >= 2 ** (16 * r)) {
    return Buffer.from(await scryptAsync(passphrase, salt, { N: n, r, p, dkLen: 32 }));
  }
  return scryptNative(passphrase, salt, 32, { N: n, r, p, maxmem: 256 * n * r + (64 << 20) });
}

function corrupt(why: string): KeystoreError {
  return new KeystoreError('KEYSTORE_CORRUPT', { problem: why });
}

function uuidFrom(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The public fingerprint of a symmetric secret: reveals nothing about a random 32-byte key. */
export function secretFingerprint(secret: Uint8Array): string {
  return sha256Hex(Buffer.concat([Buffer.from('sinso/fingerprint/v1'), secret])).slice(0, 16);
}
