/**
 * Verifies a proof bundle: each check named, in order; the first that fails is the answer.
 * Throws only on malformed input (ZK_BUNDLE_INVALID); an invalid proof is a result, not an error.
 */
import { fieldHex, type Poseidon } from '../commit/index.js';
import { parseWith } from '../core/parse.js';
import type { Commitment } from '../core/schemas/commitment.js';
import { type ProofBundle, ProofBundleSchema } from './bundle.js';
import { CHUNK_QUERY_SIGNALS, CHUNK_ROWS, circuitByName } from './circuits.js';
import { ZkError } from './errors.js';
import { assembleResult, type ChunkOutputs, planZkQuery, queryHash, signedField } from './plan.js';

/** The checks of `sinso verify`, in the order they run. */
export const VERIFY_CHECKS = [
  'format',
  'encoding',
  'query',
  'root',
  'on-chain-root',
  'chunks',
  'proofs',
  'result',
] as const;
export type VerifyCheck = (typeof VERIFY_CHECKS)[number];

export type VerifyBundleReturnType =
  | { ok: true; bundle: ProofBundle; checks: readonly VerifyCheck[] }
  | { ok: false; bundle: ProofBundle; failed: VerifyCheck; reason: string; checks: readonly VerifyCheck[] };

export type VerifyBundleParameters = {
  bundle: unknown;
  poseidon: Poseidon;
  /** The encoding hash of a table's public column encoding (commit's, for version 2). */
  encodingHash(table: string, columns: ProofBundle['table']['columns']): bigint;
  /** The pinned verification key of a circuit with its sha256, or undefined if none is pinned. */
  verificationKey(circuit: string): { key: Record<string, unknown>; sha256: string } | undefined;
  verifyProof(
    key: Record<string, unknown>,
    publicSignals: readonly string[],
    proof: ProofBundle['chunks'][number]['proof'],
  ): Promise<boolean>;
  /** The DataNFT root of the bundle's token version, when the chain is at hand; undefined skips that check. */
  onChainRoot?:
    | ((token: NonNullable<ProofBundle['dataset']['token']>) => Promise<string | undefined>)
    | undefined;
};

/**
 * @example
 * const r = await verifyBundle({ bundle: JSON.parse(text), poseidon, encodingHash, verificationKey, verifyProof });
 * if (!r.ok) console.log(`invalid (check: ${r.failed})`);
 */
export async function verifyBundle(p: VerifyBundleParameters): Promise<VerifyBundleReturnType> {
  const bundle = parseWith(ProofBundleSchema, p.bundle, {
    what: 'proof bundle',
    error: (issues, cause) =>
      new ZkError('ZK_BUNDLE_INVALID', { problem: 'it does not match the bundle schema' }, { issues, cause }),
  });
  const passed: VerifyCheck[] = ['format'];
  const fail = (failed: VerifyCheck, reason: string): VerifyBundleReturnType => ({
    ok: false,
    bundle,
    failed,
    reason,
    checks: passed,
  });

  // encoding: the public column encoding is the one committed in the table root
  const t = bundle.table;
  if (fieldHex(p.encodingHash(t.name, t.columns)) !== t.encodingHash) {
    return fail('encoding', 'the column encoding does not hash to the encoding hash');
  }
  passed.push('encoding');

  // query: the query hash every proof is bound to, recomputed from the query and the encoding
  const commitmentView = {
    version: '2',
    tables: Array.from({ length: t.index + 1 }, (_, i) =>
      i === t.index
        ? { name: t.name, rows: t.rows, encodingHash: t.encodingHash, columns: t.columns }
        : { name: `\u0000${i}`, rows: 0, encodingHash: fieldHex(0n), columns: [] },
    ),
  } as unknown as Commitment;
  let plan: ReturnType<typeof planZkQuery>;
  try {
    plan = planZkQuery(commitmentView, bundle.query as Parameters<typeof planZkQuery>[1]);
  } catch (err) {
    if (err instanceof ZkError && err.code === 'ZK_QUERY_INVALID')
      return fail('query', 'the query does not fit the table');
    throw err;
  }
  const circuits = new Set(bundle.chunks.map((c) => c.circuit));
  const slots = new Set([...circuits].map((name) => circuitByName(name)?.predicates));
  const first = circuitByName(bundle.chunks[0]?.circuit ?? '');
  if (!first || slots.size !== 1 || slots.has(undefined))
    return fail('query', 'the chunks name unknown or mixed circuits');
  const qh = queryHash(p.poseidon, plan, first);
  if (fieldHex(qh) !== bundle.queryHash) return fail('query', 'the query hash is not the query’s');
  passed.push('query');

  // root: every proof is about the bundle's dataset root
  const signal = (c: ProofBundle['chunks'][number], name: (typeof CHUNK_QUERY_SIGNALS)[number]) =>
    BigInt(c.publicSignals[CHUNK_QUERY_SIGNALS.indexOf(name)] as string);
  const root = BigInt(bundle.dataset.root);
  if (bundle.chunks.some((c) => signal(c, 'datasetRoot') !== root || signal(c, 'queryHash') !== qh)) {
    return fail('root', 'a proof is about another dataset root or query');
  }
  passed.push('root');

  if (bundle.dataset.token && p.onChainRoot) {
    const onChain = await p.onChainRoot(bundle.dataset.token);
    if (onChain === undefined) return fail('on-chain-root', 'the DataNFT has no such token version');
    if (onChain.toLowerCase() !== bundle.dataset.root) {
      return fail('on-chain-root', 'the root is not the DataNFT’s root for that version');
    }
    passed.push('on-chain-root');
  }

  // chunks: each chunk of the table exactly once, in order
  const chunks = Math.ceil(t.rows / CHUNK_ROWS);
  if (
    bundle.chunks.length !== chunks ||
    bundle.chunks.some((c, i) => c.index !== i || signal(c, 'chunkIndex') !== BigInt(i))
  ) {
    return fail('chunks', `the bundle does not hold chunks 0 … ${chunks - 1} once each, in order`);
  }
  if (bundle.chunks.some((c) => signal(c, 'nChunks') !== BigInt(chunks))) {
    return fail('chunks', 'a proof counts another number of chunks than the table has');
  }
  passed.push('chunks');

  // proofs
  for (const c of bundle.chunks) {
    const vk = p.verificationKey(c.circuit);
    if (!vk || vk.sha256 !== c.vkSha256)
      return fail('proofs', `chunk ${c.index} names a verification key that is not pinned`);
    if (!(await p.verifyProof(vk.key, c.publicSignals, c.proof)))
      return fail('proofs', `the proof of chunk ${c.index} does not verify`);
  }
  passed.push('proofs');

  // result: the sum of the chunk outputs
  const outputs: ChunkOutputs[] = bundle.chunks.map((c) => ({
    count: signal(c, 'count'),
    countX: signal(c, 'countX'),
    sumX: signedField(signal(c, 'sumX')),
    sumSqX: signal(c, 'sumSqX'),
  }));
  const result = assembleResult(plan, outputs);
  if (JSON.stringify(result) !== JSON.stringify(bundle.result))
    return fail('result', 'the result is not the sum of the chunk results');
  passed.push('result');
  return { ok: true, bundle, checks: passed };
}
