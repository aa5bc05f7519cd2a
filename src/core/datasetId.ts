import { z } from 'zod';
import { KeystoreError, SinsoError } from './errors/index.js';
import type { SecretRequest } from './stage.js';
import type { Workspace } from './workspace.js';

/**
 * A dataset's id: one syntax for its DuckDB schema, its key name (`dataset-<id>`) and its slug in
 * paths and pipelines: a lower-case letter, then lower-case letters, digits and `-`, 63 at most.
 */
export const DatasetIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a lower-case letter, then lower-case letters, digits and - (63 at most)')
  .brand<'DatasetId'>();
export type DatasetId = z.output<typeof DatasetIdSchema>;

/** The `--dataset` option, with its default. */
export const DatasetIdOptionSchema = DatasetIdSchema.default('main' as DatasetId).describe(
  'Dataset id: its DuckDB schema and its key `dataset-ID` in the keystore',
);

/**
 * A dataset id from free text (a dataset's name): lower-cased, runs of other characters as `-`.
 * Undefined when nothing usable is left.
 *
 * @example
 * datasetIdFromName('Hospital A imaging 2025'); // 'hospital-a-imaging-2025'
 */
export function datasetIdFromName(name: string): DatasetId | undefined {
  const slug = name
    .normalize('NFKD')
    // the accents NFKD splits off (é → e + ◌́) go, so letters stay whole: São → sao
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  const r = DatasetIdSchema.safeParse(slug);
  return r.success ? r.data : undefined;
}

/** The keystore name of a dataset's key. */
export function datasetKeyName(id: DatasetId): string {
  return `dataset-${id}`;
}

/**
 * The requirement a stage declares for a dataset's key (`requires.secrets`). Only stages that
 * commit or encrypt a dataset create the key; every other use reads an existing one.
 *
 * @example
 * requires: { workspace: true, secrets: (o) => ({ dataset: datasetSecret(o.dataset, { create: true }) }) }
 */
export function datasetSecret(id: DatasetId, o: { create?: boolean } = {}): SecretRequest {
  return { key: datasetKeyName(id), create: o.create === true };
}

/**
 * Reads a dataset's key from the workspace; never creates one (a typo in an id is an error, not a
 * new key).
 *
 * @example
 * const key = await datasetKey(workspace, DatasetIdSchema.parse('owner-001'));
 */
export async function datasetKey(workspace: Workspace, id: DatasetId): Promise<Uint8Array> {
  try {
    return await (await workspace.keys()).secret(datasetKeyName(id));
  } catch (err) {
    if (!(err instanceof SinsoError) || err.code !== 'KEYSTORE_KEY_NOT_FOUND') throw err;
    throw new KeystoreError(
      'KEYSTORE_KEY_NOT_FOUND',
      { key: datasetKeyName(id), dataset: id },
      { cause: err },
    );
  }
}
