import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/utils/errors.js';
import { isSinsoError } from '../core/errors/index.js';
import { DeidError } from './errors.js';
import { parseIssuerMap } from './parseIssuerMap.js';

const A = 'http://a.example.org/mrn';

/** The error a text raises, with its issues. */
function failure(text: string): DeidError {
  return thrownBy(DeidError, () => parseIssuerMap(text));
}

describe('parseIssuerMap', () => {
  it('reads JSON and YAML', () => {
    expect(
      parseIssuerMap(JSON.stringify({ schema: '1', issuers: { SITE01: A, ' SITE02 ': 'urn:oid:1.2.3' } })),
    ).toEqual({ SITE01: A, SITE02: 'urn:oid:1.2.3' });
    expect(parseIssuerMap(`schema: "1"\nissuers:\n  SITE01: ${A}\n  "HOSP B": urn:oid:1.2.3\n`)).toEqual({
      SITE01: A,
      'HOSP B': 'urn:oid:1.2.3',
    });
  });

  it('rejects a bad map with a typed error naming entries by position, never by issuer name', () => {
    const cases: [string, RegExp][] = [
      [
        '{"schema":"1","issuers":{"SECRETSITE":"SECRETSITE"}}',
        /issuers \(entry 1\): must be an absolute URI/,
      ],
      [
        '{"schema":"1","issuers":{"SITE01":"http://a","SECRETSITE":7}}',
        /issuers \(entry 2\): the system must be a string/,
      ],
      [
        '{"schema":"1","issuers":{"SECRETSITE":"http://a","SECRETSITE ":"http://b"}}',
        /issuers \(entry 2\): the issuer name appears twice/,
      ],
      ['{"schema":"1","issuers":{"SECRETSITE":"http://a","SECRETSITE":"http://b"}}', /a key appears twice/],
      [
        '{"schema":"1","issuers":{"SECRET\\\\SITE":"http://a"}}',
        /issuers \(entry 1\): the issuer name must be 1 to 64/,
      ],
      ['{"schema":"1","issuers":{}}', /issuers: the map holds no issuer/],
      ['{"issuers":{"SECRETSITE":"http://a"}}', /schema/],
      ['{"schema":"1","issuers":["SECRETSITE"]}', /issuers/],
      ['{"schema":"1","issuers":{"SECRETSITE":"http://a"},"extra":1}', /unknown field\(s\): extra/],
      [
        '{"schema":"1",\n"issuers":{"SECRETSITE": [}',
        /line 2.*not valid JSON or YAML|not valid JSON or YAML.*line 2/,
      ],
    ];
    for (const [text, want] of cases) {
      const e = failure(text);
      expect(isSinsoError(e)).toBe(true);
      expect(e.code).toBe('DEID_ISSUER_MAP_INVALID');
      expect(e.message).toMatch(want);
      expect(e.message).not.toContain('SECRET');
      expect(e.message).toContain('Fix: Give a JSON or YAML file');
    }
  });
});
