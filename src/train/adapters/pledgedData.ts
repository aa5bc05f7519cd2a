import { join } from 'node:path';
import { grantDir, readGrant, readPledgeFacts } from '../../chain/index.js';
import { buildCommitment, deriveSaltKey } from '../../commit/index.js';
import type { Clock } from '../../core/clock.js';
import { SinsoError } from '../../core/errors/index.js';
import type { Progress } from '../../core/progress.js';
import type { Commitment } from '../../core/schemas/commitment.js';
import type { Workspace } from '../../core/workspace.js';
import { fetchPublished } from '../../publish/index.js';
import { importCar, workspaceBlockstore } from '../../storage/index.js';
import { TrainError } from '../errors.js';
import { checkTrainPledge } from '../policy.js';

/** One pledged dataset, opened by its compute node: decrypted, checked against its root on chain. */
export type PledgedDataset = {
  pledge: string;
  chainId: number;
  dataNft: string;
  tokenId: string;
  version: number;
  /** The commitment root the DataNFT stores for that version (and the rows hash to). */
  root: string;
  manifestCid: string;
  /** The decrypted tables folder (under the job's work folder; delete it with the job). */
  tablesDir: string;
  commitment: Commitment;
};

/**
 * The compute node opens the datasets of its pledges: for each, reads the pledge and its token
 * version on chain and checks it (accepted, unexpired, unrevoked, `train`, this node), unwraps
 * the dataset key granted to this node, fetches the encrypted tables by CID from the workspace
 * blockstore (a CAR imported into it, or the owner's own store), decrypts them, and recomputes
 * the commitment: the job refuses data whose root is not the one on chain.
 *
 * @example
 * const data = await openPledgedData({ workspace, clock, pledges: ['1', '2'], work: tmp, progress });
 */
export async function openPledgedData(p: {
  workspace: Workspace;
  clock: Clock;
  rpc?: string | undefined;
  pledges: readonly string[];
  /** A wrapped key (file) or a folder of them per pledge, by position; default: the workspace's grants. */
  grants?: readonly string[] | undefined;
  /** CAR files of the datasets to import into the workspace blockstore first (every block checked). */
  cars?: readonly string[] | undefined;
  /** The compute node's workspace key. */
  as: string;
  /** A private work folder for the decrypted tables. */
  work: string;
  progress: Progress;
  signal?: AbortSignal | undefined;
}): Promise<PledgedDataset[]> {
  const { facts, chainId, chainKey, dataNft } = await readPledgeFacts({
    chainDir: p.workspace.paths.chain,
    rpc: p.rpc,
    clock: p.clock,
    ids: p.pledges,
  });
  const keyring = await p.workspace.keys();
  const node = await keyring.account(p.as);
  for (const f of facts) checkTrainPledge(f, p.clock.now(), node.address);
  const blockstore = workspaceBlockstore(p.workspace);
  for (const car of p.cars ?? []) await importCar(blockstore, car);
  const out: PledgedDataset[] = [];
  for (const [i, f] of facts.entries()) {
    // a copy: the keyring may hand out the key it holds, and this one is zeroed after use
    const privateKey = Uint8Array.from(await keyring.evmPrivateKey(p.as));
    let datasetKey: Uint8Array | undefined;
    try {
      datasetKey = await readGrant({
        path: p.grants?.[i] ?? grantDir(p.workspace, chainKey, f.id),
        address: node.address,
        privateKey,
      });
    } finally {
      privateKey.fill(0);
    }
    if (!datasetKey) throw new TrainError('TRAIN_KEY_MISSING', { pledge: f.id });
    try {
      const dir = join(p.work, `pledge-${f.id}`);
      const fetched = await fetchPublished({
        blockstore,
        manifestCid: f.manifestCid,
        datasetKey,
        out: dir,
        progress: p.progress,
      }).catch((err: unknown) => {
        // a manifest or file not as named, or a block not its CID's: the data is not what was pledged
        if (
          err instanceof SinsoError &&
          (err.code.startsWith('PUBLISH_') ||
            err.code === 'STORAGE_CID_MISMATCH' ||
            err.code === 'STORAGE_BLOCK_NOT_FOUND' ||
            err.code === 'STORAGE_DECRYPT_FAILED')
        ) {
          throw new TrainError('TRAIN_DATA_MISMATCH', { pledge: f.id, problem: err.message }, { cause: err });
        }
        throw err;
      });
      if (fetched.commitment.root.toLowerCase() !== f.root.toLowerCase()) {
        throw new TrainError('TRAIN_DATA_MISMATCH', {
          pledge: f.id,
          problem: 'its commitment is not the root its token version stores',
        });
      }
      const recomputed = await buildCommitment({
        tablesDir: dir,
        saltKey: deriveSaltKey(datasetKey),
        progress: p.progress,
        signal: p.signal,
        version: fetched.commitment.version,
      });
      if (recomputed.root !== fetched.commitment.root) {
        throw new TrainError('TRAIN_DATA_MISMATCH', {
          pledge: f.id,
          problem: 'its rows do not hash to the root its token version stores',
        });
      }
      out.push({
        pledge: f.id,
        chainId,
        dataNft,
        tokenId: f.tokenId.toString(),
        version: f.version,
        root: f.root,
        manifestCid: f.manifestCid,
        tablesDir: dir,
        commitment: fetched.commitment,
      });
    } finally {
      datasetKey.fill(0);
    }
  }
  return out;
}
