import { z } from 'zod';
import { datasetSecret } from '../core/datasetId.js';
import { defineStage } from '../core/stage.js';
import { writeJsonFile } from './adapters/jsonFiles.js';
import { buildCommitment } from './buildCommitment.js';
import { deriveSaltKey } from './rowSalt.js';
import { CommitOptionsSchema } from './schema.js';

/** What `commit` reports. */
export const CommitResultSchema = z.strictObject({
  root: z.string().describe('root'),
  tables: z.number().int().describe('tables'),
  rows: z.number().int().describe('rows'),
  chunks: z.number().int().describe('chunks'),
  version: z.string().describe('encoding version'),
});
export type CommitResult = z.output<typeof CommitResultSchema>;

/**
 * `commit` / `sinso commit`: the Poseidon commitment of a tables folder (commitment.json). The
 * row salts come from the workspace key `dataset-<id>` (created on first use), so the same
 * tables and key always give the same bytes.
 */
export const commitStage = defineStage({
  name: 'commit',
  version: '2',
  summary: 'Commit tables to a Poseidon Merkle root (BN254): salted column chunks (v2) or row leaves (v1)',
  options: CommitOptionsSchema,
  result: CommitResultSchema,
  inputs: ['tables'],
  outputs: ['out'],
  requires: {
    workspace: true,
    secrets: (o) => ({ dataset: datasetSecret(o.dataset, { create: true }) }),
  },
  output: { deterministic: true },
  cli: {
    positional: { key: 'tables', name: 'TABLES', many: false },
    description:
      'Encodes every value of every table into BN254 field elements (versioned encoding, docs/commitment.md). Version 2 (default): hashes each column of each chunk of 128 rows with a secret salt (salt, null bits, 128 values), 16 column hashes into a node and 16 nodes into the chunk root, so a zero-knowledge circuit opens only the columns a query touches. Version 1: hashes each row with a secret per-row salt into a Poseidon leaf, a 16-ary tree per chunk of 256 rows. Then a binary tree over the chunk roots and one dataset root over the table roots. The salt key is derived from the workspace secret `dataset-ID` (created on first use). Same tables and key: same bytes.',
    examples: [
      'sinso commit out/tables --out out/commitment.json',
      'sinso commit out/tables --out out/commitment.json --dataset cohort-2024 --workers 2',
      'sinso commit out/tables --out out/commitment-v1.json --version 1',
    ],
  },
  async run(ctx, o) {
    const commitment = await buildCommitment({
      tablesDir: o.tables,
      saltKey: deriveSaltKey(ctx.secrets.dataset),
      progress: ctx.progress,
      signal: ctx.signal,
      workers: o.workers,
      version: o.version === 1 ? '1' : '2',
    });
    await writeJsonFile(o.out, commitment);
    return {
      summary: {
        root: commitment.root,
        tables: commitment.tables.length,
        rows: commitment.rows,
        chunks: commitment.tables.reduce((n, t) => n + t.chunks, 0),
        version: commitment.version,
      },
    };
  },
});
