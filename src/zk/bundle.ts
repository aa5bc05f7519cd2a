/**
 * The proof bundle `sinso query zk --out PROOF.json` writes and `sinso verify` checks: the query,
 * the dataset it was proved against (root, and the DataNFT version when it was pledged), the
 * table's public encoding, one Groth16 proof per chunk with its public signals, and the result.
 */
import { z } from 'zod';
import type { SchemaIssue } from '../core/errors/index.js';
import { parseWith, readJsonFile } from '../core/parse.js';
import { CommittedColumnEncodingSchema } from '../core/schemas/commitment.js';
import { CHUNK_QUERY_SIGNALS } from './circuits.js';
import { ZkError } from './errors.js';

const Decimal = z.string().regex(/^(0|[1-9]\d{0,77})$/);
const FieldHex = z.string().regex(/^0x[0-9a-f]{64}$/);

const G1 = z.tuple([Decimal, Decimal, Decimal]);
const G2 = z.tuple([z.tuple([Decimal, Decimal]), z.tuple([Decimal, Decimal]), z.tuple([Decimal, Decimal])]);
export const Groth16ProofSchema = z.strictObject({
  pi_a: G1,
  pi_b: G2,
  pi_c: G1,
  protocol: z.literal('groth16'),
  curve: z.literal('bn128'),
});
export type Groth16Proof = z.infer<typeof Groth16ProofSchema>;

export const PredicateSchema = z.strictObject({
  column: z.string(),
  op: z.enum(['=', '!=', '<', '<=', '>', '>=']),
  value: z.string(),
});

export const ZkResultSchema = z.strictObject({
  count: z.string().regex(/^\d+$/),
  countX: z.string().regex(/^\d+$/),
  sum: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .nullable(),
  sumSq: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .nullable(),
  avg: z.number().nullable(),
  varSamp: z.number().nullable(),
  varPop: z.number().nullable(),
});

export const ProofBundleSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-zk-proof'),
  system: z.literal('groth16-bn254'),
  query: z.strictObject({
    sql: z.string(),
    table: z.string(),
    valueColumn: z.string().nullable(),
    predicates: z.array(PredicateSchema),
  }),
  dataset: z.strictObject({
    root: FieldHex,
    commitmentVersion: z.literal('2'),
    /** The DataNFT token and version whose root this is, when the query ran on a pledge. */
    token: z
      .strictObject({
        chainId: z.number().int(),
        dataNft: z.string(),
        tokenId: z.string(),
        version: z.number().int().min(0),
      })
      .optional(),
    pledgeId: z.string().optional(),
  }),
  table: z.strictObject({
    name: z.string(),
    index: z.number().int().min(0),
    rows: z.number().int().min(1),
    encodingHash: FieldHex,
    /** The committed column encoding (public: names, types, scales, dictionaries). */
    columns: z.array(CommittedColumnEncodingSchema),
  }),
  queryHash: FieldHex,
  chunks: z.array(
    z.strictObject({
      index: z.number().int().min(0),
      circuit: z.string(),
      /** sha256 of the canonical JSON of the circuit's verification key. */
      vkSha256: z.string().regex(/^[0-9a-f]{64}$/),
      publicSignals: z.array(Decimal).length(CHUNK_QUERY_SIGNALS.length),
      proof: Groth16ProofSchema,
    }),
  ),
  result: ZkResultSchema,
});
export type ProofBundle = z.infer<typeof ProofBundleSchema>;

const notABundle = (issues: readonly SchemaIssue[], cause: unknown) =>
  new ZkError('ZK_BUNDLE_INVALID', { problem: 'it is not JSON of the bundle schema' }, { issues, cause });

/**
 * Reads a file given as a proof as JSON, not yet checked against the bundle schema (`sinso
 * verify` also takes other records, by their `kind`); a file that is not JSON is ZK_BUNDLE_INVALID.
 */
export function readProofJson(path: string): Promise<{ kind?: unknown }> {
  return readJsonFile(path, z.looseObject({ kind: z.unknown() }), {
    what: 'proof bundle',
    invalid: notABundle,
  });
}

/** Reads a proof bundle file; a file that is not a bundle is ZK_BUNDLE_INVALID. */
export async function readProofBundle(path: string): Promise<ProofBundle> {
  return parseProofBundle(await readProofJson(path));
}

/** A proof bundle from JSON already read (readProofBundle's check, without reading the file again). */
export function parseProofBundle(value: unknown): ProofBundle {
  return parseWith(ProofBundleSchema, value, { what: 'proof bundle', error: notABundle });
}
