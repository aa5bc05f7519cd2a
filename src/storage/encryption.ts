/**
 * Encryption at rest: a versioned, streaming AES-256-GCM file format.
 *
 * Format v1 (all integers big-endian):
 *
 * | offset | bytes | field                                                            |
 * | ------ | ----- | ---------------------------------------------------------------- |
 * | 0      | 8     | magic `SINSOENC`                                                 |
 * | 8      | 1     | format version = 1                                               |
 * | 9      | 1     | algorithm = 1 (AES-256-GCM, STREAM)                              |
 * | 10     | 2     | reserved, zero                                                   |
 * | 12     | 4     | segment size S in plaintext bytes (65,536 … 1,048,576)           |
 * | 16     | 7     | nonce prefix P                                                   |
 * | 23     | 16    | key check K = HKDF-SHA-256(datasetKey, salt P, "sinso/storage/key-check/v1") |
 * | 39     | …     | segments: each AES-256-GCM(ciphertext ‖ 16-byte tag) of S plaintext bytes, the last 0…S |
 *
 * Segment i is sealed under E = HKDF-SHA-256(datasetKey, "sinso/storage/aes-256-gcm/v1") with
 * nonce P ‖ uint32(i) ‖ (0x01 for the last segment, else 0x00) and the 39-byte header as
 * additional data: the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015), so a
 * changed byte, reordered or dropped segments, truncation and extension all fail to decrypt. An
 * empty file is one empty last segment. Memory is bounded by one segment.
 *
 * Reproducibility (a project rule) makes the nonce prefix synthetic: P = the first 7 bytes of
 * HMAC-SHA-256(N, "sinso/enc/v1/nonce" ‖ uint32(S) ‖ SHA-256(plaintext)) with
 * N = HKDF-SHA-256(datasetKey, "sinso/storage/nonce/v1"). The same file under the same key gives
 * the same bytes; two equal files under one key are visibly equal, and nothing else leaks. Two
 * different files share a prefix (a nonce reuse) with probability about n²/2⁵⁷ for n files under
 * one key: negligible for the handful of tables of a dataset, and the reason a dataset key is
 * per dataset. The key check lets a wrong key be told apart from a damaged file (and commits the
 * file to its key).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  timingSafeEqual,
} from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSinsoError, UsageError, wrapIoError } from '../core/errors/index.js';
import { abortStaged, beginStaged, commitStaged } from '../core/fs.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { StorageError } from './errors.js';

/** The constants of the encrypted file format (see the module comment). */
export const ENCRYPTION_FORMAT = {
  /** The scheme id a dataset manifest records (`properties.encryption.scheme`). */
  scheme: 'sinso-aes-256-gcm-stream/1',
  magic: 'SINSOENC',
  version: 1,
  algorithm: 'aes-256-gcm-stream',
  headerBytes: 39,
  tagBytes: 16,
  noncePrefixBytes: 7,
  defaultSegmentSize: 65_536,
  minSegmentSize: 65_536,
  maxSegmentSize: 1_048_576,
} as const;

const MAGIC = Buffer.from(ENCRYPTION_FORMAT.magic, 'ascii');
const HEADER = ENCRYPTION_FORMAT.headerBytes;
const TAG = ENCRYPTION_FORMAT.tagBytes;
const ALGORITHM_ID = 1;

export type EncryptOptions = {
  /** Progress on stderr for big files (files only). */
  progress?: Progress | undefined;
  /** Plaintext bytes per segment, 64 KiB … 1 MiB (default 64 KiB). Part of the output bytes. */
  segmentSize?: number | undefined;
};

type Keys = { enc: Buffer; nonce: Buffer };

type Header = { bytes: Buffer; segmentSize: number; prefix: Buffer; keyCheck: Buffer };

/**
 * Encrypts bytes with a 32-byte dataset key (format v1; deterministic).
 *
 * @example
 * const sealed = encryptBytes(new TextEncoder().encode('rows'), datasetKey);
 */
