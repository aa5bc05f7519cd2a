import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PipelineError } from '../../src/core/errors/index.js';
import { LineageEventSchema, PipelineLockSchema } from '../../src/core/schemas/pipeline.js';
import { runPipeline } from '../../src/pipeline/runPipeline.js';
import { runCounts, testContext, testRegistry } from '../utils/stages.js';
import { tempDir } from '../utils/tmp.js';

const pipelineYaml = (suffixB = 'b', extra = '') => `
schema: '1'
stages:
  a:
    uses: test.concat
    deps: [src.txt]
    outs: [out/a.txt]
    with: { suffix: a }
  b:
    uses: test.concat
    deps: [out/a.txt]
    outs: [out/b.txt]
    with: { suffix: ${suffixB} }
  c:
    uses: test.concat
    deps: [out/b.txt]
    outs: ['\${workspace}/c.txt']
    with: { suffix: c }
${extra}`;

async function setup(yaml = pipelineYaml()) {
  const dir = await tempDir();
  await writeFile(join(dir, 'src.txt'), 'src:');
  await writeFile(join(dir, 'p.yaml'), yaml);
  const ctx = await testContext(join(dir, 'ws'));
  const run = (opts: { force?: boolean; from?: string } = {}) =>
    runPipeline(ctx, { file: join(dir, 'p.yaml'), registry: testRegistry, ...opts });
  const status = (r: Awaited<ReturnType<typeof run>>) =>
    Object.fromEntries(r.stages.map((s) => [s.id, s.status]));
  return { dir, ctx, run, status };
}

beforeEach(() => runCounts.clear());

describe('runPipeline', () => {
  it('runs the DAG, then reruns nothing and leaves the lock byte-identical', async () => {
    const { dir, ctx, run, status } = await setup();
    const first = await run();
    expect(status(first)).toEqual({ a: 'ran', b: 'ran', c: 'ran' });
    expect(await readFile(join(ctx.workspace.paths.root, 'c.txt'), 'utf8')).toBe('src:abc');
    const lockBytes = await readFile(join(dir, 'p.lock.json'));
    const lock = PipelineLockSchema.parse(JSON.parse(lockBytes.toString()));
    expect(lock.stages['c']?.outs[0]?.path).toBe('${workspace}/c.txt');
    expect(lock.stages['a']?.deps[0]).toMatchObject({ path: 'src.txt', files: 1, bytes: 4 });
    const second = await run();
    expect(status(second)).toEqual({ a: 'skipped', b: 'skipped', c: 'skipped' });
    expect(await readFile(join(dir, 'p.lock.json'))).toEqual(lockBytes);
  });

  it('reruns a stage whose param changed and the stages after it, not those before', async () => {
    const { dir, run, status } = await setup();
    await run();
    await writeFile(join(dir, 'p.yaml'), pipelineYaml('B'));
    expect(status(await run())).toEqual({ a: 'skipped', b: 'ran', c: 'ran' });
  });

  it('reruns when a dep or an out changes, and honours --force and --from', async () => {
    const { dir, run, status } = await setup();
    await run();
    await writeFile(join(dir, 'out/b.txt'), 'tampered');
    expect(status(await run())).toEqual({ a: 'skipped', b: 'ran', c: 'skipped' });
    await writeFile(join(dir, 'src.txt'), 'new:');
    expect(status(await run())).toEqual({ a: 'ran', b: 'ran', c: 'ran' });
    expect(status(await run({ from: 'b' }))).toEqual({ a: 'skipped', b: 'ran', c: 'ran' });
    expect(status(await run({ force: true }))).toEqual({ a: 'ran', b: 'ran', c: 'ran' });
    await rm(join(dir, 'out/a.txt'));
    expect(status(await run())).toEqual({ a: 'ran', b: 'skipped', c: 'skipped' });
  });

  it('records a verification, not a hash, for non-deterministic outputs', async () => {
    const { dir, run, status } = await setup(
      pipelineYaml('b', `  r:\n    uses: test.random\n    outs: [out/rand]\n`),
    );
    await run();
    const lock = PipelineLockSchema.parse(JSON.parse(await readFile(join(dir, 'p.lock.json'), 'utf8')));
    expect(lock.stages['r']?.outs[0]).toEqual({
      path: 'out/rand',
      verified: true,
      verifier: 'test.sha-check@1',
    });
    expect(status(await run())['r']).toBe('skipped');
    await writeFile(join(dir, 'out/rand/data.bin'), 'forged');
    expect(status(await run())['r']).toBe('ran');
  });

  it('leaves no output of a failed stage, keeps earlier stages, and logs lineage', async () => {
    const { dir, ctx, run } = await setup(
      pipelineYaml('b').replace('with: { suffix: b }', 'with: { suffix: b, fail: true }'),
    );
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err).toMatchObject({ code: 'PIPELINE_STAGE_FAILED', fields: { stage: 'b', uses: 'test.concat' } });
    expect((err as PipelineError).message).not.toContain('must not be printed');
    await expect(readFile(join(dir, 'out/b.txt'))).rejects.toThrow();
    const lock = JSON.parse(await readFile(join(dir, 'p.lock.json'), 'utf8'));
    expect(Object.keys(lock.stages)).toEqual(['a']);
    const events = (await readFile(join(ctx.workspace.paths.runs, 'lineage.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => LineageEventSchema.parse(JSON.parse(l)));
    expect(events.map((e) => `${e.eventType} ${e.job.name}`)).toEqual([
      'START p',
      'START p.a',
      'COMPLETE p.a',
      'START p.b',
      'FAIL p.b',
      'FAIL p',
    ]);
    expect(events[1]?.run.facets?.['parent']).toBeDefined();
  });

  it('fails clearly on a missing dep, a cycle, and two stages writing one output', async () => {
    const missing = await setup();
    await rm(join(missing.dir, 'src.txt'));
    const e1 = await missing.run().catch((e: unknown) => e);
    expect(e1).toMatchObject({ code: 'PIPELINE_DEP_MISSING', fields: { stage: 'a', dependency: 'src.txt' } });

    const cyc = await setup(`stages:
  a: { uses: test.concat, deps: [y.txt], outs: [x.txt] }
  b: { uses: test.concat, deps: [x.txt], outs: [y.txt] }
`);
    const e2 = await cyc.run().catch((e: unknown) => e);
    expect((e2 as PipelineError).code).toBe('PIPELINE_CYCLE');

    const dup = await setup(`stages:
  a: { uses: test.concat, outs: [o] }
  b: { uses: test.concat, outs: [o/x] }
`);
    const e3 = await dup.run().catch((e: unknown) => e);
    expect((e3 as PipelineError).message).toContain('Two pipeline stages write the same output');
  });

  it('names the stage, field and line of bad parameters, and writes nothing', async () => {
    const { dir, run } = await setup(`stages:
  a:
    uses: test.concat
    outs: [o.txt]
    with:
      suffix: 12
`);
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).issues[0]).toMatchObject({ path: 'stages.a.with.suffix', line: 6 });
    await expect(readFile(join(dir, 'p.lock.json'))).rejects.toThrow();
    await expect(readFile(join(dir, 'o.txt'))).rejects.toThrow();
    await mkdir(join(dir, 'x'), { recursive: true });
  });
});

