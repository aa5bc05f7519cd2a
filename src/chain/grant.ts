import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cidOfFile } from '../core/cid.js';
import { createCsprng } from '../core/csprng.js';
import { UsageError } from '../core/errors/index.js';
import { writeFileAtomic } from '../core/fs.js';
import type { Workspace } from '../core/workspace.js';
import { StorageError, unwrapKey, wrapKey } from '../storage/index.js';
import type { ChainSession } from './connect.js';
import { OPERATIONS, openMarket, PLEDGE_STATES } from './market.js';
import { readMinted } from './records.js';

/** One dataset key wrapped for one recipient of a pledge. */
export type Grant = { recipient: string; role: 'compute' | 'consumer'; file: string; cid: string };

/** Where a workspace keeps the keys wrapped for a pledge: grants/<chain>/pledge-<id>/. */
export function grantDir(workspace: Pick<Workspace, 'paths'>, chainKey: string, pledgeId: string): string {
  return join(workspace.paths.root, 'grants', chainKey.replace(':', '-'), `pledge-${pledgeId}`);
}

/**
 * As the owner: checks the pledge is accepted and unexpired, then wraps the token's dataset key
 * (ECIES) for the pledge's compute node, and for its consumer only if the pledge allows `access`,
 * writing `<dir>/<address>.json` for each. The wrapping's randomness is drawn from a CSPRNG keyed
 * by the dataset key and labelled by chain, pledge and recipient, so a rerun writes the same bytes
 * and no two grants share an ephemeral key.
 *
 * @example
 * const grants = await grantPledge({ chain, workspace: ws, pledgeId: '1', dir: grantDir(ws, chain.key, '1') });
 */
export async function grantPledge(p: {
  chain: ChainSession;
  workspace: Workspace;
  pledgeId: string;
  dir: string;
  /** The recipient's uncompressed public key, when it is not a key of this workspace. */
  recipientKey?: `0x${string}` | undefined;
}): Promise<Grant[]> {
  const market = openMarket(p.chain);
  const pl = await market.pledgeOf(BigInt(p.pledgeId));
  const state = PLEDGE_STATES[pl.state] ?? 'none';
  const now = (await p.chain.client.getBlock()).timestamp;
  if (state !== 'accepted' || pl.expiresAt <= now) {
    throw new UsageError(
      `Pledge ${p.pledgeId} is ${pl.expiresAt <= now && state === 'accepted' ? 'expired' : state}: no key is granted.`,
      { fix: 'Grant only an accepted pledge that has not expired (see `sinso datasets`).' },
    );
  }
  const minted = (await readMinted(p.workspace.paths.chain)).chains[p.chain.key]?.[String(pl.tokenId)];
  if (!minted) {
    throw new UsageError(`Token ${pl.tokenId} was not minted from this workspace.`, {
      fix: 'Grant from the workspace that minted it (its dataset key is there).',
    });
  }
  const keyring = await p.workspace.keys();
  const keys = await p.workspace.listKeys();
  const publicKeyOf = async (address: string): Promise<`0x${string}`> => {
    const k = keys.find((x) => x.kind === 'evm' && x.fingerprint.toLowerCase() === address.toLowerCase());
    if (k) return (await keyring.account(k.name)).publicKey;
    if (p.recipientKey) return p.recipientKey;
    throw new UsageError('The recipient’s public key is not known to this workspace.', {
      fix: 'Pass --recipient-key 0x04… (the uncompressed secp256k1 public key of that address).',
    });
  };
  const datasetKey = await keyring.secret(minted.datasetKey);
  try {
    const recipients = [pl.compute, ...(pl.ops & OPERATIONS.access ? [pl.consumer] : [])];
    await mkdir(p.dir, { recursive: true });
    const out: Grant[] = [];
    for (const [i, r] of recipients.entries()) {
      const rng = createCsprng(datasetKey, 'sinso/grant/v1', p.chain.key, p.pledgeId, r.toLowerCase());
      const wrapped = wrapKey({
        key: datasetKey,
        recipientPublicKey: await publicKeyOf(r),
        randomBytes: (n) => rng.bytes(n),
      });
      const file = join(p.dir, `${r.toLowerCase()}.json`);
      await writeFileAtomic(file, `${JSON.stringify(wrapped, null, 2)}\n`);
      out.push({
        recipient: r,
        role: i === 0 ? 'compute' : 'consumer',
        file,
        cid: (await cidOfFile(file)).toString(),
      });
    }
    return out;
  } finally {
    datasetKey.fill(0);
  }
}

/**
 * As a grant's recipient: reads the wrapped key `<dir or file>` for `address` and unwraps it with
 * the recipient's private key. Returns `undefined` when there is no grant file for it; a file that
 * is not a wrapped key, or is wrapped for another account, is a STORAGE_KEY_UNWRAP_FAILED error.
 *
 * @example
 * const key = await readGrant({ path: grantDir(ws, chain.key, '1'), address, privateKey });
 */
export async function readGrant(p: {
  path: string;
  address: string;
  privateKey: Uint8Array;
}): Promise<Uint8Array | undefined> {
  const file = p.path.endsWith('.json') ? p.path : join(p.path, `${p.address.toLowerCase()}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new StorageError('STORAGE_KEY_UNWRAP_FAILED', { problem: 'file' }, { cause });
  }
  // checks the file's schema and that it is wrapped for this key
  return unwrapKey(p.privateKey, json);
}
