/**
 * The contracts on an in-memory EVM (Hardhat's EDR): every function of DataNFT and PledgeMarket,
 * every revert path with its custom error and arguments decoded, EIP-712 receipts (domain, hash
 * chain, signatures), reentrancy by a malicious receiver, ERC-20 escrow, and property tests of
 * the market's accounting over random sequences of actions.
 */
import fc from 'fast-check';
import {
  type Abi,
  encodeFunctionData,
  type Hex,
  hashDomain,
  hashStruct,
  hashTypedData,
  keccak256,
  maxUint256,
  parseEventLogs,
  parseSignature,
  recoverTypedDataAddress,
  signatureToCompactSignature,
  type TransactionReceipt,
  toHex,
} from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataNftAbi, pledgeMarketAbi } from '../../src/chain/contracts.generated.js';
import { OPERATIONS, opsOf, type PledgeView } from '../../src/chain/market.js';
import {
  type Address,
  type Artifact,
  deploySinso,
  fixtureContracts,
  pledgeMarketArtifact,
  type Revert,
  revertOf,
  startEvm,
  type TestEvm,
  ZERO_ADDRESS,
} from '../utils/evm.js';

// ---- fixtures -----------------------------------------------------------------------------

/** CIDv1 base32 (dag-pb sha256, raw sha256): what `sinso publish` writes as manifest CIDs. */
const CID1 = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
const CID2 = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq';
const root = (n: number): Hex => toHex(n, { size: 32 });
const ROOT1 = root(0x1111);
const ROOT2 = root(0x2222);

const OP = { heQuery: 1, zkQuery: 2, train: 4, access: 8, hePublic: 16 } as const;
const STATE = { None: 0, Offered: 1, Accepted: 2, Revoked: 3 } as const;
const DAY = 86_400n;
const PRICE = 10n ** 12n;

type Sig = { r: Hex; vs: Hex };
type Receipt = {
  pledgeId: bigint;
  jobId: Hex;
  tokenId: bigint;
  version: number;
  op: number;
  rows: bigint;
  startedAt: bigint;
  specHash: Hex;
  resultHash: Hex;
  proofHash: Hex;
  prev: Hex;
};
type Terms = {
  ops: number;
  pricePerRow: bigint;
  maxRows: bigint;
  expiresAt: bigint;
  minCohort: number;
  compute: Address;
  asset: Address;
};

const RECEIPT_TYPES = {
  UsageReceipt: [
    { name: 'pledgeId', type: 'uint256' },
    { name: 'jobId', type: 'bytes32' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'version', type: 'uint32' },
    { name: 'op', type: 'uint8' },
    { name: 'rows', type: 'uint64' },
    { name: 'startedAt', type: 'uint64' },
    { name: 'specHash', type: 'bytes32' },
    { name: 'resultHash', type: 'bytes32' },
    { name: 'proofHash', type: 'bytes32' },
    { name: 'prev', type: 'bytes32' },
  ],
} as const;

/** The struct hash of a receipt (what the pledge's head becomes), computed off chain. */
const receiptHashOf = (r: Receipt): Hex =>
  hashStruct({ types: RECEIPT_TYPES, primaryType: 'UsageReceipt', data: r });

const domainOf = (chainId: number, market: Address) =>
  ({ name: 'sinso PledgeMarket', version: '1', chainId, verifyingContract: market }) as const;

/** Signs a receipt (EIP-712) and returns the compact ERC-2098 signature the market takes. */
async function sign(account: PrivateKeyAccount, r: Receipt, chainId: number, market: Address): Promise<Sig> {
  const signature = await account.signTypedData({
    domain: domainOf(chainId, market),
    types: RECEIPT_TYPES,
    primaryType: 'UsageReceipt',
    message: r,
  });
  const { r: rr, yParityAndS } = signatureToCompactSignature(parseSignature(signature));
  return { r: rr, vs: yParityAndS };
}

let jobCounter = 0;
/** The token and version each pledge id was made for (what its receipts must name). */
const pledgedVersion = new Map<bigint, { tokenId: bigint; version: number }>();
/** A receipt chain of `rows.length` receipts after `head`, each job started at `startedAt`. */
function receiptChain(
  pledgeId: bigint,
  head: Hex,
  rows: readonly bigint[],
  startedAt: bigint,
  op: number = OP.heQuery,
): Receipt[] {
  const out: Receipt[] = [];
  let prev = head;
  for (const n of rows) {
    jobCounter++;
    const r: Receipt = {
      pledgeId,
      jobId: keccak256(toHex(`job-${jobCounter}`)),
      tokenId: pledgedVersion.get(pledgeId)?.tokenId ?? 0n,
      version: pledgedVersion.get(pledgeId)?.version ?? 0,
      op,
      rows: n,
      startedAt,
      specHash: keccak256(toHex(`spec-${jobCounter}`)),
      resultHash: keccak256(toHex(`result-${jobCounter}`)),
      proofHash: keccak256(toHex(`proof-${jobCounter}`)),
      prev,
    };
    out.push(r);
    prev = receiptHashOf(r);
  }
  return out;
}

const events = (receipt: TransactionReceipt, abi: Abi, eventName: string) =>
  parseEventLogs({ abi, logs: receipt.logs, eventName }).map(
    (l) => (l as unknown as { args: Record<string, unknown> }).args,
  );

// ---- the EVM, shared by the file; each test runs from a snapshot ---------------------------

let evm: TestEvm;
let fx: Record<'TestToken' | 'MaliciousReceiver', Artifact>;
let nft: Address;
let market: Address;
let token: Address;
/** A market deployed without an ERC-20 (native currency only). */
let nativeMarket: Address;
let A: TestEvm['accounts'];
let chainId: number;

beforeAll(async () => {
  fx = fixtureContracts();
  evm = await startEvm();
  A = evm.accounts;
  chainId = evm.chain.id;
  token = (await evm.deploy(fx.TestToken)).address;
  let registry: Address;
  ({ nft, market, registry } = await deploySinso(evm, token));
  nativeMarket = (
    await evm.deploy(pledgeMarketArtifact as unknown as Artifact, [nft, ZERO_ADDRESS, registry])
  ).address;
  for (const a of [A.consumer, A.consumer2, A.owner, A.owner2]) {
    await evm.send(A.deployer, {
      address: token,
      abi: fx.TestToken.abi,
      functionName: 'mint',
      args: [a.address, 10n ** 24n],
    });
    await evm.send(a, {
      address: token,
      abi: fx.TestToken.abi,
      functionName: 'approve',
      args: [market, maxUint256],
    });
  }
});
afterAll(async () => {
  await evm?.close();
});

let snap: Hex;
beforeEach(async () => {
  snap = await evm.snapshot();
});
afterEach(async () => {
  await evm.revert(snap);
});

// ---- calls ----------------------------------------------------------------------------------

const nftSend = (from: PrivateKeyAccount, functionName: string, args: readonly unknown[]) =>
  evm.send(from, { address: nft, abi: dataNftAbi, functionName, args });
const marketSend = (
  from: PrivateKeyAccount,
  functionName: string,
  args: readonly unknown[] = [],
  value?: bigint,
  at: Address = market,
) => evm.send(from, { address: at, abi: pledgeMarketAbi, functionName, args, ...(value ? { value } : {}) });
const read = <T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
  evm.client.readContract({ address, abi, functionName, args }) as Promise<T>;
const nftRead = <T>(functionName: string, args: readonly unknown[] = []) =>
  read<T>(nft, dataNftAbi, functionName, args);
const marketRead = <T>(functionName: string, args: readonly unknown[] = [], at: Address = market) =>
  read<T>(at, pledgeMarketAbi, functionName, args);
const tokenBalance = (a: Address) => read<bigint>(token, fx.TestToken.abi, 'balanceOf', [a]);

const pledgeOf = (id: bigint, at: Address = market) => marketRead<PledgeView>('pledgeOf', [id], at);

async function mint(to: PrivateKeyAccount = A.owner, cid = CID1, r = ROOT1): Promise<bigint> {
  const { receipt } = await nftSend(to, 'mint', [to.address, cid, r]);
  const [ev] = events(receipt, dataNftAbi, 'Transfer');
  return ev?.['tokenId'] as bigint;
}

async function terms(over: Partial<Terms> = {}): Promise<Terms> {
  return {
    ops: OP.heQuery | OP.zkQuery,
    pricePerRow: PRICE,
    maxRows: 1000n,
    expiresAt: (await evm.now()) + DAY,
    minCohort: 10,
    compute: A.compute.address,
    asset: ZERO_ADDRESS,
    ...over,
  };
}

async function pledge(
  tokenId: bigint,
  t: Terms,
  o: { from?: PrivateKeyAccount; consumer?: Address; version?: bigint; at?: Address } = {},
): Promise<bigint> {
  const { receipt } = await marketSend(
    o.from ?? A.owner,
    'pledge',
    [tokenId, o.version ?? 0n, o.consumer ?? A.consumer.address, t],
    undefined,
    o.at,
  );
  const id = events(receipt, pledgeMarketAbi, 'Pledged')[0]?.['pledgeId'] as bigint;
  pledgedVersion.set(id, { tokenId, version: Number(o.version ?? 0n) });
  return id;
}

/** Mint, deposit, pledge, accept: an accepted pledge of `t` (default terms), native currency. */
async function acceptedPledge(over: Partial<Terms> = {}): Promise<{ id: bigint; t: Terms; tokenId: bigint }> {
  const tokenId = await mint();
  const t = await terms(over);
  const cost = t.maxRows * t.pricePerRow;
  if (t.asset === ZERO_ADDRESS) await marketSend(A.consumer, 'deposit', [], cost + 1n);
  else await marketSend(A.consumer, 'depositToken', [cost + 1n]);
  const id = await pledge(tokenId, t);
  await marketSend(A.consumer, 'accept', [id]);
  return { id, t, tokenId };
}

