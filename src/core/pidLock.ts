import { open, readFile, rm } from 'node:fs/promises';

/**
 * Takes a lock file: created exclusively, holding this process's pid. A lock whose process is
 * gone (killed) — or whose pid is unreadable (a holder killed while writing it) — is taken over.
 * A live holder is waited for, up to `waitMs` (in real time), and then named. A lock held by this
 * very process counts as held (`ownPid: 'held'`, for a resource one process must not open twice)
 * or as left over (`'stale'`).
 *
 * @example
 * const lock = await takePidLock(join(dir, 'lock'), { waitMs: 10_000, ownPid: 'held' });
 * if ('heldBy' in lock) throw new ChainError('CHAIN_BUSY', { pid: lock.heldBy });
 * try { … } finally { await lock.release(); }
 */
export async function takePidLock(
  file: string,
  o: { waitMs: number; ownPid: 'held' | 'stale' },
): Promise<{ release(): Promise<void> } | { heldBy: number }> {
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    try {
      const h = await open(file, 'wx');
      await h.writeFile(String(process.pid));
      await h.close();
      return { release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt((await readFile(file, 'utf8').catch(() => '')).trim(), 10);
    const own = pid === process.pid;
    if (own && o.ownPid === 'held') return { heldBy: pid };
    if (!Number.isInteger(pid) || pid <= 0 || own || !isAlive(pid)) {
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) return { heldBy: pid };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}
