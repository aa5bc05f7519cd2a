import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/utils/tmp.js';
import { createTypeSinks } from './createTypeSinks.js';

describe('createTypeSinks', () => {
  it('writes one NDJSON file per type and rolls back to a mark, removing files left empty', async () => {
    const dir = await tempDir();
    const s = createTypeSinks(dir);
    s.write('Patient', '{"a":1}');
    const mark = s.mark();
    s.write('Patient', '{"a":2}');
    s.write('Observation', '{"b":1}');
    s.rollback(mark);
    s.write('Patient', '{"a":3}');
    expect(s.counts()).toEqual({ Patient: 2 });
    s.close();
    expect(await readFile(join(dir, 'Patient.ndjson'), 'utf8')).toBe('{"a":1}\n{"a":3}\n');
    expect((await readdir(dir)).sort()).toEqual(['Patient.ndjson']);
  });

  it('rolls back past its buffer: lines already flushed to disk are truncated', async () => {
    const dir = await tempDir();
    const s = createTypeSinks(dir);
    const mark = s.mark();
    const big = `"${'x'.repeat(4096)}"`;
    for (let i = 0; i < 600; i++) s.write('Observation', big); // > 1 MiB: flushed
    s.rollback(mark);
    s.write('Observation', '"ok"');
    s.close();
    expect(await readFile(join(dir, 'Observation.ndjson'), 'utf8')).toBe('"ok"\n');
  });
});