async function signAll(
  receipts: readonly Receipt[],
  compute: PrivateKeyAccount = A.compute,
  consumer: PrivateKeyAccount = A.consumer,
  o: { chainId?: number; market?: Address } = {},
): Promise<[Sig[], Sig[]]> {
  const cs: Sig[] = [];
  const us: Sig[] = [];
  for (const r of receipts) {
    cs.push(await sign(compute, r, o.chainId ?? chainId, o.market ?? market));
    us.push(await sign(consumer, r, o.chainId ?? chainId, o.market ?? market));
  }
  return [cs, us];
}

async function submit(
  id: bigint,
  receipts: readonly Receipt[],
  sigs?: [Sig[], Sig[]],
  from: PrivateKeyAccount = A.other,
) {
  const [cs, us] = sigs ?? (await signAll(receipts));
  return marketSend(from, 'submitReceipts', [id, receipts, cs, us]);
}

/** The started-at time of a job at acceptance (a valid receipt's earliest). */
const acceptedAt = async (id: bigint) => (await pledgeOf(id)).acceptedAt;

const expectRevert = async (p: Promise<unknown>, errorName: string, args: readonly unknown[] = []) => {
  const r: Revert = await revertOf(p);
  expect(r).toEqual({ errorName, args });
};

// ---- DataNFT --------------------------------------------------------------------------------

describe('DataNFT', () => {
  it('mints ids 1, 2, … with version 0, its root and ipfs://<cid> as the token URI', async () => {
    const { receipt } = await nftSend(A.owner, 'mint', [A.owner.address, CID1, ROOT1]);
    expect(events(receipt, dataNftAbi, 'VersionPublished')).toEqual([
      { tokenId: 1n, index: 0n, root: ROOT1, manifestCid: CID1 },
    ]);
    expect(events(receipt, dataNftAbi, 'MetadataUpdate')).toEqual([]);
    expect(await mint(A.owner2, CID2, ROOT2)).toBe(2n);
    expect(await nftRead('ownerOf', [1n])).toBe(A.owner.address);
    expect(await nftRead('ownerOf', [2n])).toBe(A.owner2.address);
    expect(await nftRead('tokenURI', [1n])).toBe(`ipfs://${CID1}`);
    expect(await nftRead('tokenURI', [2n])).toBe(`ipfs://${CID2}`);
    expect(await nftRead('versionCount', [1n])).toBe(1n);
    expect(await nftRead('versionOf', [1n, 0n])).toEqual([ROOT1, CID1]);
    expect(await nftRead('rootOf', [1n, 0n])).toBe(ROOT1);
    expect(await nftRead('name')).toBe('sinso DataNFT');
    expect(await nftRead('symbol')).toBe('SDATA');
  });

  it('mints to another address, but not to the zero address', async () => {
    await nftSend(A.other, 'mint', [A.owner.address, CID1, ROOT1]);
    expect(await nftRead('ownerOf', [1n])).toBe(A.owner.address);
    await expectRevert(nftSend(A.owner, 'mint', [ZERO_ADDRESS, CID1, ROOT1]), 'ERC721InvalidReceiver', [
      ZERO_ADDRESS,
    ]);
  });

  it('refuses a CID that is not CIDv1 base32 (21–100 characters) and a zero root', async () => {
    const bad = [
      'b'.padEnd(20, 'a'), // too short
      'b'.padEnd(101, 'a'), // too long
      `Q${CID1.slice(1)}`, // not multibase base32
      `${CID1.slice(0, 10)}A${CID1.slice(11)}`, // upper case
      `${CID1.slice(0, 10)}1${CID1.slice(11)}`, // not in the alphabet
      `${CID1.slice(0, 10)}8${CID1.slice(11)}`,
      `${CID1.slice(0, 10)}/${CID1.slice(11)}`,
      '',
    ];
    for (const cid of bad)
      await expectRevert(nftSend(A.owner, 'mint', [A.owner.address, cid, ROOT1]), 'InvalidCid');
    // the bounds themselves are fine
    await nftSend(A.owner, 'mint', [A.owner.address, 'b'.padEnd(21, 'a'), ROOT1]);
    await nftSend(A.owner, 'mint', [A.owner.address, 'b'.padEnd(100, '7'), ROOT1]);
    expect(await nftRead('tokenURI', [2n])).toBe(`ipfs://${'b'.padEnd(100, '7')}`);
    await expectRevert(nftSend(A.owner, 'mint', [A.owner.address, CID1, root(0)]), 'InvalidRoot');
  });

  it('keeps every CID length exactly (the packed storage of 21–100 characters), whatever pads the calldata', async () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const cidOf = (n: number) =>
      `b${Array.from({ length: n - 1 }, (_, i) => alphabet[(i * 7 + n) % 32]).join('')}`;
    const lengths = [21, 30, 31, 32, 33, 59, 62, 63, 64, 65, 95, 96, 97, 100];
    for (const [i, n] of lengths.entries()) {
      const cid = cidOf(n);
      await nftSend(A.owner, 'mint', [A.owner.address, cid, ROOT1]);
      const id = BigInt(i + 1);
      expect(await nftRead('tokenURI', [id]), `length ${n}`).toBe(`ipfs://${cid}`);
      expect(await nftRead('versionOf', [id, 0n])).toEqual([ROOT1, cid]);
    }
    // the ABI padding after the CID filled with junk: still the CID alone
    const cid = cidOf(59);
    const data = encodeFunctionData({
      abi: dataNftAbi,
      functionName: 'mint',
      args: [A.owner.address, cid, ROOT1],
    });
    const junk = `${data.slice(0, data.length - 10)}ffffffffff` as Hex;
    expect(junk.length).toBe(data.length);
    const hash = await evm.wallet(A.owner).sendTransaction({ to: nft, data: junk, gas: 500_000n });
    expect((await evm.client.getTransactionReceipt({ hash })).status).toBe('success');
    const id = BigInt(lengths.length + 1);
    expect(await nftRead('tokenURI', [id])).toBe(`ipfs://${cid}`);
    await nftSend(A.owner, 'publishVersion', [id, cidOf(100), ROOT2]);
    expect(await nftRead('versionOf', [id, 0n])).toEqual([ROOT1, cid]);
    expect(await nftRead('versionOf', [id, 1n])).toEqual([ROOT2, cidOf(100)]);
  });

  it('publishes versions by the owner only; the history stays readable; ERC-4906 MetadataUpdate', async () => {
    const id = await mint();
    await expectRevert(nftSend(A.other, 'publishVersion', [id, CID2, ROOT2]), 'NotTokenOwner', [
      id,
      A.other.address,
    ]);
    await expectRevert(nftSend(A.owner, 'publishVersion', [9n, CID2, ROOT2]), 'NotTokenOwner', [
      9n,
      A.owner.address,
    ]);
    await expectRevert(nftSend(A.owner, 'publishVersion', [id, 'nope', ROOT2]), 'InvalidCid');
    await expectRevert(nftSend(A.owner, 'publishVersion', [id, CID2, root(0)]), 'InvalidRoot');
    const { receipt } = await nftSend(A.owner, 'publishVersion', [id, CID2, ROOT2]);
    expect(events(receipt, dataNftAbi, 'VersionPublished')).toEqual([
      { tokenId: id, index: 1n, root: ROOT2, manifestCid: CID2 },
    ]);
    expect(events(receipt, dataNftAbi, 'MetadataUpdate')).toEqual([{ _tokenId: id }]);
    expect(await nftRead('versionCount', [id])).toBe(2n);
    expect(await nftRead('tokenURI', [id])).toBe(`ipfs://${CID2}`);
    expect(await nftRead('rootOf', [id, 0n])).toBe(ROOT1);
    expect(await nftRead('rootOf', [id, 1n])).toBe(ROOT2);
    expect(await nftRead('versionOf', [id, 0n])).toEqual([ROOT1, CID1]);
    expect(await nftRead('versionOf', [id, 1n])).toEqual([ROOT2, CID2]);
    await expectRevert(nftRead('versionOf', [id, 2n]), 'NoSuchVersion', [id, 2n]);
    await expectRevert(nftRead('rootOf', [id, 5n]), 'NoSuchVersion', [id, 5n]);
  });

  it('follows the token: after a transfer only the new owner publishes', async () => {
    const id = await mint();
    await nftSend(A.owner, 'transferFrom', [A.owner.address, A.owner2.address, id]);
    await expectRevert(nftSend(A.owner, 'publishVersion', [id, CID2, ROOT2]), 'NotTokenOwner', [
      id,
      A.owner.address,
    ]);
    await nftSend(A.owner2, 'publishVersion', [id, CID2, ROOT2]);
    expect(await nftRead('versionCount', [id])).toBe(2n);
  });

  it('answers ERC721NonexistentToken for a token that does not exist', async () => {
    for (const fn of ['tokenURI', 'versionCount'] as const) {
      await expectRevert(nftRead(fn, [7n]), 'ERC721NonexistentToken', [7n]);
    }
    await expectRevert(nftRead('versionOf', [7n, 0n]), 'ERC721NonexistentToken', [7n]);
    await expectRevert(nftRead('rootOf', [7n, 0n]), 'ERC721NonexistentToken', [7n]);
  });

  it('supports ERC-165, ERC-721, ERC-721 metadata and ERC-4906', async () => {
    for (const id of ['0x01ffc9a7', '0x80ac58cd', '0x5b5e139f', '0x49064906']) {
      expect(await nftRead('supportsInterface', [id]), id).toBe(true);
    }
    expect(await nftRead('supportsInterface', ['0xffffffff'])).toBe(false);
    expect(await nftRead('supportsInterface', ['0x12345678'])).toBe(false);
  });
});

