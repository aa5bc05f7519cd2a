import { describe, expect, it } from 'vitest';
import { operationOutcomeCodes } from './operationOutcomeCodes.js';

describe('operationOutcomeCodes', () => {
  it('returns the issue codes, sorted and unique, never diagnostics', () => {
    expect(
      operationOutcomeCodes({
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'not-found', diagnostics: 'Patient John Doe' },
          { severity: 'error', code: 'exception' },
          { severity: 'error', code: 'not-found' },
          { severity: 'error', code: 'John Doe' },
        ],
      }),
    ).toEqual(['exception', 'not-found']);
  });
  it('gives [] for anything else', () => {
    expect(operationOutcomeCodes({ resourceType: 'Patient', issue: [{ code: 'x' }] })).toEqual([]);
    expect(operationOutcomeCodes('OperationOutcome')).toEqual([]);
    expect(operationOutcomeCodes(undefined)).toEqual([]);
  });
});
