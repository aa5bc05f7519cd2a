import { createCipheriv, createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/utils/tmp.js';
import { cidOfBytes, cidOfFile, cidOfStream, UNIXFS_PARAMS } from './cid.js';

/*
 * An independent UnixFS builder for the settings of UNIXFS_PARAMS, written from the specs
 * (dag-pb: https://ipld.io/specs/codecs/dag-pb/spec/, UnixFS: https://specs.ipfs.tech/unixfs/)
 * with node:crypto for sha2-256; multiformats only prints the CID. Not ipfs-unixfs-importer.
 */
const CHUNK = 262_144;
const MAX_LINKS = 174;
const RAW = 0x55;
const DAG_PB = 0x70;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** A protobuf field: varint (wire type 0) for numbers, length-delimited (2) for bytes. */
function field(num: number, value: number | Uint8Array): Buffer {
  if (typeof value === 'number') return Buffer.from([...varint(num * 8), ...varint(value)]);
  return Buffer.concat([Buffer.from([...varint(num * 8 + 2), ...varint(value.length)]), value]);
}

function cidBytes(codec: number, block: Uint8Array): Buffer {
  const digest = createHash('sha256').update(block).digest();
  return Buffer.concat([Buffer.from([...varint(1), ...varint(codec), 0x12, 0x20]), digest]);
}

type Built = { cid: Buffer; fileSize: number; tsize: number };

function rawLeaf(chunk: Uint8Array): Built {
  return { cid: cidBytes(RAW, chunk), fileSize: chunk.length, tsize: chunk.length };
}

/** A UnixFS file node over children: PBNode { Links (2)…, Data (1) }, links before data. */
function fileNode(children: readonly Built[]): Built {
  const fileSize = children.reduce((a, c) => a + c.fileSize, 0);
  const unixfs = Buffer.concat([
    field(1, 2), // Type = File
    field(3, fileSize), // filesize
    ...children.map((c) => field(4, c.fileSize)), // blocksizes, repeated (not packed)
  ]);
  const links = children.map((c) =>
    field(2, Buffer.concat([field(1, c.cid), field(2, new Uint8Array(0)), field(3, c.tsize)])),
  );
  const block = Buffer.concat([...links, field(1, unixfs)]);
  return {
    cid: cidBytes(DAG_PB, block),
    fileSize,
    tsize: block.length + children.reduce((a, c) => a + c.tsize, 0),
  };
}

/** Balanced layout: groups of 174 per node, level by level; a one-chunk file is its raw leaf. */
function independentCid(bytes: Uint8Array): string {
  const leaves: Built[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += CHUNK) leaves.push(rawLeaf(bytes.subarray(i, i + CHUNK)));
  let level = leaves;
  if (level.length === 1) return CID.decode(level[0]!.cid).toString();
  do {
    const next: Built[] = [];
    for (let i = 0; i < level.length; i += MAX_LINKS) next.push(fileNode(level.slice(i, i + MAX_LINKS)));
    level = next;
  } while (level.length > 1);
  return CID.decode(level[0]!.cid).toString();
}

/** Deterministic, varied bytes (AES-128-CTR keystream): no two chunks alike. */
function bytesOf(n: number, seed = 1): Uint8Array {
  const key = createHash('sha256').update(`cid-test/${seed}`).digest().subarray(0, 16);
  return new Uint8Array(createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n)));
}

describe('UnixFS CIDs (core/cid.ts) against an independent builder', () => {
  it('states the parameters it uses', () => {
    expect(UNIXFS_PARAMS).toMatchObject({ chunkSize: CHUNK, maxChildrenPerNode: MAX_LINKS, rawLeaves: true });
  });

  it('gives the well-known CID of the empty file', async () => {
    const empty = new Uint8Array(0);
    expect(independentCid(empty)).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
    expect((await cidOfBytes(empty)).toString()).toBe(
      'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
    );
  });

  it.each([
    ['a few bytes', 11],
    ['exactly one chunk', CHUNK],
    ['one chunk and one byte', CHUNK + 1],
    ['174 chunks (one full node)', 174 * CHUNK],
    ['175 chunks (a second tree level)', 175 * CHUNK],
    ['175 chunks and a bit', 175 * CHUNK + 12_345],
  ])('matches for %s', async (_name, size) => {
    const bytes = bytesOf(size, size);
    const cid = await cidOfBytes(bytes);
    expect(cid.toString()).toBe(independentCid(bytes));
    expect(cid.version).toBe(1);
    expect(cid.code).toBe(size <= CHUNK ? RAW : DAG_PB);
  });

  it('matches for random sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 * CHUNK + 100 }), fc.integer(), async (size, seed) => {
        const bytes = bytesOf(size, seed);
        expect((await cidOfBytes(bytes)).toString()).toBe(independentCid(bytes));
      }),
      { numRuns: 8, seed: 20240601 },
    );
  });

  it('a file read as a stream gets the CID of its bytes, whatever the read sizes', async () => {
    const bytes = bytesOf(3 * CHUNK + 7, 9);
    const file = join(await tempDir(), 'data.bin');
    await writeFile(file, bytes);
    const expected = independentCid(bytes);
    expect((await cidOfFile(file)).toString()).toBe(expected);
    const pieces = [bytes.subarray(0, 1000), bytes.subarray(1000, 300_001), bytes.subarray(300_001)];
    expect((await cidOfStream(pieces)).toString()).toBe(expected);
  });
});
