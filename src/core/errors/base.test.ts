import { describe, expect, it } from 'vitest';
import { version } from '../version.js';
import { errorClass, SinsoError } from './base.js';
import { IoError, SchemaError, WorkspaceError, wrapIoError } from './core.js';
import { defineErrorCodes } from './define.js';

const demoErrors = defineErrorCodes({
  COMMIT_ROW_NOT_FOUND: {
    message: (f: { table: string; row: number }) => `Row ${f.row} is not in table ${f.table}.`,
    meta: (f) => [`Table: ${f.table}`],
    fix: (f) => `Pass a row of ${f.table}.`,
  },
  COMMIT_INVALID: { message: () => 'The commitment is not valid.', fix: 'Commit again.' },
});
class DemoError extends errorClass(demoErrors) {
  override name = 'DemoError';
}

describe('catalogue errors', () => {
  it('render the message, meta lines and fix of their entry, ending with the version', () => {
    const err = new DemoError('COMMIT_ROW_NOT_FOUND', { table: 'patients', row: 9 });
    expect(err.message.replace(version, 'X')).toMatchInlineSnapshot(`
      "Row 9 is not in table patients.

      Table: patients

      Fix: Pass a row of patients.
      Version: sinso@X"
    `);
    expect(err.code).toBe('COMMIT_ROW_NOT_FOUND');
    expect(err.fields).toEqual({ table: 'patients', row: 9 });
    expect(err.shortMessage).toBe('Row 9 is not in table patients.');
    expect(err).toBeInstanceOf(SinsoError);
    expect(err.name).toBe('DemoError');
    expect(new DemoError('COMMIT_INVALID').fields).toEqual({});
  });

  it('narrow code and fields with is()', () => {
    const err: unknown = new DemoError('COMMIT_ROW_NOT_FOUND', { table: 't', row: 1 });
    if (!(err instanceof DemoError && err.is('COMMIT_ROW_NOT_FOUND')))
      expect.unreachable('is() did not narrow');
    const row: number = err.fields.row;
    expect(row).toBe(1);
    expect(err.is('COMMIT_INVALID')).toBe(false);
  });

  it('keep the deprecated message-first constructor working', () => {
    const err = new DemoError('Free text.', {
      code: 'COMMIT_INVALID',
      metaMessages: ['Line'],
      fix: 'Do it.',
    });
    expect(err.message.replace(version, 'X')).toMatchInlineSnapshot(`
      "Free text.

      Line

      Fix: Do it.
      Version: sinso@X"
    `);
    expect(err.code).toBe('COMMIT_INVALID');
    expect(err.fields).toEqual({});
  });

  it('walk their cause chain', () => {
    const root = new Error('root');
    const mid = new WorkspaceError('WORKSPACE_EXISTS', {}, { cause: root });
    const top = new DemoError('COMMIT_INVALID', {}, { cause: mid });
    expect(top.walk()).toBe(root);
    expect(top.walk((e) => e instanceof WorkspaceError)).toBe(mid);
  });

  it('list the issues of a schema error after the meta lines, and keep them', () => {
    const issues = [{ path: 'stages.a.with.x', message: 'expected number', line: 7 }];
    const err = new SchemaError('SCHEMA_INVALID', { what: 'pipeline stage' }, { issues });
    expect(err.message.replace(version, 'X')).toMatchInlineSnapshot(`
      "The pipeline stage is not valid.

      - stages.a.with.x: expected number (line 7)

      Fix: Correct the fields listed above.
      Version: sinso@X"
    `);
    expect(err.issues).toEqual(issues);
    expect(err.code).toBe('SCHEMA_INVALID');
  });

  it('wraps foreign errors without their message (which may hold a path or value)', () => {
    const foreign = Object.assign(new Error("ENOENT: no such file '/data/DOE^JOHN/1.dcm'"), {
      code: 'ENOENT',
    });
    const err = wrapIoError(foreign, 'Reading an input');
    expect(err).toBeInstanceOf(IoError);
    expect(err.fields).toMatchObject({ operation: 'Reading an input', system: 'ENOENT' });
    expect(err.shortMessage).toBe('Reading an input failed (ENOENT).');
    expect(err.message).not.toContain('DOE');
    expect(err.cause).toBe(foreign);
  });
});