// ---- PledgeMarket: escrow ---------------------------------------------------------------------

describe('PledgeMarket escrow', () => {
  it('exposes its constants, NFT, token and EIP-712 domain', async () => {
    expect(await marketRead('nft')).toBe(nft);
    expect(await marketRead('token')).toBe(token);
    expect(await marketRead('token', [], nativeMarket)).toBe(ZERO_ADDRESS);
    expect(await marketRead('OP_HE_QUERY')).toBe(OP.heQuery);
    expect(await marketRead('OP_ZK_QUERY')).toBe(OP.zkQuery);
    expect(await marketRead('OP_TRAIN')).toBe(OP.train);
    expect(await marketRead('OP_ACCESS')).toBe(OP.access);
    expect(await marketRead('OP_HE_PUBLIC')).toBe(OP.hePublic);
    // the names sinso uses are the contract's bits
    expect(OPERATIONS).toEqual({
      'he-query': OP.heQuery,
      'zk-query': OP.zkQuery,
      train: OP.train,
      access: OP.access,
      'he-public': OP.hePublic,
    });
    expect(await marketRead('USAGE_RECEIPT_TYPEHASH')).toBe(
      keccak256(
        toHex(
          'UsageReceipt(uint256 pledgeId,bytes32 jobId,uint256 tokenId,uint32 version,uint8 op,uint64 rows,uint64 startedAt,bytes32 specHash,bytes32 resultHash,bytes32 proofHash,bytes32 prev)',
        ),
      ),
    );
    expect(await marketRead('domainSeparator')).toBe(
      hashDomain({
        domain: { ...domainOf(chainId, market), chainId: BigInt(chainId) },
        types: {
          EIP712Domain: [
            { name: 'name', type: 'string' },
            { name: 'version', type: 'string' },
            { name: 'chainId', type: 'uint256' },
            { name: 'verifyingContract', type: 'address' },
          ],
        },
      }),
    );
    expect(await marketRead('pledgeCount')).toBe(0n);
  });

  it('takes native deposits and gives free escrow back, never more than is free', async () => {
    const { receipt } = await marketSend(A.consumer, 'deposit', [], 500n);
    expect(events(receipt, pledgeMarketAbi, 'Deposited')).toEqual([
      { consumer: A.consumer.address, asset: ZERO_ADDRESS, amount: 500n },
    ]);
    await marketSend(A.consumer, 'deposit', [], 100n);
    expect(await marketRead('freeEscrow', [A.consumer.address, ZERO_ADDRESS])).toBe(600n);
    await expectRevert(marketSend(A.consumer, 'deposit', [], 0n), 'ZeroAmount');
    await expectRevert(marketSend(A.consumer, 'withdrawEscrow', [ZERO_ADDRESS, 0n]), 'ZeroAmount');
    await expectRevert(marketSend(A.consumer, 'withdrawEscrow', [ZERO_ADDRESS, 601n]), 'InsufficientEscrow', [
      601n,
      600n,
    ]);
    await expectRevert(marketSend(A.other, 'withdrawEscrow', [ZERO_ADDRESS, 1n]), 'InsufficientEscrow', [
      1n,
      0n,
    ]);
    await expectRevert(marketSend(A.consumer, 'withdrawEscrow', [A.other.address, 1n]), 'UnknownAsset', [
      A.other.address,
    ]);
    const before = await evm.client.getBalance({ address: A.consumer.address });
    const w = await marketSend(A.consumer, 'withdrawEscrow', [ZERO_ADDRESS, 250n]);
    expect(events(w.receipt, pledgeMarketAbi, 'EscrowWithdrawn')).toEqual([
      { consumer: A.consumer.address, asset: ZERO_ADDRESS, amount: 250n },
    ]);
    const fee = w.receipt.gasUsed * w.receipt.effectiveGasPrice;
    expect(await evm.client.getBalance({ address: A.consumer.address })).toBe(before + 250n - fee);
    expect(await marketRead('freeEscrow', [A.consumer.address, ZERO_ADDRESS])).toBe(350n);
    expect(await evm.client.getBalance({ address: market })).toBe(350n);
  });

  it('takes ERC-20 deposits (approved) and pays them back in the token', async () => {
    const { receipt } = await marketSend(A.consumer, 'depositToken', [1000n]);
    expect(events(receipt, pledgeMarketAbi, 'Deposited')).toEqual([
      { consumer: A.consumer.address, asset: token, amount: 1000n },
    ]);
    expect(await marketRead('freeEscrow', [A.consumer.address, token])).toBe(1000n);
    expect(await tokenBalance(market)).toBe(1000n);
    await expectRevert(marketSend(A.consumer, 'depositToken', [0n]), 'ZeroAmount');
    const before = await tokenBalance(A.consumer.address);
    await marketSend(A.consumer, 'withdrawEscrow', [token, 400n]);
    expect(await tokenBalance(A.consumer.address)).toBe(before + 400n);
    expect(await tokenBalance(market)).toBe(600n);
    await expectRevert(marketSend(A.consumer, 'withdrawEscrow', [token, 601n]), 'InsufficientEscrow', [
      601n,
      600n,
    ]);
    // without an allowance the token itself refuses
    const errors = [...pledgeMarketAbi, ...fx.TestToken.abi.filter((x) => x.type === 'error')];
    await expectRevert(
      evm.send(A.other, { address: market, abi: errors, functionName: 'depositToken', args: [5n] }),
      'ERC20InsufficientAllowance',
      [market, 0n, 5n],
    );
  });

  it('a market without an ERC-20 refuses token deposits and token assets', async () => {
    await expectRevert(
      marketSend(A.consumer, 'depositToken', [1n], undefined, nativeMarket),
      'UnknownAsset',
      [ZERO_ADDRESS],
    );
    await expectRevert(
      marketSend(A.consumer, 'withdrawEscrow', [token, 1n], undefined, nativeMarket),
      'UnknownAsset',
      [token],
    );
    await expectRevert(marketSend(A.owner, 'withdraw', [token], undefined, nativeMarket), 'UnknownAsset', [
      token,
    ]);
  });
});

// ---- PledgeMarket: pledges --------------------------------------------------------------------

