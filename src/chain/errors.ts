import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The codes of the chain stage: contracts, the embedded EVM, an external endpoint, the commands. */
export const chainErrors = defineErrorCodes({
  CHAIN_REVERTED: {
    message: (f: { contract: string; fn: string; error: string; args?: readonly string[] | undefined }) =>
      `${f.contract}.${f.fn} was refused by the contract: ${f.error}${f.args?.length ? `(${f.args.join(', ')})` : ''}.`,
    fix: (f) => REVERT_FIXES[f.error],
  },
  CHAIN_NOT_DEPLOYED: {
    message: (f: { chain: string }) =>
      `The sinso contracts are not deployed on ${f.chain} for this workspace.`,
    fix: 'Run `sinso chain deploy` (with the same --rpc) first.',
  },
  CHAIN_JOURNAL_CORRUPT: {
    message: (f: { entry: number; problem: string }) =>
      `The embedded chain's journal (chain/embedded/journal.ndjson) does not replay: entry ${f.entry} ${f.problem}.`,
    fix: 'Restore the workspace chain/ folder from a backup; the journal is the chain, sinso never edits it in place.',
  },
  CHAIN_BUSY: {
    message: (f: { pid: number }) =>
      `Another sinso process (pid ${f.pid}) is using the embedded chain of this workspace.`,
    fix: 'Wait for it to finish (or stop `sinso chain serve`, or use --rpc with its endpoint), then run again.',
  },
  CHAIN_RPC_FAILED: {
    message: (f: { endpoint: string; problem: string }) =>
      `The chain endpoint ${f.endpoint} failed: ${f.problem}.`,
    fix: 'Check that the node is running and --rpc is its JSON-RPC URL (http://host:port).',
  },
  CHAIN_DATASET_MISMATCH: {
    message: (f: { problem: string }) =>
      `The published dataset does not match its publish.json: ${f.problem}.`,
    fix: 'Publish the dataset again (`sinso publish`), then mint from that folder.',
  },
  CHAIN_TX_FAILED: {
    message: (f: { contract: string; fn: string; tx: string }) =>
      `${f.contract}.${f.fn} was mined but failed (transaction ${f.tx}).`,
    fix: 'Check the arguments and the account’s balance; run with --verbose for the node’s answer.',
  },
});

/** What to do about each custom error of the contracts. */
const REVERT_FIXES: Record<string, string> = {
  InsufficientEscrow: 'The consumer deposits more first (`sinso deposit AMOUNT --as consumer`).',
  NotTokenOwner: 'Act as the account that holds the token (--as NAME).',
  NotConsumer: 'Act as the pledge’s consumer (--as NAME).',
  NotOwner: 'Act as the account that made the pledge (--as NAME).',
  Expired: 'The pledge has expired; the owner pledges again with a later --expires.',
  NotExpired: 'Unused escrow can be reclaimed only after the pledge expires.',
  WrongState: 'See the pledge’s state with `sinso datasets`.',
  NothingToWithdraw: 'Nothing is owed to this account in that currency yet.',
  NothingToReclaim: 'Nothing of this pledge is left locked.',
  TooManyRows:
    'The pledge has fewer row-uses left (or the consumer reclaimed its lock after expiry); the owner pledges again for more.',
  InvalidCid: 'Mint from a folder that `sinso publish` wrote.',
  InvalidTerms: 'Check the pledge’s terms (see `sinso pledge --help`).',
  NoSuchVersion: 'List the token’s versions with `sinso datasets`.',
  NoSuchPledge: 'List the pledges with `sinso datasets`.',
  UnknownAsset: 'Use the native currency or the ERC-20 the market was deployed with.',
  ZeroAmount: 'Give an amount above zero.',
  ZkResultNotProven:
    'A zk-query receipt names a result ZkQueryRegistry proved over the pledge’s token and version: submit every chunk proof of the query first.',
  InvalidProof: 'The chunk proof does not verify: prove the chunk again with the circuit’s zkey.',
  WrongRoot:
    'The proof is of another dataset: prove against the commitment root of the pledged token version.',
  ChunkAlreadyVerified: 'That chunk of the query is in already: submit only the chunks still missing.',
  QueryAlreadyComplete: 'Every chunk of this query is verified: its result is proven.',
  UnknownCircuit: 'The registry takes only the circuits it was deployed with (see `sinso chain status`).',
};

/**
 * A chain operation failed: a contract refused it (its custom error, decoded), the endpoint
 * failed, or the workspace's chain state is missing or damaged. Never carries a secret.
 *
 * @example
 * throw new ChainError('CHAIN_REVERTED', { contract: 'PledgeMarket', fn: 'accept', error: 'Expired', args: ['1', '1767225600'] });
 */
export class ChainError extends errorClass(chainErrors) {
  override name = 'ChainError';
}
