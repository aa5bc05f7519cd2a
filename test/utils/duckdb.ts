import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DuckDBSession } from '../../src/tables/adapters/DuckDBSession.js';

/**
 * Runs `fn` with a fresh in-memory DuckDB session (UTC, insertion order kept: the settings sinso
 * relies on) and closes it afterwards, whether `fn` succeeds or throws.
 *
 * @example
 * const rows = await withSession((s) => s.rows(`SELECT * FROM read_parquet('${file}')`));
 */
export async function withSession<T>(fn: (session: DuckDBSession) => Promise<T> | T): Promise<T> {
  const session = await DuckDBSession.open({});
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

/** A second process that holds a DuckDB file open (and so its lock) until `release()`. */
export type HeldDatabase = {
  /** The process id, as DuckDB names it in a lock conflict. */
  pid: number;
  /** Closes the database in the child and waits for the child to exit. */
  release(): Promise<void>;
};

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const HOLDER = `
import { DuckDBInstance } from '@duckdb/node-api';
const [path, mode] = process.argv.slice(-2);
const db = await DuckDBInstance.create(path, mode === 'read' ? { access_mode: 'READ_ONLY' } : {});
const c = await db.connect();
process.stdout.write('held\\n');
process.stdin.resume();
process.stdin.on('end', () => { c.closeSync(); db.closeSync(); process.exit(0); });
`;

/**
 * Opens `path` with DuckDB in a child process (read-write, or read-only with `mode: 'read'`)
 * and resolves once it holds the file's lock; the lock is released when `release()` ends the
 * child's stdin.
 *
 * @example
 * const held = await holdDatabase(file);
 * try { … } finally { await held.release(); }
 */
export function holdDatabase(path: string, mode: 'read' | 'write' = 'write'): Promise<HeldDatabase> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HOLDER, path, mode], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new RangeError(`the DuckDB holder exited with ${code}`)));
    child.stdout.once('data', () =>
      resolve({
        pid: child.pid as number,
        release: async () => {
          child.stdin.end();
          await exited;
        },
      }),
    );
  });
}