describe('PledgeMarket pledges', () => {
  it('pledges a token version with its terms, readable back; pledge ids count up', async () => {
    const tokenId = await mint();
    await nftSend(A.owner, 'publishVersion', [tokenId, CID2, ROOT2]);
    const t = await terms({ ops: OP.train | OP.access, minCohort: 25 });
    const { receipt } = await marketSend(A.owner, 'pledge', [tokenId, 1n, A.consumer.address, t]);
    expect(events(receipt, pledgeMarketAbi, 'Pledged')).toEqual([
      { pledgeId: 1n, tokenId, version: 1n, owner: A.owner.address, consumer: A.consumer.address, terms: t },
    ]);
    expect(await marketRead('pledgeCount')).toBe(1n);
    expect(await pledgeOf(1n)).toEqual({
      owner: A.owner.address,
      expiresAt: t.expiresAt,
      ops: t.ops,
      state: STATE.Offered,
      reserved: 0,
      consumer: A.consumer.address,
      maxRows: t.maxRows,
      minCohort: 25,
      compute: A.compute.address,
      rowsUsed: 0n,
      receipts: 0,
      asset: ZERO_ADDRESS,
      acceptedAt: 0n,
      version: 1,
      pricePerRow: PRICE,
      revokedAt: 0n,
      tokenId,
      receiptHead: root(0),
    });
    expect(await pledge(tokenId, t)).toBe(2n);
  });

  it('refuses a pledge by anyone but the token owner, of a missing version, or of a missing token', async () => {
    const tokenId = await mint();
    const t = await terms();
    await expectRevert(marketSend(A.other, 'pledge', [tokenId, 0n, A.consumer.address, t]), 'NotTokenOwner', [
      tokenId,
      A.other.address,
    ]);
    await expectRevert(marketSend(A.owner, 'pledge', [tokenId, 1n, A.consumer.address, t]), 'NoSuchVersion', [
      tokenId,
      1n,
    ]);
    // DataNFT's own error comes through (decoded with DataNFT's errors)
    const abi = [...pledgeMarketAbi, ...dataNftAbi.filter((x) => x.type === 'error')];
    await expectRevert(
      evm.send(A.owner, {
        address: market,
        abi,
        functionName: 'pledge',
        args: [42n, 0n, A.consumer.address, t],
      }),
      'ERC721NonexistentToken',
      [42n],
    );
  });

  it('refuses invalid terms, naming what is wrong', async () => {
    const tokenId = await mint();
    const now = await evm.now();
    const cases: [Partial<Terms> & { consumer?: Address }, string][] = [
      [{ consumer: ZERO_ADDRESS }, 'consumer'],
      [{ compute: ZERO_ADDRESS }, 'compute'],
      [{ ops: 0 }, 'ops'],
      [{ ops: 16 }, 'ops'], // he-public alone: it only qualifies he-query
      [{ ops: OP.hePublic | OP.zkQuery | OP.train | OP.access }, 'ops'],
      [{ ops: 32 }, 'ops'],
      [{ ops: 0xff }, 'ops'],
      [{ maxRows: 0n }, 'maxRows'],
      [{ expiresAt: now }, 'expiresAt'],
      [{ expiresAt: 0n }, 'expiresAt'],
    ];
    for (const [over, what] of cases) {
      const { consumer, ...rest } = over;
      const t = await terms(rest);
      // the transaction's block is at least one second after `now`
      if (what === 'expiresAt') t.expiresAt = over.expiresAt as bigint;
      await expectRevert(
        marketSend(A.owner, 'pledge', [tokenId, 0n, consumer ?? A.consumer.address, t]),
        'InvalidTerms',
        [what],
      );
    }
    await expectRevert(
      marketSend(A.owner, 'pledge', [
        tokenId,
        0n,
        A.consumer.address,
        await terms({ asset: A.other.address }),
      ]),
      'UnknownAsset',
      [A.other.address],
    );
    await expectRevert(
      marketSend(
        A.owner,
        'pledge',
        [tokenId, 0n, A.consumer.address, await terms({ asset: token })],
        undefined,
        nativeMarket,
      ),
      'UnknownAsset',
      [token],
    );
    // every single operation, he-query with he-public, and all of them together are valid; a free pledge too
    for (const ops of [1, 2, 4, 8, 15, 17, 31]) await pledge(tokenId, await terms({ ops }));
    await pledge(tokenId, await terms({ pricePerRow: 0n }));
  });

  it('he-query with he-public: accepted, and read back as both operations', async () => {
    const tokenId = await mint();
    const t = await terms({ ops: OP.heQuery | OP.hePublic });
    const { receipt } = await marketSend(A.owner, 'pledge', [tokenId, 0n, A.consumer.address, t]);
    const [ev] = events(receipt, pledgeMarketAbi, 'Pledged') as [{ pledgeId: bigint; terms: Terms }];
    expect(ev.terms.ops).toBe(17);
    const p = await pledgeOf(ev.pledgeId);
    expect(p.ops).toBe(17);
    expect(opsOf(p.ops)).toEqual(['he-query', 'he-public']);
    // without he-public a pledge allows private-keys mode only
    expect(opsOf((await pledgeOf(await pledge(tokenId, await terms({ ops: OP.heQuery })))).ops)).toEqual([
      'he-query',
    ]);
  });

  it('accept: only the consumer, only once, before expiry, locking maxRows × price', async () => {
    const tokenId = await mint();
    const t = await terms({ maxRows: 300n });
    const id = await pledge(tokenId, t);
    const cost = 300n * PRICE;
    await expectRevert(marketSend(A.other, 'accept', [id]), 'NotConsumer', [id, A.other.address]);
    await expectRevert(marketSend(A.owner, 'accept', [id]), 'NotConsumer', [id, A.owner.address]);
    await expectRevert(marketSend(A.consumer, 'accept', [id]), 'InsufficientEscrow', [cost, 0n]);
    await expectRevert(marketSend(A.consumer, 'accept', [99n]), 'NoSuchPledge', [99n]);
    await marketSend(A.consumer, 'deposit', [], cost + 7n);
    const { receipt } = await marketSend(A.consumer, 'accept', [id]);
    expect(events(receipt, pledgeMarketAbi, 'Accepted')).toEqual([
      { pledgeId: id, consumer: A.consumer.address, locked: cost },
    ]);
    const block = await evm.client.getBlock({ blockNumber: receipt.blockNumber });
    const p = await pledgeOf(id);
    expect(p.state).toBe(STATE.Accepted);
    expect(p.acceptedAt).toBe(block.timestamp);
    expect(await marketRead('locked', [id])).toBe(cost);
    expect(await marketRead('lockedTotal', [ZERO_ADDRESS])).toBe(cost);
    expect(await marketRead('freeEscrow', [A.consumer.address, ZERO_ADDRESS])).toBe(7n);
    await expectRevert(marketSend(A.consumer, 'accept', [id]), 'WrongState', [id, STATE.Accepted]);
  });

  it('accept after expiry is refused (Expired), the second before expiry is fine', async () => {
    const tokenId = await mint();
    const t = await terms({ maxRows: 1n });
    await marketSend(A.consumer, 'deposit', [], 10n * PRICE);
    const late = await pledge(tokenId, t);
    const onTime = await pledge(tokenId, t);
    await evm.setNextTimestamp(t.expiresAt - 1n);
    await marketSend(A.consumer, 'accept', [onTime]);
    await evm.setNextTimestamp(t.expiresAt);
    await expectRevert(marketSend(A.consumer, 'accept', [late]), 'Expired', [late, t.expiresAt]);
  });

  it('revoke: only the owner, of an offered or accepted pledge, once', async () => {
    const tokenId = await mint();
    const offered = await pledge(tokenId, await terms());
    await expectRevert(marketSend(A.other, 'revoke', [offered]), 'NotOwner', [offered, A.other.address]);
    await expectRevert(marketSend(A.consumer, 'revoke', [offered]), 'NotOwner', [
      offered,
      A.consumer.address,
    ]);
    await expectRevert(marketSend(A.owner, 'revoke', [99n]), 'NoSuchPledge', [99n]);
    const { receipt } = await marketSend(A.owner, 'revoke', [offered]);
    const block = await evm.client.getBlock({ blockNumber: receipt.blockNumber });
    expect(events(receipt, pledgeMarketAbi, 'Revoked')).toEqual([
      { pledgeId: offered, revokedAt: block.timestamp },
    ]);
    expect((await pledgeOf(offered)).state).toBe(STATE.Revoked);
    expect((await pledgeOf(offered)).revokedAt).toBe(block.timestamp);
    await expectRevert(marketSend(A.owner, 'revoke', [offered]), 'WrongState', [offered, STATE.Revoked]);
    // a revoked offer cannot be accepted, nor take receipts
    await marketSend(A.consumer, 'deposit', [], 10n ** 18n);
    await expectRevert(marketSend(A.consumer, 'accept', [offered]), 'WrongState', [offered, STATE.Revoked]);
    const rs = receiptChain(offered, root(0), [1n], block.timestamp - 1n);
    await expectRevert(submit(offered, rs), 'WrongState', [offered, STATE.Revoked]);

    const { id } = await acceptedPledge();
    await marketSend(A.owner, 'revoke', [id]);
    expect((await pledgeOf(id)).state).toBe(STATE.Revoked);
    // the lock stays until expiry (receipts of jobs started before the revocation may come)
    expect(await marketRead('locked', [id])).toBe(1000n * PRICE);
  });

  it('pledgeOf, locked and friends of a pledge that does not exist', async () => {
    await expectRevert(pledgeOf(1n), 'NoSuchPledge', [1n]);
    expect(await marketRead('locked', [1n])).toBe(0n);
  });
});

// ---- PledgeMarket: receipts -------------------------------------------------------------------

