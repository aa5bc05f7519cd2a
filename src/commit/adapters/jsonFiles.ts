import { writeFileAtomic } from '../../core/fs.js';
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
 * Writes a commitment or proof as pretty JSON, atomically; the same object gives the same bytes.
 *
 * @example
 * await writeJsonFile('out/commitment.json', commitment);
 */
export async function writeJsonFile(path: string, value: Commitment | InclusionProof): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
