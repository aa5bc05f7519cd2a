import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pledgeMarketAbi } from '../../src/chain/contracts.generated.js';
import { receiptHash, receiptSigner, signReceipt, type UsageReceipt } from '../../src/chain/receipts.js';
import { deploySinso, startEvm, type TestEvm } from '../utils/evm.js';

let evm: TestEvm;
let market: `0x${string}`;

beforeAll(async () => {
  evm = await startEvm();
  ({ market } = await deploySinso(evm));
}, 60_000);
afterAll(async () => evm?.close());

const receipt: UsageReceipt = {
  pledgeId: 7n,
  jobId: `0x${'ab'.repeat(32)}`,
  tokenId: 3n,
  version: 1,
  op: 2,
  rows: 1234n,
  startedAt: 1_800_000_000n,
  specHash: `0x${'ef'.repeat(32)}`,
  resultHash: `0x${'cd'.repeat(32)}`,
  proofHash: `0x${'12'.repeat(32)}`,
  prev: `0x${'00'.repeat(32)}`,
};

describe('usage receipts off chain', () => {
  it('hash as the contract hashes them, and signatures recover to their signer as it would', async () => {
    const read = (functionName: 'receiptHash' | 'receiptDigest') =>
      evm.client.readContract({ address: market, abi: pledgeMarketAbi, functionName, args: [receipt] });
    expect(receiptHash(receipt)).toBe(await read('receiptHash'));
    const signer = evm.accounts[Object.keys(evm.accounts)[1] as keyof typeof evm.accounts];
    const sig = await signReceipt(signer, receipt, evm.chain.id, market);
    expect(sig.r).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await receiptSigner(receipt, sig, evm.chain.id, market)).toBe(signer.address);
    // another chain id or another market: another signer recovered (the domain separates them)
    expect(await receiptSigner(receipt, sig, evm.chain.id + 1, market)).not.toBe(signer.address);
    expect(await receiptSigner({ ...receipt, rows: 1235n }, sig, evm.chain.id, market)).not.toBe(
      signer.address,
    );
  });
});
