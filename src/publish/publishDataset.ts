import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CID } from 'multiformats/cid';
import { cidOfBytes, UNIXFS_PARAMS } from '../core/cid.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import { secretFingerprint } from '../core/keystore.js';
import { parseWith } from '../core/parse.js';
import { type Progress, silentProgress } from '../core/progress.js';
import type { Commitment } from '../core/schemas/commitment.js';
import {
  type DatasetFile,
  type DatasetManifest,
  DatasetManifestSchema,
} from '../core/schemas/datasetManifest.js';
import { type PublishRecord, PublishRecordSchema } from '../core/schemas/publishRecord.js';
import type { RiskReport } from '../core/schemas/risk.js';
import type { TablesManifest } from '../core/schemas/tables.js';
import { version } from '../core/version.js';
import { addFile, type Blockstore, ENCRYPTION_FORMAT, encryptFile, writeCar } from '../storage/index.js';
import { withTables } from '../tables/index.js';
import { PublishError } from './errors.js';

/** The at-rest scheme name recorded in manifests. */
export const ENCRYPTION_SCHEME = `sinso-${ENCRYPTION_FORMAT.algorithm}/${ENCRYPTION_FORMAT.version}`;

export type PublishDatasetParameters = {
  /** A tables folder (tables.json + Parquet), already at or above the minimum k. */
  tablesDir: string;
  /** The commitment built over exactly those tables (written canonically as `commitment.json`). */
  commitment: Commitment;
  /** The k-anonymity report of those tables. */
  risk: RiskReport;
  name: string;
  description?: string | undefined;
  /** Keystore name of the per-dataset key, recorded (the key itself never is). */
  datasetKeyName: string;
  datasetKey: Uint8Array;
  /** The folder to write (normally a staging path the caller renames into place). */
  out: string;
  blockstore: Blockstore;
  progress?: Progress | undefined;
};

export type PublishDatasetReturnType = { record: PublishRecord; manifest: DatasetManifest };

/**
 * Publishes a dataset: encrypts each table's Parquet file with the per-dataset key
 * (AES-256-GCM, streamed), content-addresses every file into the blockstore, writes the
 * ERC-721 metadata manifest (itself content-addressed: its CID is the token URI), a CAR of
 * everything for a storage deal, and `publish.json`. Deterministic: the same tables,
 * commitment and key give the same bytes and CIDs.
 *
 * Layout of `out`: `manifest.json`, `commitment.json`, `files/<table>.parquet.enc`,
 * `dataset.car`, `publish.json`.
 *
 * @example
 * const { record } = await publishDataset({ tablesDir, commitment, risk, name: 'Hospital A',
 *   datasetKeyName: 'dataset-hospital-a', datasetKey, out: 'published/', blockstore });
 * record.tokenUri; // ipfs://bafy…
 */
export async function publishDataset(p: PublishDatasetParameters): Promise<PublishDatasetReturnType> {
  const { manifest: tables, sha256 } = await withTables(p.tablesDir, {}, async (t) => ({
    manifest: t.manifest,
    sha256: t.sha256,
  }));
  const { commitment } = p;
  checkConsistent(tables, sha256, commitment, p.risk);
  await mkdir(join(p.out, 'files'), { recursive: true });

  const files: DatasetFile[] = [];
  const tableCids = new Map<string, CID>();
  const task = (p.progress ?? silentProgress).start(
    'publish: encrypt and content-address tables',
    tables.tables.length,
  );
  for (const t of tables.tables) {
    const path = `files/${t.file}.enc`;
    await encryptFile(join(p.tablesDir, t.file), join(p.out, path), p.datasetKey);
    const cid = await addFile(p.blockstore, join(p.out, path));
    tableCids.set(t.name, cid);
    files.push({
      path,
      table: t.name,
      role: 'table',
      cid: cid.toString(),
      bytes: await sizeOf(join(p.out, path)),
      encrypted: true,
    });
    task.tick();
  }
  task.done();

  await writeFileAtomic(join(p.out, 'commitment.json'), `${canonicalJson(commitment, 2)}\n`);
  const commitmentCid = await addFile(p.blockstore, join(p.out, 'commitment.json'));
  files.push({
    path: 'commitment.json',
    role: 'commitment',
    cid: commitmentCid.toString(),
    bytes: await sizeOf(join(p.out, 'commitment.json')),
    encrypted: false,
  });

  const manifest = buildManifest(p, tables, commitment, files, tableCids, commitmentCid);
  const manifestBytes = new TextEncoder().encode(`${canonicalJson(manifest, 2)}\n`);
  await writeFileAtomic(join(p.out, 'manifest.json'), manifestBytes);
  const manifestCid = await cidOfBytes(manifestBytes, p.blockstore);

  const roots = [manifestCid, ...tableCids.values(), commitmentCid];
  const car = await writeCar({
    blockstore: p.blockstore,
    roots,
    out: join(p.out, 'dataset.car'),
    progress: p.progress,
  });
  const record = parseWith(
    PublishRecordSchema,
    {
      schema: '1',
      kind: 'sinso-publish',
      name: p.name,
      manifestCid: manifestCid.toString(),
      tokenUri: `ipfs://${manifestCid.toString()}`,
      commitmentRoot: commitment.root,
      rows: commitment.rows,
      car: { path: 'dataset.car', bytes: car.bytes, roots: car.roots },
      datasetKey: p.datasetKeyName,
    },
    { what: 'publish record' },
  );
  await writeFileAtomic(join(p.out, 'publish.json'), `${canonicalJson(record, 2)}\n`);
  return { record, manifest };
}