describe('a pipeline with foreach and matrix stages', () => {
  const fanoutYaml = `
stages:
  x:
    uses: test.concat
    foreach: [p, q]
    description: 'Appends \${item}.'
    deps: [src.txt]
    outs: ['out/x-\${item}.txt']
    with: { suffix: '\${item}' }
  join:
    uses: test.concat
    deps: [out/x-p.txt, out/x-q.txt]
    outs: [out/join.txt]
  after-q:
    uses: test.concat
    deps: [out/x-q.txt]
    outs: ['\${workspace}/after-q.txt']
  m:
    uses: test.concat
    matrix: { n: [1, 2], tag: [u] }
    deps: [out/x-p.txt]
    outs: ['out/m-\${item.n}-\${item.tag}.txt']
    with: { suffix: '\${item.tag}\${item.n}' }
`;
  const ids = ['x@p', 'x@q', 'join', 'after-q', 'm@1-u', 'm@2-u'];
  const all = (status: string) => Object.fromEntries(ids.map((id) => [id, status]));

  it('runs each expansion as a stage, locks it as stage@item, reruns nothing, and --from one item', async () => {
    const { dir, ctx, run, status } = await setup(fanoutYaml);
    expect(status(await run())).toEqual(all('ran'));
    expect(await readFile(join(dir, 'out/join.txt'), 'utf8')).toBe('src:psrc:q');
    expect(await readFile(join(dir, 'out/m-2-u.txt'), 'utf8')).toBe('src:pu2');
    expect(await readFile(join(ctx.workspace.paths.root, 'after-q.txt'), 'utf8')).toBe('src:q');
    const lockBytes = await readFile(join(dir, 'p.lock.json'));
    const lock = PipelineLockSchema.parse(JSON.parse(lockBytes.toString()));
    // canonical JSON: the lock lists stages sorted by id
    expect(Object.keys(lock.stages)).toEqual([...ids].sort());
    expect(lock.stages['x@q']).toMatchObject({ params: { suffix: 'q' }, outs: [{ path: 'out/x-q.txt' }] });
    expect(lock.stages['m@1-u']?.params).toMatchObject({ suffix: 'u1' });

    expect(status(await run())).toEqual(all('skipped'));
    expect(await readFile(join(dir, 'p.lock.json'))).toEqual(lockBytes);

    // one expansion and what depends on it
    expect(status(await run({ from: 'x@q' }))).toEqual({
      ...all('skipped'),
      'x@q': 'ran',
      join: 'ran',
      'after-q': 'ran',
    });
    // the stage's key: every expansion and what depends on any of them
    expect(status(await run({ from: 'x' }))).toEqual(all('ran'));
    expect(status(await run({ from: 'm' }))).toEqual({ ...all('skipped'), 'm@1-u': 'ran', 'm@2-u': 'ran' });
    const jobs = (await readFile(join(ctx.workspace.paths.runs, 'lineage.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => LineageEventSchema.parse(JSON.parse(l)).job.name);
    expect(jobs).toContain('p.x@q');

    const e = await run({ from: 'x@r' }).catch((err: unknown) => err);
    expect((e as PipelineError).code).toBe('USAGE');
    expect((e as PipelineError).fields).toMatchObject({
      hint: expect.stringContaining('or a foreach/matrix stage, for all its items: x, m'),
    });
  });

  it('reruns only the expansions a change reaches', async () => {
    const { dir, run, status } = await setup(fanoutYaml);
    await run();
    await writeFile(join(dir, 'p.yaml'), fanoutYaml.replace('tag: [u]', 'tag: [v]'));
    // m@*-u left the pipeline (and the lock); m@*-v are new
    const r = status(await run());
    expect(r).toEqual({
      ...Object.fromEntries(ids.filter((id) => !id.startsWith('m@')).map((id) => [id, 'skipped'])),
      'm@1-v': 'ran',
      'm@2-v': 'ran',
    });
    const lock = PipelineLockSchema.parse(JSON.parse(await readFile(join(dir, 'p.lock.json'), 'utf8')));
    expect(Object.keys(lock.stages)).toEqual([...ids.slice(0, 4), 'm@1-v', 'm@2-v'].sort());
  });

  it('names the expansion and the YAML line of a bad parameter', async () => {
    // a whole-value ${item} keeps the item's type: a number here, where test.concat wants a string
    const { dir, run } = await setup(`stages:
  x:
    uses: test.concat
    foreach: [a, 7]
    outs: ['out/\${item}.txt']
    with:
      suffix: '\${item}'
`);
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).issues[0]).toMatchObject({ path: 'stages.x@7.with.suffix', line: 7 });
    await expect(readFile(join(dir, 'p.lock.json'))).rejects.toThrow();
  });
});

describe('a deid.dicom stage in a pipeline', () => {
  it('binds deps by slot and reruns when the secret file changes', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'scans'), { recursive: true });
    const { copyFile } = await import('node:fs/promises');
    await copyFile(
      new URL('../../datasets/samples/dicom/CT_small.dcm', import.meta.url),
      join(dir, 'scans/a.dcm'),
    );
    await writeFile(join(dir, 'secret.hex'), 'a1'.repeat(32));
    await writeFile(
      join(dir, 'p.yaml'),
      'stages:\n  deid:\n    uses: deid.dicom\n    deps: { inputs: [scans], secretFile: secret.hex }\n    outs: [deid]\n',
    );
    const ctx = await testContext(join(dir, 'ws'));
    const run = () => runPipeline(ctx, { file: join(dir, 'p.yaml'), registry: testRegistry });
    expect((await run()).stages[0]?.status).toBe('ran');
    const lock = PipelineLockSchema.parse(JSON.parse(await readFile(join(dir, 'p.lock.json'), 'utf8')));
    expect(lock.stages['deid']?.deps.map((d) => d.path)).toEqual(['scans', 'secret.hex']);
    expect((await run()).stages[0]?.status).toBe('skipped');
    await writeFile(join(dir, 'secret.hex'), 'b2'.repeat(32));
    expect((await run()).stages[0]?.status).toBe('ran');
  });
});
