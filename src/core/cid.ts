import { createReadStream } from 'node:fs';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import type { CID } from 'multiformats/cid';
import { InternalError, wrapIoError } from './errors/index.js';

/**
 * How sinso turns a file into a CID, fixed so the same bytes always give the same CID, and the
 * same CID as `ipfs add --cid-version 1 --raw-leaves --chunker size-262144` (Kubo's defaults with
 * CIDv1): UnixFS file, fixed-size chunks of 256 KiB, raw leaves, balanced DAG of at most 174
 * links per node, sha2-256, CIDv1 base32. A one-chunk file is its raw leaf (`bafkrei…`).
 * Changing any of these changes every CID: it is recorded in each dataset manifest.
 */
export const UNIXFS_PARAMS = {
  cidVersion: 1,
  chunker: 'fixed-size',
  chunkSize: 262_144,
  rawLeaves: true,
  layout: 'balanced',
  maxChildrenPerNode: 174,
  hash: 'sha2-256',
} as const;
export type UnixfsParams = typeof UNIXFS_PARAMS;

/** Where the blocks of an import go; `put` may store or drop them. */
export type BlockSink = { put(cid: CID, bytes: Uint8Array): Promise<unknown> | unknown };

const discard: BlockSink = { put: (cid) => cid };

/**
 * Builds the UnixFS DAG of a byte stream with {@link UNIXFS_PARAMS} and returns its root CID;
 * each block is handed to `sink` (dropped by default, when only the CID is wanted). Streams:
 * memory stays bounded by the chunk size whatever the input size.
 *
 * @example
 * const cid = await cidOfStream(createReadStream('table.parquet'));
 */
export async function cidOfStream(
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  sink: BlockSink = discard,
): Promise<CID> {
  const blockstore = {
    put: async (cid: CID, bytes: Uint8Array) => {
      await sink.put(cid, bytes);
      return cid;
    },
  };
  let root: CID | undefined;
  for await (const entry of importer([{ content }], blockstore as never, {
    cidVersion: UNIXFS_PARAMS.cidVersion,
    rawLeaves: UNIXFS_PARAMS.rawLeaves,
    chunker: fixedSize({ chunkSize: UNIXFS_PARAMS.chunkSize }),
    layout: balanced({ maxChildrenPerNode: UNIXFS_PARAMS.maxChildrenPerNode }),
    reduceSingleLeafToSelf: true,
    // one block in flight at a time keeps the order of puts (and so of a CAR) deterministic
    blockWriteConcurrency: 1,
  })) {
    root = entry.cid;
  }
  if (!root) {
    throw new InternalError('INTERNAL', { what: 'content addressing produced no root CID' });
  }
  return root;
}

/** The CID of some bytes (see {@link cidOfStream}). */
export function cidOfBytes(bytes: Uint8Array, sink?: BlockSink): Promise<CID> {
  return cidOfStream([bytes], sink);
}

/** The CID of a file, read as a stream (see {@link cidOfStream}). */
export async function cidOfFile(path: string, sink?: BlockSink): Promise<CID> {
  try {
    return await cidOfStream(createReadStream(path, { highWaterMark: UNIXFS_PARAMS.chunkSize }), sink);
  } catch (err) {
    throw wrapIoError(
      err,
      'Reading a file to content-address it',
      'Check that the file exists and is readable.',
    );
  }
}
