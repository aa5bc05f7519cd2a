import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AnnexERow, loadAnnexETable } from '../../src/deid/dicom/profile/index.js';
import { repoRoot } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

const rawRows = JSON.parse(readFileSync(join(repoRoot, 'datasets/annexE-2024b.json'), 'utf8')) as AnnexERow[];

describe('the Annex E table file', () => {
  it('rejects a malformed table with SCHEMA_INVALID and a missing one with IO_FAILED', async () => {
    const dir = await tempDir();
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify([{ ...rawRows[0], basicProfileAction: 'Q' }]));
    expect(() => loadAnnexETable({ url: pathToFileURL(bad) })).toThrowError(
      expect.objectContaining({ code: 'SCHEMA_INVALID' }),
    );
    const extra = join(dir, 'extra.json');
    await writeFile(extra, JSON.stringify([{ ...rawRows[0], surprise: 'K' }]));
    expect(() => loadAnnexETable({ url: pathToFileURL(extra) })).toThrowError(
      expect.objectContaining({ code: 'SCHEMA_INVALID' }),
    );
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{');
    expect(() => loadAnnexETable({ url: pathToFileURL(notJson) })).toThrowError(
      expect.objectContaining({ code: 'SCHEMA_INVALID' }),
    );
    expect(() => loadAnnexETable({ url: pathToFileURL(join(dir, 'missing.json')) })).toThrowError(
      expect.objectContaining({ code: 'IO_FAILED' }),
    );
  });
});
