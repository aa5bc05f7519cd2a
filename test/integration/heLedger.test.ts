import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedgers } from '../../src/he/policy/ledger.js';
import { repoRoot } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

/** The compiled ledger (dist/, built by the int layer's global setup): what a child imports. */
const ledgerModule = pathToFileURL(join(repoRoot, 'dist/he/policy/ledger.js')).href;

/**
 * A key-holder process: opens the ledgers of owner-001 and owner-002, waits for a line on stdin
 * (so two of them can be started together), reserves, writes the outcome as one JSON line and
 * then, with `spin`, busy-waits to be killed (the line is written synchronously first).
 */
const child = `
import { writeSync } from 'node:fs';
const { openLedgers } = await import(process.env.LEDGER_MODULE);
const ledgers = await openLedgers(process.env.LEDGER_DIR, ['owner-001', 'owner-002'], { epsilon: 0.5, delta: 1e-6 });
writeSync(1, 'opened\\n');
await new Promise((r) => process.stdin.once('data', r));
let out;
try {
  const e = await ledgers.reserve({
    queryId: process.env.QUERY_ID, consumer: 'lab-a', epsilon: 0.375, delta: 0,
    at: '2025-03-01T12:00:00.000Z',
    groups: [{ scope: { datasets: ['owner-001', 'owner-002'], constraints: {} }, count: 120 }],
  });
  out = { reserved: e.queryId };
} catch (err) {
  out = { refused: err.code };
}
writeSync(1, JSON.stringify(out) + '\\n');
if (process.env.SPIN === '1') for (;;) {}
process.exit(0);
`;

type KeyHolder = {
  proc: ChildProcessWithoutNullStreams;
  /** Resolves with the next line the child writes. */
  line(): Promise<string>;
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** The children started by this file, killed after each test if still running (a failed test leaves a spinner). */
const started: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

function keyHolder(dir: string, queryId: string, spin: boolean): KeyHolder {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', child], {
    env: {
      ...process.env,
      LEDGER_MODULE: ledgerModule,
      LEDGER_DIR: dir,
      QUERY_ID: queryId,
      SPIN: spin ? '1' : '0',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.push(proc);
  let buffered = '';
  let stderr = '';
  const waiting: ((l: string) => void)[] = [];
  const lines: string[] = [];
  proc.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const l = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const w = waiting.shift();
      if (w) w(l);
      else lines.push(l);
    }
  });
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on('close', (code, signal) => r({ code, signal })),
  );
  return {
    proc,
    closed,
    line: () =>
      new Promise((resolve, reject) => {
        const l = lines.shift();
        if (l !== undefined) return resolve(l);
        waiting.push(resolve);
        closed.then(({ code }) => reject(new Error(`the key holder exited (${code}): ${stderr}`)));
      }),
  };
}

describe('the privacy budget ledger across processes', () => {
  it('keeps a reservation spent when the key holder is killed with SIGKILL right after it', async () => {
    const dir = join(await tempDir('sinso-ledger-kill-'), 'he', 'ledger');
    const k = keyHolder(dir, 'q-killed', true);
    expect(await k.line()).toBe('opened');
    k.proc.stdin.write('go\n');
    expect(JSON.parse(await k.line())).toEqual({ reserved: 'q-killed' });
    // it is spinning now, before anything but counts would have been decrypted
    k.proc.kill('SIGKILL');
    expect((await k.closed).signal).toBe('SIGKILL');

    const ledgers = await openLedgers(dir, ['owner-001', 'owner-002'], { epsilon: 0.5, delta: 1e-6 });
    for (const d of ['owner-001', 'owner-002']) {
      expect(ledgers.spent(d)).toEqual({
        epsilon: 0.375,
        delta: 0,
        byConsumer: { 'lab-a': { epsilon: 0.375, delta: 0 } },
      });
    }
    expect(ledgers.history(ledgers.datasets)).toEqual([
      { scope: { datasets: ['owner-001', 'owner-002'], constraints: {} }, count: 120 },
    ]);
    // a lock left by a killed holder (its pid, now dead) does not block the next reservation
    await writeFile(join(dir, '.lock'), String(k.proc.pid));
    await expect(
      ledgers.reserve({
        queryId: 'q-next',
        consumer: 'lab-b',
        epsilon: 0.125,
        delta: 0,
        at: '2025-03-02T00:00:00Z',
        groups: [],
      }),
    ).resolves.toMatchObject({ queryId: 'q-next' });
    expect((await readdir(dir)).sort()).toEqual(['owner-001.json', 'owner-002.json']);
  });

  it('lets only one of two key-holder processes spend the last of a budget', async () => {
    const dir = join(await tempDir('sinso-ledger-race-'), 'he', 'ledger');
    const holders = [keyHolder(dir, 'q-a', false), keyHolder(dir, 'q-b', false)];
    // both have read the empty ledgers before either reserves
    for (const h of holders) expect(await h.line()).toBe('opened');
    for (const h of holders) h.proc.stdin.write('go\n');
    const outcomes = await Promise.all(holders.map(async (h) => JSON.parse(await h.line())));
    for (const h of holders) expect((await h.closed).code).toBe(0);
    expect(outcomes.filter((o) => 'reserved' in o)).toHaveLength(1);
    expect(outcomes.filter((o) => 'refused' in o)).toEqual([{ refused: 'HE_BUDGET_EXCEEDED' }]);
    const ledgers = await openLedgers(dir, ['owner-001', 'owner-002'], { epsilon: 0.5, delta: 1e-6 });
    expect(ledgers.spent('owner-001').epsilon).toBe(0.375);
    expect(ledgers.spent('owner-002').epsilon).toBe(0.375);
  });
});
