import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeTableManifest } from '../../src/he/heTable.js';
import type { HeMode } from '../../src/he/plan.js';
import type { Released } from '../../src/he/release.js';
import {
  compute,
  encryptOwner,
  type HeRow,
  makeKeySet,
  memoryKeyring,
  release,
  type TestKeySet,
} from '../utils/he.js';
import { tempDir } from '../utils/tmp.js';

let root: string;
let bfv: TestKeySet;
let ckks: TestKeySet;

beforeAll(async () => {
  root = await tempDir('sinso-he-query-');
  const keyring = memoryKeyring();
  // one BFV and one CKKS key set (N = 8192) for every test of this file
  bfv = await makeKeySet(join(root, 'keys'), 'bfv', keyring);
  ckks = await makeKeySet(join(root, 'keys'), 'ckks', keyring);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fresh folder under the file's temp root. */
let folders = 0;
async function fresh(label: string): Promise<string> {
  const dir = join(root, `${label}-${++folders}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Encrypts each owner's rows into its own table folder. */
async function encryptOwners(keys: TestKeySet, owners: readonly (readonly HeRow[])[]) {
  const dir = await fresh(`tables-${keys.scheme}`);
  const tableDirs = owners.map((_, i) => join(dir, `owner-${i + 1}`));
  const tables: HeTableManifest[] = [];
  for (const [i, rows] of owners.entries()) {
    tables.push(await encryptOwner({ keys, rows, owner: i, out: tableDirs[i] as string }));
  }
  return { tables, tableDirs };
}

/** Computes and releases one query (the compute node, then the key holder). */
async function ask(
  keys: TestKeySet,
  enc: { tables: HeTableManifest[]; tableDirs: string[] },
  sql: string,
  mode: HeMode | 'auto',
  opts: { minCohort: number | number[]; ledgerDir: string } & Partial<Parameters<typeof release>[0]>,
): Promise<{ released: Released; out: string }> {
  const out = await fresh('result');
  await compute({ sql, mode, keys, tables: enc.tables, tableDirs: enc.tableDirs, out });
  const released = await release({ out, keys, tables: enc.tables, ...opts });
  return { released, out };
}

const row = (gender: string | null, tenths: number | null, age_band = '40', code = 'a'): HeRow => ({
  gender,
  age_band,
  code,
  tenths,
});

describe('SQL NULL', () => {
  it('SUM over a group without a non-NULL value is NULL, as in SQL (not 0), in both modes', async () => {
    // female: 12.5 + −0.5 + NULL; male: NULL, NULL
    const rows = [
      row('female', 125),
      row('female', -5),
      row('female', null),
      row('male', null),
      row('male', null),
    ];
    const enc = await encryptOwners(bfv, [rows]);
    for (const mode of ['public', 'private'] as const) {
      const { released } = await ask(
        bfv,
        enc,
        'SELECT gender, COUNT(*), COUNT(value), SUM(value), AVG(value) FROM t GROUP BY gender',
        mode,
        { minCohort: 1, ledgerDir: await fresh('ledger') },
      );
      expect(released.rows).toEqual([
        {
          suppressed: false,
          values: { gender: 'female', count: 3, count_value: 2, sum_value: '12', avg_value: 6 },
        },
        {
          suppressed: false,
          values: { gender: 'male', count: 2, count_value: 0, sum_value: null, avg_value: null },
        },
      ]);
    }
  });

  it('CKKS: COUNT(x) is a whole number, and a group without a value has SUM and AVG NULL', async () => {
    const rows = [
      row('female', 125),
      row('female', -5),
      row('female', null),
      row('male', null),
      row('male', null),
    ];
    const enc = await encryptOwners(ckks, [rows]);
    for (const mode of ['public', 'private'] as const) {
      const { released } = await ask(
        ckks,
        enc,
        'SELECT gender, COUNT(*), COUNT(value), SUM(value), AVG(value) FROM t GROUP BY gender',
        mode,
        { minCohort: 1, ledgerDir: await fresh('ledger') },
      );
      const [female, male] = released.rows;
      expect(female?.values).toMatchObject({ gender: 'female', count: 3, count_value: 2 });
      expect(female?.values.sum_value).toBeCloseTo(12, 4);
      expect(female?.values.avg_value).toBeCloseTo(6, 4);
      expect(male).toEqual({
        suppressed: false,
        values: { gender: 'male', count: 2, count_value: 0, sum_value: null, avg_value: null },
      });
    }
  });
});
