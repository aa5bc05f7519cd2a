import { WorkspaceError } from '../core/errors/index.js';
import { defineStage } from '../core/stage.js';
import { writeJsonFile } from './adapters/jsonFiles.js';
import { buildCommitment } from './buildCommitment.js';
import { deriveSaltKey } from './rowSalt.js';
import { CommitOptionsSchema } from './schema.js';

/**
 * `commit` / `sinso commit`: the Poseidon commitment of a tables folder (commitment.json). The
 * row salts come from the workspace key `dataset-<dataset>` (created on first use), so the same
 * tables and key always give the same bytes.
 */
export const commitStage = defineStage({
  name: 'commit',
  version: '1',
  summary: 'Commit tables to a Poseidon Merkle root (BN254): row encoding, salted leaves, chunk trees',
  options: CommitOptionsSchema,
  inputs: ['tables'],
  outputs: ['out'],
  needsKeys: true,
  output: { deterministic: true },
  async run(ctx, o) {
    if (!ctx.workspace) {
      throw new WorkspaceError('WORKSPACE_NOT_FOUND', { needs: 'commit' });
    }
    const keys = await ctx.workspace.keys();
    const saltKey = deriveSaltKey(await keys.ensureSecret(`dataset-${o.dataset}`));
    const commitment = await buildCommitment({
      tablesDir: o.tables,
      saltKey,
      progress: ctx.progress,
      signal: ctx.signal,
      workers: o.workers,
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
