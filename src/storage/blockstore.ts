import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CID } from 'multiformats/cid';
import { cidOfFile } from '../core/cid.js';
import { wrapIoError } from '../core/errors/index.js';
import type { Workspace } from '../core/workspace.js';
import { StorageError } from './errors.js';

const SHA2_256 = 0x12;
const IDENTITY = 0x00;

/** A store of blocks by CID. `get` always checks that the bytes hash to the CID. */
export type Blockstore = {
  /** The folder holding the blocks. */
  readonly dir: string;
  /** Stores a block (atomically; a block already there is left as it is). Returns its CID. */
  put(cid: CID, bytes: Uint8Array): Promise<CID>;
  /** Reads a block, verified against its CID (STORAGE_BLOCK_NOT_FOUND, STORAGE_CID_MISMATCH). */
  get(cid: CID): Promise<Uint8Array>;
  has(cid: CID): Promise<boolean>;
};

/**
 * Opens (creating on first put) a folder blockstore: one file per block, named by its CIDv1 in
 * base32 and sharded like Kubo's flatfs `next-to-last/2`: `DIR/<2 chars>/<cid>.data`, the two
 * characters being those before the last character of the CID.
 *
 * @example
 * const blocks = openBlockstore(join(ws.paths.store, 'blocks'));
 * const cid = await addFile(blocks, 'table.parquet.enc');
 */
export function openBlockstore(dir: string): Blockstore {
  const shards = new Set<string>();
  return {
    dir,
    async put(cid, bytes) {
      assertBlock(cid, bytes);
      const file = blockPath(dir, cid);
      if (await isFile(file)) return cid;
      await writeBlockFile(file, bytes, shards);
      return cid;
    },
    async get(cid) {
      const bytes = await readBlock(blockPath(dir, cid), cid);
      assertBlock(cid, bytes);
      return bytes;
    },
    has: (cid) => isFile(blockPath(dir, cid)),
  };
}

/**
 * The blockstore of a workspace: `store/blocks/`.
 *
 * @example
 * const blocks = workspaceBlockstore(await openWorkspace({ dir: '.sinso' }));
 */
export function workspaceBlockstore(workspace: Pick<Workspace, 'paths'>): Blockstore {
  return openBlockstore(join(workspace.paths.store, 'blocks'));
}

/**
 * Imports a file into a blockstore as a UnixFS DAG (see UNIXFS_PARAMS in core/cid.ts) and
 * returns its root CID, the same as `cidOfFile`. Streams: memory stays bounded by the chunk size.
 *
 * @example
 * const cid = await addFile(blocks, 'table.parquet.enc'); // bafy… (or bafkrei… for ≤ 256 KiB)
 */
export function addFile(blockstore: Pick<Blockstore, 'put'>, path: string): Promise<CID> {
  return cidOfFile(path, blockstore);
}

/**
 * Where a block lives in a folder blockstore (flatfs next-to-last/2 sharding).
 *
 * @example
 * blockPath('store/blocks', cid); // store/blocks/ku/bafkrei…vyku.data
 */
export function blockPath(dir: string, cid: CID): string {
  const key = cid.toV1().toString();
  return join(dir, key.slice(-3, -1), `${key}.data`);
}

export type VerifyBlockReturnType = { ok: boolean };

/**
 * Whether bytes hash to a CID (sha2-256 or identity). Throws STORAGE_CID_MISMATCH (with the
 * multihash code) only for a CID whose hash function sinso does not check.
 *
 * @example
 * if (!verifyBlock(cid, bytes).ok) console.error('damaged block');
 */
export function verifyBlock(cid: CID, bytes: Uint8Array): VerifyBlockReturnType {
  const { code, digest } = cid.multihash;
  if (code === SHA2_256)
    return { ok: Buffer.from(digest).equals(createHash('sha256').update(bytes).digest()) };
  if (code === IDENTITY) return { ok: Buffer.from(digest).equals(Buffer.from(bytes)) };
  throw new StorageError('STORAGE_CID_MISMATCH', { cid: cid.toString(), multihash: code });
}

/** {@link verifyBlock}, throwing STORAGE_CID_MISMATCH for bytes that do not match. */
export function assertBlock(cid: CID, bytes: Uint8Array): void {
  if (!verifyBlock(cid, bytes).ok) throw new StorageError('STORAGE_CID_MISMATCH', { cid: cid.toString() });
}

async function readBlock(file: string, cid: CID): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') {
      throw new StorageError('STORAGE_BLOCK_NOT_FOUND', { cid: cid.toString() }, { cause: err });
    }
    throw wrapIoError(err, 'Reading a block', 'Check the blockstore folder and its permissions.');
  }
}

/**
 * Writes a block atomically (temporary sibling, then rename). Unlike writeFileAtomic it does not
 * fsync each block (a file of blocks would pay one fsync per 256 KiB): a block damaged by a power
 * cut is caught by the hash check of every `get`, never served.
 */
async function writeBlockFile(file: string, bytes: Uint8Array, shards: Set<string>): Promise<void> {
  const shard = dirname(file);
  const tmp = `${file}.${randomBytes(6).toString('hex')}.sinso-tmp`;
  try {
    if (!shards.has(shard)) {
      await mkdir(shard, { recursive: true });
      shards.add(shard);
    }
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw wrapIoError(
      err,
      'Writing a block',
      'Check that the blockstore folder is writable and the disk is not full.',
    );
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
