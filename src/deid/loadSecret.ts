import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { StageContext } from '../core/stage.js';
import { DeidError } from './errors.js';

/** The `--secret-file` option every de-identifier takes (one definition, so they cannot drift). */
export const SecretFileOptionSchema = z
  .string()
  .min(1)
  .optional()
  .describe('Pseudonymisation secret: 64 hex characters or ≥ 32 raw bytes (default: the workspace secret)');

/**
 * The pseudonymisation secret: from `--secret-file` (64 hex characters, or at least 32 raw
 * bytes), else the workspace key `pseudonym-secret` (asks for the passphrase).
 */
export async function loadSecret(ctx: StageContext, secretFile: string | undefined): Promise<Uint8Array> {
  if (secretFile !== undefined) {
    let raw: Buffer;
    try {
      raw = await readFile(secretFile);
    } catch (err) {
      throw new DeidError('DEID_SECRET_INVALID', { problem: 'unreadable' }, { cause: err });
    }
    const text = raw.toString('latin1').trim();
    if (/^[0-9a-fA-F]{64,}$/.test(text) && text.length % 2 === 0)
      return new Uint8Array(Buffer.from(text, 'hex'));
    if (raw.length >= 32) return new Uint8Array(raw);
    throw new DeidError('DEID_SECRET_INVALID', { problem: 'too-short' });
  }
  if (!ctx.workspace) {
    throw new DeidError('DEID_SECRET_INVALID', { problem: 'none' });
  }
  return (await ctx.workspace.keys()).secret('pseudonym-secret');
}
