import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CarBlockIterator, CarWriter } from '@ipld/car';
import { exporter } from 'ipfs-unixfs-exporter';
import { CID } from 'multiformats/cid';
import { InternalError, isSinsoError, wrapIoError } from '../core/errors/index.js';
import { abortStaged, beginStaged, commitStaged } from '../core/fs.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { assertBlock, type Blockstore } from './blockstore.js';
import { blockLinks } from './dagPb.js';
import { StorageError } from './errors.js';

/** Facts about a CAR file: what a Filecoin storage deal needs to know up front. */
export type CarSummary = {
  /** Root CIDs, in header order. */
  roots: string[];
  /** Number of blocks (each block once). */
  blocks: number;
  /** Size of the CAR file in bytes. */
  bytes: number;
  /**
   * The padded piece size a Filecoin deal for this CAR needs: the size after fr32 padding
   * (127 → 128 bytes), rounded up to a power of two, at least 128.
   */
  paddedPieceSize: number;
};

/**
 * The Filecoin padded piece size for a payload of `bytes` (fr32: every 127 bytes take 128, then
 * the next power of two, at least 128).
 *
 * @example
 * paddedPieceSize(1_000_000); // 1048576
 */
export function paddedPieceSize(bytes: number): number {
  const padded = Math.ceil((bytes * 128) / 127);
  let size = 128;
  while (size < padded) size *= 2;
  return size;
}

/**
 * Every block of the DAGs under `roots`, each once, depth first in link order: the same DAGs
 * always give the same sequence.
 *
 * @example
 * for await (const { cid, bytes } of walkDags(blocks, [root])) …
 */
export async function* walkDags(
  blockstore: Pick<Blockstore, 'get'>,
  roots: readonly CID[],
): AsyncGenerator<{ cid: CID; bytes: Uint8Array }> {
  const seen = new Set<string>();
  const stack = [...roots].reverse();
  for (let cid = stack.pop(); cid !== undefined; cid = stack.pop()) {
    const key = cid.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    const bytes = await blockstore.get(cid);
    yield { cid, bytes };
    stack.push(...blockLinks(cid, bytes).reverse());
  }
}

/**
 * The bytes of a CARv1 holding the complete DAGs of `roots` (see {@link walkDags}), streamed.
 * A failure while walking (a missing block) ends the stream with that error.
 *
 * @example
 * await pipeline(Readable.from(carStream(blocks, [root])), createWriteStream('x.car'));
 */
export async function* carStream(
  blockstore: Pick<Blockstore, 'get'>,
  roots: readonly CID[],
  onBlock: () => void = () => {},
): AsyncGenerator<Uint8Array> {
  const { writer, out } = CarWriter.create([...roots]);
  const failure: { err?: unknown } = {};
  const producer = (async () => {
    try {
      for await (const block of walkDags(blockstore, roots)) {
        await writer.put(block);
        onBlock();
      }
    } catch (err) {
      // a throw of nothing still fails the stream, as a typed error
      failure.err = err ?? new InternalError('INTERNAL', { what: 'the CAR walk failed without an error' });
    }
    await writer.close();
  })();
  for await (const chunk of out) {
    if (failure.err !== undefined) throw failure.err;
    yield chunk;
  }
  // `out` ends only once the producer has closed the writer, after a walk or a failure
  await producer;
  if (failure.err !== undefined) throw failure.err;
}

export type WriteCarParameters = {
  blockstore: Pick<Blockstore, 'get'>;
  roots: readonly CID[];
  /** The CAR file to write (atomically: a temporary sibling renamed into place). */
  out: string;
  progress?: Progress | undefined;
};

/**
 * Writes a CARv1 file holding the complete DAGs of `roots` from a blockstore, each block once in
 * a deterministic order (same DAGs → same CAR bytes), atomically.
 *
 * @example
 * const car = await writeCar({ blockstore: blocks, roots: [cid], out: 'dataset.car' });
 * car.bytes; // for the storage deal
 */
