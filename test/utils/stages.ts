import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fixedClock } from '../../src/core/clock.js';
import { sha256Hex } from '../../src/core/hash.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { defineStage, type StageContext } from '../../src/core/stage.js';
import { builtinStages, createRegistry } from '../../src/pipeline/registry.js';
import { initTestWorkspace } from './workspace.js';

/** Counts runs per stage name, so tests can assert what ran. */
export const runCounts = new Map<string, number>();
const count = (name: string) => runCounts.set(name, (runCounts.get(name) ?? 0) + 1);

/** Concatenates its inputs and appends a suffix: deterministic. */
export const concatStage = defineStage({
  name: 'test.concat',
  version: '1',
  summary: 'test: concatenate inputs',
  options: z.strictObject({
    inputs: z.array(z.string()).default([]),
    out: z.string(),
    suffix: z.string().default(''),
    fail: z.boolean().default(false),
  }),
  result: z.strictObject({ bytes: z.number().int().describe('bytes') }),
  inputs: ['inputs'],
  outputs: ['out'],
  output: { deterministic: true },
  cli: { examples: ['sinso test concat a.txt --out b.txt'] },
  async run(_ctx, o) {
    count('test.concat');
    let text = '';
    for (const i of o.inputs) text += await readFile(i, 'utf8');
    text += o.suffix;
    await writeFile(o.out, o.fail ? text.slice(0, 1) : text);
    if (o.fail) throw new Error('boom: with a value that must not be printed');
    return { summary: { bytes: text.length } };
  },
});

/** Writes random bytes plus their hash: non-deterministic, verified by the hash. */
export const randomStage = defineStage({
  name: 'test.random',
  version: '1',
  summary: 'test: random output with a verifier',
  options: z.strictObject({ out: z.string(), bytes: z.number().int().default(16) }),
  result: z.strictObject({ bytes: z.number().int().describe('bytes') }),
  inputs: [],
  outputs: ['out'],
  cli: { examples: ['sinso test random --out r/'] },
  output: {
    deterministic: false,
    verifier: 'test.sha-check@1',
    async verify(_ctx, outs) {
      const dir = outs['out'] as string;
      const data = await readFile(join(dir, 'data.bin'));
      const ok = sha256Hex(data) === (await readFile(join(dir, 'data.sha256'), 'utf8'));
      return { ok, detail: ok ? 'hash matches' : 'hash mismatch' };
    },
  },
  async run(_ctx, o) {
    count('test.random');
    await mkdir(o.out, { recursive: true });
    const data = randomBytes(o.bytes);
    await writeFile(join(o.out, 'data.bin'), data);
    await writeFile(join(o.out, 'data.sha256'), sha256Hex(data));
    return { summary: { bytes: o.bytes } };
  },
});

export const testRegistry = createRegistry([...builtinStages, concatStage, randomStage]);

/** A fresh workspace with light keys, and a stage context over it. */
export async function testContext(dir: string): Promise<StageContext<true>> {
  const workspace = await initTestWorkspace(dir);
  return {
    secrets: {},
    workspace,
    clock: fixedClock('2025-01-01T00:00:00Z'),
    log: silentLogger,
    progress: silentProgress,
  };
}
