import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectedWith } from '../../../test/utils/errors.js';
import { tempDir } from '../../../test/utils/tmp.js';
import { UsageError } from '../../core/errors/index.js';
import { HeError } from '../errors.js';
import type { GroupScope } from '../scope.js';
import { type LedgerEntry, openLedgers, type Reservation } from './ledger.js';

const AT = '2025-03-01T12:00:00.000Z';
const DEFAULTS = { epsilon: 1, delta: 1e-6 };
const pooled: GroupScope = { datasets: ['owner-001', 'owner-002'], constraints: { gender: ['female'] } };

function ask(queryId: string, o: Partial<Reservation> = {}): Reservation {
  return {
    queryId,
    consumer: 'lab-a',
    epsilon: 0.25,
    delta: 0,
    at: AT,
    groups: [{ scope: pooled, count: 40 }],
    ...o,
  };
}

const caught = (p: Promise<unknown>): Promise<HeError> => rejectedWith(HeError, p);

/** Every file of a folder with its bytes (to see that nothing was written). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of await readdir(dir).catch(() => [])) out[n] = await readFile(join(dir, n), 'utf8');
  return out;
}

describe('openLedgers', () => {
  it('starts a dataset without a file empty, with the default budget, writing nothing', async () => {
    const dir = join(await tempDir('sinso-ledger-'), 'he', 'ledger');
    const l = await openLedgers(dir, ['owner-001'], DEFAULTS);
    expect(l.budget('owner-001')).toEqual(DEFAULTS);
    expect(l.spent('owner-001')).toEqual({ epsilon: 0, delta: 0, byConsumer: {} });
    expect(l.history(['owner-001'])).toEqual([]);
    expect(await snapshot(dir)).toEqual({});
  });

  it('refuses an unlimited or malformed default budget, and a dataset id that is not one', async () => {
    const dir = await tempDir('sinso-ledger-');
    for (const bad of [
      { epsilon: Number.POSITIVE_INFINITY, delta: 0 },
      { epsilon: Number.NaN, delta: 0 },
      { epsilon: -1, delta: 0 },
      { epsilon: 1, delta: 1 },
    ]) {
      await expect(openLedgers(dir, ['owner-001'], bad)).rejects.toThrow(UsageError);
    }
    await expect(openLedgers(dir, ['../escape'], DEFAULTS)).rejects.toThrow(/dataset id/);
  });
});

describe('reserve', () => {
  it('appends the entry to every dataset, written as canonical JSON that a fresh open reads back', async () => {
    const dir = await tempDir('sinso-ledger-');
    const l = await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS);
    const entry = await l.reserve(ask('q1'));
    expect(entry).toEqual({ ...ask('q1') });
    const again = await openLedgers(dir, ['owner-001', 'owner-002'], { epsilon: 5, delta: 0 });
    for (const d of ['owner-001', 'owner-002']) {
      expect(again.spent(d).epsilon).toBe(0.25);
      // the budget on file, not the new default
      expect(again.budget(d)).toEqual(DEFAULTS);
      const text = await readFile(join(dir, `${d}.json`), 'utf8');
      const json = JSON.parse(text);
      expect(Object.keys(json)).toEqual(['budget', 'dataset', 'entries', 'schema']);
      expect(json).toMatchObject({ schema: '1', dataset: d, entries: [{ queryId: 'q1', at: AT }] });
    }
    // written under the lock, which is gone after
    expect((await readdir(dir)).sort()).toEqual(['owner-001.json', 'owner-002.json']);
  });

  it('sums the spends in all and by consumer, per dataset', async () => {
    const dir = await tempDir('sinso-ledger-');
    const both = await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS);
    await both.reserve(ask('q1', { consumer: 'lab-a', epsilon: 0.25, delta: 1e-7 }));
    await both.reserve(ask('q2', { consumer: 'lab-b', epsilon: 0.125, delta: 0 }));
    const one = await openLedgers(dir, ['owner-001'], DEFAULTS);
    await one.reserve(ask('q3', { consumer: 'lab-a', epsilon: 0.5, delta: 2e-7 }));
    const l = await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS);
    expect(l.spent('owner-001')).toEqual({
      epsilon: 0.875,
      delta: 3e-7,
      byConsumer: { 'lab-a': { epsilon: 0.75, delta: 3e-7 }, 'lab-b': { epsilon: 0.125, delta: 0 } },
    });
    expect(l.spent('owner-002')).toEqual({
      epsilon: 0.375,
      delta: 1e-7,
      byConsumer: { 'lab-a': { epsilon: 0.25, delta: 1e-7 }, 'lab-b': { epsilon: 0.125, delta: 0 } },
    });
    // each reservation's groups once, though it is on two ledgers
    expect(l.history(['owner-001', 'owner-002'])).toHaveLength(3);
    expect(l.history(['owner-002'])).toHaveLength(2);
  });

  it('refuses a spend over any dataset’s budget, naming the first, and writes nothing', async () => {
    const dir = await tempDir('sinso-ledger-');
    const l = await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS);
    await l.reserve(ask('q1', { epsilon: 0.5 }));
    // owner-002 has spent more than owner-001
    await (await openLedgers(dir, ['owner-002'], DEFAULTS)).reserve(ask('q2', { epsilon: 0.25 }));
    const before = await snapshot(dir);
    const e = await caught(l.reserve(ask('q3', { epsilon: 0.375 })));
    expect(e.code).toBe('HE_BUDGET_EXCEEDED');
    expect(e.fields).toEqual({ dataset: 'owner-002', spent: 0.75, asked: 0.375, budget: 1 });
    expect(await snapshot(dir)).toEqual(before);
    // δ too
    const d = await caught(l.reserve(ask('q4', { epsilon: 0, delta: 2e-6 })));
    expect(d.fields).toEqual({ dataset: 'owner-001', spent: 0, asked: 2e-6, budget: 1e-6 });
    expect(await snapshot(dir)).toEqual(before);
    // what is left may still be spent, to the last bit, despite floating-point sums
    await l.reserve(ask('q5', { epsilon: 0.1 }));
    await l.reserve(ask('q6', { epsilon: 0.15 }));
    expect(l.spent('owner-002').epsilon).toBeCloseTo(1, 12);
  });

  it('does not spend a query id twice: the earlier entry comes back', async () => {
    const dir = await tempDir('sinso-ledger-');
    const l = await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS);
    const first = await l.reserve(ask('q1'));
    const other = await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS);
    const second = await other.reserve(ask('q1', { epsilon: 0.5, at: '2025-03-02T00:00:00.000Z' }));
    expect(second).toEqual(first);
    expect(other.spent('owner-001').epsilon).toBe(0.25);
    expect((await openLedgers(dir, ['owner-001'], DEFAULTS)).spent('owner-001').epsilon).toBe(0.25);
  });

  it('completes a reservation a kill left on only some datasets, without spending it twice', async () => {
    const dir = await tempDir('sinso-ledger-');
    const entry: LedgerEntry = { ...ask('q1') };
    // as if killed after writing owner-001's ledger and before owner-002's
    await (await openLedgers(dir, ['owner-001'], DEFAULTS)).reserve(entry);
    const l = await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS);
    expect(await l.reserve(ask('q1', { epsilon: 0.5 }))).toEqual(entry);
    expect(l.spent('owner-001').epsilon).toBe(0.25);
    expect(l.spent('owner-002').epsilon).toBe(0.25);
  });

  it('lets only one of two concurrent reservations spend the last of a budget', async () => {
    const dir = await tempDir('sinso-ledger-');
    const a = await openLedgers(dir, ['owner-001'], { epsilon: 0.5, delta: 0 });
    // the same folder by another name (a symbolic link) shares the queue, not only the lock
    const alias = join(await tempDir('sinso-ledger-'), 'alias');
    await symlink(dir, alias);
    const b = await openLedgers(alias, ['owner-001'], { epsilon: 0.5, delta: 0 });
    const results = await Promise.allSettled([
      a.reserve(ask('qa', { epsilon: 0.375 })),
      b.reserve(ask('qb', { epsilon: 0.375 })),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await openLedgers(dir, ['owner-001'], DEFAULTS)).spent('owner-001').epsilon).toBe(0.375);
  });

  it('checks differencing again under the lock, against groups another process recorded', async () => {
    const dir = await tempDir('sinso-ledger-');
    const stale = await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS);
    await (await openLedgers(dir, ['owner-001', 'owner-002'], DEFAULTS)).reserve(
      ask('q1', { groups: [{ scope: { datasets: pooled.datasets, constraints: {} }, count: 43 }] }),
    );
    expect(stale.history(stale.datasets)).toEqual([]);
    const before = await snapshot(dir);
    const e = await caught(stale.reserve({ ...ask('q2'), minCohort: 10 }));
    expect(e.code).toBe('HE_DIFFERENCING');
    expect(e.fields).toMatchObject({ difference: 3, minCohort: 10 });
    expect(await snapshot(dir)).toEqual(before);
    // groups of one reservation are checked against each other too
    const nested = [
      { scope: { datasets: ['owner-001'], constraints: {} }, count: 30 },
      { scope: { datasets: ['owner-001'], constraints: { gender: ['female'] } }, count: 29 },
    ];
    const fresh = await openLedgers(await tempDir('sinso-ledger-'), ['owner-001'], DEFAULTS);
    await expect(fresh.reserve({ ...ask('q3', { groups: nested }), minCohort: 5 })).rejects.toThrow(
      /differs from a group released before by 1 rows/,
    );
    expect(await fresh.reserve({ ...ask('q4', { groups: nested }) })).toMatchObject({ queryId: 'q4' });
  });

  it('refuses a malformed reservation', async () => {
    const l = await openLedgers(await tempDir('sinso-ledger-'), ['owner-001'], DEFAULTS);
    await expect(l.reserve(ask('q1', { at: 'yesterday' }))).rejects.toThrow(/not valid/);
    await expect(l.reserve(ask('q1', { epsilon: -1 }))).rejects.toThrow(/not valid/);
    expect(() => l.spent('owner-009')).toThrow(/not among the ledgers opened/);
  });
});

describe('setBudget', () => {
  it('sets a budget that holds across opens, never below what is spent', async () => {
    const dir = await tempDir('sinso-ledger-');
    const l = await openLedgers(dir, ['owner-001'], DEFAULTS);
    await l.reserve(ask('q1', { epsilon: 0.75 }));
    await expect(l.reserve(ask('q2', { epsilon: 0.5 }))).rejects.toThrow(HeError);
    await l.setBudget('owner-001', { epsilon: 2, delta: 1e-5 });
    await l.reserve(ask('q2', { epsilon: 0.5 }));
    expect((await openLedgers(dir, ['owner-001'], DEFAULTS)).budget('owner-001')).toEqual({
      epsilon: 2,
      delta: 1e-5,
    });
    await expect(l.setBudget('owner-001', { epsilon: 1, delta: 1e-5 })).rejects.toThrow(
      /cannot go below what is spent/,
    );
    await expect(l.setBudget('owner-001', { epsilon: Number.POSITIVE_INFINITY, delta: 0 })).rejects.toThrow(
      UsageError,
    );
    expect(l.budget('owner-001').epsilon).toBe(2);
  });
});

describe('a ledger file that does not read back', () => {
  const MARK = 'do-not-echo-3f9a';
  it.each([
    ['not JSON', `{"schema":"1","dataset":"owner-001",${MARK}`, 'owner-001.json is not valid JSON'],
    [
      'a wrong shape',
      JSON.stringify({ schema: '1', dataset: 'owner-001', budget: { epsilon: MARK, delta: 0 }, entries: [] }),
      'owner-001.json does not match the ledger schema',
    ],
    [
      'another dataset’s ledger',
      JSON.stringify({ schema: '1', dataset: 'owner-002', budget: DEFAULTS, entries: [] }),
      'owner-001.json holds the ledger of another dataset',
    ],
    [
      'a query twice',
      JSON.stringify({
        schema: '1',
        dataset: 'owner-001',
        budget: DEFAULTS,
        entries: [ask(MARK), ask(MARK)],
      }),
      'owner-001.json records a query twice',
    ],
  ])('is HE_LEDGER_CORRUPT for %s, naming the problem and never the content', async (_, text, problem) => {
    const dir = await tempDir('sinso-ledger-');
    await writeFile(join(dir, 'owner-001.json'), text);
    const e = await caught(openLedgers(dir, ['owner-001'], DEFAULTS));
    expect(e.code).toBe('HE_LEDGER_CORRUPT');
    expect(e.fields).toEqual({ problem });
    expect(JSON.stringify({ m: e.message, meta: e.metaMessages, f: e.fields })).not.toContain(MARK);
  });
});
