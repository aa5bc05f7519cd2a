import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson, sha256Hex } from '../../core/hash.js';
import { CIRCUITS } from '../circuits.js';

/** The verification keys of the default (insecure) setup, pinned in the repository. */
export const PINNED_KEYS_DIR = fileURLToPath(new URL('../../../circuits/keys/', import.meta.url));

export type PinnedKey = { key: Record<string, unknown>; sha256: string };

/**
 * The verification keys in a folder (`<circuit>.vk.json`, one per catalogue circuit), by circuit
 * name, with the sha256 of each key's canonical JSON. Missing files are left out.
 */
export async function readVerificationKeys(dir: string = PINNED_KEYS_DIR): Promise<Map<string, PinnedKey>> {
  const keys = new Map<string, PinnedKey>();
  for (const c of CIRCUITS) {
    const text = await readFile(join(dir, `${c.name}.vk.json`), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const key = JSON.parse(text) as Record<string, unknown>;
    keys.set(c.name, { key, sha256: sha256Hex(canonicalJson(key)) });
  }
  return keys;
}

/** Writes a circuit's verification key into a keys folder (canonical JSON, two spaces, newline). */
export async function writeVerificationKey(
  dir: string,
  circuit: string,
  key: Record<string, unknown>,
): Promise<void> {
  await writeFileAtomic(join(dir, `${circuit}.vk.json`), `${canonicalJson(key, 2)}\n`);
}
