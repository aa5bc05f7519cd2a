import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { repoRoot } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

// Mutual exclusion across processes: each child takes the lock, reads a counter, yields, and
// writes it back plus one. A second holder at any time (a waiter that took a just-created, still
// empty lock file for a dead holder's) loses an increment. The HE privacy ledger and the chain
// rely on this lock.
const CHILD = `
const { takePidLock } = await import(process.argv[1]);
const { readFile, writeFile } = await import('node:fs/promises');
const [lockFile, counter, rounds] = process.argv.slice(2);
for (let i = 0; i < Number(rounds); i++) {
  const lock = await takePidLock(lockFile, { waitMs: 60_000, ownPid: 'stale' });
  if ('heldBy' in lock) process.exit(3);
  const n = Number(await readFile(counter, 'utf8'));
  await new Promise((r) => setTimeout(r, Math.random() * 3));
  await writeFile(counter, String(n + 1));
  await lock.release();
}
`;

it('lets one process at a time hold a pid lock, however many contend for it', async () => {
  const dir = await tempDir('sinso-pidlock-race-');
  const counter = join(dir, 'counter');
  await writeFile(counter, '0');
  const module = pathToFileURL(join(repoRoot, 'dist', 'core', 'pidLock.js')).href;
  const children = Array.from({ length: 6 }, () =>
    spawn(process.execPath, ['--input-type=module', '-e', CHILD, module, join(dir, 'lock'), counter, '15'], {
      stdio: 'ignore',
    }),
  );
  const codes = await Promise.all(children.map((c) => new Promise<number | null>((r) => c.on('close', r))));
  expect(codes).toEqual(Array(6).fill(0));
  expect(Number(await readFile(counter, 'utf8'))).toBe(90);
}, 120_000);
