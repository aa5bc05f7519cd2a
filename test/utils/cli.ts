import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { StageRegistry } from '../../src/pipeline/index.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const binPath = join(repoRoot, 'bin/sinso.js');

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs the real binary (dist/) in a child process. */
export function runBin(
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      SINSO_PASSPHRASE: undefined,
      SINSO_WORKSPACE: undefined,
      ...opts.env,
    };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the CLI in-process (faster; same code as the binary). */
export async function runMain(
  args: readonly string[],
  o: { registry?: StageRegistry } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      stdoutIsTTY: false,
      stderrIsTTY: false,
    },
    o,
  );
  return { code, stdout, stderr };
}

export { tempDir } from './tmp.js';
