import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/utils/tmp.js';
import { forEachLine } from './forEachLine.js';

async function viaReadline(path: string): Promise<string[]> {
  const rl = createInterface({
    input: createReadStream(path, { encoding: 'utf8', highWaterMark: 7 }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const lines: string[] = [];
  for await (const l of rl) lines.push(l);
  return lines;
}

async function viaForEachLine(path: string, chunkBytes?: number): Promise<string[]> {
  const lines: string[] = [];
  await forEachLine(path, (l) => lines.push(l), chunkBytes === undefined ? {} : { chunkBytes });
  return lines;
}

describe('forEachLine', () => {
  it('gives the lines node:readline gives: \\n, \\r\\n and lone \\r ends, split reads, multi-byte characters, bad UTF-8', async () => {
    const dir = await tempDir();
    const cases = [
      '',
      '\n',
      'a',
      'a\n',
      'a\n\nb',
      'a\r\nb\r\n',
      'a\rb\r',
      '\r\n\r\n',
      '\r\r\n\n',
      '{"name":"Zoë Ünal"}\r\n{"x":"漢字 😀"}\n{"y":1}',
      Buffer.from([0x61, 0xe2, 0x82, 0x0a, 0x62, 0xff, 0x0d, 0x0a, 0xf0, 0x9f, 0x98]).toString('latin1'),
    ];
    for (const [i, text] of cases.entries()) {
      const path = join(dir, `case${i}.ndjson`);
      await writeFile(path, i === cases.length - 1 ? Buffer.from(text, 'latin1') : text);
      const want = await viaReadline(path);
      for (const chunkBytes of [1, 2, 3, 5, undefined]) {
        expect(await viaForEachLine(path, chunkBytes), `case ${i}, chunks of ${chunkBytes}`).toEqual(want);
      }
    }
  });

  it('matches node:readline on any text of line ends, ASCII and multi-byte characters, in reads of any size', async () => {
    const dir = await tempDir();
    const path = join(dir, 'any.ndjson');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'é', '😀', '\n', '\r', '\r\n', ' ', '{}'), { maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        async (parts, chunkBytes) => {
          await writeFile(path, parts.join(''));
          expect(await viaForEachLine(path, chunkBytes)).toEqual(await viaReadline(path));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stops at a throw from the callback', async () => {
    const dir = await tempDir();
    const path = join(dir, 'stop.ndjson');
    await writeFile(path, 'a\nb\nc\n');
    const seen: string[] = [];
    await expect(
      forEachLine(path, (l) => {
        seen.push(l);
        if (l === 'b') throw new RangeError('stop');
      }),
    ).rejects.toThrow(RangeError);
    expect(seen).toEqual(['a', 'b']);
  });
});
