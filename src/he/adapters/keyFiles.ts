import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { exists, writeFileAtomic } from '../../core/fs.js';
import { canonicalJson, sha256Hex } from '../../core/hash.js';
import type { Keyring } from '../../core/workspace.js';
import { decryptBytes, encryptBytes } from '../../storage/index.js';
import { HeError } from '../errors.js';
import {
  DEFAULT_COEFF_BITS,
  DEFAULT_PLAIN_BITS,
  DEFAULT_SCALE_BITS,
  type HeParams,
  HeParamsSchema,
  type HeScheme,
} from '../params.js';
import { generateKeys, heContext, keyFingerprint, loadSeal } from './seal.js';

/** The public files of a key holder's key set, and the manifest that names them. */
const PUBLIC_FILES = {
  publicKey: 'public.seal',
  relinKeys: 'relin.seal',
  galoisKeys: 'galois.seal',
} as const;
const SECRET_FILE = 'secret.seal.enc';
export const KEY_MANIFEST = 'he-keys.json';

const FileEntry = z.strictObject({ path: z.string(), bytes: z.number().int(), sha256: z.string() });
export const HeKeyManifestSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-he-keys'),
  /** sha256 over the parameters and the public key (first 32 hex digits): what manifests cite. */
  fingerprint: z.string().regex(/^[0-9a-f]{32}$/),
  params: HeParamsSchema,
  files: z.strictObject({ publicKey: FileEntry, relinKeys: FileEntry, galoisKeys: FileEntry }),
});
export type HeKeyManifest = z.output<typeof HeKeyManifestSchema>;

/** Where a workspace keeps a key holder's key set: `keys/he/<name>/`. */
export const keySetDir = (keysDir: string, name: string) => join(keysDir, 'he', name);
/** The keystore secret that encrypts a key set's SEAL secret key at rest. */
export const keySetSecretName = (name: string) => `he-${name}`;

/** The default parameters of a scheme and ring size (BFV picks its batching prime here). */
export async function defaultParams(scheme: HeScheme, polyDegree: 8192 | 16384): Promise<HeParams> {
  const coeffModulusBits = [...DEFAULT_COEFF_BITS[scheme][polyDegree]];
  if (scheme === 'ckks') return { scheme, polyDegree, coeffModulusBits, scaleBits: DEFAULT_SCALE_BITS };
  const seal = await loadSeal();
  const t = seal.PlainModulus.Batching(polyDegree, DEFAULT_PLAIN_BITS);
  const plainModulus = t.value.toString();
  t.delete();
  return { scheme, polyDegree, coeffModulusBits, plainModulus };
}

/**
 * Makes a key holder's key set in the workspace: the SEAL secret key encrypted with the keystore
 * secret `he-<name>`, and the public key, relinearization and Galois keys beside it with
 * `he-keys.json`. Refuses to replace an existing set (its ciphertexts would become useless).
 *
 * @example
 * const m = await createKeySet({ keysDir: ws.paths.keys, name: 'he', params, keys: await ws.keys() });
 */
export async function createKeySet(p: {
  keysDir: string;
  name: string;
  params: HeParams;
  keys: Keyring;
}): Promise<HeKeyManifest> {
  const dir = keySetDir(p.keysDir, p.name);
  if (await exists(join(dir, KEY_MANIFEST))) {
    throw new HeError('HE_KEY_MISMATCH', {
      problem: `the key set ${p.name} exists already (replacing it would orphan every ciphertext made under it)`,
    });
  }
  const he = await heContext(p.params);
  const k = generateKeys(he);
  const secret = await p.keys.ensureSecret(keySetSecretName(p.name));
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(tmp, SECRET_FILE), encryptBytes(k.secretKey, secret), { mode: 0o600 });
  const manifest = await writePublic(tmp, p.params, k);
  await mkdir(join(p.keysDir, 'he'), { recursive: true });
  await rename(tmp, dir);
  return manifest;
}

async function writePublic(
  dir: string,
  params: HeParams,
  k: Omit<ReturnType<typeof generateKeys>, 'secretKey'>,
) {
  const entry = async (name: keyof typeof PUBLIC_FILES) => {
    const path = PUBLIC_FILES[name];
    await writeFileAtomic(join(dir, path), k[name]);
    return { path, bytes: k[name].length, sha256: sha256Hex(k[name]) };
  };
  const manifest = HeKeyManifestSchema.parse({
    schema: '1',
    kind: 'sinso-he-keys',
    fingerprint: keyFingerprint(Buffer.from(canonicalJson(params)), k.publicKey),
    params,
    files: {
      publicKey: await entry('publicKey'),
      relinKeys: await entry('relinKeys'),
      galoisKeys: await entry('galoisKeys'),
    },
  });
  await writeFileAtomic(join(dir, KEY_MANIFEST), `${canonicalJson(manifest, 2)}\n`);
  return manifest;
}

/** Copies a key set's public half (never the secret key) to a folder to hand to owners and compute nodes. */
export async function exportPublicKeys(keyDir: string, outDir: string): Promise<HeKeyManifest> {
  const m = await readKeyManifest(keyDir);
  await mkdir(outDir, { recursive: true });
  for (const f of Object.values(m.files)) await copyFile(join(keyDir, f.path), join(outDir, f.path));
  await copyFile(join(keyDir, KEY_MANIFEST), join(outDir, KEY_MANIFEST));
  return m;
}

export async function readKeyManifest(dir: string): Promise<HeKeyManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, KEY_MANIFEST), 'utf8');
  } catch {
    throw new HeError('HE_KEY_MISMATCH', {
      problem: `no ${KEY_MANIFEST} in the key folder (make one with \`sinso he keygen\`, or export it with \`sinso he export-keys\`)`,
    });
  }
  const parsed = HeKeyManifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new HeError('HE_KEY_MISMATCH', { problem: `${KEY_MANIFEST} is not a valid key manifest` });
  return parsed.data;
}

/** Reads one public file of a key set, checked against its manifest entry. */
export async function readPublicKeyFile(
  dir: string,
  m: HeKeyManifest,
  which: keyof HeKeyManifest['files'],
): Promise<Uint8Array> {
  const f = m.files[which];
  const bytes = await readFile(join(dir, f.path)).catch(() => undefined);
  if (bytes === undefined || sha256Hex(bytes) !== f.sha256) {
    throw new HeError('HE_KEY_MISMATCH', {
      problem: `${f.path} is missing or does not match ${KEY_MANIFEST}`,
    });
  }
  return bytes;
}

/** The name of this workspace's key set with a fingerprint, if it holds one. */
export async function findKeySet(keysDir: string, fingerprint: string): Promise<string | undefined> {
  const root = join(keysDir, 'he');
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const m = await readKeyManifest(join(root, name)).catch(() => undefined);
    if (m?.fingerprint === fingerprint) return name;
  }
  return undefined;
}

/**
 * The SEAL secret key of the key set with this fingerprint, or HE_NO_SECRET_KEY when this
 * workspace does not hold it (a compute node, or a consumer that is not the key holder).
 */
export async function readSecretKey(
  keysDir: string,
  fingerprint: string,
  keys: () => Promise<Keyring>,
): Promise<Uint8Array> {
  const name = await findKeySet(keysDir, fingerprint);
  const path = name === undefined ? undefined : join(keySetDir(keysDir, name), SECRET_FILE);
  if (name === undefined || path === undefined || !(await exists(path))) {
    throw new HeError('HE_NO_SECRET_KEY', { keyHolder: fingerprint });
  }
  return decryptBytes(await readFile(path), await (await keys()).secret(keySetSecretName(name)));
}
