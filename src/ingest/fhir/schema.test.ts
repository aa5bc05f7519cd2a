import { describe, expect, it } from 'vitest';
import { flagSpecs } from '../../core/optionSpecs.js';
import { IngestFhirOptionsSchema } from './schema.js';

describe('IngestFhirOptionsSchema', () => {
  it('applies defaults', () => {
    expect(IngestFhirOptionsSchema.parse({ server: 'https://fhir.example.org/r4', out: 'raw' })).toEqual({
      server: 'https://fhir.example.org/r4',
      out: 'raw',
      type: [],
      mode: 'auto',
      pageSize: 500,
      timeoutMs: 30_000,
      pollIntervalMs: 1000,
      maxPolls: 600,
    });
  });
  it('accepts a date or a dateTime with a zone as --since, nothing else', () => {
    const ok = (since: string) =>
      IngestFhirOptionsSchema.safeParse({ server: 'http://h/fhir', out: 'o', since }).success;
    expect(ok('2024-01-31')).toBe(true);
    expect(ok('2024-01-31T10:00:00Z')).toBe(true);
    expect(ok('2024-01-31T10:00:00.123+02:00')).toBe(true);
    expect(ok('2024-01-31T10:00:00')).toBe(false);
    expect(ok('yesterday')).toBe(false);
  });
  it('rejects bad servers, types and unknown keys', () => {
    const ok = (o: object) =>
      IngestFhirOptionsSchema.safeParse({ server: 'http://h/fhir', out: 'o', ...o }).success;
    expect(ok({ server: 'ftp://h/fhir' })).toBe(false);
    expect(ok({ server: 'not a url' })).toBe(false);
    expect(ok({ type: ['patient'] })).toBe(false);
    expect(ok({ type: ['Patient/../x'] })).toBe(false);
    expect(ok({ token: 'x' })).toBe(false);
  });
  it('describes every field, so CLI flags can be derived', () => {
    const specs = flagSpecs(IngestFhirOptionsSchema);
    expect(specs.map((s) => s.flag)).toEqual([
      'server',
      'out',
      'type',
      'since',
      'mode',
      'page-size',
      'timeout-ms',
      'poll-interval-ms',
      'max-polls',
    ]);
    expect(specs.every((s) => s.description.length > 0)).toBe(true);
    expect(specs.find((s) => s.key === 'type')?.kind).toBe('list');
    expect(specs.find((s) => s.key === 'mode')?.choices).toEqual(['auto', 'search', 'export']);
    expect(specs.find((s) => s.key === 'pageSize')).toMatchObject({ kind: 'number', integer: true });
  });
});
