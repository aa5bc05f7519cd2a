import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../../src/core/clock.js';
import { DatasetIdSchema, datasetKey, datasetSecret } from '../../src/core/datasetId.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { readSecretFile } from '../../src/core/secretFile.js';
import { defineStage } from '../../src/core/stage.js';
import { executeStage, stageContext, stageNeedsWorkspace } from '../../src/pipeline/index.js';
import { tempDir } from '../utils/tmp.js';
import { withWorkspace } from '../utils/workspace.js';

const base = { clock: fixedClock('2025-01-01T00:00:00Z'), log: silentLogger, progress: silentProgress };

const keyed = defineStage({
  name: 'test.keyed',
  version: '1',
  summary: 'test: reads a dataset key',
  options: z.strictObject({ out: z.string(), dataset: DatasetIdSchema, create: z.boolean().default(false) }),
  result: z.strictObject({ keyBytes: z.number().int().describe('key bytes') }),
  inputs: [],
  outputs: ['out'],
  requires: {
    workspace: true,
    secrets: (o) => ({ dataset: datasetSecret(o.dataset, { create: o.create }) }),
  },
  marker: { file: 'marker.json', schema: z.strictObject({ kind: z.literal('test.keyed') }) },
  output: { deterministic: true },
  cli: { examples: [] },
  async run(ctx, o) {
    // the context is narrowed: a workspace and the declared secret, no checks here
    expect(ctx.workspace.paths.root).toBeTruthy();
    await mkdir(o.out, { recursive: true });
    await writeFile(join(o.out, 'marker.json'), JSON.stringify({ kind: 'test.keyed' }));
    return { summary: { keyBytes: ctx.secrets.dataset.length } };
  },
});

const fileSecret = defineStage({
  name: 'test.file-secret',
  version: '1',
  summary: 'test: a secret from a file or the keystore',
  options: z.strictObject({ secretFile: z.string().optional(), lie: z.boolean().default(false) }),
  result: z.strictObject({ first: z.number().int() }),
  inputs: [],
  outputs: [],
  requires: { secrets: (o) => ({ pseudonym: { key: 'pseudonym-secret', file: o.secretFile } }) },
  output: { deterministic: true },
  cli: { examples: [] },
  async run(ctx, o) {
    return {
      summary: (o.lie ? { first: 'not a number' } : { first: ctx.secrets.pseudonym[0] ?? -1 }) as {
        first: number;
      },
    };
  },
});

describe('the stage SDK: requirements, markers, results', () => {
  it('says once, the same way for every stage, that a stage needs a workspace', async () => {
    const o = { out: '/nowhere', dataset: 'main', create: false };
    expect(stageNeedsWorkspace(keyed, o)).toBe(true);
    await expect(stageContext({ ...base, workspace: undefined }, keyed, o)).rejects.toMatchObject({
      code: 'WORKSPACE_NOT_FOUND',
      fields: { stage: 'test.keyed' },
    });
    // a secret given as a file needs no workspace
    expect(stageNeedsWorkspace(fileSecret, { secretFile: 's.hex' })).toBe(false);
    expect(stageNeedsWorkspace(fileSecret, {})).toBe(true);
  });

  it('reads a secret file (hex or raw bytes) and refuses one that is too short, without its content', async () => {
    const dir = await tempDir('sinso-sdk-');
    await writeFile(join(dir, 'hex'), `${'0a'.repeat(32)}\n`);
    await writeFile(join(dir, 'short'), 'abc');
    const ctx = await stageContext({ ...base, workspace: undefined }, fileSecret, {
      secretFile: join(dir, 'hex'),
    });
    expect(ctx.secrets['pseudonym']).toEqual(new Uint8Array(32).fill(10));
    await expect(readSecretFile(join(dir, 'short'))).rejects.toMatchObject({
      code: 'SECRET_FILE_INVALID',
      fields: { problem: 'too-short' },
    });
    await expect(readSecretFile(join(dir, 'missing'))).rejects.toMatchObject({
      code: 'SECRET_FILE_INVALID',
      fields: { problem: 'unreadable' },
    });
  });

  it('creates a dataset key only when the stage asks to; a read of a mistyped id never does', async () => {
    await withWorkspace(async (ws) => {
      const id = DatasetIdSchema.parse('owner-009');
      await expect(
        stageContext({ ...base, workspace: ws }, keyed, { out: 'x', dataset: id, create: false }),
      ).rejects.toMatchObject({
        code: 'KEYSTORE_KEY_NOT_FOUND',
      });
      await expect(datasetKey(ws, id)).rejects.toMatchObject({
        code: 'KEYSTORE_KEY_NOT_FOUND',
        fields: { dataset: 'owner-009' },
      });
      expect((await ws.listKeys()).some((k) => k.name === 'dataset-owner-009')).toBe(false);
      const made = await stageContext({ ...base, workspace: ws }, keyed, {
        out: 'x',
        dataset: id,
        create: true,
      });
      expect(made.secrets['dataset']).toHaveLength(32);
      expect(await datasetKey(ws, id)).toEqual(made.secrets['dataset']);
    });
  });

  it('replaces an output folder only when it holds the stage’s marker; checks the result schema', async () => {
    await withWorkspace(async (ws) => {
      const parent = join(ws.paths.root, '..');
      const mine = join(parent, 'mine');
      const theirs = join(parent, 'theirs');
      await mkdir(theirs);
      await writeFile(join(theirs, 'notes.txt'), 'the operator’s own file');
      const run = (out: string) =>
        executeStage(
          { ...base, workspace: ws },
          {
            stage: keyed,
            options: { out, dataset: 'main', create: true },
            outs: [{ key: 'out', display: out, abs: out }],
            protectExisting: true,
          },
        );
      expect((await run(mine)).result.summary).toEqual({ keyBytes: 32 });
      expect((await run(mine)).result.summary).toEqual({ keyBytes: 32 }); // its own output: replaced
      await expect(run(theirs)).rejects.toMatchObject({ code: 'USAGE' });
      expect(await readdir(theirs)).toEqual(['notes.txt']);
      await expect(
        executeStage({ ...base, workspace: ws }, { stage: fileSecret, options: { lie: true }, outs: [] }),
      ).rejects.toMatchObject({ code: 'INTERNAL' });
    });
  });
});
