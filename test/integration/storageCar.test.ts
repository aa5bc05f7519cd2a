import { createCipheriv, createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cidOfBytes, cidOfFile } from '../../src/core/cid.js';
import {
  addFile,
  blockPath,
  exportFileTo,
  importCar,
  openBlockstore,
  verifyCar,
  walkDags,
  writeCar,
} from '../../src/storage/index.js';
import { tempDir } from '../utils/tmp.js';

const CHUNK = 262_144;

function bytesOf(n: number, seed: number): Uint8Array {
  const key = createHash('sha256').update(`storage-test/${seed}`).digest().subarray(0, 16);
  return new Uint8Array(createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n)));
}

async function fileOf(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, bytes);
  return p;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ code });
}

describe('blockstore', () => {
  it('keeps each block as a file named by its CID, sharded next-to-last/2; put is idempotent', async () => {
    const d = await tempDir();
    const blocks = openBlockstore(join(d, 'blocks'));
    const bytes = new TextEncoder().encode('hello blocks');
    const cid = await cidOfBytes(bytes);
    expect(await blocks.has(cid)).toBe(false);
    await blocks.put(cid, bytes);
    await blocks.put(cid, bytes);
    const key = cid.toString();
    expect(blockPath(join(d, 'blocks'), cid)).toBe(join(d, 'blocks', key.slice(-3, -1), `${key}.data`));
    expect(await readdir(join(d, 'blocks', key.slice(-3, -1)))).toEqual([`${key}.data`]);
    expect(await blocks.has(cid)).toBe(true);
    expect(Buffer.from(await blocks.get(cid)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses bytes that do not hash to the CID, on put and on get', async () => {
    const d = await tempDir();
    const blocks = openBlockstore(d);
    const cid = await cidOfBytes(new Uint8Array([1, 2, 3]));
    await expectCode(blocks.put(cid, new Uint8Array([1, 2, 4])), 'STORAGE_CID_MISMATCH');
    await blocks.put(cid, new Uint8Array([1, 2, 3]));
    await writeFile(blockPath(d, cid), new Uint8Array([9, 9, 9]));
    await expectCode(blocks.get(cid), 'STORAGE_CID_MISMATCH');
    await expectCode(blocks.get(await cidOfBytes(new Uint8Array([7]))), 'STORAGE_BLOCK_NOT_FOUND');
  });

  it('addFile stores the whole DAG and returns the CID cidOfFile gives', async () => {
    const d = await tempDir();
    const file = await fileOf(d, 'f.bin', bytesOf(3 * CHUNK + 5, 1));
    const blocks = openBlockstore(join(d, 'blocks'));
    const cid = await addFile(blocks, file);
    expect(cid.toString()).toBe((await cidOfFile(file)).toString());
    const walked = [];
    for await (const b of walkDags(blocks, [cid])) walked.push(b.cid.toString());
    expect(walked).toHaveLength(5); // root + 4 raw leaves
    expect(walked[0]).toBe(cid.toString());
  });
});

describe('CAR files', () => {
  it('round-trip: files → blocks → CAR → fresh blockstore → identical bytes and CIDs', async () => {
    const d = await tempDir();
    const a = bytesOf(2 * CHUNK + 77, 2);
    const b = bytesOf(1000, 3);
    const fa = await fileOf(d, 'a.bin', a);
    const fb = await fileOf(d, 'b.bin', b);
    const src = openBlockstore(join(d, 'src'));
    const ca = await addFile(src, fa);
    const cb = await addFile(src, fb);
    const car = await writeCar({ blockstore: src, roots: [ca, cb], out: join(d, 'out.car') });
    expect(car.roots).toEqual([ca.toString(), cb.toString()]);
    expect(car.blocks).toBe(5); // root + 3 leaves of a, 1 raw block for b
    expect(car.bytes).toBe((await stat(join(d, 'out.car'))).size);
    expect(car.bytes).toBeGreaterThan(a.length + b.length);
    expect(car.paddedPieceSize).toBe(1_048_576); // ~0.6 MB → fr32 → next power of two
    expect(await verifyCar(join(d, 'out.car'))).toEqual(car);

    const fresh = openBlockstore(join(d, 'fresh'));
    expect(await importCar(fresh, join(d, 'out.car'))).toEqual(car);
    await exportFileTo(fresh, ca, join(d, 'a.out'));
    await exportFileTo(fresh, cb, join(d, 'b.out'));
    expect(Buffer.from(await readFile(join(d, 'a.out'))).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(await readFile(join(d, 'b.out'))).equals(Buffer.from(b))).toBe(true);
    expect((await cidOfFile(join(d, 'a.out'))).toString()).toBe(ca.toString());
  });

  it('is deterministic and holds each block once, even when DAGs share blocks', async () => {
    const d = await tempDir();
    const same = bytesOf(CHUNK, 4);
    const twice = new Uint8Array([...same, ...same]); // two equal leaves
    const blocks = openBlockstore(join(d, 'b'));
    const file = await fileOf(d, 'twice.bin', twice);
    const cid = await addFile(blocks, file);
    const leaf = await addFile(blocks, await fileOf(d, 'once.bin', same));
    const one = await writeCar({ blockstore: blocks, roots: [cid, leaf], out: join(d, '1.car') });
    const two = await writeCar({ blockstore: blocks, roots: [cid, leaf], out: join(d, '2.car') });
    expect(one.blocks).toBe(2);
    expect(Buffer.from(await readFile(join(d, '1.car'))).equals(await readFile(join(d, '2.car')))).toBe(true);
    expect(two.bytes).toBe(one.bytes);
  });

  it('rejects a CAR with a corrupted block (STORAGE_CAR_INVALID) and imports nothing from it', async () => {
    const d = await tempDir();
    const data = bytesOf(CHUNK + 10, 5);
    const blocks = openBlockstore(join(d, 'b'));
    const cid = await addFile(blocks, await fileOf(d, 'x.bin', data));
    await writeCar({ blockstore: blocks, roots: [cid], out: join(d, 'x.car') });
    const car = Buffer.from(await readFile(join(d, 'x.car')));
    // flip a byte inside the first leaf's data: find its bytes in the CAR
    const at = car.indexOf(Buffer.from(data.subarray(1000, 1032)));
    expect(at).toBeGreaterThan(0);
    car[at] = (car[at] as number) ^ 0x01;
    await writeFile(join(d, 'bad.car'), car);
    await expectCode(verifyCar(join(d, 'bad.car')), 'STORAGE_CAR_INVALID');
    const fresh = openBlockstore(join(d, 'fresh'));
    await expectCode(importCar(fresh, join(d, 'bad.car')), 'STORAGE_CAR_INVALID');
    expect(await fresh.has(cid)).toBe(false);
    await writeFile(join(d, 'cut.car'), car.subarray(0, car.length - 100));
    await expectCode(verifyCar(join(d, 'cut.car')), 'STORAGE_CAR_INVALID');
    await writeFile(join(d, 'junk.car'), 'not a car at all');
    await expectCode(verifyCar(join(d, 'junk.car')), 'STORAGE_CAR_INVALID');
  });

  it('writes nothing when a block of the DAG is missing', async () => {
    const d = await tempDir();
    const blocks = openBlockstore(join(d, 'b'));
    const cid = await addFile(blocks, await fileOf(d, 'y.bin', bytesOf(2 * CHUNK + 1, 6)));
    const root = await blocks.get(cid);
    const fresh = openBlockstore(join(d, 'only-root'));
    await fresh.put(cid, root);
    await expectCode(
      writeCar({ blockstore: fresh, roots: [cid], out: join(d, 'y.car') }),
      'STORAGE_BLOCK_NOT_FOUND',
    );
    expect((await readdir(d)).sort()).toEqual(['b', 'only-root', 'y.bin']);
    await expectCode(exportFileTo(fresh, cid, join(d, 'y.out')), 'STORAGE_BLOCK_NOT_FOUND');
    expect(await readdir(d)).not.toContain('y.out');
  });
});
