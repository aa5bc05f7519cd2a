import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson, sha256File } from '../core/hash.js';
import { parseWith } from '../core/parse.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { type Commitment, CommitmentSchema } from '../core/schemas/commitment.js';
import { type DatasetManifest, DatasetManifestSchema } from '../core/schemas/datasetManifest.js';
import type { TablesManifest } from '../core/schemas/tables.js';
import { type Blockstore, decryptFile, exportFile, exportFileTo } from '../storage/index.js';
import { TABLES } from '../tables/index.js';
import { PublishError } from './errors.js';

export type FetchPublishedParameters = {
  /**
   * Where the dataset's blocks are: the workspace blockstore (a CAR imported into it). Its `get`
   * checks every block against its CID, and files are walked from their root CID, so what is
   * read is what the CIDs name without hashing it again.
   */
  blockstore: Pick<Blockstore, 'get'>;
  /** The manifest CID, as the DataNFT's token version states it. */
  manifestCid: string;
  /** The dataset key (unwrapped from a grant). */
  datasetKey: Uint8Array;
  /** An empty folder to write the decrypted tables folder into (tables.json + Parquet). */
  out: string;
  progress?: Progress | undefined;
};
export type FetchPublishedReturnType = {
  manifest: DatasetManifest;
  commitment: Commitment;
  /** The decrypted tables folder (`out`). */
  tablesDir: string;
};

const mismatch = (problem: string) => new PublishError('PUBLISH_DATASET_MISMATCH', { problem });

async function bytesOf(blockstore: Pick<Blockstore, 'get'>, cid: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of exportFile(blockstore, CID.parse(cid))) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Fetches a published dataset's manifest and its commitment.json by the manifest CID (both are
 * public: the commitment's hashes are salted), checked against each other: what a verifier of a
 * job over the dataset needs, without its key.
 *
 * @example
 * const { manifest, commitment } = await fetchCommitment({ blockstore, manifestCid });
 */
export async function fetchCommitment(p: {
  blockstore: Pick<Blockstore, 'get'>;
  manifestCid: string;
}): Promise<{ manifest: DatasetManifest; commitment: Commitment }> {
  const manifestBytes = await bytesOf(p.blockstore, p.manifestCid);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(manifestBytes).toString('utf8'));
  } catch {
    throw mismatch('the manifest is not JSON');
  }
  const manifest = parseWith(DatasetManifestSchema, json, {
    what: 'dataset manifest',
    error: () => mismatch('the manifest is not a dataset manifest'),
  });
  const commitmentBytes = await bytesOf(p.blockstore, manifest.properties.commitment.cid);
  let commitment: Commitment;
  try {
    commitment = CommitmentSchema.parse(JSON.parse(Buffer.from(commitmentBytes).toString('utf8')));
  } catch {
    throw mismatch('its commitment.json is not a commitment');
  }
  if (commitment.root !== manifest.properties.commitment.root) {
    throw mismatch('its commitment’s root is not the manifest’s');
  }
  return { manifest, commitment };
}

/**
 * The compute node's side of publishing: fetches a published dataset by its manifest CID (every
 * block is checked against its CID as it is read), checks that the manifest's files and its
 * commitment are the ones it names, and decrypts the tables into a tables folder that
 * `openTables` and `buildCommitment` read. The tables.json written there is rebuilt from the
 * manifest (names, rows, columns; each file's size and sha256 as decrypted): it is not the
 * owner's byte for byte, so check the data with the commitment's root, not its tablesSha256.
 *
 * @example
 * const { tablesDir, commitment } = await fetchPublished({ blockstore, manifestCid, datasetKey, out: tmp });
 */
export async function fetchPublished(p: FetchPublishedParameters): Promise<FetchPublishedReturnType> {
  const { manifest, commitment } = await fetchCommitment(p);
  await mkdir(p.out, { recursive: true });
  const task = (p.progress ?? silentProgress).start(
    'fetch: tables by CID, decrypt',
    manifest.properties.tables.length,
  );
  const entries: TablesManifest['tables'] = [];
  for (const t of manifest.properties.tables) {
    const file = manifest.properties.files.find((f) => f.role === 'table' && f.table === t.name);
    if (!file || file.cid !== t.cid) throw mismatch(`table ${t.name} has no file of its CID`);
    const enc = join(p.out, `${t.name}.parquet.enc`);
    const plain = join(p.out, `${t.name}.parquet`);
    await exportFileTo(p.blockstore, CID.parse(t.cid), enc);
    await decryptFile(enc, plain, p.datasetKey);
    await rm(enc, { force: true });
    const orderBy = TABLES.find((d) => d.name === t.name)?.orderBy ?? [t.columns[0]?.name ?? 'id'];
    entries.push({
      name: t.name,
      file: `${t.name}.parquet`,
      rows: t.rows,
      bytes: (await stat(plain)).size,
      sha256: await sha256File(plain),
      orderBy: [...orderBy],
      columns: t.columns.map((c) => ({
        name: c.name,
        type: c.type,
        logical: c.logical,
        ...(c.scale === undefined ? {} : { scale: c.scale }),
        nullable: c.nullable,
        description: '',
      })),
    });
    task.tick();
  }
  task.done();
  const tablesJson: TablesManifest = {
    schema: '1',
    kind: 'sinso-tables',
    tablesVersion: manifest.properties.tablesVersion,
    tables: entries,
    sources: manifest.properties.deidentification,
  };
  await writeFileAtomic(join(p.out, 'tables.json'), `${canonicalJson(tablesJson, 2)}\n`);
  return { manifest, commitment, tablesDir: p.out };
}
