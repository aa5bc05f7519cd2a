import { describe, expect, it } from 'vitest';
import { KeystoreError } from './errors/index.js';
import { decryptKeystore, encryptKeystore } from './keystore.js';

// Test vectors of the Web3 Secret Storage Definition (Ethereum wiki), password "testpassword".
const expectedKey = '7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d';
const pbkdf2Vector = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: { iv: '6087dab2f9fdbbfaddc31a909735c1e6' },
    ciphertext: '5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46',
    kdf: 'pbkdf2',
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: 'hmac-sha256',
      salt: 'ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd',
    },
    mac: '517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
};
const scryptVector = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: { iv: '83dbcc02d8ccb40e466191a123791e0e' },
    ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
    kdf: 'scrypt',
    kdfparams: {
      dklen: 32,
      n: 262144,
      p: 8,
      r: 1,
      salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19',
    },
    mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
};

describe('keystore v3', () => {
  it('decrypts the spec’s pbkdf2 vector', async () => {
    expect(Buffer.from(await decryptKeystore(pbkdf2Vector, 'testpassword')).toString('hex')).toBe(
      expectedKey,
    );
  });

  it('decrypts the spec’s scrypt vector (r = 1, beyond OpenSSL’s limit)', async () => {
    expect(Buffer.from(await decryptKeystore(scryptVector, 'testpassword')).toString('hex')).toBe(
      expectedKey,
    );
  });

  it('round-trips and refuses a wrong passphrase with a clear error', async () => {
    const secret = new Uint8Array(32).map((_, i) => i + 1);
    const ks = await encryptKeystore({
      secret,
      passphrase: 'correct horse',
      kdf: 'light',
      meta: { name: 'pseudonym-secret', kind: 'secret', fingerprint: 'x' },
    });
    expect(ks.crypto.ciphertext).not.toContain(Buffer.from(secret).toString('hex'));
    expect(await decryptKeystore(ks, 'correct horse')).toEqual(secret);
    const err = await decryptKeystore(ks, 'wrong').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystoreError);
    expect((err as KeystoreError).code).toBe('KEYSTORE_WRONG_PASSPHRASE');
    expect((err as KeystoreError).fix).toMatchInlineSnapshot(
      `"Set SINSO_PASSPHRASE to the passphrase the workspace was created with (or type it at the prompt)."`,
    );
  });

  it('reports a damaged file as corrupt, not as a wrong passphrase', async () => {
    const err = await decryptKeystore({ version: 3, crypto: {} }, 'x').catch((e: unknown) => e);
    expect((err as KeystoreError).code).toBe('KEYSTORE_CORRUPT');
  });
});
