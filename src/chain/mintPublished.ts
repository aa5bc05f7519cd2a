import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Account, Hex } from 'viem';
import { cidOfFile } from '../core/cid.js';
import { CommitmentSchema } from '../core/schemas/commitment.js';
import { DatasetManifestSchema } from '../core/schemas/datasetManifest.js';
import { PublishRecordSchema } from '../core/schemas/publishRecord.js';
import type { ChainSession } from './connect.js';
import { ChainError } from './errors.js';
import { openMarket } from './market.js';
import { type MintedToken, recordMinted } from './records.js';

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new ChainError('CHAIN_DATASET_MISMATCH', { problem: `${what} is missing or not JSON` });
  }
}

/**
 * Mints a DataNFT for a published dataset folder (what `sinso publish` wrote), after checking it
 * is what publish.json says: the manifest's CID, every file's CID, and the commitment root. A
 * dataset already minted on this chain (the same manifest CID) is not minted twice: its token is
 * returned with `already: true`. The token is recorded in the workspace's chain/minted.json.
 *
 * @example
 * const t = await mintPublished(chain, owner, { dir: 'published/', chainDir: ws.paths.chain });
 */
export async function mintPublished(
  chain: ChainSession,
  account: Account,
  p: { dir: string; chainDir: string },
): Promise<MintedToken & { already: boolean; gasUsed?: bigint | undefined }> {
  const rec = PublishRecordSchema.safeParse(await readJson(join(p.dir, 'publish.json'), 'publish.json'));
  if (!rec.success) throw new ChainError('CHAIN_DATASET_MISMATCH', { problem: 'publish.json is not valid' });
  const record = rec.data;
  const manifestPath = join(p.dir, 'manifest.json');
  const manifest = DatasetManifestSchema.safeParse(await readJson(manifestPath, 'manifest.json'));
  if (!manifest.success)
    throw new ChainError('CHAIN_DATASET_MISMATCH', { problem: 'manifest.json is not valid' });
  if ((await cidOfFile(manifestPath)).toString() !== record.manifestCid) {
    throw new ChainError('CHAIN_DATASET_MISMATCH', {
      problem: 'manifest.json is not the manifest publish.json names',
    });
  }
  for (const f of manifest.data.properties.files) {
    let cid: string;
    try {
      cid = (await cidOfFile(join(p.dir, f.path))).toString();
    } catch {
      throw new ChainError('CHAIN_DATASET_MISMATCH', { problem: `the file ${f.path} is missing` });
    }
    if (cid !== f.cid)
      throw new ChainError('CHAIN_DATASET_MISMATCH', { problem: `the file ${f.path} changed` });
  }
  const commitment = CommitmentSchema.safeParse(
    await readJson(join(p.dir, 'commitment.json'), 'commitment.json'),
  );
  if (!commitment.success || commitment.data.root !== record.commitmentRoot) {
    throw new ChainError('CHAIN_DATASET_MISMATCH', {
      problem: 'the commitment root is not the one publish.json names',
    });
  }
  const market = openMarket(chain);
  // minted before (a rerun after a crash, or twice)? the mint events say
  const found = (await market.events('VersionPublished')).find((e) => e.manifestCid === record.manifestCid);
  const base = {
    manifestCid: record.manifestCid,
    commitmentRoot: record.commitmentRoot,
    datasetKey: record.datasetKey,
    name: record.name,
  };
  if (found) {
    const t: MintedToken = {
      ...base,
      tokenId: String(found.tokenId),
      tx: found.tx,
    };
    await recordMinted(p.chainDir, chain.key, t);
    return { ...t, already: true };
  }
  const minted = await market.mint(account, record.manifestCid, record.commitmentRoot as Hex);
  const t: MintedToken = { ...base, tokenId: String(minted.tokenId), tx: minted.tx };
  await recordMinted(p.chainDir, chain.key, t);
  return { ...t, already: false, gasUsed: minted.gasUsed };
}
