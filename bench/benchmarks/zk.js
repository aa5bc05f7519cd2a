// @ts-check
/**
 * `npm run bench -- zk`: the two ZK candidates of issue #12 side by side, for --rows and
 * --rows-large rows, each figure beside its target:
 *
 *   SELECT COUNT(*), SUM(value) FROM observations WHERE age >= 30
 *
 * Workloads (each in a fresh child process):
 * - `commit-v2`: buildCommitment version 2 (column chunks, worker threads) of commit.js's
 *   8-column observations table of --rows-large rows: rows/s (target ≥ 50,000).
 * - `groth16`: sinso's product path (circom + snarkjs Groth16, commitment version 2). For each
 *   size: the observations table with an `age` column (commit.js's builder, cached under
 *   bench/out/), committed (version 2), and --sample chunks (evenly spaced) proved the way
 *   proveQuery proves one: chunkWitness (the opening, read from the tables and checked against
 *   the commitment) → chunkQueryInput → snarkjs wtns.calculate → groth16.prove, then
 *   groth16.verify; the outputs are checked against the rows' formula. Per chunk: opening,
 *   witness, prove and verify ms, with snarkjs's own log timing its phases (QAP, FFTs, MSMs);
 *   the proof's JSON and calldata size; constraints (the r1cs header). The rest of the chunks are
 *   extrapolated linearly from the proved ones (labelled "extrapolated from N proved chunks").
 *   On chain: the contracts deployed on a fresh embedded EDR chain (deployContracts), a DataNFT
 *   minted with the dataset root, the proved chunks submitted to ZkQueryRegistry.submitChunks in
 *   one transaction; a second token of the same root splits the gas into a first-transaction
 *   base, a later-transaction base and a per-chunk part, from which a whole query's gas and its
 *   number of transactions of ≤ 1.5M gas follow. Setup (compile, powers of tau, zkey): measured
 *   in a fresh temporary cache only with --setup 1 (minutes); otherwise the cache's file times.
 * - `noir`: bench/zk/noir.js's noirCandidate (Noir + UltraHonk, chunk --noir-chunk rows, a local
 *   INSECURE CRS: proving time does not depend on it) for the same sizes and sample.
 *
 * Load: the machine is shared; every workload records the 1-minute load average before and after.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { buildCommitment } from '../../dist/commit/buildCommitment.js';
import { chunkWitness, loadPoseidon } from '../../dist/commit/index.js';
import { deriveSaltKey } from '../../dist/commit/rowSalt.js';
import { silentProgress } from '../../dist/core/progress.js';
import { ensureCircuit } from '../../dist/zk/adapters/build.js';
import { releaseCurves } from '../../dist/zk/adapters/curves.js';
import { readR1csSize } from '../../dist/zk/adapters/zkey.js';
import { CHUNK_QUERY_SIGNALS, CHUNK_ROWS, CIRCUITS, circuitByName } from '../../dist/zk/circuits.js';
import { planZkQuery, queryHash, signedField, zkQuerySpec } from '../../dist/zk/plan.js';
import { parseZkQuery } from '../../dist/zk/sql.js';
import { chunkQueryInput, openingOf, pickCircuit } from '../../dist/zk/witness.js';
import { noirCandidate } from '../zk/noir.js';
import { observationsTables } from './commit.js';

const SQL = 'SELECT COUNT(*), SUM(value) FROM observations WHERE age >= 30';
/** The issue's targets. */
const TARGETS = { provingRowsPerSec: 1000, queryGas: 1_500_000, commitRowsPerSec: 50_000 };
/** What a Groth16 proof is on chain: a (2 × 32 B), b (4 × 32 B), c (2 × 32 B). */
const GROTH16_CALLDATA_BYTES = 256;
/**
 * Not measured (the sampled chunks never complete the query): the completing transaction's
 * extra, from ZkQueryRegistry.sol: the result record (2 new slots, 2 × 22,100), its id
 * (keccak of 224 bytes) and QueryVerified (LOG4, 160 bytes of data).
 */
const COMPLETION_GAS_ESTIMATE = 48_000;
const SALT_KEY = () => deriveSaltKey(new Uint8Array(32).fill(1));

