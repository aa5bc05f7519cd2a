import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SinsoError } from '../core/errors/index.js';
import type { StageContext } from '../core/stage.js';

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
      throw new SinsoError('The secret file could not be read.', {
        code: 'DEID_SECRET_INVALID',
        cause: err,
        fix: 'Check the path given to --secret-file.',
      });
    }
    const text = raw.toString('latin1').trim();
    if (/^[0-9a-fA-F]{64,}$/.test(text) && text.length % 2 === 0)
      return new Uint8Array(Buffer.from(text, 'hex'));
    if (raw.length >= 32) return new Uint8Array(raw);
    throw new SinsoError('The secret file holds too little key material.', {
      code: 'DEID_SECRET_INVALID',
      fix: 'Use at least 32 random bytes, or 64 hex characters (e.g. `openssl rand -hex 32 > secret.hex`).',
    });
  }
  if (!ctx.workspace) {
    throw new SinsoError('No pseudonymisation secret.', {
      code: 'DEID_SECRET_INVALID',
      fix: 'Pass --secret-file F, or run inside a workspace (`sinso init`) whose pseudonym-secret is used.',
    });
  }
  return (await ctx.workspace.keys()).secret('pseudonym-secret');
}
