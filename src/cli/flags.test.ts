import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../core/errors/index.js';
import { flagSpecs, formatFlags, parseFlags } from './flags.js';

const schema = z.strictObject({
  inputs: z.array(z.string()).min(1),
  out: z.string().describe('Output folder'),
  patientCount: z.number().int().min(1).default(10).describe('How many'),
  mode: z.enum(['a', 'b']).default('a'),
  dicom: z.boolean().default(true),
  tag: z.array(z.string()).default([]),
});

describe('flags derived from a zod schema', () => {
  it('maps keys to kebab-case flags with kinds, defaults and descriptions', () => {
    const specs = flagSpecs(schema, 'inputs');
    expect(specs.map((s) => [s.flag, s.kind, s.required])).toEqual([
      ['out', 'string', true],
      ['patient-count', 'number', false],
      ['mode', 'string', false],
      ['dicom', 'boolean', false],
      ['tag', 'list', false],
    ]);
    expect(specs[1]?.integer).toBe(true);
    expect(formatFlags(specs).join('\n')).toContain('--patient-count N');
    expect(formatFlags(specs).join('\n')).toContain('(default: 10)');
  });

  it('parses argv, numbers, negated booleans, repeated lists and positionals', () => {
    const { options } = parseFlags(
      schema,
      ['x', 'y', '--out', 'o', '--patient-count', '5', '--no-dicom', '--tag', 't1', '--tag', 't2'],
      {
        positional: { key: 'inputs', many: true },
        command: 'test',
      },
    );
    expect(options).toEqual({
      inputs: ['x', 'y'],
      out: 'o',
      patientCount: 5,
      mode: 'a',
      dicom: false,
      tag: ['t1', 't2'],
    });
  });

  it('turns unknown flags, bad numbers and schema violations into usage errors', () => {
    const p = (argv: string[]) => () =>
      parseFlags(schema, argv, { positional: { key: 'inputs', many: true }, command: 'test' });
    expect(p(['x', '--out', 'o', '--nope'])).toThrow(UsageError);
    const issuesOf = (argv: string[]) => {
      try {
        p(argv)();
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as UsageError).issues.map((i) => i.path);
      }
      return expect.unreachable('expected a usage error');
    };
    expect(p(['x', '--out', 'o', '--patient-count', 'ten'])).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        fields: expect.objectContaining({ problem: '--patient-count must be a number.' }),
      }),
    );
    expect(issuesOf(['x', '--out', 'o', '--patient-count', '0'])).toEqual(['patientCount']);
    expect(issuesOf(['--out', 'o'])).toEqual(['inputs']);
    expect(p(['x', '--out', 'o', '--mode', 'c'])).toThrow(
      expect.objectContaining({ issues: [{ path: 'mode', message: 'must be one of: "a", "b"' }] }),
    );
  });
});
