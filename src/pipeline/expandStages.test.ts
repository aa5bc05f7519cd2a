import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PipelineError } from '../core/errors/index.js';
import { type PipelineSpec, PipelineSpecSchema } from '../core/schemas/pipeline.js';
import { expandStages } from './expandStages.js';
import { parsePipeline } from './loadPipeline.js';

const stagesOf = (text: string) => parsePipeline(text, 'p.yaml').stages;

const bad = (text: string) => {
  try {
    parsePipeline(text, 'p.yaml');
  } catch (e) {
    return e as PipelineError;
  }
  return expect.unreachable('expected an error');
};

describe('expandStages', () => {
  it('expands a foreach list into stage@item, substituting in with (deeply), deps, outs and description', () => {
    const s = stagesOf(`stages:
  deid:
    uses: deid.dicom
    description: Owner \${item} de-identifies its images.
    foreach: [owner-001, owner-002]
    with:
      label: owner \${item}
      tags: ['a-\${item}', fixed]
      nested: { deeper: { path: 'x/\${item}/y' }, list: [['\${item}']] }
      count: 3
    deps: ['\${workspace}/data/cohort/\${item}/dicom']
    outs: ['\${workspace}/owners/\${item}/deid/dicom']
`);
    expect(Object.keys(s)).toEqual(['deid@owner-001', 'deid@owner-002']);
    expect(s['deid@owner-002']).toEqual({
      uses: 'deid.dicom',
      group: 'deid',
      description: 'Owner owner-002 de-identifies its images.',
      with: {
        label: 'owner owner-002',
        tags: ['a-owner-002', 'fixed'],
        nested: { deeper: { path: 'x/owner-002/y' }, list: [['owner-002']] },
        count: 3,
      },
      deps: ['${workspace}/data/cohort/owner-002/dicom'],
      outs: ['${workspace}/owners/owner-002/deid/dicom'],
    });
  });

  it('substitutes in deps and outs given as a single path or a map of slots', () => {
    const s = stagesOf(`stages:
  d:
    uses: deid.dicom
    foreach: [a]
    deps: { inputs: ['scans/\${item}'], secretFile: 'keys/\${item}.hex' }
    outs: 'out/\${item}'
`);
    expect(s['d@a']?.deps).toEqual({ inputs: ['scans/a'], secretFile: 'keys/a.hex' });
    expect(s['d@a']?.outs).toBe('out/a');
  });

  it('keeps the type of a with value that is exactly one reference; inside a string it is text', () => {
    const s = stagesOf(`stages:
  n:
    uses: synth
    foreach: [1, 2.5, x]
    with: { n: '\${item}', list: ['\${item}'], text: 'n=\${item}', twice: '\${item}\${item}' }
    outs: ['o/\${item}']
`);
    expect(s['n@1']?.with).toEqual({ n: 1, list: [1], text: 'n=1', twice: '11' });
    expect(s['n@2.5']?.with['n']).toBe(2.5);
    expect(s['n@x']?.with['n']).toBe('x');
    // paths are always strings
    expect(s['n@1']?.outs).toEqual(['o/1']);
  });

  it('expands a foreach map with ${key}, ${item} and ${item.NAME}', () => {
    const s = stagesOf(`stages:
  train:
    uses: synth
    foreach:
      uk: { epochs: 3, fast: true }
      us: { epochs: 10, fast: false }
    with: { region: '\${key}', epochs: '\${item.epochs}', fast: '\${item.fast}', all: '\${item}' }
    outs: ['model-\${key}-\${item.epochs}']
  plain:
    uses: synth
    foreach: { a: one, b: 2 }
    with: { v: '\${item}', k: '\${key}' }
`);
    expect(Object.keys(s)).toEqual(['train@uk', 'train@us', 'plain@a', 'plain@b']);
    expect(s['train@us']?.with).toEqual({
      region: 'us',
      epochs: 10,
      fast: false,
      all: { epochs: 10, fast: false },
    });
    expect(s['train@uk']?.outs).toEqual(['model-uk-3']);
    expect(s['plain@b']?.with).toEqual({ v: 2, k: 'b' });
  });

  it('expands a matrix as the cartesian product: variables in YAML order, values in list order', () => {
    const s = stagesOf(`stages:
  fit:
    uses: synth
    matrix:
      owner: [b, a]
      size: [2, 1]
      mode: [x]
    with: { owner: '\${item.owner}', size: '\${item.size}', tag: '\${item.owner}/\${item.size}' }
    outs: ['out/\${item.owner}-\${item.size}']
`);
    expect(Object.keys(s)).toEqual(['fit@b-2-x', 'fit@b-1-x', 'fit@a-2-x', 'fit@a-1-x']);
    expect(s['fit@a-2-x']?.with).toEqual({ owner: 'a', size: 2, tag: 'a/2' });
    expect(s['fit@a-2-x']?.outs).toEqual(['out/a-2']);
  });

  it('leaves plain stages and ${workspace} as they are, in YAML order around the expansions', () => {
    const s = stagesOf(`stages:
  cohort:
    uses: synth
    with: { owners: 2 }
    outs: ['\${workspace}/data/cohort']
  deid:
    uses: deid.dicom
    foreach: [a, b]
    outs: ['\${workspace}/\${item}']
  inventory:
    uses: ingest.scan
    outs: [inv.json]
`);
    expect(Object.keys(s)).toEqual(['cohort', 'deid@a', 'deid@b', 'inventory']);
    expect(s['cohort']).toEqual({
      uses: 'synth',
      group: 'cohort',
      with: { owners: 2 },
      outs: ['${workspace}/data/cohort'],
    });
    expect(s['deid@b']?.outs).toEqual(['${workspace}/b']);
  });

  it('rejects two expansions with one name', () => {
    const e = bad('stages:\n  a:\n    uses: synth\n    foreach: [x, y, x]\n');
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.issues).toEqual([
      { path: 'stages.a.foreach.2', message: 'gives the same stage name as foreach.0', line: 4 },
    ]);
    expect(bad('stages:\n  a:\n    uses: synth\n    foreach: [1, "1"]\n').issues[0]?.path).toBe(
      'stages.a.foreach.1',
    );
    const m = bad('stages:\n  a:\n    uses: synth\n    matrix:\n      x: [a-b, a]\n      y: [c, b-c]\n');
    expect(m.issues[0]).toMatchObject({ path: 'stages.a.matrix', line: 4 });
    expect(m.issues[0]?.message).toContain('same stage name');
  });

  it('rejects references that do not resolve, naming the stage and field but no value', () => {
    const plain = bad("stages:\n  a:\n    uses: synth\n    with:\n      x: 'v-${item}'\n");
    expect(plain.issues).toEqual([
      {
        path: 'stages.a.with.x',
        message: '${item} and ${key} are set only in a stage with foreach or matrix',
        line: 5,
      },
    ]);
    expect(bad("stages:\n  a:\n    uses: synth\n    outs: ['o/${key}']\n").issues[0]?.path).toBe(
      'stages.a.outs.0',
    );
    expect(bad("stages:\n  a:\n    uses: synth\n    description: 'for ${item}'\n").issues[0]?.path).toBe(
      'stages.a.description',
    );

    const e = bad(`stages:
  a:
    uses: synth
    matrix: { owner: [secret-value] }
    with:
      x: '\${item.size}'
      y: 'p-\${item}'
      z: '\${key}'
      w: '\${item[0]}'
    deps: { inputs: ['\${item.nope}'] }
`);
    expect(e.issues).toEqual([
      { path: 'stages.a.with.x', message: 'unknown name in ${item.size}; the names are: owner', line: 6 },
      {
        path: 'stages.a.with.y',
        message: '${item} is a map here, which cannot go inside a string: use ${item.NAME}',
        line: 7,
      },
      { path: 'stages.a.with.z', message: '${key} is set only when foreach is a map', line: 8 },
      { path: 'stages.a.with.w', message: 'unsupported reference: use ${item} or ${item.NAME}', line: 9 },
      {
        path: 'stages.a.deps.inputs.0',
        message: 'unknown name in ${item.nope}; the names are: owner',
        line: 10,
      },
    ]);
    expect(e.message).not.toContain('secret-value');
    expect(e.message).toContain('File: p.yaml');

    const list = bad("stages:\n  a:\n    uses: synth\n    foreach: [x]\n    with: { v: '${item.x}' }\n");
    expect(list.issues[0]?.message).toBe('${item.x}: the items are not maps; use ${item}');
    const uses = bad('stages:\n  a:\n    uses: deid.${item}\n    foreach: [x]\n');
    expect(uses.issues[0]).toMatchObject({ path: 'stages.a.uses', line: 3 });
  });

  it('rejects an empty foreach or matrix, both at once, and items unsafe in a name, quoting none', () => {
    expect(bad('stages:\n  a:\n    uses: synth\n    foreach: []\n').issues[0]).toMatchObject({
      path: 'stages.a.foreach',
      message: 'needs at least one item',
      line: 4,
    });
    expect(bad('stages:\n  a:\n    uses: synth\n    foreach: {}\n').issues[0]?.message).toBe(
      'needs at least one item',
    );
    expect(bad('stages:\n  a:\n    uses: synth\n    matrix: {}\n').issues[0]?.message).toBe(
      'needs at least one variable',
    );
    expect(bad('stages:\n  a:\n    uses: synth\n    matrix: { x: [] }\n').issues[0]).toMatchObject({
      path: 'stages.a.matrix.x',
      message: 'needs at least one value',
    });
    expect(
      bad('stages:\n  a:\n    uses: synth\n    foreach: [x]\n    matrix: { y: [1] }\n').issues[0],
    ).toMatchObject({ path: 'stages.a.matrix', message: 'give foreach or matrix, not both' });

    const unsafe = bad("stages:\n  a:\n    uses: synth\n    foreach: [ok, 'John Doe/..']\n");
    expect(unsafe.issues[0]).toMatchObject({ path: 'stages.a.foreach.1', line: 4 });
    expect(unsafe.issues[0]?.message).toContain('letters, digits');
    expect(unsafe.message).not.toContain('John');
    expect(bad("stages:\n  a:\n    uses: synth\n    foreach: ['..']\n").issues[0]?.path).toBe(
      'stages.a.foreach.0',
    );
    const key = bad("stages:\n  a:\n    uses: synth\n    foreach: { ok: 1, 'Jane Roe': 2 }\n");
    expect(key.issues[0]).toMatchObject({ path: 'stages.a.foreach' });
    expect(key.issues[0]?.message).toContain('key #2');
    expect(key.message).not.toContain('Jane');
    const m = bad("stages:\n  a:\n    uses: synth\n    matrix: { x: ['a b'] }\n");
    expect(m.issues[0]?.path).toBe('stages.a.matrix.x.0');
    expect(bad('stages:\n  a:\n    uses: synth\n    foreach: [[1]]\n').issues[0]?.path).toBe(
      'stages.a.foreach',
    );
  });

  it('caps the number of expansions of one stage', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    const spec = PipelineSpecSchema.parse({
      stages: { a: { uses: 'synth', matrix: { x: values, y: values } } },
    });
    expect(() => expandStages(spec.stages)).toThrow(/at most 10000/);
  });

  it('is deterministic, and gives as many stages as the product of the value counts (property)', () => {
    const valuesOf = (text: fc.Arbitrary<string>) =>
      fc.uniqueArray(fc.oneof(text, fc.integer({ min: 0, max: 10_000 })), {
        minLength: 1,
        maxLength: 4,
        selector: (v) => String(v),
      });
    const items = valuesOf(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/));
    // matrix values without - cannot join into one name twice
    const matrix = fc.dictionary(
      fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/),
      valuesOf(fc.stringMatching(/^[a-z0-9][a-z0-9._]{0,8}$/)),
      { minKeys: 1, maxKeys: 3 },
    );
    fc.assert(
      fc.property(matrix, items, (m, items) => {
        const spec: PipelineSpec = PipelineSpecSchema.parse({
          stages: {
            grid: {
              uses: 'synth',
              matrix: m,
              with: Object.fromEntries(Object.keys(m).map((k) => [k, `\${item.${k}}`])),
            },
            each: { uses: 'synth', foreach: items, with: { v: '${item}', s: 's-${item}' } },
          },
        });
        const a = expandStages(spec.stages);
        expect(expandStages(structuredClone(spec.stages))).toEqual(a);
        const product = Object.values(m).reduce((n, vs) => n * vs.length, 1);
        const ids = Object.keys(a);
        expect(ids.filter((id) => id.startsWith('grid@'))).toHaveLength(product);
        expect(ids.filter((id) => id.startsWith('each@'))).toHaveLength(items.length);
        // every combination appears once, with each variable taking its typed value
        const seen = new Set(
          ids.filter((id) => id.startsWith('grid@')).map((id) => JSON.stringify(a[id]?.with)),
        );
        expect(seen.size).toBe(product);
        for (const [i, item] of items.entries()) {
          expect(a[`each@${item}`]?.with).toEqual({ v: item, s: `s-${item}` });
          expect(ids.indexOf(`each@${item}`)).toBe(product + i);
        }
      }),
      { numRuns: 200 },
    );
  });
});
