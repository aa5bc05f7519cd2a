import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson } from '../../core/hash.js';
import { readJsonFile } from '../../core/parse.js';
import { type Commitment, CommitmentSchema } from '../../core/schemas/commitment.js';
import { CommitError } from '../errors.js';
import { type InclusionProof, InclusionProofSchema } from '../schema.js';

/**
 * Reads and validates commitment.json.
 *
 * @example
 * const commitment = await readCommitmentFile('out/commitment.json');
 */
export function readCommitmentFile(path: string): Promise<Commitment> {
  return readJsonFile(path, CommitmentSchema, {
    what: 'commitment file',
    invalid: (issues, cause) => new CommitError('COMMIT_INVALID', { problem: 'file' }, { issues, cause }),
  });
}

/**
 * Reads and validates an inclusion proof file.
 *
 * @example
 * const proof = await readInclusionProofFile('proof.json');
 */
export function readInclusionProofFile(path: string): Promise<InclusionProof> {
  return readJsonFile(path, InclusionProofSchema, {
    what: 'inclusion proof',
    invalid: (issues, cause) =>
      new CommitError('COMMIT_PROOF_INVALID', { step: 'format' }, { issues, cause }),
  });
}

/**
 * Writes a commitment or proof as canonical JSON (keys sorted, 2-space indent), atomically: the same
 * object always gives the same bytes, whoever writes it (publish copies it byte for byte).
 *
 * @example
 * await writeJsonFile('out/commitment.json', commitment);
 */
export async function writeJsonFile(path: string, value: Commitment | InclusionProof): Promise<void> {
  await writeFileAtomic(path, `${canonicalJson(value, 2)}\n`);
}
