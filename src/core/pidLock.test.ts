import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../../test/utils/tmp.js';
import { takePidLock } from './pidLock.js';

it('takes a free lock, names a live holder, takes over a dead or unreadable one, and treats its own pid as asked', async () => {
  const dir = await tempDir('sinso-pidlock-');
  const file = join(dir, 'lock');
  const lock = await takePidLock(file, { waitMs: 0, ownPid: 'held' });
  if (!('release' in lock)) expect.unreachable('a free lock is taken');
  expect(await readFile(file, 'utf8')).toBe(String(process.pid));
  expect(await takePidLock(file, { waitMs: 0, ownPid: 'held' })).toEqual({ heldBy: process.pid });
  const again = await takePidLock(file, { waitMs: 0, ownPid: 'stale' });
  expect('release' in again).toBe(true);
  // a live process (the parent of this one) holds it: named, after waiting
  await writeFile(file, String(process.ppid));
  expect(await takePidLock(file, { waitMs: 150, ownPid: 'held' })).toEqual({ heldBy: process.ppid });
  // a dead process, and a half-written file: taken over
  for (const left of ['2147483646', '']) {
    await writeFile(file, left);
    const taken = await takePidLock(file, { waitMs: 0, ownPid: 'held' });
    if (!('release' in taken)) expect.unreachable('a stale lock is taken over');
    await taken.release();
  }
});
