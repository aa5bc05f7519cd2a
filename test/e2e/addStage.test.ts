import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinStages, createRegistry, runPipeline } from '../../src/pipeline/index.js';
import { echoStage } from '../fixtures/stages/echo/index.js';
import { runMain } from '../utils/cli.js';
import { testContext } from '../utils/stages.js';
import { tempDir } from '../utils/tmp.js';

// A new stage is its folder (test/fixtures/stages/echo) plus this one registry line: nothing else
// is written for it to appear in `sinso --help`, run as a command with typed --json output, and
// run in pipelines.
const registry = createRegistry([...builtinStages, echoStage]);

describe('adding a stage', () => {
  it('lists it in sinso --help and gives it --help of its own, from the definition alone', async () => {
    const top = await runMain(['--help'], { registry });
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^ {2}echo +Write a line of text to a file \(a fixture stage\)$/m);
    const own = await runMain(['echo', '--help'], { registry });
    expect(own.stdout).toContain('Usage: sinso echo TEXT [options]');
    expect(own.stdout).toMatch(/--out .*Output file/);
    expect(own.stdout).toMatch(/--upper .*Write it in capitals/);
    expect(own.stdout).toContain('sinso echo "hello world" --out hello.txt');
    // the built-in CLI does not know it
    expect((await runMain(['echo', '--help'])).stdout).not.toContain('Usage: sinso echo');
  });

  it('runs as a command with typed --json output and labelled human output', async () => {
    const dir = await tempDir('sinso-echo-');
    const out = join(dir, 'hello.txt');
    const json = await runMain(['echo', 'hello sinso world', '--out', out, '--upper', '--json'], {
      registry,
    });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toEqual({ stage: 'echo', summary: { bytes: 18, words: 3 }, rejected: [] });
    expect(echoStage.result.parse(parsed.summary)).toEqual({ bytes: 18, words: 3 });
    expect(await readFile(out, 'utf8')).toBe('HELLO SINSO WORLD\n');
    const human = await runMain(['echo', 'hi', '--out', join(dir, 'hi.txt')], { registry });
    expect(human.stdout).toMatch(/^bytes written +3$/m);
    expect(human.stdout).toMatch(/^words +1$/m);
    const bad = await runMain(['echo', 'hi', '--out', join(dir, 'x.txt'), '--loud'], { registry });
    expect(bad.code).toBe(1);
  });

  it('runs in a pipeline, fanned out, with its typed result in the run and the lock', async () => {
    const dir = await tempDir('sinso-echo-pipe-');
    const ctx = await testContext(join(dir, 'ws'));
    const file = join(dir, 'echo.yaml');
    await writeFile(
      file,
      [
        'schema: "1"',
        'name: echo',
        'stages:',
        '  greet:',
        '    uses: echo',
        '    foreach: [one, two]',
        '    with: { text: "hello ${item}" }',
        '    outs: ["${workspace}/${item}.txt"]',
        '',
      ].join('\n'),
    );
    const first = await runPipeline(ctx, { file, registry });
    expect(first.stages.map((s) => [s.id, s.status, s.result?.summary])).toEqual([
      ['greet@one', 'ran', { bytes: 10, words: 2 }],
      ['greet@two', 'ran', { bytes: 10, words: 2 }],
    ]);
    expect(await readFile(join(ctx.workspace.paths.root, 'two.txt'), 'utf8')).toBe('hello two\n');
    const again = await runPipeline(ctx, { file, registry });
    expect(again.stages.map((s) => [s.id, s.status, s.result?.summary])).toEqual([
      ['greet@one', 'skipped', { bytes: 10, words: 2 }],
      ['greet@two', 'skipped', { bytes: 10, words: 2 }],
    ]);
    const lock = JSON.parse(await readFile(join(dir, 'echo.lock.json'), 'utf8'));
    expect(Object.keys(lock.stages)).toEqual(['greet@one', 'greet@two']);
    expect(lock.stages['greet@one'].summary).toEqual({ bytes: 10, words: 2 });
  });
});
