import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts';
import { KeystoreError, type SchemaIssue, WorkspaceError, wrapIoError } from './errors/index.js';
import { exists, writeFileAtomic } from './fs.js';
import { decryptKeystore, encryptKeystore, secretFingerprint } from './keystore.js';
import { NOT_JSON, parseWith } from './parse.js';
import { defaultPassphraseSource, type PassphraseSource } from './passphrase.js';
import { type KdfPreset, type KeyMeta, KeystoreV3Schema } from './schemas/keystore.js';
import { type WorkspaceConfig, WorkspaceConfigSchema } from './schemas/workspace.js';

/** The folders of a workspace, as DESIGN.md lays them out. */
export const workspaceFolders = ['keys', 'store', 'chain', 'receipts', 'runs'] as const;

/** The identities `sinso init` makes: EVM accounts per role, and the pseudonymisation secret. */
export const defaultKeys: readonly { name: string; kind: KeyMeta['kind'] }[] = [
  { name: 'owner', kind: 'evm' },
  { name: 'consumer', kind: 'evm' },
  { name: 'compute', kind: 'evm' },
  { name: 'pseudonym-secret', kind: 'secret' },
];

export type WorkspacePaths = {
  root: string;
  config: string;
  keys: string;
  store: string;
  chain: string;
  receipts: string;
  runs: string;
};

/** Unlocked keys, held in memory only. */
export type Keyring = {
  /** A 32-byte symmetric secret, e.g. `pseudonym-secret`. */
  secret(name: string): Promise<Uint8Array>;
  /** An EVM account (viem LocalAccount) for a role, e.g. `owner`. */
  account(name: string): Promise<LocalAccount>;
  /**
   * The raw secp256k1 private key of an EVM identity, for ECDH (unwrapping a dataset key sent
   * to this identity). Never print, log or store it.
   */
  evmPrivateKey(name: string): Promise<Uint8Array>;
  /**
   * A 32-byte symmetric secret, created on first use (e.g. a per-dataset key `dataset-NAME`).
   * In a demo workspace it is derived from the public demo seed, so demo runs reproduce.
   */
  ensureSecret(name: string): Promise<Uint8Array>;
  /**
   * An EVM account, created on first use (e.g. one per data owner of the demo); in a demo
   * workspace derived from the public demo seed.
   */
  ensureAccount(name: string): Promise<LocalAccount>;
};

/** An opened workspace. Keys are unlocked lazily, on first use, with one passphrase. */
export type Workspace = {
  paths: WorkspacePaths;
  config: WorkspaceConfig;
  /** Public facts of every key (no passphrase needed). */
  listKeys(): Promise<KeyMeta[]>;
  /** Asks for the passphrase once (first call) and returns the keyring. */
  keys(): Promise<Keyring>;
};

export function workspacePaths(dir: string): WorkspacePaths {
  const root = resolve(dir);
  return {
    root,
    config: join(root, 'workspace.json'),
    keys: join(root, 'keys'),
    store: join(root, 'store'),
    chain: join(root, 'chain'),
    receipts: join(root, 'receipts'),
    runs: join(root, 'runs'),
  };
}

export type InitWorkspaceParameters = {
  dir: string;
  passphrase: PassphraseSource;
  kdf?: KdfPreset | undefined;
  /**
   * Derive every key from this public seed instead of the OS random source. Insecure: for the
   * demo and tests only, so their outputs are reproducible; the keys are marked as demo keys.
   */
  demoSeed?: string | undefined;
};

/**
 * Creates a workspace: the folder layout, workspace.json, and encrypted keys for the default
 * identities. Refuses to touch an existing workspace. Everything is written under a temporary
 * name first, so a failed init leaves nothing behind.
 *
 * @example
 * const ws = await initWorkspace({ dir: '.sinso', passphrase: defaultPassphraseSource });
 */
export async function initWorkspace(p: InitWorkspaceParameters): Promise<Workspace> {
  const paths = workspacePaths(p.dir);
  if (await exists(paths.config)) {
    throw new WorkspaceError('WORKSPACE_EXISTS');
  }
  const passphrase = await p.passphrase({ confirm: true });
  const config: WorkspaceConfig = {
    schema: '1',
    kind: 'sinso-workspace',
    kdf: p.kdf ?? 'standard',
    demo: p.demoSeed !== undefined,
    ...(p.demoSeed === undefined ? {} : { demoSeed: p.demoSeed }),
  };
  try {
    for (const f of workspaceFolders)
      await mkdir(paths[f], { recursive: true, mode: f === 'keys' ? 0o700 : 0o755 });
    for (const k of defaultKeys) {
      await writeNewKey(paths, config, passphrase, k.name, k.kind, p.demoSeed);
    }
    await writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  } catch (err) {
    // the config is written last: without it the folder is not a workspace; remove the key files
    await rm(paths.keys, { recursive: true, force: true });
    throw err;
  }
  return makeWorkspace(paths, config, p.passphrase, passphrase);
}

