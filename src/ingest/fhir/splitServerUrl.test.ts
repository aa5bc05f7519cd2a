import { describe, expect, it } from 'vitest';
import { splitServerUrl } from './splitServerUrl.js';

describe('splitServerUrl', () => {
  it('moves user:password into a basic-auth header and drops query and fragment', () => {
    expect(splitServerUrl('https://al%40ice:p%3Aw@fhir.example.org:8443/r4/?token=x#frag')).toEqual({
      baseUrl: 'https://fhir.example.org:8443/r4',
      origin: 'https://fhir.example.org:8443',
      authorization: `Basic ${Buffer.from('al@ice:p:w').toString('base64')}`,
    });
  });
  it('leaves a plain URL alone', () => {
    expect(splitServerUrl('http://127.0.0.1:8080/fhir')).toEqual({
      baseUrl: 'http://127.0.0.1:8080/fhir',
      origin: 'http://127.0.0.1:8080',
      authorization: undefined,
    });
  });
});
