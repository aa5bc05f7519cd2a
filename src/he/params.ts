import { z } from 'zod';

/**
 * Parameter sets, each at 128-bit classical security under the Homomorphic Encryption Security
 * Standard (Albrecht et al., HomomorphicEncryption.org, 2018, Table 1, uniform ternary secret):
 * the total coefficient modulus may not exceed 218 bits at N = 8192 or 438 bits at N = 16384,
 * and SEAL itself refuses any set above those bounds (`SecurityLevel.tc128`).
 *
 * - BFV, N = 8192, q = 43+43+44+44+44 = 218 bits, t a 40-bit prime ≡ 1 (mod 2N) (batching: 8192
 *   slots). Sums are exact while |sum| < t/2 ≈ 5.5·10^11. Noise budget: ~124 bits fresh, ~70
 *   after one ciphertext product, ~16 after two: multiplicative depth 2 (an indicator × an
 *   indicator × a value, e.g. GROUP BY c, d with SUM(x)).
 * - BFV, N = 16384, q = 438 bits, t 40 bits: depth 5, each operation ~3–4× the cost.
 * - CKKS, N = 8192, q = 60+40+40+60 = 200 bits, scale 2^40 (4096 slots): depth 2, results
 *   within ~1e-7 relative error.
 */
export const BfvParamsSchema = z.strictObject({
  scheme: z.literal('bfv'),
  polyDegree: z.union([z.literal(8192), z.literal(16384)]),
  coeffModulusBits: z.array(z.number().int().min(20).max(60)).min(2),
  /** The plain modulus t (a prime ≡ 1 mod 2N), decimal. */
  plainModulus: z.string().regex(/^[1-9][0-9]{0,18}$/),
});
export const CkksParamsSchema = z.strictObject({
  scheme: z.literal('ckks'),
  polyDegree: z.union([z.literal(8192), z.literal(16384)]),
  coeffModulusBits: z.array(z.number().int().min(20).max(60)).min(3),
  scaleBits: z.number().int().min(20).max(59),
});
export const HeParamsSchema = z.discriminatedUnion('scheme', [BfvParamsSchema, CkksParamsSchema]);
export type HeParams = z.output<typeof HeParamsSchema>;

export const HE_SCHEMES = ['bfv', 'ckks'] as const;
export type HeScheme = (typeof HE_SCHEMES)[number];

/** The coefficient moduli of each default set (bits per prime). */
export const DEFAULT_COEFF_BITS: Record<HeScheme, Record<8192 | 16384, readonly number[]>> = {
  bfv: { 8192: [43, 43, 44, 44, 44], 16384: [48, 48, 48, 49, 49, 49, 49, 49, 49] },
  ckks: { 8192: [60, 40, 40, 60], 16384: [60, 40, 40, 40, 40, 40, 40, 60] },
};

/** Bits of the BFV plain modulus of the default sets. */
export const DEFAULT_PLAIN_BITS = 40;
export const DEFAULT_SCALE_BITS = 40;

/**
 * How many ciphertext-by-ciphertext products in a row a parameter set can take and still
 * decrypt correctly (measured: see the comment above; BFV 16384 keeps > 20 bits after 5).
 *
 * @example
 * multiplicativeDepth({ scheme: 'bfv', polyDegree: 8192, ... }) // 2
 */
export function multiplicativeDepth(p: HeParams): number {
  if (p.scheme === 'ckks') return p.coeffModulusBits.length - 2;
  return p.polyDegree === 8192 ? 2 : 5;
}

/** Slots of one ciphertext. */
export function slotCount(p: HeParams): number {
  return p.scheme === 'bfv' ? p.polyDegree : p.polyDegree / 2;
}

/** The largest |sum| a BFV set answers exactly (t/2 − 1); CKKS: none (it approximates). */
export function exactBound(p: HeParams): bigint | undefined {
  return p.scheme === 'bfv' ? BigInt(p.plainModulus) / 2n - 1n : undefined;
}
