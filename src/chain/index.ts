export { EMBEDDED_CHAIN, type EmbeddedChain, openEmbeddedChain } from './adapters/embeddedChain.js';
export { serveChain } from './adapters/rpcServer.js';
export { amountJson, formatAmount, parseAmount } from './amounts.js';
export { type ChainSession, type Deployment, DeploymentSchema, openChain } from './connect.js';
export {
  dataNftAbi,
  groth16VerifierAbi,
  pledgeMarketAbi,
  SOLC_VERSION,
  zkQueryRegistryAbi,
  zkVerifiers,
} from './contracts.generated.js';
export { ChainError, chainErrors } from './errors.js';
export { type Grant, grantDir, grantPledge, readGrant } from './grant.js';
export {
  type CompactSig,
  type DeploymentGas,
  deployContracts,
  ensureDeployed,
  type Market,
  type MarketEvent,
  type MarketEventName,
  OPERATIONS,
  type Operation,
  openMarket,
  opsBits,
  opsOf,
  opsProblem,
  PLEDGE_STATES,
  type PledgeTerms,
  type PledgeView,
} from './market.js';
export { mintPublished } from './mintPublished.js';
export { type PledgeFacts, readPledgeFacts } from './pledgeFacts.js';
export {
  receiptDomain,
  receiptHash,
  receiptSigner,
  signReceipt,
  USAGE_RECEIPT_TYPES,
  type UsageReceipt,
} from './receipts.js';
export { type MintedToken, readMinted, recordMinted } from './records.js';
export {
  AcceptRecordSchema,
  chainAcceptStage,
  chainGrantStage,
  chainMintStage,
  chainPledgeStage,
  MintRecordSchema,
  PledgeRecordSchema,
} from './stage.js';
export {
  BN254_FIELD,
  CHUNK_SIGNALS,
  type ChunkProof,
  ChunkSignalsSchema,
  chunkProof,
  circuitId,
  type SnarkjsProof,
  SnarkjsProofSchema,
  signedSignal,
  type ZkQueryTotals,
  zkResultId,
  zkTotals,
} from './zkChunks.js';
