import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesOf, keyOf as key } from '../../test/utils/bytes.js';
import { decryptBytes, ENCRYPTION_FORMAT, encryptBytes } from './encryption.js';

const SEG = ENCRYPTION_FORMAT.defaultSegmentSize;
const HEADER = ENCRYPTION_FORMAT.headerBytes;
const TAG = ENCRYPTION_FORMAT.tagBytes;
const datasetKey = key('dataset-1');

function fails(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? 'no code';
  }
}

describe('encryption at rest (format v1)', () => {
  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['exactly one segment', SEG],
    ['one segment and a byte', SEG + 1],
    ['several segments', 3 * SEG + 1234],
  ])('round-trips bytes: %s, with the documented size', (_n, size) => {
    const plain = bytesOf(size, size);
    const sealed = encryptBytes(plain, datasetKey);
    const segments = Math.max(1, Math.ceil(size / SEG));
    expect(sealed.length).toBe(HEADER + size + segments * TAG);
    expect(Buffer.from(sealed.subarray(0, 8)).toString('ascii')).toBe('SINSOENC');
    expect(Buffer.from(decryptBytes(sealed, datasetKey)).equals(Buffer.from(plain))).toBe(true);
  });

  it('is reproducible: same key and file → same bytes; another key or file → other bytes', () => {
    const plain = bytesOf(SEG + 10, 1);
    const a = Buffer.from(encryptBytes(plain, datasetKey));
    expect(a.equals(Buffer.from(encryptBytes(plain, datasetKey)))).toBe(true);
    const other = Buffer.from(encryptBytes(plain, key('dataset-2')));
    expect(other.equals(a)).toBe(false);
    const changed = Uint8Array.from(plain);
    changed[SEG + 5] = (changed[SEG + 5] as number) ^ 1;
    const c = Buffer.from(encryptBytes(changed, datasetKey));
    // a one-byte change gives a new nonce prefix, so even the first segment differs
    expect(c.subarray(16, 23).equals(a.subarray(16, 23))).toBe(false);
    expect(c.subarray(HEADER, HEADER + 64).equals(a.subarray(HEADER, HEADER + 64))).toBe(false);
  });

  it('a wrong key fails clearly (STORAGE_DECRYPT_FAILED)', () => {
    const sealed = encryptBytes(bytesOf(100), datasetKey);
    expect(fails(() => decryptBytes(sealed, key('someone else')))).toBe('STORAGE_DECRYPT_FAILED');
    try {
      decryptBytes(sealed, key('someone else'));
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('The file does not decrypt with this key.');
      expect((err as Error).message).toContain('Fix:');
    }
  });

  it('detects every single-bit flip of a small file’s ciphertext (property)', () => {
    const sealed = encryptBytes(bytesOf(40, 3), datasetKey);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sealed.length * 8 - 1 }), (bit) => {
        const t = Uint8Array.from(sealed);
        t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
        const code = fails(() => decryptBytes(t, datasetKey));
        return code === 'STORAGE_ENCRYPTED_INVALID' || code === 'STORAGE_DECRYPT_FAILED';
      }),
      { numRuns: 300, seed: 42 },
    );
    // and exhaustively, since the file is small
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const t = Uint8Array.from(sealed);
      t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(fails(() => decryptBytes(t, datasetKey))).toMatch(
        /^STORAGE_(ENCRYPTED_INVALID|DECRYPT_FAILED)$/,
      );
    }
  });

  it('detects truncation, extension, dropped and swapped segments', () => {
    const plain = bytesOf(3 * SEG, 5);
    const sealed = Buffer.from(encryptBytes(plain, datasetKey));
    const seg = (i: number) => sealed.subarray(HEADER + i * (SEG + TAG), HEADER + (i + 1) * (SEG + TAG));
    const header = sealed.subarray(0, HEADER);
    const cases: Record<string, Buffer> = {
      'cut by a byte': sealed.subarray(0, sealed.length - 1),
      'last segment dropped': Buffer.concat([header, seg(0), seg(1)]),
      'first two swapped': Buffer.concat([header, seg(1), seg(0), seg(2)]),
      'a segment repeated': Buffer.concat([header, seg(0), seg(1), seg(2), seg(2)]),
      'a byte added': Buffer.concat([sealed, Buffer.from([0])]),
      'header only': Buffer.from(header),
      'header cut': sealed.subarray(0, 20),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      expect([name, fails(() => decryptBytes(bytes, datasetKey))]).toEqual([
        name,
        'STORAGE_ENCRYPTED_INVALID',
      ]);
    }
  });

  it('says clearly when a file is not in the format, or in a newer version', () => {
    const notOurs = fails(() => decryptBytes(new TextEncoder().encode('PAR1 plain parquet…'), datasetKey));
    expect(notOurs).toBe('STORAGE_ENCRYPTED_INVALID');
    const sealed = Buffer.from(encryptBytes(bytesOf(10), datasetKey));
    sealed[8] = 2;
    try {
      decryptBytes(sealed, datasetKey);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('format version this sinso does not read');
    }
    const usage = (problem: string) =>
      expect.objectContaining({ code: 'USAGE', fields: expect.objectContaining({ problem }) });
    expect(() => encryptBytes(bytesOf(1), new Uint8Array(16))).toThrow(
      usage('A dataset key must be 32 bytes.'),
    );
    expect(() => encryptBytes(bytesOf(1), datasetKey, { segmentSize: 1000 })).toThrow(
      usage('The encryption segment size must be a whole number from 65536 to 1048576.'),
    );
  });
});