export function encryptBytes(
  plaintext: Uint8Array,
  datasetKey: Uint8Array,
  options: EncryptOptions = {},
): Uint8Array {
  const segmentSize = checkSegmentSize(options.segmentSize);
  const keys = deriveKeys(datasetKey);
  const digest = createHash('sha256').update(plaintext).digest();
  const header = makeHeader(datasetKey, keys, segmentSize, digest);
  const parts: Uint8Array[] = [header.bytes];
  const count = segmentCount(plaintext.length, segmentSize);
  for (let i = 0; i < count; i++) {
    const chunk = plaintext.subarray(i * segmentSize, (i + 1) * segmentSize);
    parts.push(sealSegment(keys, header, i, i === count - 1, chunk));
  }
  return Buffer.concat(parts);
}

/**
 * Decrypts bytes written by {@link encryptBytes} or {@link encryptFile}. A wrong key fails with
 * STORAGE_DECRYPT_FAILED; altered, truncated or foreign bytes with STORAGE_ENCRYPTED_INVALID.
 *
 * @example
 * const rows = decryptBytes(sealed, datasetKey);
 */
export function decryptBytes(sealed: Uint8Array, datasetKey: Uint8Array): Uint8Array {
  const keys = deriveKeys(datasetKey);
  const header = readHeader(Buffer.from(sealed.buffer, sealed.byteOffset, Math.min(sealed.length, HEADER)));
  checkKey(datasetKey, header);
  const layout = segmentLayout(sealed.length - HEADER, header.segmentSize);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < layout.count; i++) {
    const start = HEADER + i * (header.segmentSize + TAG);
    const end = i === layout.count - 1 ? sealed.length : start + header.segmentSize + TAG;
    parts.push(openSegment(keys, header, i, i === layout.count - 1, sealed.subarray(start, end)));
  }
  return Buffer.concat(parts);
}

/**
 * Encrypts a file with a 32-byte dataset key into `dst` (format v1), atomically, in bounded
 * memory (two streaming passes: one to derive the synthetic nonce prefix, one to encrypt).
 * Same file + same key → same bytes.
 *
 * @example
 * await encryptFile('tables/patients.parquet', 'publish/patients.parquet.enc', datasetKey);
 */
export async function encryptFile(
  src: string,
  dst: string,
  datasetKey: Uint8Array,
  options: EncryptOptions = {},
): Promise<void> {
  const segmentSize = checkSegmentSize(options.segmentSize);
  const keys = deriveKeys(datasetKey);
  await withFile(src, 'Reading the file to encrypt', async (fh) => {
    const size = (await fh.stat()).size;
    const digest = await hashFile(fh, size, segmentSize);
    const header = makeHeader(datasetKey, keys, segmentSize, digest);
    const task = (options.progress ?? silentProgress).start('encrypt', segmentCount(size, segmentSize));
    await writeStaged(dst, 'Writing the encrypted file', async function* () {
      yield header.bytes;
      const again = createHash('sha256');
      const count = segmentCount(size, segmentSize);
      for (let i = 0; i < count; i++) {
        const chunk = await readExactly(fh, i * segmentSize, Math.min(segmentSize, size - i * segmentSize));
        again.update(chunk);
        yield sealSegment(keys, header, i, i === count - 1, chunk);
        task.tick();
      }
      task.done();
      if (!again.digest().equals(digest)) throw changedWhileReading();
    });
  });
}

/**
 * Decrypts a file written by {@link encryptFile} into `dst`, atomically: `dst` appears only once
 * every segment has been authenticated, and nothing is written on failure.
 *
 * @example
 * await decryptFile('patients.parquet.enc', 'patients.parquet', datasetKey);
 */