describe('PledgeMarket receipts', () => {
  it('EIP-712: the digest and struct hash the contract computes are the ones viem signs', async () => {
    const { id } = await acceptedPledge();
    const [r] = receiptChain(id, root(0), [5n], await acceptedAt(id)) as [Receipt];
    expect(await marketRead('receiptHash', [r])).toBe(receiptHashOf(r));
    expect(await marketRead('receiptDigest', [r])).toBe(
      hashTypedData({
        domain: domainOf(chainId, market),
        types: RECEIPT_TYPES,
        primaryType: 'UsageReceipt',
        message: r,
      }),
    );
  });

  it('a batch credits the owner rows × price, moves the head and counts receipts', async () => {
    const { id } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    const rs = receiptChain(id, root(0), [10n, 20n, 0n, 30n], t0, OP.heQuery);
    const { receipt } = await submit(id, rs);
    const accepted = events(receipt, pledgeMarketAbi, 'ReceiptAccepted');
    expect(accepted).toEqual(
      rs.map((r) => ({
        pledgeId: id,
        jobId: r.jobId,
        op: OP.heQuery,
        rows: r.rows,
        resultHash: r.resultHash,
        head: receiptHashOf(r),
      })),
    );
    expect(events(receipt, pledgeMarketAbi, 'Credited')).toEqual([
      { pledgeId: id, owner: A.owner.address, asset: ZERO_ADDRESS, amount: 60n * PRICE, rowsUsed: 60n },
    ]);
    const p = await pledgeOf(id);
    expect(p.rowsUsed).toBe(60n);
    expect(p.receipts).toBe(4);
    expect(p.receiptHead).toBe(receiptHashOf(rs[3] as Receipt));
    expect(await marketRead('owed', [A.owner.address, ZERO_ADDRESS])).toBe(60n * PRICE);
    expect(await marketRead('locked', [id])).toBe(940n * PRICE);
    expect(await marketRead('lockedTotal', [ZERO_ADDRESS])).toBe(940n * PRICE);
    // the next batch continues from the head
    const more = receiptChain(id, p.receiptHead, [40n], t0 + 1n, OP.heQuery);
    await submit(id, more, undefined, A.consumer);
    expect((await pledgeOf(id)).rowsUsed).toBe(100n);
  });

  it('a receipt replayed is refused (ReceiptOutOfOrder), alone or inside a batch', async () => {
    const { id } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    const rs = receiptChain(id, root(0), [10n, 20n], t0);
    const sigs = await signAll(rs);
    await submit(id, rs, sigs);
    const head = receiptHashOf(rs[1] as Receipt);
    await expectRevert(submit(id, rs, sigs), 'ReceiptOutOfOrder', [0n, head, root(0)]);
    await expectRevert(submit(id, rs.slice(1), [sigs[0].slice(1), sigs[1].slice(1)]), 'ReceiptOutOfOrder', [
      0n,
      head,
      rs[1]?.prev,
    ]);
    // a valid receipt followed by the same one again in the same batch
    const [next] = receiptChain(id, head, [1n], t0) as [Receipt];
    const [c, u] = await signAll([next]);
    await expectRevert(
      submit(
        id,
        [next, next],
        [
          [...c, ...c],
          [...u, ...u],
        ],
      ),
      'ReceiptOutOfOrder',
      [1n, receiptHashOf(next), head],
    );
    expect((await pledgeOf(id)).rowsUsed).toBe(30n);
  });

  it('a receipt for another pledge is refused, even signed by the right parties', async () => {
    const { id } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    const other = await pledge(await mint(), await terms());
    const rs = receiptChain(other, root(0), [1n], t0);
    await expectRevert(submit(id, rs), 'ReceiptForAnotherPledge', [0n, other]);
    const mixed = [...receiptChain(id, root(0), [1n], t0)];
    mixed.push(...receiptChain(other, receiptHashOf(mixed[0] as Receipt), [1n], t0));
    await expectRevert(submit(id, mixed), 'ReceiptForAnotherPledge', [1n, other]);
  });

  it('a receipt naming another token or version than the pledge is refused, even signed by both', async () => {
    const { id, tokenId } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    const [r] = receiptChain(id, root(0), [1n], t0) as [Receipt];
    await expectRevert(submit(id, [{ ...r, version: 1 }]), 'ReceiptForAnotherVersion', [0n, tokenId, 1]);
    await expectRevert(submit(id, [{ ...r, tokenId: tokenId + 1n }]), 'ReceiptForAnotherVersion', [
      0n,
      tokenId + 1n,
      0,
    ]);
    await submit(id, [r]);
  });

  it('anchors: one root per issuer and epoch, written once, readable by anyone', async () => {
    const rootA = keccak256(toHex('epoch-7-root'));
    const { receipt } = await marketSend(A.compute, 'anchorReceipts', [7n, rootA, 3]);
    const block = await evm.client.getBlock({ blockNumber: receipt.blockNumber });
    expect(events(receipt, pledgeMarketAbi, 'ReceiptsAnchored')).toEqual([
      { issuer: A.compute.address, epoch: 7n, root: rootA, count: 3 },
    ]);
    expect(await marketRead('anchors', [A.compute.address, 7n])).toEqual([rootA, 3, block.timestamp]);
    await expectRevert(
      marketSend(A.compute, 'anchorReceipts', [7n, keccak256(toHex('other')), 4]),
      'AlreadyAnchored',
      [7n, rootA],
    );
    // another issuer's epoch 7 is its own
    await marketSend(A.other, 'anchorReceipts', [7n, keccak256(toHex('other')), 1]);
    await expectRevert(marketSend(A.compute, 'anchorReceipts', [8n, root(0), 1]), 'InvalidAnchor');
    await expectRevert(marketSend(A.compute, 'anchorReceipts', [8n, rootA, 0]), 'InvalidAnchor');
    expect(await marketRead('anchors', [A.compute.address, 8n])).toEqual([root(0), 0, 0n]);
  });

  it('forged, swapped and tampered signatures are refused, naming who they recover to', async () => {
    const { id } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    const rs = receiptChain(id, root(0), [10n], t0);
    const r = rs[0] as Receipt;
    const [[c], [u]] = (await signAll(rs)) as [[Sig], [Sig]];
    const forged = await sign(A.other, r, chainId, market);
    await expectRevert(submit(id, rs, [[forged], [u]]), 'BadComputeSignature', [0n, A.other.address]);
    await expectRevert(submit(id, rs, [[c], [forged]]), 'BadConsumerSignature', [0n, A.other.address]);
    await expectRevert(submit(id, rs, [[u], [c]]), 'BadComputeSignature', [0n, A.consumer.address]);
    await expectRevert(submit(id, rs, [[c], [c]]), 'BadConsumerSignature', [0n, A.compute.address]);
    // the consumer's signature twice (no compute node)
    await expectRevert(submit(id, rs, [[u], [u]]), 'BadComputeSignature', [0n, A.consumer.address]);
    // rows changed after signing: both signatures recover to someone else
    const tampered = { ...r, rows: 999n };
    const digest = {
      domain: domainOf(chainId, market),
      types: RECEIPT_TYPES,
      primaryType: 'UsageReceipt',
    } as const;
    const recovered = await recoverTypedDataAddress({
      ...digest,
      message: tampered,
      signature: await A.compute.signTypedData({ ...digest, message: r }),
    });
    expect(recovered).not.toBe(A.compute.address);
    await expectRevert(submit(id, [tampered], [[c], [u]]), 'BadComputeSignature', [0n, recovered]);
    // garbage: no signer at all, and a high-s signature
    await expectRevert(submit(id, rs, [[{ r: root(0), vs: root(0) }], [u]]), 'ECDSAInvalidSignature');
    const highS = `0x7${'f'.repeat(63)}` as Hex;
    await expectRevert(submit(id, rs, [[{ r: c.r, vs: highS }], [u]]), 'ECDSAInvalidSignatureS', [highS]);
    await submit(id, rs, [[c], [u]]);
    expect((await pledgeOf(id)).rowsUsed).toBe(10n);
  });

  it('a receipt signed for another chain id or another market is refused (EIP-712 domain)', async () => {
    const { id } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    const rs = receiptChain(id, root(0), [10n], t0);
    const r = rs[0] as Receipt;
    const here = {
      domain: domainOf(chainId, market),
      types: RECEIPT_TYPES,
      primaryType: 'UsageReceipt',
      message: r,
    } as const;
    for (const o of [{ chainId: 1 }, { chainId: chainId + 1 }, { market: nativeMarket }]) {
      const [[c], [u]] = (await signAll(rs, A.compute, A.consumer, o)) as [[Sig], [Sig]];
      const signature = await A.compute.signTypedData({
        domain: domainOf(o.chainId ?? chainId, o.market ?? market),
        types: RECEIPT_TYPES,
        primaryType: 'UsageReceipt',
        message: r,
      });
      const recovered = await recoverTypedDataAddress({ ...here, signature });
      expect(recovered).not.toBe(A.compute.address);
      await expectRevert(submit(id, rs, [[c], [u]]), 'BadComputeSignature', [0n, recovered]);
    }
    // a version other than "1" or another name is another domain too
    const wrongName = await A.compute.signTypedData({
      ...here,
      domain: { ...here.domain, name: 'PledgeMarket' },
    });
    const wrongVersion = await A.compute.signTypedData({ ...here, domain: { ...here.domain, version: '2' } });
    const [, [u]] = (await signAll(rs)) as [Sig[], [Sig]];
    for (const s of [wrongName, wrongVersion]) {
      const { r: rr, yParityAndS } = signatureToCompactSignature(parseSignature(s));
      const recovered = await recoverTypedDataAddress({ ...here, signature: s });
      await expectRevert(submit(id, rs, [[{ r: rr, vs: yParityAndS }], [u]]), 'BadComputeSignature', [
        0n,
        recovered,
      ]);
    }
    await submit(id, rs);
  });

  it('operations: only those the pledge allows, one at a time', async () => {
    const { id } = await acceptedPledge({ ops: OP.heQuery | OP.train });
    const t0 = await acceptedAt(id);
    for (const op of [OP.zkQuery, OP.access, OP.heQuery | OP.train, 0, 16]) {
      await expectRevert(submit(id, receiptChain(id, root(0), [1n], t0, op)), 'OperationNotAllowed', [
        0n,
        op,
      ]);
    }
    await submit(id, receiptChain(id, root(0), [1n], t0, OP.train));
  });

  it('he-public is no operation of a receipt: a public-mode query is receipted as he-query', async () => {
    const { id } = await acceptedPledge({ ops: OP.heQuery | OP.hePublic });
    const t0 = await acceptedAt(id);
    for (const op of [OP.hePublic, OP.heQuery | OP.hePublic, OP.zkQuery]) {
      await expectRevert(submit(id, receiptChain(id, root(0), [1n], t0, op)), 'OperationNotAllowed', [
        0n,
        op,
      ]);
    }
    const rs = receiptChain(id, root(0), [3n], t0, OP.heQuery);
    const { receipt } = await submit(id, rs);
    expect(events(receipt, pledgeMarketAbi, 'ReceiptAccepted')).toMatchObject([{ op: OP.heQuery, rows: 3n }]);
    // in a batch too: the second receipt names he-public
    const head = receiptHashOf(rs[0] as Receipt);
    const [ok, bad] = receiptChain(id, head, [1n, 1n], t0, OP.heQuery) as [Receipt, Receipt];
    const tampered = { ...bad, op: OP.hePublic };
    await expectRevert(submit(id, [ok, tampered]), 'OperationNotAllowed', [1n, OP.hePublic]);
    expect((await pledgeOf(id)).rowsUsed).toBe(3n);
  });

  it('jobs must start within the pledge: not before acceptance, not at or after expiry', async () => {
    const { id, t } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    await expectRevert(submit(id, receiptChain(id, root(0), [1n], t0 - 1n)), 'StartedOutsidePledge', [
      0n,
      t0 - 1n,
    ]);
    await expectRevert(submit(id, receiptChain(id, root(0), [1n], t.expiresAt)), 'StartedOutsidePledge', [
      0n,
      t.expiresAt,
    ]);
    // a job started before expiry may be submitted after it
    await evm.setNextTimestamp(t.expiresAt + 10n);
    await submit(id, receiptChain(id, root(0), [1n], t.expiresAt - 1n));
  });

  it('more than maxRows is refused (TooManyRows), also summed over a batch; exactly maxRows is fine', async () => {
    const { id } = await acceptedPledge({ maxRows: 100n });
    const t0 = await acceptedAt(id);
    await expectRevert(submit(id, receiptChain(id, root(0), [101n], t0)), 'TooManyRows', [101n, 100n]);
    await expectRevert(submit(id, receiptChain(id, root(0), [60n, 41n], t0)), 'TooManyRows', [101n, 100n]);
    const rs = receiptChain(id, root(0), [60n], t0);
    await submit(id, rs);
    const head = receiptHashOf(rs[0] as Receipt);
    await expectRevert(submit(id, receiptChain(id, head, [41n], t0)), 'TooManyRows', [41n, 40n]);
    await submit(id, receiptChain(id, head, [40n], t0));
    const p = await pledgeOf(id);
    expect(p.rowsUsed).toBe(100n);
    expect(await marketRead('locked', [id])).toBe(0n);
    await expectRevert(submit(id, receiptChain(id, p.receiptHead, [1n], t0)), 'TooManyRows', [1n, 0n]);
  });

  it('after revocation: jobs started at or after revokedAt are refused, those started before still count', async () => {
    const { id, t } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    const revokedAt = t0 + 100n;
    await evm.setNextTimestamp(revokedAt);
    await marketSend(A.owner, 'revoke', [id]);
    expect((await pledgeOf(id)).revokedAt).toBe(revokedAt);
    for (const at of [revokedAt, revokedAt + 1n, t.expiresAt - 1n]) {
      await expectRevert(submit(id, receiptChain(id, root(0), [1n], at)), 'StartedAfterRevocation', [
        0n,
        at,
        revokedAt,
      ]);
    }
    // the second of a batch
    const mixed = receiptChain(id, root(0), [1n, 1n], revokedAt - 1n);
    mixed[1] = { ...(mixed[1] as Receipt), startedAt: revokedAt };
    await expectRevert(submit(id, mixed), 'StartedAfterRevocation', [1n, revokedAt, revokedAt]);
    const { receipt } = await submit(id, receiptChain(id, root(0), [7n], revokedAt - 1n));
    expect(events(receipt, pledgeMarketAbi, 'Credited')[0]?.['amount']).toBe(7n * PRICE);
  });

  it('empty batches, mismatched signature lists, unknown and unaccepted pledges', async () => {
    const { id } = await acceptedPledge();
    const t0 = await acceptedAt(id);
    const rs = receiptChain(id, root(0), [1n, 2n], t0);
    const [c, u] = await signAll(rs);
    await expectRevert(marketSend(A.other, 'submitReceipts', [id, [], [], []]), 'EmptyBatch');
    await expectRevert(marketSend(A.other, 'submitReceipts', [id, rs, c.slice(1), u]), 'LengthMismatch');
    await expectRevert(marketSend(A.other, 'submitReceipts', [id, rs, c, u.slice(1)]), 'LengthMismatch');
    await expectRevert(marketSend(A.other, 'submitReceipts', [id, rs, [...c, ...c], u]), 'LengthMismatch');
    await expectRevert(marketSend(A.other, 'submitReceipts', [77n, rs, c, u]), 'NoSuchPledge', [77n]);
    const offered = await pledge(await mint(), await terms());
    await expectRevert(submit(offered, receiptChain(offered, root(0), [1n], t0)), 'WrongState', [
      offered,
      STATE.Offered,
    ]);
  });
});

