import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { z } from 'zod';
import { buildCommitment } from '../../commit/buildCommitment.js';
import { deriveSaltKey } from '../../commit/rowSalt.js';
import { SinsoError } from '../../core/errors/index.js';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson } from '../../core/hash.js';
import { parseWith } from '../../core/parse.js';
import { PublishRecordSchema } from '../../core/schemas/publishRecord.js';
import type { RiskReport } from '../../core/schemas/risk.js';
import { defineStage, type StageContext } from '../../core/stage.js';
import { workspaceBlockstore } from '../../storage/blockstore.js';
import { publishToIpfs } from '../../storage/ipfs.js';
import { publishDataset } from '../../storage/publishDataset.js';
import { assessRisk } from '../../tables/assessRisk.js';
import {
  DEFAULT_MIN_K,
  DEFAULT_QUASI_IDENTIFIERS,
  QUASI_IDENTIFIERS,
  RiskOptionsSchema,
  TablesSuppressOptionsSchema,
} from '../../tables/schema.js';
import { suppressTables } from '../../tables/suppressTables.js';

export const PublishOptionsSchema = z.strictObject({
  tables: z.string().min(1).describe('A tables folder (output of `sinso tables`)'),
  out: z
    .string()
    .min(1)
    .describe('Output folder: manifest.json, commitment.json, files/*.enc, dataset.car, publish.json'),
  name: z.string().min(1).max(200).describe('Dataset name (the NFT name); never put an identifier in it'),
  description: z
    .string()
    .max(4000)
    .optional()
    .describe('Dataset description (default: made from the counts)'),
  dataset: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -')
    .max(64)
    .optional()
    .describe(
      'Key name: the per-dataset key is `dataset-NAME` in the keystore (default: the name as a slug)',
    ),
  minK: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(DEFAULT_MIN_K)
    .describe('Refuse below this k-anonymity'),
  qi: z
    .array(z.string().min(1))
    .default([...DEFAULT_QUASI_IDENTIFIERS])
    .describe(`A quasi-identifier for the k-anonymity check (repeatable): ${QUASI_IDENTIFIERS.join(', ')}`),
  asOfYear: z
    .number()
    .int()
    .min(1900)
    .max(2200)
    .optional()
    .describe('Year for age bands (default: latest in the data)'),
  suppress: z
    .enum(['drop', 'generalize'])
    .optional()
    .describe('Below --min-k: drop those patients, or generalize (birth decade, zip3 000) then drop'),
  ipfs: z.url().optional().describe('Also import the dataset into this Kubo node (RPC API URL) and pin it'),
});
export type PublishOptions = z.output<typeof PublishOptionsSchema>;

/** The key name of a dataset: `dataset-<slug>`, the slug from --dataset or the name. */
export function datasetKeyName(o: Pick<PublishOptions, 'name' | 'dataset'>): string {
  const slug =
    o.dataset ??
    o.name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64);
  if (!slug) {
    throw new SinsoError('The dataset name gives no usable key name.', {
      code: 'USAGE',
      fix: 'Pass --dataset NAME (lower-case letters, digits and -).',
    });
  }
  return `dataset-${slug}`;
}

/**
 * `publish` / `sinso publish`: checks k-anonymity (refusing below --min-k unless --suppress),
 * commits the tables (Poseidon), encrypts each table file with the per-dataset key, content-
 * addresses everything into the workspace blockstore, and writes the ERC-721 metadata manifest
 * (its CID is the token URI), a CAR for a storage deal and publish.json. It composes the
 * `tables.suppress` and `commit` stages and the storage adapters, so it lives with the registry.
 */
export const publishStage = defineStage({
  name: 'publish',
  version: '1',
  summary: 'Publish a dataset: k-anonymity check, commitment, encryption at rest, CIDs, manifest, CAR',
  options: PublishOptionsSchema,
  inputs: ['tables'],
  outputs: ['out'],
  needsKeys: true,
  output: { deterministic: true },
  async ownsOutput(_key, path) {
    try {
      return PublishRecordSchema.safeParse(JSON.parse(await readFile(join(path, 'publish.json'), 'utf8')))
        .success;
    } catch {
      return false;
    }
  },
  run: (ctx, o) => publish(ctx, o),
});

