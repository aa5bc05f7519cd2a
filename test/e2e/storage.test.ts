import { createCipheriv, createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/command.js';
import { carCommand, cidCommand } from '../../src/cli/commands/storage.js';
import { createCliContext, splitGlobals } from '../../src/cli/context.js';
import { parseFlags } from '../../src/cli/flags.js';
import { commands, formatError } from '../../src/cli/main.js';
import { cidOfFile } from '../../src/core/cid.js';
import { exportFileTo, importCar, openBlockstore, verifyCar } from '../../src/storage/index.js';
import { type CliRun, runMain } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';
import { withWorkspace } from '../utils/workspace.js';

/**
 * Runs `sinso …` in-process: through main() once the commands are registered there, until then
 * the way main() runs a command (global flags, flag parsing from the options schema, errors).
 */
async function sinso(args: readonly string[]): Promise<CliRun> {
  const ours: readonly Command[] = [carCommand, cidCommand] as unknown as readonly Command[];
  if (commands.some((c) => c.path.join(' ') === 'car')) return runMain(args);
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (t: string) => (stdout += t),
    stderr: (t: string) => (stderr += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  let code: number;
  try {
    const { globals, rest } = splitGlobals(args);
    const cmd = ours.find((c) => c.path[0] === rest[0]) as Command;
    const { options, extra } = parseFlags(cmd.options, rest.slice(1), {
      positional: cmd.positional,
      command: cmd.path.join(' '),
    });
    code = await cmd.run(createCliContext(globals, io), options, extra);
  } catch (err) {
    io.stderr(formatError(err, false));
    code = 1;
  }
  return { code, stdout, stderr };
}

function bytesOf(n: number, seed: number): Buffer {
  const key = createHash('sha256').update(`e2e-storage/${seed}`).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

describe('sinso car and sinso cid', () => {
  it('sinso cid prints the CID of each file; --json gives the same', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'a.bin'), bytesOf(300_000, 1));
    await writeFile(join(d, 'empty.bin'), '');
    const r = await sinso(['cid', join(d, 'a.bin'), join(d, 'empty.bin'), '--workspace', join(d, 'none')]);
    expect(r.code).toBe(0);
    const a = (await cidOfFile(join(d, 'a.bin'))).toString();
    expect(r.stdout).toBe(
      `${a}  ${join(d, 'a.bin')}\nbafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku  ${join(d, 'empty.bin')}\n`,
    );
    const j = await sinso(['cid', join(d, 'a.bin'), '--json']);
    expect(JSON.parse(j.stdout)).toEqual([{ path: join(d, 'a.bin'), cid: a, bytes: 300_000 }]);
  });

  it('sinso car without a workspace writes one CAR of all files; it round-trips; nothing else is left', async () => {
    const d = await tempDir();
    const a = bytesOf(600_000, 2);
    const b = bytesOf(1234, 3);
    await writeFile(join(d, 'a.bin'), a);
    await writeFile(join(d, 'b.bin'), b);
    const out = join(d, 'out.car');
    const r = await sinso([
      'car',
      join(d, 'a.bin'),
      join(d, 'b.bin'),
      '--out',
      out,
      '--json',
      '--workspace',
      join(d, 'no-ws'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const ca = (await cidOfFile(join(d, 'a.bin'))).toString();
    const cb = (await cidOfFile(join(d, 'b.bin'))).toString();
    expect(report.files).toEqual([
      { path: join(d, 'a.bin'), cid: ca, bytes: 600_000 },
      { path: join(d, 'b.bin'), cid: cb, bytes: 1234 },
    ]);
    expect(report.car).toEqual({ path: out, ...(await verifyCar(out)) });
    expect(report.car.roots).toEqual([ca, cb]);
    expect(report.unixfs.chunkSize).toBe(262_144);
    expect((await readdir(d)).sort()).toEqual(['a.bin', 'b.bin', 'out.car']);

    const fresh = openBlockstore(join(d, 'fresh'));
    await importCar(fresh, out);
    await exportFileTo(fresh, CID.parse(ca), join(d, 'a.out'));
    expect((await readFile(join(d, 'a.out'))).equals(a)).toBe(true);

    const human = await sinso([
      'car',
      join(d, 'b.bin'),
      '--out',
      join(d, 'b.car'),
      '--workspace',
      join(d, 'no-ws'),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${cb}  1,234  ${join(d, 'b.bin')}`);
    expect(human.stdout).toMatch(/CAR .*b\.car: [\d,]+ bytes, 1 root\(s\), 1 blocks/);
  });

  it('sinso car in a workspace keeps the blocks in store/blocks/, and the same files give the same CAR bytes', async () => {
    await withWorkspace(async (workspace) => {
      const ws = workspace.paths.root;
      const d = dirname(ws);
      await writeFile(join(d, 'a.bin'), bytesOf(700_000, 4));
      const one = await sinso([
        'car',
        join(d, 'a.bin'),
        '--out',
        join(d, '1.car'),
        '--workspace',
        ws,
        '--json',
      ]);
      expect(one.code).toBe(0);
      const blocks = openBlockstore(join(ws, 'store/blocks'));
      const root = CID.parse(JSON.parse(one.stdout).files[0].cid);
      expect(await blocks.has(root)).toBe(true);
      await sinso(['car', join(d, 'a.bin'), join(d, 'a.bin'), '--out', join(d, '2.car'), '--workspace', ws]);
      expect((await readFile(join(d, '1.car'))).equals(await readFile(join(d, '2.car')))).toBe(true);
    });
  });

  it('a missing input or a missing --out is exit 1 with a fix, and no CAR is written', async () => {
    const d = await tempDir();
    const r = await sinso([
      'car',
      join(d, 'nope.bin'),
      '--out',
      join(d, 'x.car'),
      '--workspace',
      join(d, 'no-ws'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('An input is not a file.');
    expect(r.stderr).toContain('Fix:');
    expect(await readdir(d)).toEqual([]);
    await writeFile(join(d, 'a.bin'), 'x');
    const noOut = await sinso(['car', join(d, 'a.bin')]);
    expect(noOut.code).toBe(1);
    expect(noOut.stderr).toContain('out');
  });
});
