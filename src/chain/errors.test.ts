import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { ChainError } from './errors.js';

it('renders every chain error code', () => {
  const text = renderErrorSamples(ChainError, {
    CHAIN_REVERTED: {
      contract: 'PledgeMarket',
      fn: 'accept',
      error: 'InsufficientEscrow',
      args: ['10', '2'],
    },
    CHAIN_NOT_DEPLOYED: { chain: 'eip155:1337' },
    CHAIN_JOURNAL_CORRUPT: { entry: 3, problem: 'does not give its recorded block' },
    CHAIN_BUSY: { pid: 42 },
    CHAIN_RPC_FAILED: { endpoint: 'http://127.0.0.1:8545', problem: 'it does not answer eth_chainId' },
    CHAIN_DATASET_MISMATCH: { problem: 'the file files/a.parquet.enc changed' },
    CHAIN_TX_FAILED: { contract: 'DataNFT', fn: 'mint', tx: '0xabc' },
  });
  expect(text).toContain('PledgeMarket.accept was refused by the contract: InsufficientEscrow(10, 2).');
  expect(text).toContain('Fix: The consumer deposits more first');
  expect(text).toContain('[CHAIN_BUSY]');
});
