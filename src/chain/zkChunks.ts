import { encodeAbiParameters, type Hex, keccak256, stringToHex, toHex } from 'viem';
import { z } from 'zod';
import { SchemaError } from '../core/errors/core.js';

/** The BN254 scalar field's modulus: the circuits' public signals are its elements. */
export const BN254_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The public signals of every chunk-query circuit, in snarkjs order. */
export const CHUNK_SIGNALS = [
  'count',
  'countX',
  'sumX',
  'sumSqX',
  'nChunks',
  'datasetRoot',
  'queryHash',
  'chunkIndex',
] as const;

const Decimal = z.string().regex(/^[0-9]{1,78}$/);
/** A snarkjs Groth16 proof (`groth16.prove`'s `proof`): decimal strings, projective coordinates. */
export const SnarkjsProofSchema = z.object({
  pi_a: z.array(Decimal).min(2),
  pi_b: z.array(z.array(Decimal).length(2)).min(2),
  pi_c: z.array(Decimal).min(2),
});
export type SnarkjsProof = z.infer<typeof SnarkjsProofSchema>;
/** A chunk's public signals: 8 field elements, as decimal strings. */
export const ChunkSignalsSchema = z.array(Decimal).length(8);

/** One chunk's proof as ZkQueryRegistry.submitChunks takes it. */
export type ChunkProof = {
  circuit: Hex;
  a: readonly [bigint, bigint];
  b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  c: readonly [bigint, bigint];
  signals: readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
};

/**
 * A circuit's id in ZkQueryRegistry: keccak256 of its name.
 *
 * @example
 * circuitId('chunk-query-p1-w64'); // 0x…
 */
export function circuitId(circuit: string): Hex {
  return keccak256(stringToHex(circuit));
}

/**
 * A snarkjs proof and its public signals as the registry's `Chunk` (G2 coordinates in the
 * order the Solidity verifier takes them, as snarkjs's `exportSolidityCallData` writes them).
 *
 * @example
 * const chunk = chunkProof('chunk-query-p1-w64', proof, publicSignals);
 */
export function chunkProof(circuit: string, proof: unknown, publicSignals: unknown): ChunkProof {
  const p = SnarkjsProofSchema.safeParse(proof);
  const s = ChunkSignalsSchema.safeParse(publicSignals);
  if (!p.success || !s.success) {
    throw new SchemaError(
      'SCHEMA_INVALID',
      { what: 'chunk proof', hint: "Give snarkjs groth16.prove's proof and its 8 public signals." },
      {
        issues: [...(p.error?.issues ?? []), ...(s.error?.issues ?? [])].map((i) => ({
          path: i.path.join('.'),
          message: i.message,
        })),
      },
    );
  }
  const n = (x: string | undefined) => BigInt(x ?? 0);
  const [b0, b1] = [p.data.pi_b[0] ?? [], p.data.pi_b[1] ?? []];
  return {
    circuit: circuitId(circuit),
    a: [n(p.data.pi_a[0]), n(p.data.pi_a[1])],
    b: [
      [n(b0[1]), n(b0[0])],
      [n(b1[1]), n(b1[0])],
    ],
    c: [n(p.data.pi_c[0]), n(p.data.pi_c[1])],
    signals: s.data.map((x) => BigInt(x)) as unknown as ChunkProof['signals'],
  };
}

/** A signed public signal (sumX): a field element above (p−1)/2 is negative. */
export function signedSignal(x: bigint): bigint {
  return x > (BN254_FIELD - 1n) / 2n ? x - BN254_FIELD : x;
}

/** A query's totals over all its chunks. */
export type ZkQueryTotals = { count: bigint; countX: bigint; sumX: bigint; sumSqX: bigint };

/**
 * The totals of a query's chunk proofs, added up as ZkQueryRegistry adds them.
 *
 * @example
 * const totals = zkTotals(chunks);
 */
export function zkTotals(chunks: readonly ChunkProof[]): ZkQueryTotals {
  const t = { count: 0n, countX: 0n, sumX: 0n, sumSqX: 0n };
  for (const c of chunks) {
    t.count += c.signals[0];
    t.countX += c.signals[1];
    t.sumX += signedSignal(c.signals[2]);
    t.sumSqX += c.signals[3];
  }
  return t;
}

/**
 * A complete query's result id, as ZkQueryRegistry records it and a zk-query usage receipt
 * names it as its resultHash: keccak256(abi.encode(tokenId, version, queryHash, count, countX,
 * sumX, sumSqX)).
 *
 * @example
 * const resultHash = zkResultId({ tokenId: 1n, version: 0n, queryHash, ...zkTotals(chunks) });
 */
export function zkResultId(
  p: { tokenId: bigint; version: bigint; queryHash: bigint | Hex } & ZkQueryTotals,
): Hex {
  const queryHash = typeof p.queryHash === 'bigint' ? toHex(p.queryHash, { size: 32 }) : p.queryHash;
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'uint256' },
        { type: 'uint256' },
        { type: 'bytes32' },
        { type: 'uint256' },
        { type: 'uint256' },
        { type: 'int256' },
        { type: 'uint256' },
      ],
      [p.tokenId, p.version, queryHash, p.count, p.countX, p.sumX, p.sumSqX],
    ),
  );
}