const round = (/** @type {number} */ x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => round(loadavg()[0] ?? 0, 2);
/** @param {readonly number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
/** @param {readonly number[]} xs */
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
/** `sample` chunk indices evenly spaced over `chunks` (all of them when sample ≥ chunks). */
const sampled = (/** @type {number} */ chunks, /** @type {number} */ sample) =>
  sample > 0 && sample < chunks
    ? Array.from({ length: sample }, (_, k) => Math.floor((k * chunks) / sample))
    : Array.from({ length: chunks }, (_, k) => k);
const sizesOf = (/** @type {Record<string, string | number>} */ p) => [
  Number(p.rows),
  Number(p['rows-large']),
];
const log = (/** @type {string} */ m) => process.stderr.write(`zk: ${m}\n`);

// ---------------------------------------------------------------------------------------------
// commit-v2
// ---------------------------------------------------------------------------------------------

/** @type {import('../types.js').Workload<{ dir: string, loadBefore: number }>} */
const commitWorkload = {
  name: 'commit-v2',
  description: 'buildCommitment version 2 of the 8-column observations table (--rows-large rows), rows/s',
  async setup(p) {
    return { dir: await observationsTables(Number(p['rows-large'])), loadBefore: load() };
  },
  async run(_p, s) {
    const workers = availableParallelism();
    const t0 = performance.now();
    const c = await buildCommitment({
      tablesDir: s.dir,
      saltKey: SALT_KEY(),
      progress: silentProgress,
      workers,
      version: '2',
    });
    const seconds = (performance.now() - t0) / 1000;
    return {
      units: c.rows,
      unit: 'rows',
      extra: {
        rowsPerSec: round(c.rows / seconds, 0),
        seconds: round(seconds, 3),
        workers,
        columns: c.tables[0]?.columns.length,
        chunks: c.tables[0]?.chunks,
        loadAvg1m: { before: s.loadBefore, after: load(), cores: cpus().length },
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// groth16
// ---------------------------------------------------------------------------------------------

/** The expected outputs of chunk k of the observations table (commit.js's row formulas). */
function expectedChunk(/** @type {number} */ k, /** @type {number} */ rows) {
  let count = 0n;
  let countX = 0n;
  let sumX = 0n;
  for (let i = k * CHUNK_ROWS; i < Math.min(rows, (k + 1) * CHUNK_ROWS); i++) {
    if (i % 37 === 0 || (i * 13) % 90 < 30) continue;
    count++;
    if (i % 50 === 0) continue;
    countX++;
    sumX += BigInt((i * 7919) % 200000) * 10n; // DECIMAL(18,4): value × 10^4, value = x / 1000
  }
  return { count, countX, sumX };
}

/**
 * Reads the times between snarkjs's debug messages of one groth16.prove into phases: reading the
 * witness and coefficients, the QAP evaluation (buildABC), the 6 FFTs (3 iFFT + 3 FFT on the
 * coset), joinABC, and the 5 multi-exponentiations (A, B1, B2 on G2, C, H) with their point reads.
 * @param {{ t: number, m: string }[]} marks @param {number} start @param {number} end
 */
function provePhases(marks, start, end) {
  const at = (/** @type {(m: string) => boolean} */ f) => marks.find((x) => f(x.m))?.t;
  const abc = at((m) => m === 'Building ABC') ?? start;
  const fft = at((m) => /^I?FFT_/.test(m));
  const join = at((m) => m === 'Join ABC');
  const points = at((m) => m === 'Reading A Points');
  if (join === undefined || points === undefined) return undefined;
  return {
    readMs: abc - start,
    ...(fft === undefined ? { qapAndFftMs: join - abc } : { qapMs: fft - abc, fftMs: join - fft }),
    joinMs: points - join,
    msmMs: end - points,
  };
}

/**
 * The gas of a query of `chunks` chunks from the measured parts, in transactions of at most
 * `limit` gas each (the last one also completes the query).
 * @param {{ perChunk: number, firstBase: number, nextBase: number }} g @param {number} chunks @param {number} limit
 */
function queryGas(g, chunks, limit) {
  const oneTx = g.firstBase + chunks * g.perChunk + COMPLETION_GAS_ESTIMATE;
  if (oneTx <= limit) return { gas: oneTx, transactions: 1, chunksPerTx: chunks };
  const first = Math.floor((limit - g.firstBase) / g.perChunk);
  const next = Math.floor((limit - g.nextBase - COMPLETION_GAS_ESTIMATE) / g.perChunk);
  if (first < 1 || next < 1) return { gas: oneTx, transactions: Number.POSITIVE_INFINITY, chunksPerTx: 0 };
  const transactions = 1 + Math.ceil((chunks - first) / next);
  return {
    gas: g.firstBase + (transactions - 1) * g.nextBase + chunks * g.perChunk + COMPLETION_GAS_ESTIMATE,
    transactions,
    chunksPerTx: next,
  };
}

/**
 * Setup times: with `fresh`, the circuit built into a temporary cache (compile, powers of tau,
 * zkey, each timed by its progress task); else read from the main cache's file times where they
 * tell (compile: main.circom written → .complete), "cached" otherwise.
 * @param {import('../../dist/zk/circuits.js').ChunkQueryCircuit} circuit @param {boolean} fresh
 * @param {Awaited<ReturnType<typeof ensureCircuit>>} artifacts
 */
async function setupTimes(circuit, fresh, artifacts) {
  if (fresh) {
    const cacheRoot = await mkdtemp(join(tmpdir(), 'sinso-bench-zk-setup-'));
    /** @type {Record<string, number>} */
    const ms = {};
    const progress = {
      start(/** @type {string} */ label) {
        const t0 = performance.now();
        log(`setup (fresh cache): ${label}…`);
        return {
          tick() {},
          done() {
            ms[label] = round(performance.now() - t0, 0);
          },
        };
      },
    };
    const t0 = performance.now();
    try {
      await ensureCircuit(circuit, { cacheRoot, progress });
    } finally {
      await rm(cacheRoot, { recursive: true, force: true });
    }
    return { source: 'measured in a fresh temporary cache', totalMs: round(performance.now() - t0, 0), ms };
  }
  const { stat } = await import('node:fs/promises');
  const dir = join(artifacts.r1cs, '..');
  try {
    const started = (await stat(join(dir, 'main.circom'))).mtimeMs;
    const done = (await stat(join(dir, '.complete'))).mtimeMs;
    return {
      source:
        'cached: compile time from the cache entry’s file times; powers of tau and zkey not recorded (--setup 1 measures them)',
      ms: { [`compile ${circuit.name}`]: round(done - started, 0) },
    };
  } catch {
    return { source: 'cached (no timings recorded; --setup 1 measures them)', ms: {} };
  }
}

/**
 * Proves `sample` chunks of the table of `rows` rows; returns the per-chunk figures and the
 * proved chunks (as the registry takes them).
 * @param {number} rows @param {number} sample @param {string} circuitParam
 */
async function groth16Size(rows, sample, circuitParam) {
  const tablesDir = await observationsTables(rows, { age: true });
  const saltKey = SALT_KEY();
  const tc = performance.now();
  const commitment = await buildCommitment({ tablesDir, saltKey, progress: silentProgress, version: '2' });
  const commitSeconds = (performance.now() - tc) / 1000;
  const plan = planZkQuery(commitment, zkQuerySpec(parseZkQuery(SQL)));
  const poseidon = await loadPoseidon();
  const table = /** @type {(typeof commitment.tables)[number]} */ (commitment.tables[plan.tableIndex]);
  const datasetRoot = BigInt(commitment.root);
  const fixed = circuitParam === 'auto' ? undefined : circuitByName(circuitParam);
  if (circuitParam !== 'auto' && !fixed) throw new Error(`no circuit ${circuitParam}`);
  const eligible = fixed ? [fixed] : CIRCUITS.filter((c) => c.predicates >= plan.predicates.length);
  /** @type {Map<string, Awaited<ReturnType<typeof ensureCircuit>>>} */
  const artifacts = new Map();
  const artifactsOf = async (/** @type {import('../../dist/zk/circuits.js').ChunkQueryCircuit} */ c) => {
    let a = artifacts.get(c.name);
    if (!a) {
      a = await ensureCircuit(c, { progress: silentProgress });
      artifacts.set(c.name, a);
    }
    return a;
  };
  const qh = queryHash(poseidon, plan, /** @type {(typeof eligible)[number]} */ (eligible[0]));
  const prove =
    /** @type {(zkey: string, witness: Uint8Array, logger: unknown) => Promise<{ proof: any, publicSignals: string[] }>} */ (
      /** @type {unknown} */ (snarkjs.groth16.prove)
    );
  /** @type {any[]} */
  const chunks = [];
  for (const k of sampled(plan.chunks, sample)) {
    const t0 = performance.now();
    const w = await chunkWitness({ tablesDir, commitment, saltKey, table: table.name, chunk: k });
    const opening = openingOf(w);
    const picked = pickCircuit(plan, opening, CIRCUITS, { signed: signedField });
    const circuit = pickCircuit(plan, opening, eligible, { signed: signedField });
    const input = chunkQueryInput(plan, circuit, opening, { datasetRoot, queryHash: qh });
    const t1 = performance.now();
    // the keys are loaded once per process (the cache's; built first if missing): not timed
    const a = await artifactsOf(circuit);
    const t1b = performance.now();
    /** @type {{ type: 'mem', data?: Uint8Array }} */
    const wtns = { type: 'mem' };
    await snarkjs.wtns.calculate(input, a.wasm, wtns);
    if (!wtns.data) throw new Error('snarkjs computed no witness');
    const t2 = performance.now();
    const witnessMs = t2 - t1b;
    /** @type {{ t: number, m: string }[]} */
    const marks = [];
    const mark = (/** @type {string} */ m) => marks.push({ t: performance.now(), m });
    const logger = { debug: mark, info: mark, warn: mark, error: mark };
    const { proof, publicSignals } = await prove(a.zkey, wtns.data, logger);
    const t3 = performance.now();
    const verified = await snarkjs.groth16.verify(a.verificationKey, publicSignals, proof);
    const t4 = performance.now();
    if (!verified) throw new Error(`chunk ${k}: the proof does not verify`);
    const signal = (/** @type {(typeof CHUNK_QUERY_SIGNALS)[number]} */ n) =>
      BigInt(publicSignals[CHUNK_QUERY_SIGNALS.indexOf(n)] ?? -1);
    const want = expectedChunk(k, rows);
    if (
      signal('count') !== want.count ||
      signal('countX') !== want.countX ||
      signedField(signal('sumX')) !== want.sumX
    ) {
      throw new Error(
        `chunk ${k}: the proved outputs are not the rows' (count ${signal('count')} ≠ ${want.count}?)`,
      );
    }
    const c = {
      index: k,
      circuit: circuit.name,
      productCircuit: picked.name,
      openMs: t1 - t0,
      witnessMs,
      proveMs: t3 - t2,
      verifyMs: t4 - t3,
      phases: provePhases(marks, t2, t3),
      proofJsonBytes: Buffer.byteLength(JSON.stringify(proof)),
      proof,
      publicSignals,
    };
    log(
      `groth16 ${rows} rows, chunk ${k}/${plan.chunks} (${circuit.name}): open ${round(c.openMs)} ms, witness ${round(c.witnessMs)} ms, prove ${round(c.proveMs)} ms, verify ${round(c.verifyMs)} ms (load ${load()})`,
    );
    chunks.push(c);
  }
  await releaseCurves();
  return { rows, chunks: plan.chunks, commitment, commitSeconds, proved: chunks, artifacts };
}

/**
 * Deploys the contracts on a fresh embedded chain, mints the sizes' roots and submits their
 * proved chunks; returns the gas figures per size.
 * @param {Awaited<ReturnType<typeof groth16Size>>[]} sizes
 */
async function groth16Gas(sizes) {
  const { openChain } = await import('../../dist/chain/connect.js');
  const { deployContracts, openMarket } = await import('../../dist/chain/market.js');
  const { chunkProof } = await import('../../dist/chain/zkChunks.js');
  const { systemClock } = await import('../../dist/core/clock.js');
  const { privateKeyToAccount } = await import('viem/accounts');
  const { toHex } = await import('viem');
  const chainDir = await mkdtemp(join(tmpdir(), 'sinso-bench-zk-chain-'));
  const chain = await openChain({ chainDir, clock: systemClock });
  try {
    // a fixed public test key (the embedded chain funds it): never use it on a real chain
    const account = privateKeyToAccount(`0x${'01'.padStart(64, '0')}`);
    const { gas: deployGas, ...deployment } = await deployContracts(chain, account);
    await chain.saveDeployment(deployment);
    const market = openMarket(chain);
    const cid = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq';
    /** @type {Record<string, unknown>[]} */
    const out = [];
    for (const s of sizes) {
      const root = toHex(BigInt(s.commitment.root), { size: 32 });
      const proofs = s.proved.map((c) => chunkProof(c.circuit, c.proof, c.publicSignals));
      const n = proofs.length;
      // token A: the whole sample in one transaction
      const a = (await market.mint(account, cid, root)).tokenId;
      const sent = await market.submitChunks(account, { tokenId: a, version: 0n, chunks: proofs });
      const sampleGas = Number(sent.gasUsed);
      // token B (same root): the first chunk alone (a query's first transaction), then the
      // second alone (a later transaction of the same query)
      let perChunk;
      let firstBase;
      let nextBase;
      let split = true;
      if (n >= 2) {
        const b = (await market.mint(account, cid, root)).tokenId;
        const one = { tokenId: b, version: 0n };
        const g1 = Number(
          (await market.submitChunks(account, { ...one, chunks: proofs.slice(0, 1) })).gasUsed,
        );
        const g2 = Number(
          (await market.submitChunks(account, { ...one, chunks: proofs.slice(1, 2) })).gasUsed,
        );
        perChunk = (sampleGas - g1) / (n - 1);
        firstBase = g1 - perChunk;
        nextBase = g2 - perChunk;
      } else {
        // one chunk: no split (an upper bound per chunk)
        perChunk = sampleGas;
        firstBase = 0;
        nextBase = 0;
        split = false;
      }
      // the registry's seen-bitmap has a word per 256 chunks: each sampled chunk in a word of
      // its own writes a new slot, which a whole query sent in order pays once per 256 chunks
      const bitmapWords = new Set(s.proved.map((c) => c.index >> 8)).size;
      const g = { perChunk, firstBase, nextBase };
      out.push({
        rows: s.rows,
        sampleTx: { chunks: n, gasUsed: sampleGas, calldataBytesPerChunk: 32 * (1 + 2 + 4 + 2 + 8) },
        perChunkGas: Math.round(perChunk),
        firstTxBaseGas: Math.round(firstBase),
        laterTxBaseGas: Math.round(nextBase),
        split,
        bitmapWords,
        completionGasEstimate: COMPLETION_GAS_ESTIMATE,
        query: { chunks: s.chunks, ...queryGas(g, s.chunks, TARGETS.queryGas) },
        perChunkGasModel: g,
      });
      log(
        `groth16 gas ${s.rows} rows: ${n} chunks in one tx ${sampleGas} gas → ${Math.round(perChunk)} per chunk, base ${Math.round(firstBase)} (first tx) / ${Math.round(nextBase)} (later)`,
      );
    }
    return {
      deployGas: {
        dataNft: Number(deployGas.dataNft),
        zkQueryRegistry: Number(deployGas.zkQueryRegistry),
        pledgeMarket: Number(deployGas.pledgeMarket),
        verifiers: Object.fromEntries(Object.entries(deployGas.zkVerifiers).map(([k, v]) => [k, Number(v)])),
      },
      sizes: out,
    };
  } finally {
    await chain.close();
    await rm(chainDir, { recursive: true, force: true });
  }
}

/** @type {import('../types.js').Workload<{ loadBefore: number }>} */
const groth16Workload = {
  name: 'groth16',
  description:
    'circom + snarkjs Groth16 over a v2 commitment: --sample chunks proved per size (opening, witness, prove, verify), gas on EDR',
  setup: () => ({ loadBefore: load() }),
  async run(p, s) {
    const sample = Number(p.sample);
    const circuitParam = String(p.circuit);
    /** @type {Awaited<ReturnType<typeof groth16Size>>[]} */
    const sizes = [];
    for (const rows of sizesOf(p)) sizes.push(await groth16Size(rows, sample, circuitParam));
    const gas = await groth16Gas(sizes);
    const first = /** @type {(typeof sizes)[number]} */ (sizes[0]);
    const usedCircuit = /** @type {string} */ (first.proved[0]?.circuit);
    const a = /** @type {Awaited<ReturnType<typeof ensureCircuit>>} */ (first.artifacts.get(usedCircuit));
    /** @type {Record<string, Awaited<ReturnType<typeof readR1csSize>>>} */
    const headers = {};
    for (const c of CIRCUITS) {
      const built = await ensureCircuit(c, { progress: silentProgress });
      headers[c.name] = await readR1csSize(built.r1cs);
    }
    const setup = await setupTimes(
      /** @type {import('../../dist/zk/circuits.js').ChunkQueryCircuit} */ (circuitByName(usedCircuit)),
      Number(p.setup) === 1,
      a,
    );
    await releaseCurves();
    const all = sizes.flatMap((z) => z.proved);
    const phaseSum = (/** @type {string} */ k) => mean(all.map((c) => Number(c.phases?.[k] ?? 0)));
    const proveMs = mean(all.map((c) => c.proveMs));
    const limits = {
      openMs: round(mean(all.map((c) => c.openMs))),
      witnessMs: round(mean(all.map((c) => c.witnessMs))),
      proveMs: round(proveMs),
      proveSplitMs: {
        read: round(phaseSum('readMs')),
        qap: round(phaseSum('qapMs')),
        fft: round(phaseSum('fftMs')),
        qapAndFft: round(phaseSum('qapAndFftMs')),
        join: round(phaseSum('joinMs')),
        msm: round(phaseSum('msmMs')),
        meaning:
          "from snarkjs's debug log: read = witness + coefficients; qap = buildABC; fft = 3 iFFT + 3 coset FFT over 2^15; join = joinABC; msm = the 5 multi-exponentiations (A, B1, C, H on G1, B2 on G2) with their point reads",
      },
    };
    const perSize = sizes.map((z, i) => {
      const perChunkMs = z.proved.map((c) => c.openMs + c.witnessMs + c.proveMs);
      const totalSeconds = (mean(perChunkMs) * z.chunks) / 1000;
      const rowsPerSec = z.rows / totalSeconds;
      const g = /** @type {Record<string, any>} */ (gas.sizes[i]);
      return {
        rows: z.rows,
        chunks: z.chunks,
        provedChunks: z.proved.length,
        extrapolated: z.proved.length < z.chunks,
        label:
          z.proved.length < z.chunks
            ? `extrapolated from ${z.proved.length} proved chunks (of ${z.chunks})`
            : `all ${z.chunks} chunks proved`,
        circuit: z.proved[0]?.circuit,
        productCircuit: z.proved[0]?.productCircuit,
        commitSeconds: round(z.commitSeconds, 2),
        openMsPerChunk: round(median(z.proved.map((c) => c.openMs))),
        witnessMsPerChunk: round(median(z.proved.map((c) => c.witnessMs))),
        proveMsPerChunk: round(median(z.proved.map((c) => c.proveMs))),
        verifyMsPerChunk: round(median(z.proved.map((c) => c.verifyMs))),
        totalProvingSeconds: round(totalSeconds),
        provingRowsPerSec: round(rowsPerSec),
        costMsPerRow: round((totalSeconds * 1000) / z.rows, 3),
        proofJsonBytes: z.proved[0]?.proofJsonBytes,
        proofCalldataBytes: GROTH16_CALLDATA_BYTES,
        gas: g,
        targets: {
          provingRowsPerSec: {
            value: round(rowsPerSec),
            min: TARGETS.provingRowsPerSec,
            met: rowsPerSec >= TARGETS.provingRowsPerSec,
          },
          queryGas: { value: g.query.gas, max: TARGETS.queryGas, met: g.query.gas <= TARGETS.queryGas },
        },
      };
    });
    const used = headers[usedCircuit];
    return {
      units: sizes.reduce((n, z) => n + z.proved.length * CHUNK_ROWS, 0),
      unit: 'rows proved',
      extra: {
        system: 'groth16-bn254 (circom2 + snarkjs 0.7.6), commitment version 2',
        query: SQL,
        chunkRows: CHUNK_ROWS,
        circuit: usedCircuit,
        circuits: Object.fromEntries(
          Object.entries(headers).map(([n, h]) => [
            n,
            { ...h, constraintsPerRow: round(h.constraints / CHUNK_ROWS) },
          ]),
        ),
        constraints: used?.constraints,
        constraintsPerRow: used ? round(used.constraints / CHUNK_ROWS) : undefined,
        sizes: perSize,
        limits,
        deployGas: gas.deployGas,
        setup,
        loadAvg1m: { before: s.loadBefore, after: load(), cores: cpus().length },
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// noir
// ---------------------------------------------------------------------------------------------

/** @type {import('../types.js').Workload<{ loadBefore: number }>} */
const noirWorkload = {
  name: 'noir',
  description:
    'Noir + UltraHonk (bench/zk/noir.js): --sample chunks of --noir-chunk rows proved per size, Solidity verifier gas',
  setup: () => ({ loadBefore: load() }),
  async run(p, s) {
    const chunk = Number(p['noir-chunk']);
    const sample = Number(p.sample);
    /** @type {Awaited<ReturnType<typeof noirCandidate>>[]} */
    const sizes = [];
    for (const [i, rows] of sizesOf(p).entries()) {
      sizes.push(
        await noirCandidate({
          rows,
          chunk,
          sample,
          // the verifier's gas does not depend on the rows: measured once
          gas: i === 0,
          log: (m) => log(`noir ${rows} rows: ${m} (load ${load()})`),
        }),
      );
    }
    const first = /** @type {(typeof sizes)[number]} */ (sizes[0]);
    const solidity = /** @type {Record<string, any>} */ (first.verified.solidity);
    const verify = solidity.localG2 ?? solidity.ignitionG2;
    const verifyGas = Number(verify?.verifyGas);
    return {
      units: sizes.reduce((n, z) => n + z.provedChunks * chunk, 0),
      unit: 'rows proved',
      extra: {
        system: first.system,
        versions: first.versions,
        chunkRows: chunk,
        gates: first.gates,
        gatesDyadic: first.gatesDyadic,
        gatesPerRow: first.gatesPerRow,
        verifyGasPerProof: verifyGas,
        solidityVerifies: solidity.localG2?.result === true,
        calldataBytes: verify?.calldataBytes,
        deployGas: verify?.deployGas,
        compileMs: first.compileMs,
        compileCached: first.compileCached,
        vkMs: first.vkMs,
        crs: first.crs,
        sizes: sizes.map((z) => {
          // one proof per transaction: each verify call is its own
          const queryGasTotal = verifyGas * z.chunks;
          return {
            rows: z.rows,
            chunks: z.chunks,
            provedChunks: z.provedChunks,
            extrapolated: z.extrapolated,
            label: z.extrapolated
              ? `extrapolated from ${z.provedChunks} proved chunks (of ${z.chunks})`
              : `all ${z.chunks} chunks proved`,
            witnessMsPerChunk: z.witnessMsPerChunk,
            proveMsPerChunk: z.proveMsPerChunk,
            verifyMsPerChunk: z.verifyMsPerChunk,
            totalProvingSeconds: z.totalProvingSeconds,
            provingRowsPerSec: z.provingRowsPerSec,
            costMsPerRow: round((z.totalProvingSeconds * 1000) / z.rows, 3),
            proofBytes: z.proofBytes,
            outputsCorrect: z.outputsCorrect,
            gas: {
              perProof: verifyGas,
              query: {
                chunks: z.chunks,
                gas: queryGasTotal,
                transactions:
                  verifyGas <= TARGETS.queryGas
                    ? Math.ceil(z.chunks / Math.floor(TARGETS.queryGas / verifyGas))
                    : z.chunks,
                note: 'each proof verified by HonkVerifier.verify (no registry for Noir yet); gas includes the transaction',
              },
            },
            targets: {
              provingRowsPerSec: {
                value: z.provingRowsPerSec,
                min: TARGETS.provingRowsPerSec,
                met: z.provingRowsPerSec >= TARGETS.provingRowsPerSec,
              },
              queryGas: {
                value: queryGasTotal,
                max: TARGETS.queryGas,
                met: queryGasTotal <= TARGETS.queryGas,
              },
            },
          };
        }),
        limitedBy: first.limitedBy,
        loadAvg1m: { before: s.loadBefore, after: load(), cores: cpus().length },
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// summary
// ---------------------------------------------------------------------------------------------

/**
 * One table per candidate, for both sizes, each figure beside its target; the Noir/Groth16
 * ratio of proving rows/s; what limits each prover.
 * @param {readonly import('../types.js').WorkloadSummary[]} results @param {Record<string, string | number>} p
 */
function summarize(results, p) {
  /** @param {string} name @returns {Record<string, any> | undefined} */
  const extra = (name) => /** @type {any} */ (results.find((r) => r.workload === name)?.extra);
  const mark = (/** @type {boolean} */ met) => (met ? 'met' : 'NOT MET');
  const n = (/** @type {number} */ x) =>
    Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : String(x);
  const lines = [`zk summary: ${SQL}; --sample ${p.sample} chunks proved per size`];
  /** @type {Record<string, unknown>} */
  const json = { query: SQL, targets: TARGETS };
  const commit = extra('commit-v2');
  if (commit) {
    json.commit = commit;
    lines.push(
      `  commitment v2, ${n(Number(p['rows-large']))} rows × ${commit.columns} columns, ${commit.workers} workers (load ${commit.loadAvg1m.before} → ${commit.loadAvg1m.after} on ${commit.loadAvg1m.cores} cores): ${n(commit.rowsPerSec)} rows/s (target ≥ ${n(TARGETS.commitRowsPerSec)}: ${mark(commit.rowsPerSec >= TARGETS.commitRowsPerSec)})`,
    );
  }
  /** @param {string} label @param {(string | number)[][]} rows */
  const table = (label, rows) => {
    const widths = rows[0]?.map((_, j) => Math.max(...rows.map((r) => String(r[j]).length))) ?? [];
    lines.push(`  ${label}`);
    for (const r of rows)
      lines.push(`    ${r.map((c, j) => String(c).padEnd(widths[j] ?? 0)).join('  ')}`.trimEnd());
  };
  const g = extra('groth16');
  if (g) {
    json.groth16 = g;
    const s = /** @type {Record<string, any>[]} */ (g.sizes);
    table(
      `Groth16 (${g.circuit}, ${g.constraints} constraints, ${g.constraintsPerRow}/row; load ${g.loadAvg1m.before} → ${g.loadAvg1m.after} on ${g.loadAvg1m.cores} cores)`,
      [
        ['figure', ...s.map((z) => `${n(z.rows)} rows`), 'target'],
        [
          'proving rows/s',
          ...s.map((z) => `${z.provingRowsPerSec} (${mark(z.targets.provingRowsPerSec.met)})`),
          `≥ ${n(TARGETS.provingRowsPerSec)}`,
        ],
        ['cost ms/row', ...s.map((z) => z.costMsPerRow), ''],
        ['constraints/row', ...s.map(() => g.constraintsPerRow), ''],
        ['proving time s', ...s.map((z) => z.totalProvingSeconds), ''],
        [
          'per chunk ms: open/witness/prove',
          ...s.map((z) => `${z.openMsPerChunk}/${z.witnessMsPerChunk}/${z.proveMsPerChunk}`),
          '',
        ],
        ['verify ms/chunk', ...s.map((z) => z.verifyMsPerChunk), ''],
        ['proof bytes (JSON/calldata)', ...s.map((z) => `${z.proofJsonBytes}/${z.proofCalldataBytes}`), ''],
        ['gas per chunk', ...s.map((z) => n(z.gas.perChunkGas)), ''],
        [
          'gas per query',
          ...s.map((z) => `${n(z.gas.query.gas)} (${mark(z.targets.queryGas.met)})`),
          `≤ ${n(TARGETS.queryGas)}`,
        ],
        [
          'transactions ≤ 1.5M gas',
          ...s.map((z) => `${z.gas.query.transactions} × ≤ ${z.gas.query.chunksPerTx} chunks`),
          '1',
        ],
        ['chunks', ...s.map((z) => `${z.chunks} (${z.label})`), ''],
      ],
    );
    const sizeOf = (/** @type {Record<string, any>} */ z) =>
      `${n(z.rows)} rows: ${z.gas.sampleTx.chunks} chunks in one tx ${n(z.gas.sampleTx.gasUsed)} gas; bases ${n(z.gas.firstTxBaseGas)} (first tx) / ${n(z.gas.laterTxBaseGas)} (later)${z.gas.split ? '' : ' (one chunk: per-chunk is an upper bound)'}`;
    lines.push(
      `    gas measured: ${s.map(sizeOf).join('; ')}; + ${n(COMPLETION_GAS_ESTIMATE)} estimated for completing the query`,
    );
    for (const z of s.filter((x) => x.gas.bitmapWords > 1 && x.gas.sampleTx.chunks > 1))
      lines.push(
        `    (${n(z.rows)} rows: the sampled chunks lie in ${z.gas.bitmapWords} words of the registry's seen-bitmap (256 chunks a word), each a new storage slot (~22,000 gas) that a whole query sent in order pays once per 256 chunks: the per-chunk gas there is ~${n((22_000 * (z.gas.bitmapWords - 1)) / (z.gas.sampleTx.chunks - 1))} too high)`,
      );
    const setupMs = Object.entries(g.setup.ms ?? {})
      .map(([k, v]) => `${k} ${round(Number(v) / 1000)} s`)
      .join(', ');
    lines.push(`    setup: ${setupMs || '—'} (${g.setup.source})`);
    const l = g.limits;
    const total = l.openMs + l.witnessMs + l.proveMs;
    const pct = (/** @type {number} */ x) => `${round((100 * x) / total, 0)}%`;
    const sp = l.proveSplitMs;
    const fft = sp.qapAndFft
      ? `QAP+FFT ${sp.qapAndFft} ms`
      : `QAP ${sp.qap} ms, FFT ${sp.fft} ms (${pct(sp.fft)})`;
    lines.push(
      `    limits (mean per chunk of ${total.toFixed(0)} ms): opening ${l.openMs} ms (${pct(l.openMs)}), witness ${l.witnessMs} ms (${pct(l.witnessMs)}), prove ${l.proveMs} ms (${pct(l.proveMs)}) = read ${sp.read} ms, ${fft}, join ${sp.join} ms, MSM ${sp.msm} ms (${pct(sp.msm)})`,
    );
    const other = Object.entries(/** @type {Record<string, any>} */ (g.circuits))
      .map(([name, h]) => `${name} ${n(h.constraints)} (${h.constraintsPerRow}/row)`)
      .join(', ');
    lines.push(`    circuits: ${other}; proveQuery's pick for these ages: ${s[0]?.productCircuit}`);
  }
  const z = extra('noir');
  if (z) {
    json.noir = z;
    const s = /** @type {Record<string, any>[]} */ (z.sizes);
    table(
      `Noir + UltraHonk (chunk ${z.chunkRows} rows, ${n(z.gates)} gates (${n(z.gatesDyadic)} dyadic), ${z.gatesPerRow}/row; load ${z.loadAvg1m.before} → ${z.loadAvg1m.after} on ${z.loadAvg1m.cores} cores)`,
      [
        ['figure', ...s.map((x) => `${n(x.rows)} rows`), 'target'],
        [
          'proving rows/s',
          ...s.map((x) => `${x.provingRowsPerSec} (${mark(x.targets.provingRowsPerSec.met)})`),
          `≥ ${n(TARGETS.provingRowsPerSec)}`,
        ],
        ['cost ms/row', ...s.map((x) => x.costMsPerRow), ''],
        ['gates/row', ...s.map(() => z.gatesPerRow), ''],
        ['proving time s', ...s.map((x) => x.totalProvingSeconds), ''],
        ['per chunk ms: witness/prove', ...s.map((x) => `${x.witnessMsPerChunk}/${x.proveMsPerChunk}`), ''],
        ['verify ms/chunk', ...s.map((x) => x.verifyMsPerChunk), ''],
        ['proof bytes', ...s.map((x) => x.proofBytes), ''],
        ['gas per proof', ...s.map(() => n(z.verifyGasPerProof)), ''],
        [
          'gas per query',
          ...s.map((x) => `${n(x.gas.query.gas)} (${mark(x.targets.queryGas.met)})`),
          `≤ ${n(TARGETS.queryGas)}`,
        ],
        [
          'transactions ≤ 1.5M gas',
          ...s.map((x) =>
            z.verifyGasPerProof > TARGETS.queryGas
              ? `none (one proof alone > 1.5M): ${x.gas.query.transactions} × 1 proof`
              : `${x.gas.query.transactions}`,
          ),
          '1',
        ],
        ['chunks', ...s.map((x) => `${x.chunks} (${x.label})`), ''],
      ],
    );
    lines.push(
      `    setup: compile ${round(z.compileMs / 1000)} s${z.compileCached ? ' (cached)' : ''}, verification key ${round(z.vkMs / 1000)} s (cached when measured before); CRS: ${z.crs.kind} (INSECURE: timing only); Solidity verifier ${z.solidityVerifies ? 'verifies' : 'does NOT verify'} with the local [τ]₂`,
    );
    const w = Number(s[0]?.witnessMsPerChunk);
    const pr = Number(s[0]?.proveMsPerChunk);
    lines.push(
      `    limits (per chunk): witness ${w} ms (${round((100 * w) / (w + pr), 0)}%), prove (bb native) ${pr} ms (${round((100 * pr) / (w + pr), 0)}%): ${z.limitedBy}`,
    );
  }
  if (g && z) {
    const ratios = /** @type {Record<string, any>[]} */ (g.sizes).map((x, i) =>
      round(Number(z.sizes[i]?.provingRowsPerSec) / x.provingRowsPerSec, 2),
    );
    json.noirOverGroth16RowsPerSec = ratios;
    lines.push(
      `  Noir/Groth16 proving rows/s: ${ratios.map((r, i) => `×${r} at ${n(g.sizes[i].rows)} rows`).join(', ')}`,
    );
  }
  return { json, lines };
}

/** @type {import('../types.js').Benchmark} */
export const zk = {
  name: 'zk',
  description:
    'ZK candidates side by side (Groth16 over commitment v2, Noir + UltraHonk): rows/s, verify ms, proof size, gas; commitment rows/s',
  runs: 1,
  warmup: 0,
  params: {
    rows: { default: 10_000, description: 'rows of the first size' },
    'rows-large': {
      default: 100_000,
      description: 'rows of the second size (and of the commit-v2 workload)',
    },
    sample: { default: 4, description: 'chunks proved per size (the rest extrapolated linearly)' },
    'noir-chunk': { default: 896, description: 'rows per Noir chunk' },
    circuit: {
      default: 'auto',
      description: 'Groth16 circuit: auto (proveQuery’s pick, per chunk) or a catalogue circuit’s name',
    },
    setup: {
      default: 0,
      description: '1: measure the Groth16 setup (compile, powers of tau, zkey) in a fresh cache',
    },
  },
  workloads: [
    /** @type {import('../types.js').Workload} */ (/** @type {unknown} */ (commitWorkload)),
    /** @type {import('../types.js').Workload} */ (/** @type {unknown} */ (groth16Workload)),
    /** @type {import('../types.js').Workload} */ (/** @type {unknown} */ (noirWorkload)),
  ],
  summarize,
};
