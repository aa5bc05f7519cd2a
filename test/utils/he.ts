import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cidOfBytes } from '../../src/core/cid.js';
import { sha256Hex } from '../../src/core/hash.js';
import type { Keyring } from '../../src/core/workspace.js';
import { type ColumnChunk, writeEncryptedTable } from '../../src/he/adapters/encryptTable.js';
import { evaluatePlan } from '../../src/he/adapters/evaluate.js';
import { createKeySet, defaultParams, keySetDir, readSecretKey } from '../../src/he/adapters/keyFiles.js';
import { releaseResult } from '../../src/he/adapters/releaseResult.js';
import type { HeTableManifest } from '../../src/he/heTable.js';
import type { HeScheme } from '../../src/he/params.js';
import { type HeMode, planQuery } from '../../src/he/plan.js';
import type { DpOptions, PledgeFacts, Released } from '../../src/he/release.js';
import { parseHeQuery } from '../../src/he/sql.js';
import type { DuckDBSession } from '../../src/tables/adapters/DuckDBSession.js';

/**
 * One synthetic row of an HE test table: two public quasi-identifiers (gender, age_band), a
 * private categorical `code`, and `value` in tenths (an integer, so BFV at scale 1 and DuckDB's
 * DECIMAL(5,1) hold it exactly), or null for SQL NULL.
 */
export type HeRow = {
  gender: string | null;
  age_band: string | null;
  code: string | null;
  tenths: number | null;
};

/** |value| ≤ BOUND (the declared bound of the value column). */
export const BOUND = 20;

/**
 * An in-memory keyring (a fresh random secret per name, for this process only): what
 * createKeySet encrypts the SEAL secret key with and readSecretKey decrypts it with.
 */
export function memoryKeyring(): Keyring {
  const secrets = new Map<string, Uint8Array>();
  const secret = async (name: string) => {
    let s = secrets.get(name);
    if (!s) {
      s = new Uint8Array(randomBytes(32));
      secrets.set(name, s);
    }
    return s;
  };
  const none = async (): Promise<never> => {
    throw new Error('the HE tests use no EVM account');
  };
  return { secret, ensureSecret: secret, account: none, evmPrivateKey: none, ensureAccount: none };
}

/** A key holder's key set in `keysDir` (default parameters, N = 8192) and its secret key. */
export type TestKeySet = {
  scheme: HeScheme;
  keysDir: string;
  /** keys/he/<name>: the public files beside the encrypted secret key. */
  dir: string;
  fingerprint: string;
  secretKey: Uint8Array;
  keyring: Keyring;
};

export async function makeKeySet(keysDir: string, scheme: HeScheme, keyring: Keyring): Promise<TestKeySet> {
  const params = await defaultParams(scheme, 8192);
  const m = await createKeySet({ keysDir, name: scheme, params, keys: keyring });
  const secretKey = await readSecretKey(keysDir, m.fingerprint, async () => keyring);
  return { scheme, keysDir, dir: keySetDir(keysDir, scheme), fingerprint: m.fingerprint, secretKey, keyring };
}

const byNullsLast = (a: string | null, b: string | null) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0;

/** The distinct values of a column, sorted as encryptTable sorts a vocabulary (NULL last). */
const vocabulary = (values: readonly (string | null)[]) => [...new Set(values)].sort(byNullsLast);

/** A dataset's commitment root for owner `i` (what its pledge names). */
export const rootOf = (i: number) => `0x${sha256Hex(Buffer.from(`sinso he test owner ${i}`))}`;
export const datasetOf = (i: number) => `owner-${String(i + 1).padStart(3, '0')}`;

/**
 * Encrypts one owner's rows as writeEncryptedTable takes them from encryptTable: sorted by the
 * public columns (gender, age_band) with NULLs last, then in row order; `value` a value column
 * (BFV: tenths at scale 1; CKKS: the reals), gender, age_band and code indicator columns with
 * the vocabulary this owner's rows have.
 */
export async function encryptOwner(p: {
  keys: TestKeySet;
  rows: readonly HeRow[];
  owner: number;
  out: string;
  name?: string;
}): Promise<HeTableManifest> {
  const order = p.rows
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) => byNullsLast(a.r.gender, b.r.gender) || byNullsLast(a.r.age_band, b.r.age_band) || a.i - b.i,
    )
    .map((x) => x.r);
  const bfv = p.keys.scheme === 'bfv';
  const gender = order.map((r) => r.gender);
  const age = order.map((r) => r.age_band);
  const code = order.map((r) => r.code);
  const value = order.map((r) => (r.tenths === null ? null : bfv ? BigInt(r.tenths) : r.tenths / 10));
  const chunk: ColumnChunk = [gender, age, value, gender, age, code];
  const manifestCid = (await cidOfBytes(Buffer.from(`sinso he test owner ${p.owner}`))).toString();
  return writeEncryptedTable({
    keyDir: p.keys.dir,
    out: p.out,
    total: order.length,
    chunks: [chunk],
    meta: {
      name: p.name ?? 't',
      dataset: {
        id: datasetOf(p.owner),
        name: `owner ${p.owner + 1}`,
        manifestCid,
        commitmentRoot: rootOf(p.owner),
        table: 'observations',
      },
      rowFilter: null,
      asOfYear: null,
      publicColumns: ['gender', 'age_band'],
      values: [
        {
          column: 'value',
          scale: bfv ? 1 : 0,
          bound: BOUND,
          boundSource: 'declared',
          hasNulls: p.rows.some((r) => r.tenths === null),
        },
      ],
      indicators: [
        { column: 'gender', values: vocabulary(p.rows.map((r) => r.gender)) },
        { column: 'age_band', values: vocabulary(p.rows.map((r) => r.age_band)) },
        { column: 'code', values: vocabulary(p.rows.map((r) => r.code)) },
      ],
    },
  });
}