export async function writeCar(p: WriteCarParameters): Promise<CarSummary> {
  const task = (p.progress ?? silentProgress).start('write CAR blocks', 0);
  let blocks = 0;
  const tmp = await beginStaged(p.out);
  try {
    await pipeline(
      Readable.from(
        carStream(p.blockstore, p.roots, () => {
          blocks++;
          task.tick();
        }),
      ),
      createWriteStream(tmp, { flush: true }),
    );
    await commitStaged(p.out);
  } catch (err) {
    await abortStaged(p.out);
    throw isSinsoError(err) ? err : wrapIoError(err, 'Writing the CAR file', 'Check the output folder.');
  } finally {
    task.done();
  }
  const bytes = (await stat(p.out)).size;
  return { roots: p.roots.map(String), blocks, bytes, paddedPieceSize: paddedPieceSize(bytes) };
}

/**
 * Reads a CAR file through, checking that every block hashes to its CID; returns its roots,
 * block count and size. A damaged or altered CAR fails with STORAGE_CAR_INVALID.
 *
 * @example
 * const { roots, bytes } = await verifyCar('dataset.car');
 */
export function verifyCar(path: string): Promise<CarSummary> {
  return scanCar(path, () => {});
}

/**
 * Imports a CAR file into a blockstore after checking every block (nothing is imported from a
 * damaged CAR). Returns the CAR's roots, block count and size.
 *
 * @example
 * const { roots } = await importCar(blocks, 'dataset.car');
 */
export async function importCar(blockstore: Pick<Blockstore, 'put'>, path: string): Promise<CarSummary> {
  await verifyCar(path);
  return scanCar(path, (cid, bytes) => blockstore.put(cid, bytes));
}

async function scanCar(path: string, onBlock: (cid: CID, bytes: Uint8Array) => unknown): Promise<CarSummary> {
  let blocks = 0;
  let roots: CID[];
  try {
    const iterator = await CarBlockIterator.fromIterable(createReadStream(path));
    roots = (await iterator.getRoots()).map((r) => CID.asCID(r) ?? CID.decode(r.bytes));
    for await (const block of iterator) {
      const cid = CID.asCID(block.cid) ?? CID.decode(block.cid.bytes);
      assertBlock(cid, block.bytes);
      await onBlock(cid, block.bytes);
      blocks++;
    }
  } catch (err) {
    if (isSinsoError(err) && !(err instanceof StorageError && err.is('STORAGE_CID_MISMATCH'))) throw err;
    if ((err as { code?: unknown }).code === 'ENOENT') throw wrapIoError(err, 'Reading the CAR file');
    throw new StorageError('STORAGE_CAR_INVALID', { problem: 'damaged' }, { cause: err });
  }
  const bytes = (await stat(path)).size;
  return { roots: roots.map(String), blocks, bytes, paddedPieceSize: paddedPieceSize(bytes) };
}

/**
 * The bytes of a UnixFS file (or raw block) from a blockstore, streamed; each block is verified.
 *
 * @example
 * await pipeline(Readable.from(exportFile(blocks, cid)), createWriteStream('table.parquet.enc'));
 */
export async function* exportFile(blockstore: Pick<Blockstore, 'get'>, cid: CID): AsyncGenerator<Uint8Array> {
  const readable = {
    get: async function* (c: CID) {
      yield await blockstore.get(CID.asCID(c) ?? CID.decode(c.bytes));
    },
  };
  const entry = await exporter(cid, readable as never);
  if (entry.type !== 'file' && entry.type !== 'raw') {
    throw new StorageError('STORAGE_CAR_INVALID', {
      problem: 'not-a-file',
      cid: cid.toString(),
      kind: entry.type,
    });
  }
  yield* entry.content();
}

/**
 * Writes a UnixFS file from a blockstore to `dst`, atomically (nothing is written if a block is
 * missing or damaged).
 *
 * @example
 * await exportFileTo(blocks, cid, 'restored.parquet.enc');
 */
export async function exportFileTo(
  blockstore: Pick<Blockstore, 'get'>,
  cid: CID,
  dst: string,
): Promise<void> {
  const tmp = await beginStaged(dst);
  try {
    await pipeline(Readable.from(exportFile(blockstore, cid)), createWriteStream(tmp, { flush: true }));
    await commitStaged(dst);
  } catch (err) {
    await abortStaged(dst);
    throw isSinsoError(err) ? err : wrapIoError(err, 'Exporting a file from the blockstore');
  }
}
