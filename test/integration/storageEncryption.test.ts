import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptFile, ENCRYPTION_FORMAT, encryptBytes, encryptFile } from '../../src/storage/index.js';
import { bytesOf, keyOf as key } from '../utils/bytes.js';
import { tempDir } from '../utils/tmp.js';

const SEG = ENCRYPTION_FORMAT.defaultSegmentSize;
const HEADER = ENCRYPTION_FORMAT.headerBytes;
const TAG = ENCRYPTION_FORMAT.tagBytes;
const datasetKey = key('dataset-1');

describe('encryption at rest of files (format v1)', () => {
  it('round-trips files, with a bigger segment size, atomically', async () => {
    const d = await tempDir();
    const plain = bytesOf(2 * 1_048_576 + 3, 7);
    await writeFile(join(d, 'table.parquet'), plain);
    await encryptFile(join(d, 'table.parquet'), join(d, 'table.enc'), datasetKey, { segmentSize: 1_048_576 });
    const sealed = await readFile(join(d, 'table.enc'));
    expect(sealed.readUInt32BE(12)).toBe(1_048_576);
    expect(sealed.equals(Buffer.from(encryptBytes(plain, datasetKey, { segmentSize: 1_048_576 })))).toBe(
      true,
    );
    await decryptFile(join(d, 'table.enc'), join(d, 'back.parquet'), datasetKey);
    expect((await readFile(join(d, 'back.parquet'))).equals(Buffer.from(plain))).toBe(true);
    expect((await readdir(d)).sort()).toEqual(['back.parquet', 'table.enc', 'table.parquet']);
  });

  it('decryptFile with a wrong key fails (STORAGE_DECRYPT_FAILED) and writes nothing', async () => {
    const sealed = encryptBytes(bytesOf(100), datasetKey);
    const d = await tempDir();
    await writeFile(join(d, 'x.enc'), sealed);
    await expect(decryptFile(join(d, 'x.enc'), join(d, 'x'), key('nope'))).rejects.toMatchObject({
      code: 'STORAGE_DECRYPT_FAILED',
    });
    expect(await readdir(d)).toEqual(['x.enc']);
  });

  it('decryptFile refuses a file with a dropped segment (STORAGE_ENCRYPTED_INVALID) and writes nothing', async () => {
    const sealed = Buffer.from(encryptBytes(bytesOf(3 * SEG, 5), datasetKey));
    const d = await tempDir();
    await writeFile(join(d, 'cut.enc'), sealed.subarray(0, HEADER + 2 * (SEG + TAG)));
    await expect(decryptFile(join(d, 'cut.enc'), join(d, 'out'), datasetKey)).rejects.toMatchObject({
      code: 'STORAGE_ENCRYPTED_INVALID',
    });
    expect(await readdir(d)).toEqual(['cut.enc']);
  });
});
