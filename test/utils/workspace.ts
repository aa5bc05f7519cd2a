import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fixedPassphrase } from '../../src/core/passphrase.js';
import { initWorkspace, type Workspace } from '../../src/core/workspace.js';
import { tempDir } from './tmp.js';

/** The passphrase of every test workspace (set SINSO_PASSPHRASE to it for CLI runs). */
export const TEST_PASSPHRASE = 'test-pass';

/**
 * A new workspace in `dir` with the test passphrase, light key derivation and demo keys from a
 * public seed (fast, and the same keys on every run).
 *
 * @example
 * const ws = await initTestWorkspace(join(dir, 'ws'));
 */
export function initTestWorkspace(dir: string, demoSeed = 'test'): Promise<Workspace> {
  return initWorkspace({ dir, passphrase: fixedPassphrase(TEST_PASSPHRASE), kdf: 'light', demoSeed });
}

/**
 * Runs `fn` with a fresh test workspace (see initTestWorkspace) in a temporary folder, which is
 * removed afterwards, whether `fn` succeeds or throws. `ws.paths.root` is the workspace folder;
 * its parent is free for the test's own files.
 *
 * @example
 * await withWorkspace(async (ws) => {
 *   const keys = await ws.keys();
 * });
 */
export async function withWorkspace<T>(
  fn: (ws: Workspace) => Promise<T> | T,
  options: { demoSeed?: string } = {},
): Promise<T> {
  const dir = await tempDir('sinso-ws-');
  try {
    return await fn(await initTestWorkspace(join(dir, 'ws'), options.demoSeed));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
