import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CID } from 'multiformats/cid';
import { z } from 'zod';
import { cidOfFile, UNIXFS_PARAMS } from '../../core/cid.js';
import { UsageError } from '../../core/errors/index.js';
import { isWorkspace } from '../../core/workspace.js';
import {
  addFile,
  type Blockstore,
  openBlockstore,
  workspaceBlockstore,
  writeCar,
} from '../../storage/index.js';
import { defineCommand, requireWorkspace } from '../command.js';
import type { CliContext } from '../context.js';
import { formatCount, formatTable } from '../format.js';

const params = `UnixFS, CIDv1, ${UNIXFS_PARAMS.chunkSize / 1024} KiB fixed chunks, raw leaves, balanced DAG of at most ${UNIXFS_PARAMS.maxChildrenPerNode} links, sha2-256`;

export const carCommand = defineCommand({
  path: ['car'],
  summary: 'Write one CAR file (for a Filecoin storage deal) holding the UnixFS DAGs of files',
  description: `Imports each file as ${params} (the CIDs of \`ipfs add --cid-version 1 --raw-leaves\`), into the workspace blockstore (store/blocks/) when there is a workspace, else into a temporary one, and writes one CARv1 file with every file's root, each block once, in a deterministic order. Prints each file's CID and size, and the CAR's size, roots and block count.`,
  options: z.strictObject({
    files: z.array(z.string().min(1)).min(1).describe('Files to put in the CAR'),
    out: z.string().min(1).describe('The CAR file to write (atomically)'),
  }),
  positional: { key: 'files', name: 'FILE...', many: true },
  examples: [
    'sinso car publish/patients.parquet.enc publish/manifest.json --out dataset.car',
    'sinso car table.parquet --out table.car --json',
  ],
  async run(ctx, o) {
    const files = await checkFiles(o.files);
    const { blockstore, cleanup } = await blockstoreFor(ctx);
    try {
      const task = ctx.progress.start('add files', files.length);
      const added: { path: string; cid: CID; bytes: number }[] = [];
      for (const f of files) {
        added.push({ ...f, cid: await addFile(blockstore, f.path) });
        task.tick();
      }
      task.done();
      const roots = uniqueCids(added.map((a) => a.cid));
      const car = await writeCar({ blockstore, roots, out: o.out, progress: ctx.progress });
      const rows = added.map((a) => [a.cid.toString(), formatCount(a.bytes), a.path]);
      ctx.print(
        `${formatTable(rows, ['cid', 'bytes', 'file'])}\nCAR ${o.out}: ${formatCount(car.bytes)} bytes, ${car.roots.length} root(s), ${formatCount(car.blocks)} blocks, padded piece size ${formatCount(car.paddedPieceSize)}\n`,
        {
          car: { path: o.out, ...car },
          files: added.map((a) => ({ path: a.path, cid: a.cid.toString(), bytes: a.bytes })),
          unixfs: UNIXFS_PARAMS,
        },
      );
      return 0;
    } finally {
      await cleanup();
    }
  },
});

export const cidCommand = defineCommand({
  path: ['cid'],
  summary: 'Print the CID of each file (as IPFS computes it, nothing stored)',
  description: `CIDs as ${params}: the same file always gives the same CID, and the one \`ipfs add --cid-version 1 --raw-leaves\` gives.`,
  options: z.strictObject({
    files: z.array(z.string().min(1)).min(1).describe('Files to content-address'),
  }),
  positional: { key: 'files', name: 'FILE...', many: true },
  examples: ['sinso cid table.parquet', 'sinso cid publish/*.enc --json'],
  async run(ctx, o) {
    const files = await checkFiles(o.files);
    const out: { path: string; cid: string; bytes: number }[] = [];
    for (const f of files) out.push({ ...f, cid: (await cidOfFile(f.path)).toString() });
    ctx.print(out.map((f) => `${f.cid}  ${f.path}\n`).join(''), out);
    return 0;
  },
});

/** Each input must be a readable regular file (named by its ordinal: a path may hold a name). */
async function checkFiles(paths: readonly string[]): Promise<{ path: string; bytes: number }[]> {
  const out: { path: string; bytes: number }[] = [];
  for (const [i, path] of paths.entries()) {
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) {
      throw new UsageError('An input is not a file.', {
        metaMessages: [`Input #${i + 1}`],
        fix: 'Give files (not folders) that exist and are readable.',
      });
    }
    out.push({ path, bytes: s.size });
  }
  return out;
}

/** The workspace blockstore, or a temporary folder one (removed after) when there is none. */
async function blockstoreFor(
  ctx: CliContext,
): Promise<{ blockstore: Blockstore; cleanup: () => Promise<void> }> {
  if (await isWorkspace(ctx.globals.workspace)) {
    return { blockstore: workspaceBlockstore(await requireWorkspace(ctx)), cleanup: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), 'sinso-blocks-'));
  return {
    blockstore: openBlockstore(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function uniqueCids(cids: readonly CID[]): CID[] {
  const seen = new Set<string>();
  return cids.filter((c) => !seen.has(c.toString()) && Boolean(seen.add(c.toString())));
}