function buildManifest(
  p: PublishDatasetParameters,
  tables: TablesManifest,
  commitment: Commitment,
  files: readonly DatasetFile[],
  tableCids: ReadonlyMap<string, CID>,
  commitmentCid: CID,
): DatasetManifest {
  const patients = tables.tables.find((t) => t.name === 'patients')?.rows ?? 0;
  const profiles = [...new Set(tables.sources.map((s) => s.profile))];
  const manifest: DatasetManifest = {
    name: p.name,
    description:
      p.description ||
      `De-identified health dataset: ${patients} patients, ${commitment.rows} rows in ${tables.tables.length} tables (${profiles.join('; ') || 'no de-identification recorded'}), k-anonymity k = ${p.risk.k}. Table files are encrypted at rest; the key is released to a consumer under an active pledge.`,
    attributes: [
      { trait_type: 'patients', value: patients, display_type: 'number' },
      { trait_type: 'rows', value: commitment.rows, display_type: 'number' },
      { trait_type: 'tables', value: tables.tables.length, display_type: 'number' },
      { trait_type: 'k-anonymity', value: p.risk.k, display_type: 'number' },
      ...profiles.map((value) => ({ trait_type: 'de-identification', value })),
      { trait_type: 'commitment', value: `${commitment.scheme}/${commitment.version}` },
    ],
    properties: {
      schema: '1',
      kind: 'sinso-dataset',
      sinso: version,
      tablesVersion: tables.tablesVersion,
      tables: tables.tables.map((t) => ({
        name: t.name,
        rows: t.rows,
        cid: String(tableCids.get(t.name)),
        columns: t.columns.map((c) => ({
          name: c.name,
          type: c.type,
          logical: c.logical,
          ...(c.scale === undefined ? {} : { scale: c.scale }),
          nullable: c.nullable,
        })),
      })),
      files: [...files],
      contentAddressing: { ...UNIXFS_PARAMS },
      encryption: { scheme: ENCRYPTION_SCHEME, keyFingerprint: secretFingerprint(p.datasetKey) },
      commitment: {
        scheme: commitment.scheme,
        version: commitment.version,
        chunkSize: commitment.chunkSize,
        chunkArity: commitment.chunkArity,
        root: commitment.root,
        rows: commitment.rows,
        tables: commitment.tables.map((t) => ({ name: t.name, rows: t.rows, root: t.root })),
        cid: commitmentCid.toString(),
      },
      deidentification: tables.sources,
      privacy: {
        kAnonymity: {
          k: p.risk.k,
          minK: p.risk.minK,
          quasiIdentifiers: p.risk.quasiIdentifiers,
          classes: p.risk.classes,
          rows: p.risk.rows,
        },
        ...(tables.suppression
          ? {
              suppression: {
                method: tables.suppression.method,
                patientsDropped: tables.suppression.patientsDropped,
                patientsGeneralized: tables.suppression.patientsGeneralized,
                rowsDropped: tables.suppression.rowsDropped,
              },
            }
          : {}),
      },
    },
  };
  return parseWith(DatasetManifestSchema, manifest, { what: 'dataset manifest' });
}

/** The commitment must be over exactly these tables, and the risk report about them. */
function checkConsistent(
  tables: TablesManifest,
  tablesSha256: string,
  commitment: Commitment,
  risk: RiskReport,
): void {
  const names = (xs: readonly { name: string; rows: number }[]) =>
    xs.map((x) => `${x.name}:${x.rows}`).join(',');
  const patients = tables.tables.find((t) => t.name === risk.table)?.rows;
  if (
    // the commitment records the hash of the tables.json it was built from
    commitment.tablesSha256 !== tablesSha256 ||
    names(tables.tables) !== names(commitment.tables) ||
    (patients !== undefined && patients !== risk.rows)
  ) {
    throw new PublishError('PUBLISH_INPUT_INVALID', { problem: 'inconsistent' });
  }
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path)).size;
}