export async function decryptFile(
  src: string,
  dst: string,
  datasetKey: Uint8Array,
  options: { progress?: Progress | undefined } = {},
): Promise<void> {
  const keys = deriveKeys(datasetKey);
  await withFile(src, 'Reading the encrypted file', async (fh) => {
    const size = (await fh.stat()).size;
    const header = readHeader(
      await readExactly(fh, 0, Math.min(size, HEADER), () => damaged('it is cut short')),
    );
    checkKey(datasetKey, header);
    const layout = segmentLayout(size - HEADER, header.segmentSize);
    const task = (options.progress ?? silentProgress).start('decrypt', layout.count);
    await writeStaged(dst, 'Writing the decrypted file', async function* () {
      for (let i = 0; i < layout.count; i++) {
        const last = i === layout.count - 1;
        const start = HEADER + i * (header.segmentSize + TAG);
        const length = last ? layout.lastBytes : header.segmentSize + TAG;
        const sealed = await readExactly(fh, start, length, () => damaged('it was cut short while reading'));
        yield openSegment(keys, header, i, last, sealed);
        task.tick();
      }
      task.done();
    });
  });
}

function deriveKeys(datasetKey: Uint8Array): Keys {
  if (!(datasetKey instanceof Uint8Array) || datasetKey.length !== 32) {
    throw new UsageError('A dataset key must be 32 bytes.', {
      fix: 'Use the workspace dataset key (`datasetKey(workspace, id)`, the key dataset-ID).',
    });
  }
  const derive = (info: string, n: number) =>
    Buffer.from(hkdfSync('sha256', datasetKey, new Uint8Array(0), info, n));
  return { enc: derive('sinso/storage/aes-256-gcm/v1', 32), nonce: derive('sinso/storage/nonce/v1', 32) };
}

function checkSegmentSize(size: number | undefined): number {
  const s = size ?? ENCRYPTION_FORMAT.defaultSegmentSize;
  if (!Number.isInteger(s) || s < ENCRYPTION_FORMAT.minSegmentSize || s > ENCRYPTION_FORMAT.maxSegmentSize) {
    throw new UsageError('The encryption segment size must be a whole number from 65536 to 1048576.', {
      fix: 'Leave it out for the default (65536).',
    });
  }
  return s;
}

function keyCheck(datasetKey: Uint8Array, prefix: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', datasetKey, prefix, 'sinso/storage/key-check/v1', 16));
}

function makeHeader(datasetKey: Uint8Array, keys: Keys, segmentSize: number, digest: Buffer): Header {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(segmentSize);
  const prefix = createHmac('sha256', keys.nonce)
    .update('sinso/enc/v1/nonce')
    .update(size)
    .update(digest)
    .digest()
    .subarray(0, ENCRYPTION_FORMAT.noncePrefixBytes);
  const check = keyCheck(datasetKey, prefix);
  const bytes = Buffer.concat([
    MAGIC,
    Buffer.from([ENCRYPTION_FORMAT.version, ALGORITHM_ID, 0, 0]),
    size,
    prefix,
    check,
  ]);
  return { bytes, segmentSize, prefix, keyCheck: check };
}

function readHeader(bytes: Buffer): Header {
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new StorageError('STORAGE_ENCRYPTED_INVALID', { problem: 'not-sinso' });
  }
  if (bytes.length < HEADER) throw damaged('its header is cut short');
  const version = bytes[8];
  if (version !== ENCRYPTION_FORMAT.version || bytes[9] !== ALGORITHM_ID) {
    throw new StorageError('STORAGE_ENCRYPTED_INVALID', { problem: 'version', version, algorithm: bytes[9] });
  }
  const segmentSize = bytes.readUInt32BE(12);
  if (
    bytes.readUInt16BE(10) !== 0 ||
    segmentSize < ENCRYPTION_FORMAT.minSegmentSize ||
    segmentSize > ENCRYPTION_FORMAT.maxSegmentSize
  ) {
    throw damaged('its header holds values the format does not allow');
  }
  return {
    bytes: Buffer.from(bytes.subarray(0, HEADER)),
    segmentSize,
    prefix: Buffer.from(bytes.subarray(16, 23)),
    keyCheck: Buffer.from(bytes.subarray(23, HEADER)),
  };
}

