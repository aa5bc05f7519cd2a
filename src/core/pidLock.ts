import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';

/**
 * Takes a lock file: created exclusively, holding this process's pid from the moment it exists
 * (written to a private file first, then hard-linked into place, which fails if the lock
 * exists: a waiter never sees an empty lock and takes it for a dead holder's). A lock whose process is
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
    const mine = `${file}.${process.pid}.${randomUUID()}`;
    try {
      await writeFile(mine, String(process.pid));
      await link(mine, file);
      return { release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    } finally {
      await rm(mine, { force: true });
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      // released in between: try again at once
      if ((err as { code?: string }).code === 'ENOENT') continue;
      throw err;
    }
    const pid = Number.parseInt(text.trim(), 10);
    const own = pid === process.pid;
    if (own && o.ownPid === 'held') return { heldBy: pid };
    if (!Number.isInteger(pid) || pid <= 0 || own || !isAlive(pid)) {
      await removeStale(file, text);
      continue;
    }
    if (Date.now() >= deadline) return { heldBy: pid };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Removes a stale lock, and only the one that was read: it is moved aside first (atomically), and
 * if what was moved is not that lock (another waiter took over meanwhile and holds a fresh one),
 * that fresh lock is put back.
 */
async function removeStale(file: string, seen: string): Promise<void> {
  const aside = `${file}.stale.${process.pid}.${randomUUID()}`;
  try {
    await rename(file, aside);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return;
    throw err;
  }
  try {
    if ((await readFile(aside, 'utf8')) !== seen) {
      await link(aside, file).catch((err: { code?: string }) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
  } finally {
    await rm(aside, { force: true });
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
