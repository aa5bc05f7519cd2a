import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { KeystoreError } from './errors/index.js';

/** The `--secret-file` option (one definition, so the stages that take it cannot drift). */
export const SecretFileOptionSchema = z
  .string()
  .min(1)
  .optional()
  .describe('Pseudonymisation secret: 64 hex characters or ≥ 32 raw bytes (default: the workspace secret)');

/**
 * Reads an operator's secret file: 64 (or more, even) hex characters, or at least 32 raw bytes.
 * Never says what the file held.
 *
 * @example
 * const secret = await readSecretFile('secret.hex'); // `openssl rand -hex 32 > secret.hex`
 */
export async function readSecretFile(path: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw new KeystoreError('SECRET_FILE_INVALID', { problem: 'unreadable' }, { cause: err });
  }
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64,}$/.test(text) && text.length % 2 === 0)
    return new Uint8Array(Buffer.from(text, 'hex'));
  if (raw.length >= 32) return new Uint8Array(raw);
  throw new KeystoreError('SECRET_FILE_INVALID', { problem: 'too-short' });
}