// ---- PledgeMarket: payouts --------------------------------------------------------------------

describe('PledgeMarket payouts', () => {
  it('withdraw pays the owner what it is owed, once (NothingToWithdraw the second time)', async () => {
    const { id } = await acceptedPledge();
    await submit(id, receiptChain(id, root(0), [25n], await acceptedAt(id)));
    const before = await evm.client.getBalance({ address: A.owner.address });
    const { receipt } = await marketSend(A.owner, 'withdraw', [ZERO_ADDRESS]);
    expect(events(receipt, pledgeMarketAbi, 'Withdrawn')).toEqual([
      { owner: A.owner.address, asset: ZERO_ADDRESS, amount: 25n * PRICE },
    ]);
    const fee = receipt.gasUsed * receipt.effectiveGasPrice;
    expect(await evm.client.getBalance({ address: A.owner.address })).toBe(before + 25n * PRICE - fee);
    expect(await marketRead('owed', [A.owner.address, ZERO_ADDRESS])).toBe(0n);
    await expectRevert(marketSend(A.owner, 'withdraw', [ZERO_ADDRESS]), 'NothingToWithdraw');
    await expectRevert(marketSend(A.other, 'withdraw', [ZERO_ADDRESS]), 'NothingToWithdraw');
    await expectRevert(marketSend(A.owner, 'withdraw', [token]), 'NothingToWithdraw');
    await expectRevert(marketSend(A.owner, 'withdraw', [A.other.address]), 'UnknownAsset', [A.other.address]);
  });

  it('reclaim: only the consumer, only after expiry, the unused lock back to free escrow, once', async () => {
    const { id, t } = await acceptedPledge({ maxRows: 100n });
    await submit(id, receiptChain(id, root(0), [30n], await acceptedAt(id)));
    await expectRevert(marketSend(A.consumer, 'reclaim', [id]), 'NotExpired', [id, t.expiresAt]);
    await evm.setNextTimestamp(t.expiresAt - 1n);
    await expectRevert(marketSend(A.consumer, 'reclaim', [id]), 'NotExpired', [id, t.expiresAt]);
    await evm.setNextTimestamp(t.expiresAt);
    await expectRevert(marketSend(A.other, 'reclaim', [id]), 'NotConsumer', [id, A.other.address]);
    await expectRevert(marketSend(A.owner, 'reclaim', [id]), 'NotConsumer', [id, A.owner.address]);
    await expectRevert(marketSend(A.consumer, 'reclaim', [99n]), 'NoSuchPledge', [99n]);
    const free = await marketRead<bigint>('freeEscrow', [A.consumer.address, ZERO_ADDRESS]);
    const { receipt } = await marketSend(A.consumer, 'reclaim', [id]);
    expect(events(receipt, pledgeMarketAbi, 'Reclaimed')).toEqual([
      { pledgeId: id, consumer: A.consumer.address, amount: 70n * PRICE },
    ]);
    expect(await marketRead('freeEscrow', [A.consumer.address, ZERO_ADDRESS])).toBe(free + 70n * PRICE);
    expect(await marketRead('locked', [id])).toBe(0n);
    expect(await marketRead('lockedTotal', [ZERO_ADDRESS])).toBe(0n);
    await expectRevert(marketSend(A.consumer, 'reclaim', [id]), 'NothingToReclaim', [id]);
    // an offer never accepted has nothing locked
    const offered = await pledge(await mint(), await terms());
    const exp = (await pledgeOf(offered)).expiresAt;
    await evm.setNextTimestamp(exp);
    await expectRevert(marketSend(A.consumer, 'reclaim', [offered]), 'NothingToReclaim', [offered]);
    // the owner is still paid what was used
    await marketSend(A.owner, 'withdraw', [ZERO_ADDRESS]);
    expect(await evm.client.getBalance({ address: market })).toBe(free + 70n * PRICE);
  });

  it('a receipt after the consumer reclaimed is refused with TooManyRows (nothing is left locked), not a panic', async () => {
    const { id, t } = await acceptedPledge({ maxRows: 100n });
    const t0 = await acceptedAt(id);
    const rs = receiptChain(id, root(0), [30n], t0);
    await submit(id, rs);
    await evm.setNextTimestamp(t.expiresAt);
    await marketSend(A.consumer, 'reclaim', [id]);
    // a job that started before expiry, its receipt submitted after the reclaim
    const late = receiptChain(id, receiptHashOf(rs[0] as Receipt), [10n], t0 + 1n);
    await expectRevert(submit(id, late), 'TooManyRows', [10n, 0n]);
    // a receipt of no rows is still fine (it credits nothing)
    await submit(id, receiptChain(id, receiptHashOf(rs[0] as Receipt), [0n], t0 + 1n));
    expect(await marketRead('owed', [A.owner.address, ZERO_ADDRESS])).toBe(30n * PRICE);
    // a free pledge locks nothing and takes receipts after expiry all the same
    const free = await acceptedPledge({ pricePerRow: 0n, maxRows: 5n });
    await evm.setNextTimestamp(free.t.expiresAt + 1n);
    await expectRevert(marketSend(A.consumer, 'reclaim', [free.id]), 'NothingToReclaim', [free.id]);
    await submit(free.id, receiptChain(free.id, root(0), [5n], await acceptedAt(free.id)));
    expect((await pledgeOf(free.id)).rowsUsed).toBe(5n);
  });

  it('ERC-20 pledges: deposit, accept, receipts, withdraw and reclaim in the token', async () => {
    const { id, t } = await acceptedPledge({ asset: token, maxRows: 50n });
    const cost = 50n * PRICE;
    expect(await marketRead('lockedTotal', [token])).toBe(cost);
    expect(await marketRead('lockedTotal', [ZERO_ADDRESS])).toBe(0n);
    const { receipt } = await submit(id, receiptChain(id, root(0), [20n], await acceptedAt(id)));
    expect(events(receipt, pledgeMarketAbi, 'Credited')).toEqual([
      { pledgeId: id, owner: A.owner.address, asset: token, amount: 20n * PRICE, rowsUsed: 20n },
    ]);
    expect(await marketRead('owed', [A.owner.address, token])).toBe(20n * PRICE);
    await expectRevert(marketSend(A.owner, 'withdraw', [ZERO_ADDRESS]), 'NothingToWithdraw');
    const before = await tokenBalance(A.owner.address);
    await marketSend(A.owner, 'withdraw', [token]);
    expect(await tokenBalance(A.owner.address)).toBe(before + 20n * PRICE);
    await evm.setNextTimestamp(t.expiresAt);
    await marketSend(A.consumer, 'reclaim', [id]);
    const free = await marketRead<bigint>('freeEscrow', [A.consumer.address, token]);
    expect(free).toBe(30n * PRICE + 1n);
    const consumerBefore = await tokenBalance(A.consumer.address);
    await marketSend(A.consumer, 'withdrawEscrow', [token, free]);
    expect(await tokenBalance(A.consumer.address)).toBe(consumerBefore + free);
    expect(await tokenBalance(market)).toBe(0n);
  });
});

