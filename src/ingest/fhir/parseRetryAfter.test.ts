import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './parseRetryAfter.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('0', { now })).toBe(0);
    expect(parseRetryAfter(' 5 ', { now })).toBe(5000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', { now })).toBe(30_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', { now })).toBe(0);
  });
  it('gives undefined for absent or unreadable values, and caps long waits', () => {
    expect(parseRetryAfter(null, { now })).toBeUndefined();
    expect(parseRetryAfter('soon', { now })).toBeUndefined();
    expect(parseRetryAfter('-3', { now })).toBeUndefined();
    expect(parseRetryAfter('99999', { now, maxMs: 60_000 })).toBe(60_000);
  });
});
