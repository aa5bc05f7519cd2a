import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { type ErrorCode, wrapIoError } from '../../core/errors/index.js';
import { writeFileAtomic } from '../../core/fs.js';
import { parseWith } from '../../core/parse.js';
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
  return readJsonFile(path, CommitmentSchema, { what: 'commitment file', code: 'COMMIT_INVALID' });
}

/**
 * Reads and validates an inclusion proof file.
 *
 * @example
 * const proof = await readInclusionProofFile('proof.json');
 */
export function readInclusionProofFile(path: string): Promise<InclusionProof> {
  return readJsonFile(path, InclusionProofSchema, { what: 'inclusion proof', code: 'COMMIT_PROOF_INVALID' });
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

async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  o: { what: string; code: ErrorCode },
): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw wrapIoError(err, `Reading the ${o.what}`, 'Check the path.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CommitError(`The ${o.what} is not JSON.`, { code: o.code, cause: err, fix: 'Check the file.' });
  }
  return parseWith(schema, json, { what: o.what, code: o.code, fix: 'Check the file.' });
}
