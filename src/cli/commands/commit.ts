import {
  CommitError,
  deriveSaltKey,
  ProveInclusionOptionsSchema,
  proveInclusion,
  readCommitmentFile,
  readInclusionProofFile,
  VerifyInclusionOptionsSchema,
  type VerifyInclusionStep,
  verifyInclusion,
  writeJsonFile,
} from '../../commit/index.js';
import { datasetKey } from '../../core/datasetId.js';
import { ExitCode } from '../../core/errors/index.js';
import { defineCommand, requireWorkspace } from '../command.js';
import { formatTable } from '../format.js';

export const proveInclusionCommand = defineCommand({
  path: ['prove-inclusion'],
  summary: 'Prove that one row is in a committed dataset, revealing that row and nothing else',
  description:
    'Writes a JSON proof with the row (its values, their field encodings and its salt) and the sibling hashes from its leaf up to the dataset root. Siblings are salted hashes: they reveal nothing about other rows. Needs the workspace key the commitment was made with.',
  options: ProveInclusionOptionsSchema,
  examples: [
    'sinso prove-inclusion --tables out/tables --commitment out/commitment.json --table patients --row 7 --out proof.json',
  ],
  async run(ctx, o) {
    const ws = await requireWorkspace(ctx);
    // a read: a mistyped --dataset is an error, never a new key
    const saltKey = deriveSaltKey(await datasetKey(ws, o.dataset));
    const commitment = await readCommitmentFile(o.commitment);
    const proof = await proveInclusion({
      tablesDir: o.tables,
      commitment,
      saltKey,
      table: o.table,
      row: o.row,
    });
    await writeJsonFile(o.out, proof);
    ctx.print(
      formatTable([
        ['table', proof.table],
        ['row', String(proof.row)],
        ['chunk', String(proof.chunk.index)],
        ['dataset root', proof.datasetRoot],
        ['proof', o.out],
      ]),
      {
        table: proof.table,
        row: proof.row,
        chunk: proof.chunk.index,
        datasetRoot: proof.datasetRoot,
        out: o.out,
      },
    );
    return ExitCode.ok;
  },
});

export const verifyInclusionCommand = defineCommand({
  path: ['verify-inclusion'],
  summary: 'Check an inclusion proof against a commitment (no keys needed)',
  description:
    'Re-encodes the revealed row with the commitment’s column encoding and dictionaries, re-hashes it with its salt, and climbs the proof’s paths to the dataset root. Prints ok, or the step that failed (exit 1).',
  options: VerifyInclusionOptionsSchema,
  positional: { key: 'proof', name: 'PROOF', many: false },
  examples: ['sinso verify-inclusion proof.json --commitment out/commitment.json'],
  async run(ctx, o) {
    const commitment = await readCommitmentFile(o.commitment);
    const proof = await readInclusionProofFile(o.proof);
    let r: { ok: true } | { ok: false; step: VerifyInclusionStep; reason: string };
    try {
      r = await verifyInclusion(proof, commitment);
    } catch (err) {
      // a malformed proof (bad field element, other scheme or version) is reported the same way
      if (!(err instanceof CommitError && err.is('COMMIT_PROOF_INVALID'))) throw err;
      r = { ok: false, step: err.fields.step, reason: err.metaMessages[0] ?? err.shortMessage };
    }
    if (!r.ok) {
      ctx.io.stderr(`invalid: step ${r.step}: ${r.reason}\n`);
      ctx.print(`invalid (step: ${r.step})`, { ok: false, step: r.step, table: proof.table, row: proof.row });
      return ExitCode.fatal;
    }
    ctx.print(`ok: row ${proof.row} of ${proof.table} is in dataset ${commitment.root}`, {
      ok: true,
      table: proof.table,
      row: proof.row,
      datasetRoot: commitment.root,
    });
    return ExitCode.ok;
  },
});
