import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { buildCommitment, deriveSaltKey, readCommitmentFile } from '../commit/index.js';
import { type DatasetId, datasetIdFromName, datasetKeyName, datasetSecret } from '../core/datasetId.js';
import { UsageError } from '../core/errors/index.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import { parseWith } from '../core/parse.js';
import { PublishRecordSchema } from '../core/schemas/publishRecord.js';
import type { RiskReport } from '../core/schemas/risk.js';
import { defineStage, type StageContext } from '../core/stage.js';
import { publishToIpfs, workspaceBlockstore } from '../storage/index.js';
import {
  assessRisk,
  RiskOptionsSchema,
  suppressTables,
  TablesSuppressOptionsSchema,
} from '../tables/index.js';
import { PublishError } from './errors.js';
import { publishDataset } from './publishDataset.js';
import {
  type PublishOptions,
  PublishOptionsSchema,
  type PublishResult,
  PublishResultSchema,
} from './schema.js';

/** The id of the dataset being published: `--dataset`, else its name as an id. */
export function publishDatasetId(o: Pick<PublishOptions, 'name' | 'dataset'>): DatasetId {
  const id = o.dataset ?? datasetIdFromName(o.name);
  if (!id) {
    throw new UsageError('The dataset name gives no usable dataset id.', {
      fix: 'Pass --dataset ID (a lower-case letter, then lower-case letters, digits and -).',
    });
  }
  return id;
}

/**
 * `publish` / `sinso publish`: refuses below --min-k; encrypts each table file with the
 * per-dataset key, content-addresses everything into the workspace blockstore, and writes the
 * ERC-721 metadata manifest (its CID is the token URI), a CAR for a storage deal and
 * publish.json. In a pipeline it takes the outputs of `tables.suppress` and `commit` as deps,
 * so the lock records each step; called alone it runs the steps it is not given (suppression
 * with --suppress, the commitment without --commitment).
 */
export const publishStage = defineStage({
  name: 'publish',
  version: '1',
  summary: 'Publish a dataset: k-anonymity guard, encryption at rest, CIDs, ERC-721 manifest, CAR',
  options: PublishOptionsSchema,
  result: PublishResultSchema,
  inputs: ['tables', 'commitment'],
  outputs: ['out'],
  requires: {
    workspace: true,
    secrets: (o) => ({ dataset: datasetSecret(publishDatasetId(o), { create: true }) }),
  },
  marker: { file: 'publish.json', schema: PublishRecordSchema },
  output: { deterministic: true },
  cli: {
    description:
      'Checks k-anonymity over the quasi-identifiers and refuses below --min-k (with --suppress, runs `sinso tables suppress` first); commits the tables unless --commitment gives their commitment.json (Poseidon, BN254); encrypts every table file with the per-dataset key (AES-256-GCM, key dataset-ID in the keystore); content-addresses every file into the workspace blockstore (UnixFS CIDv1, as IPFS computes them); writes manifest.json (ERC-721 metadata; its CID is the token URI), dataset.car (for a Filecoin deal) and publish.json. With --ipfs, also imports and pins it on a Kubo node.',
    examples: [
      'sinso publish --tables tables/ --out published/ --name "Hospital A imaging 2025"',
      'sinso publish --tables tables-k5/ --commitment commitment.json --out published/ --name "Hospital A" --dataset hospital-a',
      'sinso publish --tables tables/ --out published/ --name "Hospital A" --min-k 10 --suppress generalize',
      'sinso publish --tables tables/ --out published/ --name "Hospital A" --ipfs http://127.0.0.1:5001',
    ],
  },
  run: (ctx, o) => publish(ctx, o),
});

async function publish(
  ctx: StageContext<true, 'dataset'>,
  o: PublishOptions,
): Promise<{ summary: PublishResult }> {
  const id = publishDatasetId(o);
  // scratch space inside the (staged) output folder, removed before it is renamed into place
  const work = join(o.out, '.work');
  await mkdir(work, { recursive: true });
  try {
    let tablesDir = o.tables;
    let risk = await riskOf(tablesDir, o);
    if (risk.rows > 0 && risk.k < o.minK && o.suppress) {
      if (o.commitment !== undefined) {
        throw new UsageError('--suppress and --commitment cannot be combined.', {
          fix: 'Suppress first (`sinso tables suppress`), commit the suppressed tables, then publish them with --commitment.',
        });
      }
      tablesDir = join(work, 'tables');
      await suppressTables(
        ctx,
        TablesSuppressOptionsSchema.parse({
          input: o.tables,
          out: tablesDir,
          minK: o.minK,
          method: o.suppress,
          qi: o.qi,
          ...(o.asOfYear === undefined ? {} : { asOfYear: o.asOfYear }),
        }),
      );
      risk = await riskOf(tablesDir, o);
    }
    if (risk.rows === 0) {
      throw new PublishError('PUBLISH_BELOW_MIN_K', {
        problem: tablesDir === o.tables ? 'no-patients' : 'suppressed-all',
      });
    }
    if (risk.k < o.minK) {
      throw new PublishError('PUBLISH_BELOW_MIN_K', {
        problem: 'below-min-k',
        k: risk.k,
        minK: o.minK,
        quasiIdentifiers: risk.quasiIdentifiers,
        classesBelowMinK: risk.classesBelowMinK,
        rowsBelowMinK: risk.rowsBelowMinK,
      });
    }
    const datasetKey = ctx.secrets.dataset;
    const commitment =
      o.commitment === undefined
        ? await buildCommitment({
            tablesDir,
            saltKey: deriveSaltKey(datasetKey),
            progress: ctx.progress,
            signal: ctx.signal,
          })
        : await readCommitmentFile(o.commitment);
    const blockstore = workspaceBlockstore(ctx.workspace);
    const { record, manifest } = await publishDataset({
      tablesDir,
      commitment,
      risk,
      name: o.name,
      description: o.description,
      datasetKeyName: datasetKeyName(id),
      datasetKey,
      out: o.out,
      blockstore,
      progress: ctx.progress,
    });
    let pinnedOn: string | undefined;
    if (o.ipfs) {
      const r = await publishToIpfs({
        url: o.ipfs,
        blockstore,
        roots: record.car.roots.map((c) => CID.parse(c)),
      });
      pinnedOn = r.node;
      const withIpfs = parseWith(
        PublishRecordSchema,
        { ...record, ipfs: { pinned: true, node: r.node } },
        { what: 'publish record' },
      );
      await writeFileAtomic(join(o.out, 'publish.json'), `${canonicalJson(withIpfs, 2)}\n`);
    }
    const sup = manifest.properties.privacy.suppression;
    return {
      summary: {
        name: o.name,
        dataset: id,
        tokenUri: record.tokenUri,
        commitmentRoot: record.commitmentRoot,
        rows: record.rows,
        tables: manifest.properties.tables.length,
        k: risk.k,
        minK: o.minK,
        quasiIdentifiers: [...risk.quasiIdentifiers],
        ...(sup ? { suppression: sup.method } : {}),
        patientsDropped: sup?.patientsDropped ?? 0,
        patientsGeneralized: sup?.patientsGeneralized ?? 0,
        carBytes: record.car.bytes,
        ...(pinnedOn === undefined ? {} : { pinnedOn }),
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function riskOf(tables: string, o: PublishOptions): Promise<RiskReport> {
  return assessRisk(
    RiskOptionsSchema.parse({
      tables,
      qi: o.qi,
      minK: o.minK,
      ...(o.asOfYear === undefined ? {} : { asOfYear: o.asOfYear }),
    }),
  );
}
