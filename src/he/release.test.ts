import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/utils/errors.js';
import { HeError } from './errors.js';
import type { HeTableManifest } from './heTable.js';
import { checkPledges, type PledgeFacts } from './release.js';

const CID = `bafkrei${'a'.repeat(52)}`;
const rootOf = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

/** An encrypted table of one dataset, as far as checkPledges reads it (its commitment root). */
function table(n: number): HeTableManifest {
  return {
    schema: '1',
    kind: 'sinso-he-table',
    name: 't',
    dataset: {
      id: `owner-00${n}`,
      name: `owner ${n}`,
      manifestCid: CID,
      commitmentRoot: rootOf(n),
      table: 'obs',
    },
    rowFilter: null,
    asOfYear: null,
    keys: {
      fingerprint: 'f'.repeat(32),
      params: {
        scheme: 'bfv',
        polyDegree: 8192,
        coeffModulusBits: [43, 43, 44, 44, 44],
        plainModulus: '65537',
      },
    },
    rows: 10,
    slots: 8192,
    publicColumns: [],
    cells: [],
    values: [],
    indicators: [],
    vectors: [],
    blocks: [[]],
  };
}

const NOW = new Date('2025-03-01T12:00:00Z');
const NOW_S = BigInt(NOW.getTime() / 1000);
const CONSUMER = '0x00000000000000000000000000000000000000C0';

/** An accepted pledge of dataset n allowing he-query and he-public, unexpired. */
function pledge(n: number, over: Partial<PledgeFacts> = {}): PledgeFacts {
  return {
    id: `${n}`,
    state: 'accepted',
    ops: 1 | 16,
    expiresAt: NOW_S + 3600n,
    minCohort: 10,
    consumer: CONSUMER,
    compute: CONSUMER,
    tokenId: BigInt(n),
    version: 0,
    root: rootOf(n),
    manifestCid: '',
    ...over,
  };
}

/** The refusal checkPledges raises (or fails the test if it raises none). */
function refusal(f: () => unknown): HeError {
  return thrownBy(HeError, f);
}

describe('checkPledges', () => {
  const tables = [table(1), table(2)];

  it('accepts accepted, unexpired pledges of every table to one consumer, with the strictest minimum cohort', () => {
    const out = checkPledges(
      // the same consumer and roots in other letter cases; pledges in another order than the tables
      [
        pledge(2, { minCohort: 20, root: rootOf(2).toUpperCase().replace('0X', '0x') }),
        pledge(1, { consumer: CONSUMER.toLowerCase() }),
      ],
      tables,
      'public',
      NOW,
    );
    expect(out).toEqual({ minCohort: 20, consumer: CONSUMER.toLowerCase(), pledgeOfTable: ['1', '2'] });
    // private mode needs he-query only
    expect(
      checkPledges([pledge(1, { ops: 1 }), pledge(2, { ops: 1 | 2 })], tables, 'private', NOW).minCohort,
    ).toBe(10);
    // one second before the expiry is still in time
    expect(() =>
      checkPledges([pledge(1, { expiresAt: NOW_S + 1n }), pledge(2)], tables, 'public', NOW),
    ).not.toThrow();
  });

  it.each<[string, Partial<PledgeFacts>, string]>([
    ['revoked', { state: 'revoked' }, 'the owner revoked it'],
    ['offered, not accepted', { state: 'offered' }, 'the consumer has not accepted it'],
    ['not on chain', { state: 'none' }, 'there is no such pledge'],
    ['expired (now = expiresAt)', { expiresAt: NOW_S }, 'it has expired'],
    ['expired (now > expiresAt)', { expiresAt: NOW_S - 1n }, 'it has expired'],
    ['without he-query (he-public alone)', { ops: 16 }, 'it does not allow he-query'],
    ['without he-query (another operation)', { ops: 2 }, 'it does not allow he-query'],
    ['without he-public, in public mode', { ops: 1 }, 'he-public is not pledged'],
  ])('refuses a pledge %s', (_, over, reason) => {
    const err = refusal(() => checkPledges([pledge(1), pledge(2, over)], tables, 'public', NOW));
    expect(err.code).toBe('HE_POLICY_REFUSED');
    expect(err.fields).toMatchObject({ pledge: '2' });
    expect(String(err.fields.reason)).toContain(reason);
  });

  it('refuses pledges to two consumers', () => {
    const err = refusal(() =>
      checkPledges([pledge(1), pledge(2, { consumer: `0x${'d'.repeat(40)}` })], tables, 'private', NOW),
    );
    expect(err.code).toBe('HE_POLICY_REFUSED');
    expect(err.fields).toMatchObject({ pledge: '1, 2', reason: 'the pledges are to different consumers' });
  });

  it('refuses a table whose commitment root no pledge has', () => {
    // dataset 2 is pledged at another token version (another root)
    const err = refusal(() =>
      checkPledges([pledge(1), pledge(2, { root: rootOf(3) })], tables, 'private', NOW),
    );
    expect(err.code).toBe('HE_POLICY_REFUSED');
    expect(String(err.fields.reason)).toContain('none of them pledges dataset owner-002');
  });

  it('refuses a pledge that covers no table of the result', () => {
    const err = refusal(() => checkPledges([pledge(1), pledge(2), pledge(3)], tables, 'private', NOW));
    expect(err.code).toBe('HE_POLICY_REFUSED');
    expect(err.fields).toMatchObject({ pledge: '3' });
    expect(String(err.fields.reason)).toContain('it pledges none of the datasets');
  });

  it('refuses no pledge at all', () => {
    expect(refusal(() => checkPledges([], tables, 'private', NOW)).code).toBe('HE_POLICY_REFUSED');
  });
});
