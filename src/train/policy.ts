import { OPERATIONS, type PledgeFacts } from '../chain/index.js';
import { TrainError } from './errors.js';

/**
 * The pledge checks of a training job, run by the compute node before it unwraps a key or reads
 * a row: the pledge is accepted, unexpired, unrevoked, allows `train`, and names this node as
 * its compute node.
 *
 * @example
 * checkTrainPledge(facts, clock.now(), computeAccount.address);
 */
export function checkTrainPledge(p: PledgeFacts, now: Date, computeAddress: string): void {
  const refuse = (reason: string) => new TrainError('TRAIN_POLICY_REFUSED', { pledge: p.id, reason });
  if (p.state === 'none') throw refuse('there is no such pledge');
  if (p.state === 'revoked') throw refuse('the owner revoked it');
  if (p.state !== 'accepted') throw refuse('the consumer has not accepted it');
  if (BigInt(Math.floor(now.getTime() / 1000)) >= p.expiresAt) throw refuse('it has expired');
  if ((p.ops & OPERATIONS.train) === 0) throw refuse('it does not allow train');
  if (p.compute.toLowerCase() !== computeAddress.toLowerCase()) {
    throw refuse('it names another compute node (run the job with that node’s key, --as)');
  }
}
