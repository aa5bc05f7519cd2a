import { describe, expect, it } from 'vitest';
import { version } from '../version.js';
import { SchemaError, SinsoError, wrapIoError } from './base.js';

describe('SinsoError', () => {
  it('assembles its message from parts and ends with the version', () => {
    const err = new SinsoError('The workspace does not exist.', {
      code: 'WORKSPACE_NOT_FOUND',
      metaMessages: ['Looked in: .sinso'],
      fix: 'Run `sinso init`.',
    });
    expect(err.message.replace(version, 'X')).toMatchInlineSnapshot(`
      "The workspace does not exist.

      Looked in: .sinso

      Fix: Run \`sinso init\`.
      Version: sinso@X"
    `);
    expect(err.code).toBe('WORKSPACE_NOT_FOUND');
    expect(err.shortMessage).toBe('The workspace does not exist.');
  });

  it('walks its cause chain', () => {
    const root = new Error('root');
    const mid = new SinsoError('mid', { code: 'INTERNAL', cause: root });
    const top = new SinsoError('top', { code: 'INTERNAL', cause: mid });
    expect(top.walk()).toBe(root);
    expect(top.walk((e) => e instanceof SinsoError && e.shortMessage === 'mid')).toBe(mid);
  });

  it('SchemaError lists fields with lines', () => {
    const err = new SchemaError('Bad.', {
      issues: [{ path: 'stages.a.with.x', message: 'expected number', line: 7 }],
    });
    expect(err.message).toContain('- stages.a.with.x: expected number (line 7)');
    expect(err.code).toBe('SCHEMA_INVALID');
  });

  it('wraps foreign errors without their message (which may hold a path or value)', () => {
    const foreign = Object.assign(new Error("ENOENT: no such file '/data/DOE^JOHN/1.dcm'"), {
      code: 'ENOENT',
    });
    const err = wrapIoError(foreign, 'Reading an input');
    expect(err.message).toContain('Reading an input failed (ENOENT).');
    expect(err.message).not.toContain('DOE');
    expect(err.cause).toBe(foreign);
  });
});
