import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/utils/tmp.js';
import { canonicalJson, digestPath, sha256Hex } from './hash.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe(
      '{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });
  it('gives equal bytes for equal values built in different orders', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});

describe('digestPath', () => {
  it('hashes a file by content and a folder by names and contents', async () => {
    const d = await tempDir();
    await mkdir(join(d, 'a/sub'), { recursive: true });
    await writeFile(join(d, 'a/one.txt'), 'one');
    await writeFile(join(d, 'a/sub/two.txt'), 'two');
    const file = await digestPath(join(d, 'a/one.txt'));
    expect(file).toEqual({ sha256: sha256Hex('one'), files: 1, bytes: 3 });
    const dir = await digestPath(join(d, 'a'));
    expect(dir.files).toBe(2);
    expect(dir.bytes).toBe(6);
    expect(dir.sha256).toBe(sha256Hex(`${sha256Hex('one')}  one.txt\n${sha256Hex('two')}  sub/two.txt\n`));
    await writeFile(join(d, 'a/sub/two.txt'), 'TWO');
    expect((await digestPath(join(d, 'a'))).sha256).not.toBe(dir.sha256);
  });
});
