import { OPERATIONS, type PledgeFacts } from '../chain/index.js';
import { ZkError } from './errors.js';

/**
 * The pledge checks of a ZK query, run by the data holder before it proves anything: the pledge
 * is accepted, unexpired, unrevoked, allows `zk-query`, and pledges the token version whose root
 * is the commitment's.
 *
 * @example
 * checkZkPledge(facts, commitment.root, clock.now());
 */
export function checkZkPledge(p: PledgeFacts, root: string, now: Date): void {
  const refuse = (reason: string) => new ZkError('ZK_POLICY_REFUSED', { pledge: p.id, reason });
  if (p.state === 'none') throw refuse('there is no such pledge');
  if (p.state === 'revoked') throw refuse('the owner revoked it');
  if (p.state !== 'accepted') throw refuse('the consumer has not accepted it');
  if (BigInt(Math.floor(now.getTime() / 1000)) >= p.expiresAt) throw refuse('it has expired');
  if ((p.ops & OPERATIONS['zk-query']) === 0) throw refuse('it does not allow zk-query');
  if (p.root.toLowerCase() !== root.toLowerCase()) {
    throw refuse('its token version’s root is not this commitment’s root');
  }
}
