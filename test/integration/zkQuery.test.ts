import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommitment,
  deriveSaltKey,
  encodingHash,
  loadPoseidon,
  type Poseidon,
} from '../../src/commit/index.js';
import { silentProgress } from '../../src/core/progress.js';
import { createRng } from '../../src/core/rng.js';
import type { Commitment } from '../../src/core/schemas/commitment.js';
import { ensureCircuit } from '../../src/zk/adapters/build.js';
import { verifyGroth16 } from '../../src/zk/adapters/groth16.js';
import { proveQuery } from '../../src/zk/adapters/proveQuery.js';
import type { ProofBundle } from '../../src/zk/bundle.js';
import { CIRCUITS, circuitByName } from '../../src/zk/circuits.js';
import { zkQuerySpec } from '../../src/zk/plan.js';
import { parseZkQuery } from '../../src/zk/sql.js';
import { type VerifyBundleParameters, verifyBundle } from '../../src/zk/verify.js';
import { withSession } from '../utils/duckdb.js';
import { type RefTable, type Value, writeTables } from '../utils/refTables.js';
import { tempDir } from '../utils/tmp.js';

// One table of 300 rows (3 chunks, the last partial) with NULLs, negative values and a category,
// committed with version 2; queries proved chunk by chunk with real Groth16 proofs (the insecure
// test setup, built once into the cache), checked by the verifier and against DuckDB.

const ROWS = 300;
const saltKey = deriveSaltKey(new Uint8Array(32).fill(7));
let dir: string;
let commitment: Commitment;
let poseidon: Poseidon;
const keys = new Map<string, { key: Record<string, unknown>; sha256: string }>();

function table(): RefTable {
  const rng = createRng(12);
  const rows: Value[][] = [];
  for (let i = 0; i < ROWS; i++) {
    const maybe = <T extends Value>(v: T): T | null => (rng.float() < 0.1 ? null : v);
    rows.push([
      `p-${i}`,
      maybe(['F', 'M', 'X'][Math.floor(rng.float() * 3)] as string),
      maybe(BigInt(Math.floor(rng.float() * 90))),
      maybe(BigInt(Math.floor(rng.float() * 2000) - 500)),
      maybe(BigInt(Math.floor((rng.float() - 0.5) * 2 ** 41))),
    ]);
  }
  return {
    name: 'obs',
    columns: [
      { name: 'id', kind: 'string' },
      { name: 'sex', kind: 'categorical' },
      { name: 'age', kind: 'int' },
      { name: 'value', kind: 'int' },
      { name: 'big', kind: 'int' },
    ],
    rows,
  };
}

const check = (bundle: unknown, over: Partial<VerifyBundleParameters> = {}) =>
  verifyBundle({
    bundle,
    poseidon,
    encodingHash: (name, columns) => encodingHash(poseidon, name, columns as never, '2'),
    verificationKey: (c) => keys.get(c),
    verifyProof: verifyGroth16,
    ...over,
  });

async function prove(sql: string): Promise<ProofBundle> {
  return proveQuery({
    sql,
    spec: zkQuerySpec(parseZkQuery(sql)),
    tablesDir: dir,
    commitment,
    saltKey,
    progress: silentProgress,
  });
}

async function duck(sql: string): Promise<Record<string, unknown>> {
  return withSession(async (s) => {
    await s.run(`CREATE VIEW obs AS SELECT * FROM read_parquet('${join(dir, 'obs.parquet')}')`);
    return (await s.rows(sql))[0] as Record<string, unknown>;
  });
}

beforeAll(async () => {
  dir = await tempDir('sinso-zk-');
  await writeTables(dir, [table()]);
  commitment = await buildCommitment({ tablesDir: dir, saltKey, progress: silentProgress, version: '2' });
  poseidon = await loadPoseidon();
  for (const c of CIRCUITS) {
    const a = await ensureCircuit(c);
    keys.set(c.name, { key: a.verificationKey, sha256: a.vkSha256 });
  }
}, 1_200_000);

