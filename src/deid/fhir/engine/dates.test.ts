import { describe, expect, it } from 'vitest';
import { daysBetween, isFhirDateLike, shiftFhirDate } from './dates.js';
import { safeHarborZip } from './zip3.js';

describe('FHIR dates', () => {
  it('recognises dates with at least year and month', () => {
    expect(isFhirDateLike('1987-11-19T00:22:16.824-05:00')).toBe(true);
    expect(isFhirDateLike('2011-01-01T11:01:20+03:00')).toBe(true);
    expect(isFhirDateLike('2011-01')).toBe(true);
    expect(isFhirDateLike('2011-01-01')).toBe(true);
    expect(isFhirDateLike('1987')).toBe(false);
    expect(isFhirDateLike('2106-3')).toBe(false);
    expect(isFhirDateLike('2011-13-01')).toBe(false);
    expect(isFhirDateLike('urn:uuid:1987-11-19')).toBe(false);
  });

  it('shifts the calendar date and keeps precision, time and zone text', () => {
    expect(shiftFhirDate('2024-02-28T23:30:00+01:00', 2)).toBe('2024-03-01T23:30:00+01:00');
    expect(shiftFhirDate('2024-01-01', -1)).toBe('2023-12-31');
    expect(shiftFhirDate('2024-01', 40)).toBe('2024-02');
    expect(shiftFhirDate('1987-11-19T00:22:16.824-05:00', 10)).toBe('1987-11-29T00:22:16.824-05:00');
    expect(shiftFhirDate('1987', 10)).toBe('1987');
    expect(daysBetween('2024-01-01', '2024-03-01T10:00:00Z')).toBe(60);
  });

  it('cuts postal codes to zip3, 000 for the restricted areas', () => {
    expect(safeHarborZip('66062')).toBe('660');
    expect(safeHarborZip('66062-1234')).toBe('660');
    expect(safeHarborZip('03601')).toBe('000');
    expect(safeHarborZip('89301')).toBe('000');
    expect(safeHarborZip('1024 RJ')).toBeUndefined();
  });
});
