import { describe, expect, it } from 'vitest';
import { renameSvgIds } from './adapters/renderChart.js';
import { confusionAt, rocPoints } from './evaluatePredictions.js';
import { parseNotebook } from './parseNotebook.js';
import { renderMarkdown } from './renderMarkdown.js';
import { renderTable } from './renderReport.js';
import { displayPath, resolveParams } from './resolveParams.js';
import { resultOf } from './result.js';
import { suppressSmallCells } from './suppressSmallCells.js';

const f = (a: number[]) => Float64Array.from(a);

describe('renderMarkdown', () => {
  it('renders the subset and escapes everything else; links keep their text only', () => {
    expect(renderMarkdown('## Patients\n\nBy **sex** and *age*, `n`.\n\n- one\n- two <b>')).toBe(
      '<h3>Patients</h3>\n<p>By <strong>sex</strong> and <em>age</em>, <code>n</code>.</p>\n<ul><li>one</li><li>two &lt;b&gt;</li></ul>',
    );
    expect(renderMarkdown('<script>x</script> [site](https://example.org)')).toBe(
      '<p>&lt;script&gt;x&lt;/script&gt; site</p>',
    );
  });
});

describe('suppressSmallCells', () => {
  const r = resultOf(
    ['g', 'n', 'mean'],
    [
      { g: 'a', n: 12, mean: 5.1 },
      { g: 'b', n: 3, mean: 6.2 },
      { g: 'c', n: 0, mean: null },
    ],
  );
  it('withholds counts from 1 to below − 1 and the figures of their rows; 0 stays', () => {
    const s = suppressSmallCells(r, { count: 'n', below: 5, also: ['mean'] }, 1);
    expect(s.rows).toEqual([
      { g: 'a', n: 12, mean: 5.1 },
      { g: 'b', n: null, mean: null },
      { g: 'c', n: 0, mean: null },
    ]);
    const html = renderTable(s, { maxRows: 10 });
    expect(html).toContain('<td class="num">&lt;5</td><td class="num">&lt;5</td>');
    expect(html).not.toContain('6.2');
    expect(html).toContain('withheld (&lt;5)');
  });
  it('names a missing column', () => {
    expect(() => suppressSmallCells(r, { count: 'x', below: 5, also: [] }, 2)).toThrow(
      /Cell 2 .*no column x/,
    );
  });
});

describe('rocPoints and confusionAt', () => {
  it('walks the thresholds from the top, ties moving both rates', () => {
    expect(rocPoints(f([0.9, 0.4, 0.4, 0.1]), f([1, 1, 0, 0]))).toEqual([
      { threshold: 1, fpr: 0, tpr: 0 },
      { threshold: 0.9, fpr: 0, tpr: 0.5 },
      { threshold: 0.4, fpr: 0.5, tpr: 1 },
      { threshold: 0.1, fpr: 1, tpr: 1 },
    ]);
    expect(rocPoints(f([0.2]), f([1]))).toEqual([]);
    expect(confusionAt(f([0.9, 0.2, 0.6]), f([1, 1, 0]), 0.5)).toEqual({ tp: 1, fn: 1, fp: 1, tn: 0 });
  });
});

describe('paths and parameters', () => {
  const roots = { workspace: '/ws', packageRoot: '/opt/sinso' };
  it('names a path relative to the workspace or the package, never absolute', () => {
    expect(displayPath('/ws/owners/owner-001/tables-k5', roots)).toBe('owners/owner-001/tables-k5');
    expect(displayPath('/opt/sinso/models/t2d-risk.yaml', roots)).toBe('sinso:models/t2d-risk.yaml');
    expect(displayPath('/home/jane.doe/tables', roots)).toBe('(given path)');
  });
  const { notebook } = parseNotebook(
    'schema: "1"\nkind: sinso-notebook\ntitle: t\nparams: { k: 5, flag: false }\ninputs:\n  a: { kind: tables, path: "${workspace}/x/${k}" }\ncells:\n  - markdown: hi\n',
  );
  it('expands defaults, then takes typed overrides', () => {
    const r = resolveParams({
      notebook,
      overrides: ['k=7'],
      workspace: '/ws',
      packageRoot: '/opt/sinso',
      cwd: '/c',
    });
    expect(r.params).toEqual({ k: 7, flag: false });
    expect(r.inputs[0]).toMatchObject({ path: '/ws/x/7', display: 'x/7' });
    const o = resolveParams({
      notebook,
      overrides: ['a=rel'],
      workspace: '/ws',
      packageRoot: '/opt/sinso',
      cwd: '/c',
    });
    expect(o.inputs[0]?.path).toBe('/c/rel');
    expect(() =>
      resolveParams({ notebook, overrides: ['flag=yes'], workspace: '/ws', packageRoot: '/p', cwd: '/' }),
    ).toThrow(/true or false/);
  });
});

describe('parseNotebook', () => {
  const head = 'schema: "1"\nkind: sinso-notebook\ntitle: t\n';
  it('names the cell and field of an issue, and results used before they exist', () => {
    expect(() => parseNotebook(`${head}cells:\n  - table: x\n`)).toThrow(
      /cell 1: x is not the result of an earlier cell/,
    );
    expect(() => parseNotebook(`${head}cells:\n  - id: x\n    sql: SELECT 1\n    color: red\n`)).toThrow(
      /cell 1: unknown field\(s\): color/,
    );
    expect(() => parseNotebook(`${head}cells:\n  - plot: x\n`)).toThrow(/a cell has one of the keys/);
  });
});

describe('renameSvgIds', () => {
  it('renumbers ids and their references under a prefix', () => {
    expect(renameSvgIds('<clipPath id="clip7"/><g clip-path="url(#clip7)"/><g id="x"/>', 'chart2')).toBe(
      '<clipPath id="chart2-1"/><g clip-path="url(#chart2-1)"/><g id="chart2-2"/>',
    );
  });
});
