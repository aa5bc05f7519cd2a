import { describe, expect, it } from 'vitest';
import { findLatestYear } from './findLatestYear.js';

describe('findLatestYear', () => {
  it('takes the latest year of the whole-string dates, instants included', () => {
    expect(
      findLatestYear(
        '{"birthDate":"1931-02-03","period":{"start":"2019-05-04T10:00:00+02:00","end":"2019-06"},"meta":{"lastUpdated":"2020-01-02T03:04:05.678Z"}}',
      ),
    ).toBe(2020);
    expect(findLatestYear('{"resourceType": "Patient", "birthDate" : "1931"}')).toBe(1931); // pretty-printed
  });

  it('counts neither codes, free text nor the expiry dates of products', () => {
    expect(
      findLatestYear(
        '{"code":"8302-2","value":"2087","text":"seen 2030-01-01","expirationDate":"2047-11-05","expirationDate": "2046-01","x":"2031-13"}',
      ),
    ).toBeUndefined();
    expect(findLatestYear('{"expirationDate":"2047-11-05","occurrenceDateTime":"2015-04-01"}')).toBe(2015);
    expect(findLatestYear('')).toBeUndefined();
  });
});
