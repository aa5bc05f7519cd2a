import { chunkWitness, fieldHex, loadPoseidon } from '../../commit/index.js';
import type { Progress } from '../../core/progress.js';
import { silentProgress } from '../../core/progress.js';
import type { Commitment } from '../../core/schemas/commitment.js';
import type { ProofBundle } from '../bundle.js';
import { CHUNK_QUERY_SIGNALS, type ChunkQueryCircuit, CIRCUITS } from '../circuits.js';
import { ZkError } from '../errors.js';
import {
  assembleResult,
  type ChunkOutputs,
  planZkQuery,
  queryHash,
  signedField,
  type ZkQuerySpec,
} from '../plan.js';
import { chunkQueryInput, openingOf, pickCircuit } from '../witness.js';
import { type CircuitArtifacts, ensureCircuit, type SetupSource } from './build.js';
import { releaseCurves } from './curves.js';
import { proveInput } from './groth16.js';
import { readVerificationKeys } from './keys.js';

export type ProveQueryParameters = {
  sql: string;
  spec: ZkQuerySpec;
  tablesDir: string;
  commitment: Commitment;
  saltKey: Uint8Array;
  /** The DataNFT token version the commitment root is pledged as, when the query runs on a pledge. */
  token?: NonNullable<ProofBundle['dataset']['token']> | undefined;
  pledgeId?: string | undefined;
  circuits?: readonly ChunkQueryCircuit[] | undefined;
  setup?: SetupSource | undefined;
  /** Chunks proved at once (their witnesses overlap the other's multi-exponentiations); default 2. */
  concurrency?: number | undefined;
  progress?: Progress | undefined;
  signal?: AbortSignal | undefined;
};

/**
 * Proves a query chunk by chunk over the committed tables (the owner's side: it reads the rows and
 * the salt key) and returns the proof bundle. Each chunk is opened from the tables and checked
 * against the commitment (commit's chunkWitness), given to the cheapest circuit that fits it, and
 * proved with Groth16 (snarkjs: multi-exponentiations and FFTs on worker threads, one per core).
 */
export async function proveQuery(p: ProveQueryParameters): Promise<ProofBundle> {
  const plan = planZkQuery(p.commitment, p.spec);
  const poseidon = await loadPoseidon();
  const circuits = p.circuits ?? CIRCUITS;
  const progress = p.progress ?? silentProgress;
  const table = p.commitment.tables[plan.tableIndex] as Commitment['tables'][number];
  const datasetRoot = BigInt(p.commitment.root);
  const artifacts = new Map<string, Promise<CircuitArtifacts>>();
  const pinned = p.setup === undefined ? await readVerificationKeys() : undefined;
  const artifactsOf = (c: ChunkQueryCircuit) => {
    let a = artifacts.get(c.name);
    if (!a) {
      a = ensureCircuit(c, { setup: p.setup, progress }).then((built) => {
        // the default setup is reproducible: its keys must be the pinned ones, or no verifier
        // that trusts the pins would accept the proofs
        const pin = pinned?.get(c.name);
        if (pin && pin.sha256 !== built.vkSha256) {
          throw new ZkError('ZK_SETUP_INVALID', {
            circuit: c.name,
            problem:
              'its verification key is not the one pinned in circuits/keys (the circuit sources changed?)',
          });
        }
        return built;
      });
      artifacts.set(c.name, a);
    }
    return a;
  };
  const slots = circuits.find((c) => c.predicates >= plan.predicates.length)?.predicates;
  const eligible = circuits.filter((c) => c.predicates === slots);
  const first = eligible[0];
  if (!first) {
    throw new ZkError('ZK_QUERY_INVALID', {
      problem: `no circuit takes ${plan.predicates.length} predicates`,
    });
  }
  const qh = queryHash(poseidon, plan, first);
  const chunks: ProofBundle['chunks'] = new Array(plan.chunks);
  const task = progress.start(`prove ${plan.chunks} chunks`, plan.chunks);
  let next = 0;
  const worker = async () => {
    while (next < plan.chunks) {
      if (p.signal?.aborted) throw p.signal.reason;
      const k = next++;
      const w = await chunkWitness({
        tablesDir: p.tablesDir,
        commitment: p.commitment,
        saltKey: p.saltKey,
        table: table.name,
        chunk: k,
      });
      const opening = openingOf(w);
      const circuit = pickCircuit(plan, opening, eligible, { signed: signedField });
      const a = await artifactsOf(circuit);
      const input = chunkQueryInput(plan, circuit, opening, { datasetRoot, queryHash: qh });
      let proved: Awaited<ReturnType<typeof proveInput>>;
      try {
        proved = await proveInput(input, a);
      } catch (err) {
        throw new ZkError(
          'ZK_PROVE_FAILED',
          { chunk: k, reason: 'the circuit rejected the chunk’s witness' },
          { cause: err },
        );
      }
      chunks[k] = {
        index: k,
        circuit: circuit.name,
        vkSha256: a.vkSha256,
        publicSignals: proved.publicSignals,
        proof: proved.proof,
      };
      task.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, p.concurrency ?? 2) }, worker));
  } finally {
    task.done();
    await releaseCurves();
  }
  const signal = (c: ProofBundle['chunks'][number], name: (typeof CHUNK_QUERY_SIGNALS)[number]) =>
    BigInt(c.publicSignals[CHUNK_QUERY_SIGNALS.indexOf(name)] as string);
  const outputs: ChunkOutputs[] = chunks.map((c) => ({
    count: signal(c, 'count'),
    countX: signal(c, 'countX'),
    sumX: signedField(signal(c, 'sumX')),
    sumSqX: signal(c, 'sumSqX'),
  }));
  return {
    schema: '1',
    kind: 'sinso-zk-proof',
    system: 'groth16-bn254',
    query: {
      sql: p.sql,
      table: plan.table,
      valueColumn: plan.valueColumn,
      predicates: p.spec.predicates.map((x) => ({ ...x })),
    },
    dataset: {
      root: p.commitment.root,
      commitmentVersion: '2',
      ...(p.token ? { token: p.token } : {}),
      ...(p.pledgeId ? { pledgeId: p.pledgeId } : {}),
    },
    table: {
      name: table.name,
      index: plan.tableIndex,
      rows: table.rows,
      encodingHash: table.encodingHash,
      columns: table.columns.map((c) => ({ ...c })),
    },
    queryHash: fieldHex(qh),
    chunks,
    result: assembleResult(plan, outputs),
  };
}