function checkKey(datasetKey: Uint8Array, header: Header): void {
  if (!timingSafeEqual(keyCheck(datasetKey, header.prefix), header.keyCheck)) {
    throw new StorageError('STORAGE_DECRYPT_FAILED');
  }
}

/** Segments a plaintext of `size` bytes is cut into: at least one (an empty file is one empty segment). */
function segmentCount(size: number, segmentSize: number): number {
  const count = Math.max(1, Math.ceil(size / segmentSize));
  if (count > 0xffffffff) {
    throw new UsageError('The file is too big for one encrypted file.', {
      fix: 'Use a bigger segment size.',
    });
  }
  return count;
}

/** How the body after the header splits into sealed segments; rejects impossible lengths. */
function segmentLayout(bodyBytes: number, segmentSize: number): { count: number; lastBytes: number } {
  const full = segmentSize + TAG;
  if (bodyBytes < TAG) throw damaged('it is cut short');
  const count = Math.max(1, Math.ceil(bodyBytes / full));
  const lastBytes = bodyBytes - (count - 1) * full;
  // an empty last segment is only ever written for an empty file
  if (count > 1 && lastBytes <= TAG) throw damaged('it is cut short or has bytes added');
  return { count, lastBytes };
}

function segmentNonce(prefix: Buffer, index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function sealSegment(
  keys: Keys,
  header: Header,
  index: number,
  last: boolean,
  plaintext: Uint8Array,
): Buffer {
  const cipher = createCipheriv('aes-256-gcm', keys.enc, segmentNonce(header.prefix, index, last), {
    authTagLength: TAG,
  });
  cipher.setAAD(header.bytes);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function openSegment(keys: Keys, header: Header, index: number, last: boolean, sealed: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', keys.enc, segmentNonce(header.prefix, index, last), {
    authTagLength: TAG,
  });
  decipher.setAAD(header.bytes);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
  } catch (err) {
    throw new StorageError(
      'STORAGE_ENCRYPTED_INVALID',
      { problem: 'segment', segment: index, last },
      { cause: err },
    );
  }
}

function damaged(why: string): StorageError {
  return new StorageError('STORAGE_ENCRYPTED_INVALID', { problem: 'damaged', why });
}

function changedWhileReading(): StorageError {
  return new StorageError('STORAGE_ENCRYPTED_INVALID', { problem: 'changed' });
}

async function hashFile(fh: FileHandle, size: number, segmentSize: number): Promise<Buffer> {
  const hash = createHash('sha256');
  for (let pos = 0; pos < size; pos += segmentSize) {
    hash.update(await readExactly(fh, pos, Math.min(segmentSize, size - pos)));
  }
  return hash.digest();
}

async function readExactly(
  fh: FileHandle,
  position: number,
  length: number,
  short: () => StorageError = changedWhileReading,
): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw short();
    done += bytesRead;
  }
  return buf;
}

async function withFile(path: string, what: string, fn: (fh: FileHandle) => Promise<void>): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw wrapIoError(err, what, 'Check that the file exists and is readable.');
  }
  try {
    await fn(fh);
  } finally {
    await fh.close();
  }
}

async function writeStaged(
  dst: string,
  what: string,
  chunks: () => AsyncGenerator<Uint8Array>,
): Promise<void> {
  const tmp = await beginStaged(dst);
  try {
    await pipeline(Readable.from(chunks()), createWriteStream(tmp, { flush: true }));
    await commitStaged(dst);
  } catch (err) {
    await abortStaged(dst);
    throw isSinsoError(err)
      ? err
      : wrapIoError(err, what, 'Check that the folder is writable and the disk is not full.');
  }
}