describe('zero-knowledge queries over a version 2 commitment', () => {
  let bundle: ProofBundle;

  it('proves SUM, COUNT and AVG with a predicate, and the answer is DuckDB’s', async () => {
    bundle = await prove('SELECT COUNT(*), SUM(value), AVG(value), VAR(value) FROM obs WHERE age >= 30');
    expect(bundle.chunks).toHaveLength(3);
    const r = await check(bundle);
    expect(r).toMatchObject({ ok: true });
    const d = await duck(
      'SELECT COUNT(*) AS n, COUNT(value) AS nx, SUM(value) AS s, AVG(value) AS a, VAR_SAMP(value) AS v FROM obs WHERE age >= 30',
    );
    expect(bundle.result.count).toBe(String(d.n));
    expect(bundle.result.countX).toBe(String(d.nx));
    expect(bundle.result.sum).toBe(String(d.s));
    expect(bundle.result.avg).toBeCloseTo(Number(d.a), 9);
    expect(bundle.result.varSamp).toBeCloseTo(Number(d.v), 6);
  }, 600_000);

  it.each([
    ["SELECT COUNT(*) FROM obs WHERE sex = 'F'", "SELECT COUNT(*) AS n FROM obs WHERE sex = 'F'"],
    [
      'SELECT SUM(value) FROM obs WHERE value < -100',
      'SELECT COUNT(*) AS n, SUM(value) AS s FROM obs WHERE value < -100',
    ],
    ['SELECT COUNT(*), SUM(value) FROM obs', 'SELECT COUNT(*) AS n, SUM(value) AS s FROM obs'],
    // two predicates (BETWEEN is >= and <=): the two-slot circuit
    [
      'SELECT COUNT(*), SUM(value) FROM obs WHERE age BETWEEN 20 AND 40',
      'SELECT COUNT(*) AS n, SUM(value) AS s FROM obs WHERE age BETWEEN 20 AND 40',
    ],
    [
      "SELECT COUNT(*), SUM(big) FROM obs WHERE sex != 'M' AND value > 0",
      "SELECT COUNT(*) AS n, SUM(big) AS s FROM obs WHERE sex != 'M' AND value > 0",
    ],
    // beyond 2^16 of the constant: the 64-bit circuit
    [
      'SELECT SUM(big) FROM obs WHERE big > 1000',
      'SELECT COUNT(*) AS n, SUM(big) AS s FROM obs WHERE big > 1000',
    ],
  ])(
    'proves %s as DuckDB answers it',
    async (sql, ref) => {
      const b = await prove(sql);
      expect(await check(b)).toMatchObject({ ok: true });
      const d = await duck(ref);
      expect(b.result.count).toBe(String(d.n));
      if ('s' in d) expect(b.result.sum).toBe(String(d.s));
    },
    600_000,
  );

  type Chunk = ProofBundle['chunks'][number];
  const edits: [string, (b: ProofBundle) => void, string][] = [
    [
      'a changed result',
      (b) => {
        b.result.count = String(Number(b.result.count) + 1);
      },
      'result',
    ],
    [
      'swapped chunks',
      (b) => {
        b.chunks.reverse();
      },
      'chunks',
    ],
    [
      'a dropped chunk',
      (b) => {
        b.chunks.pop();
      },
      'chunks',
    ],
    [
      'a wrong root',
      (b) => {
        b.dataset.root = `0x${'1'.repeat(64)}`;
      },
      'root',
    ],
    [
      'a proof for another query',
      (b) => {
        (b.query.predicates[0] as { value: string }).value = '31';
      },
      'query',
    ],
    [
      'a changed public output with a matching result',
      (b) => {
        const c = b.chunks[0] as Chunk;
        c.publicSignals[0] = String(BigInt(c.publicSignals[0] as string) + 1n);
        b.result.count = String(Number(b.result.count) + 1);
      },
      'proofs',
    ],
    [
      'a changed proof',
      (b) => {
        (b.chunks[1] as Chunk).proof.pi_a[0] = '1';
      },
      'proofs',
    ],
  ];
  it.each(edits)('fails verification for %s', async (_what, edit, failed) => {
    const b = structuredClone(bundle);
    edit(b);
    expect(await check(b)).toMatchObject({ ok: false, failed });
  });

  it('checks the root against the DataNFT version: another version’s root fails', async () => {
    const b = structuredClone(bundle);
    b.dataset.token = { chainId: 31337, dataNft: `0x${'a'.repeat(40)}`, tokenId: '1', version: 1 };
    expect(await check(b, { onChainRoot: async () => b.dataset.root })).toMatchObject({ ok: true });
    expect(await check(b, { onChainRoot: async () => `0x${'2'.repeat(64)}` })).toMatchObject({
      ok: false,
      failed: 'on-chain-root',
    });
  });

  it('throws only on a malformed bundle', async () => {
    await expect(check({ kind: 'nope' })).rejects.toMatchObject({ code: 'ZK_BUNDLE_INVALID' });
    expect(circuitByName('chunk-query-p1-w64')).toBeDefined();
  });
});