/** Accepted pledges (he-query and he-public), one per owner, to one consumer. */
export function pledgesFor(
  tables: readonly HeTableManifest[],
  minCohort: number | readonly number[],
): PledgeFacts[] {
  return tables.map((t, i) => ({
    id: `pledge-${i + 1}`,
    state: 'accepted',
    ops: 1 | 16,
    expiresAt: 4_102_444_800n, // 2100-01-01
    minCohort: typeof minCohort === 'number' ? minCohort : (minCohort[i] as number),
    tokenId: BigInt(i + 1),
    version: 0,
    consumer: '0x00000000000000000000000000000000000000c0',
    compute: '0x00000000000000000000000000000000000000c0',
    root: t.dataset.commitmentRoot,
    manifestCid: '',
  }));
}

export const NOW = new Date('2025-03-01T12:00:00Z');

/** The compute node's side: parse, plan and evaluate into `out`. */
export async function compute(p: {
  sql: string;
  mode: HeMode | 'auto';
  keys: TestKeySet;
  tables: readonly HeTableManifest[];
  tableDirs: readonly string[];
  out: string;
}): Promise<void> {
  const plan = planQuery(parseHeQuery(p.sql), p.tables, p.mode);
  await evaluatePlan({ plan, tableDirs: p.tableDirs, keyDir: p.keys.dir, out: p.out });
}

/** The key holder's side: releaseResult with accepted pledges of `minCohort`. */
export function release(p: {
  out: string;
  keys: TestKeySet;
  tables: readonly HeTableManifest[];
  minCohort: number | readonly number[];
  ledgerDir: string;
  budget?: { epsilon: number; delta: number };
  dp?: DpOptions;
}): Promise<Released> {
  return releaseResult({
    dir: p.out,
    pledges: pledgesFor(p.tables, p.minCohort),
    secretKey: p.keys.secretKey,
    ledgerDir: p.ledgerDir,
    defaultBudget: p.budget ?? { epsilon: 10, delta: 1e-6 },
    dp: p.dp,
    now: NOW,
  });
}

/** `value` as a DuckDB decimal literal: -123 → '-12.3'. */
export function decimalOf(tenths: number): string {
  const a = Math.abs(tenths);
  return `${tenths < 0 ? '-' : ''}${Math.floor(a / 10)}.${a % 10}`;
}

const sqlText = (s: string | null) => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);

/** (Re)creates table `t` in DuckDB with the rows (value DECIMAL(5,1), the rest VARCHAR). */
export async function loadRows(session: DuckDBSession, rows: readonly HeRow[]): Promise<void> {
  await session.run(
    'CREATE OR REPLACE TABLE t (gender VARCHAR, age_band VARCHAR, code VARCHAR, value DECIMAL(5,1))',
  );
  for (let at = 0; at < rows.length; at += 1000) {
    const values = rows
      .slice(at, at + 1000)
      .map(
        (r) =>
          `(${sqlText(r.gender)}, ${sqlText(r.age_band)}, ${sqlText(r.code)}, ${r.tenths === null ? 'NULL' : decimalOf(r.tenths)})`,
      );
    await session.run(`INSERT INTO t VALUES ${values.join(', ')}`);
  }
}

/** "-12.3" or "-12.30" or "7" → the value in tenths, exactly. */
export function tenthsOf(decimal: string): bigint {
  const m = /^(-?)([0-9]+)(?:\.([0-9]*))?$/.exec(decimal);
  if (!m) throw new Error(`not a decimal: ${decimal}`);
  const frac = (m[3] ?? '').padEnd(1, '0');
  if (/[1-9]/.test(frac.slice(1))) throw new Error(`more than one decimal place: ${decimal}`);
  const v = BigInt(m[2] as string) * 10n + BigInt(frac[0] as string);
  return m[1] === '-' ? -v : v;
}

/** Where the ledger of a key holder lives in a test. */
export const ledgerIn = (dir: string) => join(dir, 'ledger');
