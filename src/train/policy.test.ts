import { describe, expect, it } from 'vitest';
import type { PledgeFacts } from '../chain/index.js';
import { TrainError } from './errors.js';
import { checkTrainPledge } from './policy.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const NODE = '0x00000000000000000000000000000000000000C1';
const pledge = (over: Partial<PledgeFacts> = {}): PledgeFacts => ({
  id: '3',
  state: 'accepted',
  ops: 4,
  expiresAt: BigInt(NOW.getTime() / 1000) + 60n,
  minCohort: 10,
  consumer: '0x00000000000000000000000000000000000000c0',
  compute: NODE.toLowerCase(),
  tokenId: 1n,
  version: 0,
  root: `0x${'1'.repeat(64)}`,
  manifestCid: 'bafy',
  ...over,
});
const reason = (p: PledgeFacts) => {
  try {
    checkTrainPledge(p, NOW, NODE);
  } catch (e) {
    expect(e).toBeInstanceOf(TrainError);
    expect((e as TrainError).code).toBe('TRAIN_POLICY_REFUSED');
    return (e as TrainError).message;
  }
  return 'allowed';
};

describe('checkTrainPledge', () => {
  it('allows an accepted, unexpired train pledge naming this compute node', () => {
    expect(reason(pledge())).toBe('allowed');
    expect(reason(pledge({ ops: 1 | 2 | 4 }))).toBe('allowed');
  });
  it('refuses every other pledge, saying why', () => {
    expect(reason(pledge({ state: 'revoked' }))).toContain('revoked');
    expect(reason(pledge({ state: 'offered' }))).toContain('not accepted');
    expect(reason(pledge({ state: 'none' }))).toContain('no such pledge');
    expect(reason(pledge({ expiresAt: BigInt(NOW.getTime() / 1000) }))).toContain('expired');
    expect(reason(pledge({ ops: 1 | 2 | 8 }))).toContain('does not allow train');
    expect(reason(pledge({ compute: '0x00000000000000000000000000000000000000c2' }))).toContain(
      'another compute node',
    );
  });
});