/**
 * Opens an existing workspace. The passphrase is asked for only when keys are first needed.
 *
 * @example
 * const ws = await openWorkspace({ dir: '.sinso' });
 * const secret = await (await ws.keys()).secret('pseudonym-secret');
 */
export async function openWorkspace(p: {
  dir: string;
  passphrase?: PassphraseSource | undefined;
}): Promise<Workspace> {
  const paths = workspacePaths(p.dir);
  let text: string;
  try {
    text = await readFile(paths.config, 'utf8');
  } catch {
    throw new WorkspaceError('WORKSPACE_NOT_FOUND', { lookedFor: paths.config });
  }
  const invalid = (issues: readonly SchemaIssue[], cause: unknown) =>
    new WorkspaceError('WORKSPACE_INVALID', { file: 'workspace.json' }, { issues, cause });
  const config = parseWith(WorkspaceConfigSchema, parseJson(text, invalid), {
    what: 'workspace config (workspace.json)',
    error: invalid,
  });
  return makeWorkspace(paths, config, p.passphrase ?? defaultPassphraseSource);
}

/**
 * Adds a key to a workspace (e.g. a second owner identity). The passphrase is checked against
 * an existing key first, so every key in a workspace shares it.
 */
export async function addKey(
  ws: Workspace,
  p: { name: string; kind: KeyMeta['kind']; passphrase: PassphraseSource },
): Promise<KeyMeta> {
  const existing = await ws.listKeys();
  if (existing.some((k) => k.name === p.name)) {
    throw new KeystoreError('KEYSTORE_KEY_EXISTS', { key: p.name });
  }
  const passphrase = await p.passphrase({ confirm: false });
  const first = existing[0];
  if (first) await decryptKeystore(await readKeyFile(ws.paths, first.name), passphrase);
  return writeNewKey(ws.paths, ws.config, passphrase, p.name, p.kind, undefined);
}

