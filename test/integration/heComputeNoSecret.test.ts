import { spawn } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKeys, keySetDir } from '../../src/he/adapters/keyFiles.js';
import type { HeTableManifest } from '../../src/he/heTable.js';
import {
  encryptOwner,
  type HeRow,
  makeKeySet,
  memoryKeyring,
  release,
  type TestKeySet,
} from '../utils/he.js';
import { tempDir } from '../utils/tmp.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The compiled modules (dist/, built by the int layer's global setup): what the compute node runs. */
const dist = join(repoRoot, 'dist');

/**
 * The compute node, a process of its own: reads the encrypted tables, plans and evaluates the
 * query in each mode with the key folder it is given (the exported public files only), then
 * tries to read the secret key from each workspace keys folder it is given. Prints one JSON line.
 */
const computeNode = `
const dist = process.env.DIST;
const { parseHeQuery } = await import(dist + '/he/sql.js');
const { planQuery } = await import(dist + '/he/plan.js');
const { readHeTable } = await import(dist + '/he/adapters/encryptTable.js');
const { evaluatePlan } = await import(dist + '/he/adapters/evaluate.js');
const { readSecretKey } = await import(dist + '/he/adapters/keyFiles.js');
const p = JSON.parse(process.env.COMPUTE);
const tables = await Promise.all(p.tableDirs.map((d) => readHeTable(d)));
const evaluated = [];
for (const [mode, out] of Object.entries(p.outs)) {
  const plan = planQuery(parseHeQuery(p.sql), tables, mode);
  const { result } = await evaluatePlan({ plan, tableDirs: p.tableDirs, keyDir: p.keyDir, out });
  evaluated.push({ mode: result.mode, groups: result.groups.length });
}
const secret = [];
for (const keysDir of p.workspaceKeys) {
  try {
    await readSecretKey(keysDir, tables[0].keys.fingerprint, async () => {
      throw new Error('the compute node has no keyring to unlock');
    });
    secret.push('read');
  } catch (err) {
    secret.push(err.code ?? err.message);
  }
}
process.stdout.write(JSON.stringify({ evaluated, secret }) + '\\n');
`;

function runComputeNode(p: object): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', computeNode], {
      cwd: repoRoot,
      env: { ...process.env, DIST: dist, COMPUTE: JSON.stringify(p) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let root: string;
let keys: TestKeySet;

beforeAll(async () => {
  root = await tempDir('sinso-he-nosecret-');
  // the key holder's workspace: the key set, its SEAL secret key encrypted beside the public files
  keys = await makeKeySet(join(root, 'holder', 'keys'), 'bfv', memoryKeyring());
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const row = (gender: string | null, tenths: number | null): HeRow => ({
  gender,
  age_band: '40',
  code: 'a',
  tenths,
});

describe('the compute node', () => {
  it('evaluates with the public keys alone, which the key holder then decrypts; it cannot read the secret key', async () => {
    // what the key holder hands out: the public half of its key set
    const publicDir = join(root, 'public-keys');
    await exportPublicKeys(keys.dir, publicDir);
    expect((await readdir(publicDir)).sort()).toEqual([
      'galois.seal',
      'he-keys.json',
      'public.seal',
      'relin.seal',
    ]);
    expect((await readdir(keys.dir)).sort()).toContain('secret.seal.enc');

    // two owners encrypt with the exported public key
    const owners = [
      [row('female', 12), row('male', -30), row('female', 45), row(null, 7)],
      [row('male', 100), row('female', null), row('male', 1)],
    ];
    const tableDirs = owners.map((_, i) => join(root, `owner-${i + 1}`));
    const tables: HeTableManifest[] = [];
    for (const [i, rows] of owners.entries()) {
      tables.push(
        await encryptOwner({
          keys: { ...keys, dir: publicDir },
          rows,
          owner: i,
          out: tableDirs[i] as string,
        }),
      );
    }

    // the compute node's workspace keys: none at all, or the public files imported as a key set
    const emptyKeys = join(root, 'compute-a', 'keys');
    await mkdir(emptyKeys, { recursive: true });
    const importedKeys = join(root, 'compute-b', 'keys');
    await exportPublicKeys(publicDir, keySetDir(importedKeys, 'bfv'));

    const outs = { public: join(root, 'result-public'), private: join(root, 'result-private') };
    const sql = 'SELECT gender, COUNT(*), COUNT(value), SUM(value), AVG(value) FROM t GROUP BY gender';
    const run = await runComputeNode({
      sql,
      tableDirs,
      keyDir: publicDir,
      outs,
      workspaceKeys: [emptyKeys, importedKeys],
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      evaluated: [
        { mode: 'public', groups: 3 },
        { mode: 'private', groups: 3 },
      ],
      secret: ['HE_NO_SECRET_KEY', 'HE_NO_SECRET_KEY'],
    });

    // the key holder, who has the secret key, releases both results
    for (const [mode, out] of Object.entries(outs)) {
      const released = await release({
        out,
        keys,
        tables,
        minCohort: 1,
        ledgerDir: join(root, `ledger-${mode}`),
      });
      expect(released.mode).toBe(mode);
      expect(released.rows).toEqual([
        {
          suppressed: false,
          values: { gender: 'female', count: 3, count_value: 2, sum_value: '5.7', avg_value: 2.85 },
        },
        {
          suppressed: false,
          values: { gender: 'male', count: 3, count_value: 3, sum_value: '7.1', avg_value: 7.1 / 3 },
        },
        {
          suppressed: false,
          values: { gender: null, count: 1, count_value: 1, sum_value: '0.7', avg_value: 0.7 },
        },
      ]);
    }
  });
});
