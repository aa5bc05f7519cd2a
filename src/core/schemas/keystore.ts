import { z } from 'zod';

const hex = (bytes?: number) =>
  z
    .string()
    .regex(
      bytes === undefined ? /^[0-9a-f]*$/ : new RegExp(`^[0-9a-f]{${bytes * 2}}$`),
      'must be lowercase hex',
    );

export const ScryptParamsSchema = z.strictObject({
  dklen: z.literal(32),
  n: z.number().int().min(2),
  r: z.number().int().min(1),
  p: z.number().int().min(1),
  salt: hex(),
});

export const Pbkdf2ParamsSchema = z.strictObject({
  dklen: z.literal(32),
  c: z.number().int().min(1),
  prf: z.literal('hmac-sha256'),
  salt: hex(),
});

/** What sinso adds to a v3 keystore file: public facts only. */
export const KeyMetaSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  kind: z.enum(['evm', 'secret']),
  /** EVM: checksummed address. Secret: first 16 hex of sha256('sinso/fingerprint/v1' ‖ key). */
  fingerprint: z.string(),
  /** true for keys derived from a public demo seed: never use them for real data. */
  insecureDemo: z.boolean().optional(),
});
export type KeyMeta = z.infer<typeof KeyMetaSchema>;

/**
 * Ethereum keystore v3 (Web3 Secret Storage): scrypt or pbkdf2 + AES-128-CTR + keccak256 MAC.
 * sinso uses the same scheme for every secret, with its public facts under `x-sinso`.
 */
export const KeystoreV3Schema = z.object({
  version: z.literal(3),
  id: z.string(),
  address: z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{40}$/)
    .optional(),
  crypto: z.object({
    cipher: z.literal('aes-128-ctr'),
    cipherparams: z.object({ iv: hex(16) }),
    ciphertext: hex(),
    kdf: z.enum(['scrypt', 'pbkdf2']),
    kdfparams: z.union([ScryptParamsSchema, Pbkdf2ParamsSchema]),
    mac: hex(32),
  }),
  'x-sinso': KeyMetaSchema.optional(),
});
export type KeystoreV3 = z.infer<typeof KeystoreV3Schema>;

/** Scrypt cost presets. `light` is geth's --lightkdf: for tests and the demo only. */
export const KdfPresetSchema = z.enum(['standard', 'light']);
export type KdfPreset = z.infer<typeof KdfPresetSchema>;