async function writeNewKey(
  paths: WorkspacePaths,
  config: WorkspaceConfig,
  passphrase: string,
  name: string,
  kind: KeyMeta['kind'],
  demoSeed: string | undefined,
): Promise<KeyMeta> {
  const secret = demoSeed === undefined ? newSecret(kind) : demoSecret(demoSeed, name, kind);
  let address: string | undefined;
  let fingerprint: string;
  if (kind === 'evm') {
    address = privateKeyToAccount(`0x${Buffer.from(secret).toString('hex')}`).address;
    fingerprint = address;
  } else fingerprint = secretFingerprint(secret);
  const meta: KeyMeta = {
    name,
    kind,
    fingerprint,
    ...(demoSeed === undefined ? {} : { insecureDemo: true }),
  };
  const json = await encryptKeystore({ secret, passphrase, kdf: config.kdf, meta, address });
  secret.fill(0);
  await writeFileAtomic(join(paths.keys, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`, {
    mode: 0o600,
  });
  return meta;
}

// secp256k1 group order: a private key must be in [1, n-1]
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function validEvmKey(b: Uint8Array): boolean {
  const v = BigInt(`0x${Buffer.from(b).toString('hex')}`);
  return v > 0n && v < SECP256K1_N;
}

function newSecret(kind: KeyMeta['kind']): Uint8Array {
  for (;;) {
    const b = new Uint8Array(randomBytes(32));
    if (kind === 'secret' || validEvmKey(b)) return b;
  }
}

function demoSecret(seed: string, name: string, kind: KeyMeta['kind']): Uint8Array {
  for (let i = 0; ; i++) {
    const b = new Uint8Array(
      createHmac('sha256', 'sinso/insecure-demo-key/v1').update(`${seed}/${name}/${i}`).digest(),
    );
    if (kind === 'secret' || validEvmKey(b)) return b;
  }
}

async function readKeyFile(paths: WorkspacePaths, name: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(paths.keys, `${name}.json`), 'utf8');
  } catch {
    throw new KeystoreError('KEYSTORE_KEY_NOT_FOUND', { key: name });
  }
  return parseJson(text, corruptKeystore);
}

/** The error for a keystore file that is not JSON or not keystore v3. */
function corruptKeystore(issues: readonly SchemaIssue[], cause: unknown): KeystoreError {
  return new KeystoreError('KEYSTORE_CORRUPT', { problem: 'it is not keystore v3 JSON' }, { issues, cause });
}

function parseJson(
  text: string,
  invalid: (issues: readonly SchemaIssue[], cause: unknown) => Error,
): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(NOT_JSON, err);
  }
}

function makeWorkspace(
  paths: WorkspacePaths,
  config: WorkspaceConfig,
  source: PassphraseSource,
  known?: string,
): Workspace {
  let passphrase: Promise<string> | undefined = known === undefined ? undefined : Promise.resolve(known);
  let keyring: Keyring | undefined;
  const cache = new Map<string, Promise<Uint8Array>>();
  const unlock = (name: string, kind: KeyMeta['kind']): Promise<Uint8Array> => {
    // by kind too: a secret unlocked once must not come back as an EVM key (or the reverse)
    const slot = `${kind}\u0000${name}`;
    let hit = cache.get(slot);
    if (!hit) {
      hit = (async () => {
        const json = await readKeyFile(paths, name);
        const meta = parseWith(KeystoreV3Schema, json, { what: 'keystore file', error: corruptKeystore })[
          'x-sinso'
        ];
        if (meta && meta.kind !== kind) {
          throw new KeystoreError('KEYSTORE_KEY_NOT_FOUND', { key: name, kind: meta.kind, wanted: kind });
        }
        passphrase ??= source({ confirm: false });
        return decryptKeystore(json, await passphrase);
      })();
      // a failure (wrong passphrase) must not stick: clear it so a retry asks again
      hit.catch(() => {
        cache.delete(slot);
        passphrase = known === undefined ? undefined : passphrase;
      });
      cache.set(slot, hit);
    }
    return hit;
  };
  const listKeys = async (): Promise<KeyMeta[]> => {
    let names: string[];
    try {
      names = (await readdir(paths.keys)).filter((f) => f.endsWith('.json')).sort();
    } catch (err) {
      throw wrapIoError(err, 'Reading the keys folder', 'Check the workspace folder and its permissions.');
    }
    const out: KeyMeta[] = [];
    for (const f of names) {
      const ks = parseWith(KeystoreV3Schema, await readKeyFile(paths, f.slice(0, -5)), {
        what: 'keystore file',
        error: corruptKeystore,
      });
      if (ks['x-sinso']) out.push(ks['x-sinso']);
    }
    return out;
  };
  const creating = new Map<string, Promise<void>>();
  const ensureKey = async (name: string, kind: KeyMeta['kind']): Promise<Uint8Array> => {
    if (!(await exists(join(paths.keys, `${name}.json`)))) {
      let made = creating.get(name);
      if (!made) {
        made = (async () => {
          passphrase ??= source({ confirm: false });
          const pass = await passphrase;
          // check the passphrase against an existing key, so every key shares it
          const first = (await listKeys())[0];
          if (first) await decryptKeystore(await readKeyFile(paths, first.name), pass);
          await writeNewKey(paths, config, pass, name, kind, config.demoSeed);
        })();
        creating.set(name, made);
        made.catch(() => creating.delete(name));
      }
      await made;
    }
    return unlock(name, kind);
  };
  return {
    paths,
    config,
    listKeys,
    async keys() {
      keyring ??= {
        secret: (name) => unlock(name, 'secret'),
        async account(name) {
          const k = await unlock(name, 'evm');
          return privateKeyToAccount(`0x${Buffer.from(k).toString('hex')}`);
        },
        evmPrivateKey: (name) => unlock(name, 'evm'),
        ensureSecret: (name) => ensureKey(name, 'secret'),
        async ensureAccount(name) {
          const k = await ensureKey(name, 'evm');
          return privateKeyToAccount(`0x${Buffer.from(k).toString('hex')}`);
        },
      };
      return keyring;
    },
  };
}

/** True when `dir` holds a workspace. */
export async function isWorkspace(dir: string): Promise<boolean> {
  try {
    return (await stat(workspacePaths(dir).config)).isFile();
  } catch {
    return false;
  }
}