async function publish(ctx: StageContext, o: PublishOptions) {
  const workspace = ctx.workspace;
  if (!workspace) {
    throw new SinsoError('Publishing needs a workspace (the dataset key and the blockstore live there).', {
      code: 'WORKSPACE_NOT_FOUND',
      fix: 'Run `sinso init`, or pass --workspace DIR.',
    });
  }
  const keyName = datasetKeyName(o);
  const work = join(o.out, '.work');
  await mkdir(work, { recursive: true });
  try {
    let tablesDir = o.tables;
    let risk = await riskOf(tablesDir, o);
    let suppressed = false;
    if (risk.rows > 0 && risk.k < o.minK) {
      if (!o.suppress) {
        throw new SinsoError('The dataset is below the minimum k-anonymity; nothing was published.', {
          code: 'PUBLISH_BELOW_MIN_K',
          metaMessages: [
            `k = ${risk.k} over ${risk.quasiIdentifiers.join(', ')}; minimum ${o.minK}`,
            `${risk.classesBelowMinK} class(es) holding ${risk.rowsBelowMinK} patient(s) are below it`,
          ],
          fix: 'Pass --suppress drop (remove those patients) or --suppress generalize (coarsen birth year and ZIP first), choose other --qi, or lower --min-k.',
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
      suppressed = true;
    }
    if (risk.rows === 0) {
      throw new SinsoError(
        suppressed
          ? 'Suppression left no patient to publish; nothing was published.'
          : 'The tables hold no patient; nothing was published.',
        {
          code: 'PUBLISH_BELOW_MIN_K',
          fix: suppressed
            ? 'Try --suppress generalize, fewer or coarser --qi (e.g. age_band_10), or a lower --min-k.'
            : 'Build the tables from de-identified FHIR records that include Patient resources.',
        },
      );
    }
    const keys = await workspace.keys();
    const datasetKey = await keys.ensureSecret(keyName);
    const commitment = await buildCommitment({
      tablesDir,
      saltKey: deriveSaltKey(datasetKey),
      progress: ctx.progress,
      signal: ctx.signal,
    });
    // written where it is published: publishDataset reads it from there
    const commitmentFile = join(o.out, 'commitment.json');
    await writeFileAtomic(commitmentFile, `${canonicalJson(commitment, 2)}\n`);
    const blockstore = workspaceBlockstore(workspace);
    const { record, manifest } = await publishDataset({
      tablesDir,
      commitmentFile,
      risk,
      name: o.name,
      description: o.description,
      datasetKeyName: keyName,
      datasetKey,
      out: o.out,
      blockstore,
      progress: ctx.progress,
    });
    let pinnedAt: string | undefined;
    if (o.ipfs) {
      const r = await publishToIpfs({
        url: o.ipfs,
        blockstore,
        roots: record.car.roots.map((c) => CID.parse(c)),
      });
      pinnedAt = r.node;
      const withIpfs = parseWith(
        PublishRecordSchema,
        { ...record, ipfs: { pinned: true, node: r.node } },
        {
          what: 'publish record',
        },
      );
      await writeFileAtomic(join(o.out, 'publish.json'), `${canonicalJson(withIpfs, 2)}\n`);
    }
    const sup = manifest.properties.privacy.suppression;
    return {
      summary: {
        name: o.name,
        'token URI': record.tokenUri,
        'commitment root': record.commitmentRoot,
        rows: record.rows,
        tables: manifest.properties.tables.length,
        k: risk.k,
        'min k': o.minK,
        ...(suppressed && sup
          ? {
              suppression: sup.method,
              'patients dropped': sup.patientsDropped,
              'patients generalized': sup.patientsGeneralized,
              'rows dropped': sup.rowsDropped,
            }
          : {}),
        'CAR bytes': record.car.bytes,
        'dataset key': keyName,
        ...(pinnedAt === undefined ? {} : { 'pinned on': pinnedAt }),
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