// ---- reentrancy -------------------------------------------------------------------------------

describe('PledgeMarket against a malicious receiver', () => {
  const NONE = 0;
  const WITHDRAW = 1;
  const WITHDRAW_ESCROW = 2;

  /** A receiver contract that owns a token, pledged and accepted, and is owed 40 rows. */
  async function creditedReceiver(): Promise<{ evil: Address; id: bigint }> {
    const evil = (await evm.deploy(fx.MaliciousReceiver, [market, nft])).address;
    const call = (functionName: string, args: readonly unknown[] = [], value?: bigint) =>
      evm.send(A.other, {
        address: evil,
        abi: fx.MaliciousReceiver.abi,
        functionName,
        args,
        ...(value ? { value } : {}),
      });
    await call('mint', [CID1, ROOT1]);
    const tokenId = 1n;
    expect(await nftRead('ownerOf', [tokenId])).toBe(evil);
    const t = await terms({ maxRows: 100n });
    await marketSend(A.consumer, 'deposit', [], 100n * PRICE);
    const { receipt } = await call('pledge', [tokenId, 0n, A.consumer.address, t]);
    const id = events(receipt, pledgeMarketAbi, 'Pledged')[0]?.['pledgeId'] as bigint;
    await marketSend(A.consumer, 'accept', [id]);
    await submit(id, receiptChain(id, root(0), [40n], await acceptedAt(id)));
    // an honest second owner is owed too, so a double payment would have something to take
    const other = await acceptedPledgeOf(A.owner2);
    await submit(other, receiptChain(other, root(0), [40n], await acceptedAt(other)));
    expect(await marketRead('owed', [evil, ZERO_ADDRESS])).toBe(40n * PRICE);
    return { evil, id };
  }

  async function acceptedPledgeOf(owner: PrivateKeyAccount): Promise<bigint> {
    const tokenId = await mint(owner);
    const t = await terms({ maxRows: 100n });
    await marketSend(A.consumer, 'deposit', [], 100n * PRICE);
    const id = await pledge(tokenId, t, { from: owner });
    await marketSend(A.consumer, 'accept', [id]);
    return id;
  }

  const evilCall = (evil: Address, functionName: string, args: readonly unknown[] = [], value?: bigint) =>
    evm.send(A.other, {
      address: evil,
      abi: [...fx.MaliciousReceiver.abi, ...pledgeMarketAbi.filter((x) => x.type === 'error')],
      functionName,
      args,
      ...(value ? { value } : {}),
    });
  const evilRead = <T>(evil: Address, fn: string) => read<T>(evil, fx.MaliciousReceiver.abi, fn);
  const reentrantSelector = encodeFunctionData({
    abi: [
      {
        type: 'function',
        name: 'ReentrancyGuardReentrantCall',
        inputs: [],
        outputs: [],
        stateMutability: 'pure',
      },
    ],
    functionName: 'ReentrancyGuardReentrantCall',
  });

  it('re-entering withdraw from receive() fails (the guard), and the owner is paid once', async () => {
    const { evil } = await creditedReceiver();
    const marketBefore = await evm.client.getBalance({ address: market });
    // the re-entry's revert passed up: the payment fails as a whole
    await evilCall(evil, 'setAttack', [WITHDRAW, true]);
    await expectRevert(evilCall(evil, 'withdraw', [ZERO_ADDRESS]), 'TransferFailed');
    expect(await marketRead('owed', [evil, ZERO_ADDRESS])).toBe(40n * PRICE);
    // the re-entry's revert swallowed: paid once, the second withdraw refused by the guard
    await evilCall(evil, 'setAttack', [WITHDRAW, false]);
    await evilCall(evil, 'withdraw', [ZERO_ADDRESS]);
    expect(await evilRead(evil, 'attempts')).toBe(1n);
    expect(await evilRead(evil, 'reentered')).toBe(false);
    expect(await evilRead(evil, 'reentryError')).toBe(reentrantSelector);
    expect(await evilRead(evil, 'received')).toBe(40n * PRICE);
    expect(await evm.client.getBalance({ address: evil })).toBe(40n * PRICE);
    expect(await evm.client.getBalance({ address: market })).toBe(marketBefore - 40n * PRICE);
    expect(await marketRead('owed', [evil, ZERO_ADDRESS])).toBe(0n);
    expect(await marketRead('owed', [A.owner2.address, ZERO_ADDRESS])).toBe(40n * PRICE);
    await evilCall(evil, 'setAttack', [NONE, false]);
    await expectRevert(evilCall(evil, 'withdraw', [ZERO_ADDRESS]), 'NothingToWithdraw');
  });

  it('re-entering withdrawEscrow from receive() fails too, during either payout', async () => {
    const { evil } = await creditedReceiver();
    await evilCall(evil, 'deposit', [], 5n * PRICE);
    expect(await marketRead('freeEscrow', [evil, ZERO_ADDRESS])).toBe(5n * PRICE);
    // during withdrawEscrow
    await evilCall(evil, 'setAttack', [WITHDRAW_ESCROW, true]);
    await expectRevert(evilCall(evil, 'withdrawEscrow', [ZERO_ADDRESS, PRICE]), 'TransferFailed');
    await evilCall(evil, 'setAttack', [WITHDRAW_ESCROW, false]);
    await evilCall(evil, 'withdrawEscrow', [ZERO_ADDRESS, PRICE]);
    expect(await evilRead(evil, 'reentered')).toBe(false);
    expect(await evilRead(evil, 'reentryError')).toBe(reentrantSelector);
    expect(await marketRead('freeEscrow', [evil, ZERO_ADDRESS])).toBe(4n * PRICE);
    expect(await evm.client.getBalance({ address: evil })).toBe(PRICE);
    // during withdraw
    await evilCall(evil, 'setAttack', [WITHDRAW_ESCROW, false]);
    await evilCall(evil, 'withdraw', [ZERO_ADDRESS]);
    expect(await evilRead(evil, 'attempts')).toBe(1n);
    expect(await evilRead(evil, 'reentered')).toBe(false);
    expect(await evilRead(evil, 'reentryError')).toBe(reentrantSelector);
    expect(await marketRead('freeEscrow', [evil, ZERO_ADDRESS])).toBe(4n * PRICE);
    expect(await evm.client.getBalance({ address: evil })).toBe(41n * PRICE);
  });

  it('the market holds exactly what it owes after the attacks', async () => {
    const { evil } = await creditedReceiver();
    await evilCall(evil, 'setAttack', [WITHDRAW, false]);
    await evilCall(evil, 'withdraw', [ZERO_ADDRESS]);
    const held = await evm.client.getBalance({ address: market });
    const owed =
      (await marketRead<bigint>('owed', [A.owner2.address, ZERO_ADDRESS])) +
      (await marketRead<bigint>('owed', [evil, ZERO_ADDRESS]));
    const free = await marketRead<bigint>('freeEscrow', [A.consumer.address, ZERO_ADDRESS]);
    expect(held).toBe(owed + free + (await marketRead<bigint>('lockedTotal', [ZERO_ADDRESS])));
  });
});

// ---- property tests ---------------------------------------------------------------------------

