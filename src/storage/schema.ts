import { z } from 'zod';

const hexBytes = (n: number) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-f]{${2 * n}}$`), `must be 0x and ${n} bytes in lowercase hex`)
    .brand<`Hex${number}`>();

/** The one key-wrapping scheme sinso writes. */
export const WRAP_SCHEME = 'ecies-secp256k1-hkdf-sha256-aes-256-gcm' as const;

/**
 * A 32-byte dataset key wrapped for one EVM account's secp256k1 public key (ECIES): an ephemeral
 * public key, an AES-256-GCM nonce and the sealed key (32 bytes + 16-byte tag), all hex.
 */
export const WrappedKeySchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-wrapped-key'),
  scheme: z.literal(WRAP_SCHEME),
  /** The EVM address (EIP-55) of the account the key is wrapped for. */
  recipient: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an EVM address'),
  /** Uncompressed secp256k1 point 0x04‖X‖Y. */
  ephemeralPublicKey: hexBytes(65),
  nonce: hexBytes(12),
  ciphertext: hexBytes(48),
});
export type WrappedKey = z.infer<typeof WrappedKeySchema>;
