import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeystoreError, type WorkspaceError } from '../../src/core/errors/index.js';
import { decryptKeystore } from '../../src/core/keystore.js';
import { fixedPassphrase } from '../../src/core/passphrase.js';
import { addKey, initWorkspace, openWorkspace, workspaceFolders } from '../../src/core/workspace.js';
import { tempDir } from '../utils/tmp.js';

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out;
}

describe('workspace and keystore', () => {
  it('creates the layout and encrypted identities, with no key material in plaintext on disk', async () => {
    const dir = join(await tempDir(), 'ws');
    const ws = await initWorkspace({ dir, passphrase: fixedPassphrase('pass-1234'), kdf: 'light' });
    for (const f of workspaceFolders) expect((await stat(join(dir, f))).isDirectory()).toBe(true);
    const keys = await ws.listKeys();
    expect(keys.map((k) => `${k.name}:${k.kind}`)).toEqual([
      'compute:evm',
      'consumer:evm',
      'owner:evm',
      'pseudonym-secret:secret',
    ]);
    for (const k of keys.filter((x) => x.kind === 'evm'))
      expect(k.fingerprint).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect((await stat(join(dir, 'keys/owner.json'))).mode & 0o777).toBe(0o600);

    // unlock every key, then scan every byte of the workspace for it: raw, hex, and base64
    const ring = await (await openWorkspace({ dir, passphrase: fixedPassphrase('pass-1234') })).keys();
    const raws: Uint8Array[] = [await ring.secret('pseudonym-secret')];
    for (const name of ['owner', 'consumer', 'compute']) {
      const json = JSON.parse(await readFile(join(dir, `keys/${name}.json`), 'utf8'));
      const raw = await decryptKeystore(json, 'pass-1234');
      expect((await ring.account(name)).address).toBe(keys.find((k) => k.name === name)?.fingerprint);
      raws.push(raw);
    }
    const files = await allFiles(dir);
    for (const f of files) {
      const bytes = await readFile(f);
      const text = bytes.toString('latin1').toLowerCase();
      for (const raw of raws) {
        const b = Buffer.from(raw);
        expect(bytes.includes(b)).toBe(false);
        expect(text.includes(b.toString('hex'))).toBe(false);
        expect(bytes.toString('latin1').includes(b.toString('base64'))).toBe(false);
      }
    }
  });

  it('refuses a wrong passphrase with a clear error, and then accepts the right one', async () => {
    const dir = join(await tempDir(), 'ws');
    await initWorkspace({ dir, passphrase: fixedPassphrase('right-pass'), kdf: 'light' });
    let pass = 'wrong-pass';
    const ws = await openWorkspace({ dir, passphrase: async () => pass });
    const err = await (await ws.keys()).secret('pseudonym-secret').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystoreError);
    expect((err as KeystoreError).code).toBe('KEYSTORE_WRONG_PASSPHRASE');
    pass = 'right-pass';
    expect((await (await ws.keys()).secret('pseudonym-secret')).length).toBe(32);
  });

  it('gives the same demo keys for the same seed, and refuses to overwrite a workspace', async () => {
    const a = join(await tempDir(), 'a');
    const b = join(await tempDir(), 'b');
    const wa = await initWorkspace({ dir: a, passphrase: fixedPassphrase('x'), kdf: 'light', demoSeed: 's' });
    const wb = await initWorkspace({ dir: b, passphrase: fixedPassphrase('y'), kdf: 'light', demoSeed: 's' });
    expect(await wa.listKeys()).toEqual(await wb.listKeys());
    expect((await wa.listKeys())[0]?.insecureDemo).toBe(true);
    const err = await initWorkspace({ dir: a, passphrase: fixedPassphrase('x'), kdf: 'light' }).catch(
      (e: unknown) => e,
    );
    expect((err as WorkspaceError).code).toBe('WORKSPACE_EXISTS');
  });

  it('adds a key only with the workspace passphrase', async () => {
    const dir = join(await tempDir(), 'ws');
    const ws = await initWorkspace({ dir, passphrase: fixedPassphrase('pass-1234'), kdf: 'light' });
    const bad = await addKey(ws, { name: 'owner-2', kind: 'evm', passphrase: fixedPassphrase('nope') }).catch(
      (e: unknown) => e,
    );
    expect((bad as KeystoreError).code).toBe('KEYSTORE_WRONG_PASSPHRASE');
    const meta = await addKey(ws, { name: 'owner-2', kind: 'evm', passphrase: fixedPassphrase('pass-1234') });
    expect(meta.fingerprint).toMatch(/^0x/);
    expect((await ws.listKeys()).map((k) => k.name)).toContain('owner-2');
    const dup = await addKey(ws, {
      name: 'owner-2',
      kind: 'evm',
      passphrase: fixedPassphrase('pass-1234'),
    }).catch((e: unknown) => e);
    expect((dup as KeystoreError).code).toBe('KEYSTORE_KEY_EXISTS');
  });

  it('creates an EVM account on first use, the same one after, and the same from the same demo seed', async () => {
    const dir = await tempDir('sinso-ws-');
    const make = (name: string) =>
      initWorkspace({
        dir: join(dir, name),
        passphrase: fixedPassphrase('pw'),
        kdf: 'light',
        demoSeed: 'seed',
      });
    const a = await make('a');
    const first = await (await a.keys()).ensureAccount('owner-007');
    expect((await a.listKeys()).find((k) => k.name === 'owner-007')).toMatchObject({
      kind: 'evm',
      fingerprint: first.address,
      insecureDemo: true,
    });
    const reopened = await openWorkspace({ dir: join(dir, 'a'), passphrase: fixedPassphrase('pw') });
    expect((await (await reopened.keys()).ensureAccount('owner-007')).address).toBe(first.address);
    expect((await (await (await make('b')).keys()).ensureAccount('owner-007')).address).toBe(first.address);
    // a name that is a secret is not an account
    await (await a.keys()).ensureSecret('dataset-x');
    await expect((await a.keys()).ensureAccount('dataset-x')).rejects.toBeInstanceOf(KeystoreError);
  });

  it('says how to fix a missing workspace', async () => {
    const err = await openWorkspace({ dir: join(await tempDir(), 'none') }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'WORKSPACE_NOT_FOUND',
      fields: { lookedFor: expect.stringMatching(/workspace\.json$/) },
      fix: 'Run `sinso init` to create one, or pass --workspace DIR.',
    });
  });
});