describe('PledgeMarket accounting over random sequences (fast-check)', () => {
  const NATIVE = 0;
  const actor = fc.integer({ min: 0, max: 3 });
  const asset = fc.constantFrom(0, 1);
  const which = fc.nat({ max: 31 });
  const honest = fc.constantFrom(true, true, true, false);
  const step = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('deposit' as const),
        who: fc.constantFrom(2, 3, 2, 3, 0, 1),
        asset,
        amount: fc.bigInt({ min: 1n, max: 400_000n }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('withdrawEscrow' as const),
        who: actor,
        asset,
        pct: fc.integer({ min: 0, max: 120 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('pledge' as const),
        owner: fc.integer({ min: 0, max: 1 }),
        consumer: fc.integer({ min: 2, max: 3 }),
        asset,
        price: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 1_000n })),
        maxRows: fc.bigInt({ min: 1n, max: 200n }),
        ttl: fc.integer({ min: 60, max: 3 * 86_400 }),
        ops: fc.integer({ min: 1, max: 31 }),
        compute: fc.integer({ min: 0, max: 1 }),
      }),
    },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('accept' as const), p: which, honest }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('receipts' as const),
        p: which,
        /** Rows of each receipt, in percent of the pledge's maxRows. */
        rows: fc.array(fc.integer({ min: 0, max: 45 }), { minLength: 1, maxLength: 4 }),
        prev: fc.constantFrom('head', 'head', 'head', 'stale'),
        when: fc.constantFrom('accepted', 'accepted', 'now', 'late'),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), who: actor, asset }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('reclaim' as const), p: which, honest }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), p: which, honest }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('time' as const),
        seconds: fc.integer({ min: 1, max: 2 * 86_400 }),
      }),
    },
  );
  type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

  const marketErrors = new Set<string>(pledgeMarketAbi.filter((x) => x.type === 'error').map((x) => x.name));

  it('the market holds free + locked + owed in each asset; no owner is paid more than rows × price', async () => {
    const actors = [A.owner, A.owner2, A.consumer, A.consumer2];
    const computes = [A.compute, A.compute2];
    const tokenIds = [await mint(A.owner), await mint(A.owner2, CID2, ROOT2)];
    const assets: Address[] = [ZERO_ADDRESS, token];
    let base = await evm.snapshot();
    let steps = 0;
    let succeeded = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 24 }), async (seq: Step[]) => {
        await evm.revert(base);
        base = await evm.snapshot();
        /** Per pledge id: what was credited (Credited events) and reclaimed. */
        const credited = new Map<bigint, bigint>();
        const reclaimed = new Map<bigint, bigint>();
        /** Per owner and asset: what was withdrawn. */
        const withdrawn = new Map<string, bigint>();
        const heads = new Map<bigint, Hex[]>();
        /** The pledges as the last invariant check read them. */
        const views = new Map<bigint, PledgeView>();
        let count = 0n;
        const add = (m: Map<string | bigint, bigint>, k: string | bigint, v: bigint) =>
          m.set(k, (m.get(k) ?? 0n) + v);

        /** Runs a call: a success's events are tallied; a revert must be one of the market's errors. */
        const attempt = async (p: Promise<{ receipt: TransactionReceipt }>): Promise<Revert | undefined> => {
          steps++;
          let receipt: TransactionReceipt;
          try {
            ({ receipt } = await p);
          } catch (err) {
            const r = await revertOf(Promise.reject(err));
            expect(
              marketErrors.has(r.errorName),
              `unexpected revert ${r.errorName}(${r.args.join(', ')})`,
            ).toBe(true);
            return r;
          }
          succeeded++;
          for (const e of events(receipt, pledgeMarketAbi, 'Credited'))
            add(credited, e['pledgeId'] as bigint, e['amount'] as bigint);
          for (const e of events(receipt, pledgeMarketAbi, 'Reclaimed'))
            add(reclaimed, e['pledgeId'] as bigint, e['amount'] as bigint);
          for (const e of events(receipt, pledgeMarketAbi, 'Withdrawn')) {
            add(withdrawn, `${e['owner']}/${e['asset']}`, e['amount'] as bigint);
          }
          return undefined;
        };

        for (const s of seq) {
          /** The n-th pledge among those `want` picks (all pledges when it picks none). */
          const pid = (n: number, want: (p: PledgeView) => boolean = () => true) => {
            const ids = [...views.keys()].filter((id) => want(views.get(id) as PledgeView));
            const from = ids.length > 0 ? ids : [...views.keys()];
            return from[n % from.length] as bigint;
          };
          switch (s.kind) {
            case 'deposit': {
              const who = actors[s.who] as PrivateKeyAccount;
              await attempt(
                s.asset === NATIVE
                  ? marketSend(who, 'deposit', [], s.amount)
                  : marketSend(who, 'depositToken', [s.amount]),
              );
              break;
            }
            case 'withdrawEscrow': {
              const who = actors[s.who] as PrivateKeyAccount;
              const a = assets[s.asset] as Address;
              const free = await marketRead<bigint>('freeEscrow', [who.address, a]);
              await attempt(marketSend(who, 'withdrawEscrow', [a, (free * BigInt(s.pct)) / 100n]));
              break;
            }
            case 'pledge': {
              const owner = actors[s.owner] as PrivateKeyAccount;
              const t: Terms = {
                ops: s.ops,
                pricePerRow: s.price,
                maxRows: s.maxRows,
                expiresAt: (await evm.now()) + BigInt(s.ttl),
                minCohort: 5,
                compute: (computes[s.compute] as PrivateKeyAccount).address,
                asset: assets[s.asset] as Address,
              };
              const consumer = (actors[s.consumer] as PrivateKeyAccount).address;
              if (!(await attempt(marketSend(owner, 'pledge', [tokenIds[s.owner], 0n, consumer, t]))))
                count++;
              break;
            }
            case 'accept': {
              if (count === 0n) break;
              const id = pid(s.p, (p) => p.state === STATE.Offered);
              const p = await pledgeOf(id);
              const by = s.honest
                ? (actors.find((a) => a.address === p.consumer) as PrivateKeyAccount)
                : A.other;
              await attempt(marketSend(by, 'accept', [id]));
              break;
            }
            case 'receipts': {
              if (count === 0n) break;
              const id = pid(s.p, (p) => p.acceptedAt !== 0n);
              const p = await pledgeOf(id);
              pledgedVersion.set(id, { tokenId: p.tokenId, version: Number(p.version) });
              const now = await evm.now();
              const late = p.revokedAt !== 0n ? p.revokedAt : p.expiresAt;
              const startedAt = s.when === 'accepted' ? p.acceptedAt : s.when === 'now' ? now : late;
              const seen = heads.get(id) ?? [];
              const prev = s.prev === 'stale' && seen.length > 0 ? (seen[0] as Hex) : p.receiptHead;
              // the lowest allowed operation but zk-query, whose receipts need a result the ZK
              // registry proved (test/integration/zkChain.test.ts); zk-query when it is the only one
              const others = p.ops & ~OP.zkQuery;
              const op = others !== 0 ? others & -others : OP.zkQuery;
              const perReceipt = s.rows.map((pct) => (p.maxRows * BigInt(pct)) / 100n);
              const rs = receiptChain(id, prev, perReceipt, startedAt, op);
              const compute = computes.find((c) => c.address === p.compute) as PrivateKeyAccount;
              const consumer = actors.find((a) => a.address === p.consumer) as PrivateKeyAccount;
              const sigs = await signAll(rs, compute, consumer);
              const rows = perReceipt.reduce((x, y) => x + y, 0n);
              const failed = await attempt(submit(id, rs, sigs));
              // a batch that is in order, in time and within the rows left must go through
              const inTime =
                p.acceptedAt !== 0n &&
                startedAt >= p.acceptedAt &&
                startedAt < p.expiresAt &&
                (p.revokedAt === 0n || startedAt < p.revokedAt);
              const unlocked = p.pricePerRow > 0n && (await marketRead<bigint>('locked', [id])) === 0n;
              const provable = op !== OP.zkQuery;
              if (
                provable &&
                prev === p.receiptHead &&
                inTime &&
                rows <= p.maxRows - p.rowsUsed &&
                !unlocked
              ) {
                expect(failed, 'a valid batch was refused').toBeUndefined();
              }
              if (!failed) heads.set(id, [...seen, p.receiptHead]);
              break;
            }
            case 'withdraw': {
              await attempt(marketSend(actors[s.who] as PrivateKeyAccount, 'withdraw', [assets[s.asset]]));
              break;
            }
            case 'reclaim': {
              if (count === 0n) break;
              const id = pid(s.p, (p) => p.acceptedAt !== 0n);
              const p = await pledgeOf(id);
              const by = s.honest
                ? (actors.find((a) => a.address === p.consumer) as PrivateKeyAccount)
                : A.other;
              await attempt(marketSend(by, 'reclaim', [id]));
              break;
            }
            case 'revoke': {
              if (count === 0n) break;
              const id = pid(s.p);
              const p = await pledgeOf(id);
              const by = s.honest
                ? (actors.find((a) => a.address === p.owner) as PrivateKeyAccount)
                : A.other;
              await attempt(marketSend(by, 'revoke', [id]));
              break;
            }
            case 'time':
              await evm.increaseTime(BigInt(s.seconds));
              break;
          }

          // ---- invariants, after every step
          for (const a of assets) {
            const held =
              a === ZERO_ADDRESS
                ? await evm.client.getBalance({ address: market })
                : await tokenBalance(market);
            let free = 0n;
            let owed = 0n;
            for (const who of actors) {
              free += await marketRead<bigint>('freeEscrow', [who.address, a]);
              owed += await marketRead<bigint>('owed', [who.address, a]);
            }
            const lockedTotal = await marketRead<bigint>('lockedTotal', [a]);
            expect(held, `balance of ${a}`).toBe(free + lockedTotal + owed);
            let lockedSum = 0n;
            /** Per owner: rows × price over its pledges in this asset. */
            const earned = new Map<string, bigint>();
            for (let id = 1n; id <= count; id++) {
              const p = await pledgeOf(id);
              views.set(id, p);
              if (p.asset !== a) continue;
              const locked = await marketRead<bigint>('locked', [id]);
              lockedSum += locked;
              expect(p.rowsUsed <= p.maxRows, `rowsUsed of pledge ${id}`).toBe(true);
              expect(credited.get(id) ?? 0n, `credited to pledge ${id}`).toBe(p.rowsUsed * p.pricePerRow);
              if (p.acceptedAt !== 0n) {
                expect(locked + p.rowsUsed * p.pricePerRow + (reclaimed.get(id) ?? 0n)).toBe(
                  p.maxRows * p.pricePerRow,
                );
              } else expect(locked).toBe(0n);
              add(earned, p.owner, p.rowsUsed * p.pricePerRow);
            }
            expect(lockedTotal, `lockedTotal of ${a}`).toBe(lockedSum);
            for (const who of actors) {
              const paid =
                (await marketRead<bigint>('owed', [who.address, a])) +
                (withdrawn.get(`${who.address}/${a}`) ?? 0n);
              expect(paid, `paid to ${who.address} in ${a}`).toBe(earned.get(who.address) ?? 0n);
            }
          }
        }
      }),
      { numRuns: 30, endOnFailure: true },
    );
    // the sequences did exercise the market (most steps succeed, many revert)
    expect(succeeded).toBeGreaterThan(steps / 4);
    expect(succeeded).toBeLessThan(steps);
  });
});
