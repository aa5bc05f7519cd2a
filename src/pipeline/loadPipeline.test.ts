import { describe, expect, it } from 'vitest';
import type { PipelineError } from '../core/errors/index.js';
import { parsePipeline } from './loadPipeline.js';

const bad = (text: string) => {
  try {
    parsePipeline(text, 'p.yaml');
  } catch (e) {
    return e as PipelineError;
  }
  return expect.unreachable('expected an error');
};

describe('parsePipeline', () => {
  it('reads a valid pipeline and names it after the file', () => {
    const p = parsePipeline('stages:\n  a:\n    uses: synth\n    outs: [x]\n', '/tmp/demo.yaml');
    expect(p.name).toBe('demo');
    expect(p.spec.stages['a']?.uses).toBe('synth');
    expect(p.lineOf(['stages', 'a', 'outs'])).toBe(4);
  });

  it('names the stage, field and line of a schema error', () => {
    const e = bad('stages:\n  cohort:\n    uses: synth\n    outz: [x]\n');
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.issues[0]).toMatchObject({ path: 'stages.cohort', message: 'unknown field(s): outz', line: 4 });
    const e2 = bad('stages:\n  cohort:\n    with: {}\n');
    expect(e2.issues[0]).toMatchObject({ path: 'stages.cohort.uses', line: 2 });
    const e3 = bad('stages:\n  Bad Id:\n    uses: synth\n');
    expect(e3.issues[0]?.path).toContain('stages');
  });

  it('reports YAML syntax errors with their line, and duplicate keys', () => {
    const e = bad('stages:\n  a:\n    uses: [unclosed\n');
    expect(e.message).toContain('not valid YAML');
    expect(e.issues[0]?.line).toBeGreaterThan(0);
    const d = bad('stages:\n  a:\n    uses: synth\n  a:\n    uses: synth\n');
    expect(d.issues[0]).toMatchObject({ message: 'a key appears twice', line: 4 });
  });
});
