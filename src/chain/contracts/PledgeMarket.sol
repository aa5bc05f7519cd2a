// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

interface IDataNFTVersions {
    function versionCount(uint256 tokenId) external view returns (uint256);
}

/// @notice The proven results of zero-knowledge queries (ZkQueryRegistry).
interface IZkQueryResultsOf {
    function proven(bytes32 resultId) external view returns (bool, uint256 tokenId, uint256 version);
}

/**
 * @title PledgeMarket
 * @notice Escrow, pledges and usage-based payment for DataNFT datasets. A consumer deposits
 * escrow (native currency, or the one ERC-20 fixed at deployment); an owner pledges a version of
 * a token to a consumer under terms; the consumer accepts, which locks the most the pledge can
 * cost; usage receipts, EIP-712 typed data signed by the pledge's compute node and by the
 * consumer, credit the owner for the rows used; owners withdraw what they are owed (pull
 * payments); consumers reclaim the unused lock after expiry and withdraw free escrow.
 *
 * A receipt of a zero-knowledge query (OP_ZK_QUERY) is accepted only if its resultHash is a
 * result the ZK query registry fixed at deployment proved, over the pledge's very token and
 * version (every chunk of the query verified on chain); a market deployed without a registry
 * accepts no such receipt.
 *
 * Accounting: the contract holds, per asset, exactly the sum of free escrow, locked escrow and
 * what owners are owed. Receipts of a pledge form a hash chain (each names the head before it),
 * so a receipt can be counted only once without a storage slot per receipt.
 */
contract PledgeMarket is EIP712, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Operations a pledge may allow (a bit each).
    uint8 public constant OP_HE_QUERY = 1;
    uint8 public constant OP_ZK_QUERY = 2;
    uint8 public constant OP_TRAIN = 4;
    uint8 public constant OP_ACCESS = 8;
    /// @notice Qualifies OP_HE_QUERY: homomorphic queries may use public group keys (k-anonymous
    /// quasi-identifiers the compute node sees) rather than encrypted ones. Not an operation of
    /// its own: a pledge allows it only with OP_HE_QUERY, and no receipt names it (a public-mode
    /// query is receipted as OP_HE_QUERY).
    uint8 public constant OP_HE_PUBLIC = 16;
    uint8 private constant OP_ALL = 31;

    enum State {
        None,
        Offered,
        Accepted,
        Revoked
    }

    struct Terms {
        uint8 ops;
        uint128 pricePerRow;
        uint64 maxRows;
        uint64 expiresAt;
        uint32 minCohort;
        address compute;
        /// @dev address(0): native currency; else the market's ERC-20
        address asset;
    }

    struct Pledge {
        // slot 1
        address owner;
        uint64 expiresAt;
        uint8 ops;
        State state;
        uint16 reserved;
        // slot 2
        address consumer;
        uint64 maxRows;
        uint32 minCohort;
        // slot 3
        address compute;
        uint64 rowsUsed;
        uint32 receipts;
        // slot 4
        address asset;
        uint64 acceptedAt;
        uint32 version;
        // slot 5
        uint128 pricePerRow;
        uint64 revokedAt;
        // slot 6, 7
        uint256 tokenId;
        bytes32 receiptHead;
    }

    /// @notice A usage receipt: one job's use of one pledge (a pooled job over several owners is
    /// one receipt per pledge, each with that owner's rows), as both the compute node and the
    /// consumer signed it (EIP-712, domain "sinso PledgeMarket" version 1 on this chain and
    /// contract). It names the DataNFT version used, and the hashes of the job's spec, of its
    /// result and of its proof (a ZK bundle, or the inclusion record of the rows used; zero when
    /// there is none). `prev` is the pledge's receipt head before this receipt.
    struct UsageReceipt {
        uint256 pledgeId;
        bytes32 jobId;
        uint256 tokenId;
        uint32 version;
        uint8 op;
        uint64 rows;
        uint64 startedAt;
        bytes32 specHash;
        bytes32 resultHash;
        bytes32 proofHash;
        bytes32 prev;
    }

    /// @notice The Merkle root of one epoch's receipts as their issuer (a compute node) anchored it.
    struct Anchor {
        bytes32 root;
        uint32 count;
        uint64 anchoredAt;
    }

    /// @notice A compact signature (ERC-2098).
    struct Sig {
        bytes32 r;
        bytes32 vs;
    }

    bytes32 public constant USAGE_RECEIPT_TYPEHASH = keccak256(
        "UsageReceipt(uint256 pledgeId,bytes32 jobId,uint256 tokenId,uint32 version,uint8 op,uint64 rows,uint64 startedAt,bytes32 specHash,bytes32 resultHash,bytes32 proofHash,bytes32 prev)"
    );

    IERC721 public immutable nft;
    IERC20 public immutable token;
    /// @notice Where zk-query results are proven (address(0): no zk-query receipt is accepted).
    IZkQueryResultsOf public immutable zkRegistry;

    mapping(uint256 pledgeId => Pledge) private _pledges;
    uint256 public pledgeCount;
    /// @notice Escrow a consumer may lock or withdraw, per asset.
    mapping(address consumer => mapping(address asset => uint256)) public freeEscrow;
    /// @notice What an owner has earned and not yet withdrawn, per asset.
    mapping(address owner => mapping(address asset => uint256)) public owed;
    /// @notice Escrow locked by accepted pledges, per asset (for the accounting invariant).
    mapping(address asset => uint256) public lockedTotal;
    mapping(uint256 pledgeId => uint256) public locked;
    /// @notice Each issuer's anchored receipt roots, per epoch (written once).
    mapping(address issuer => mapping(uint64 epoch => Anchor)) public anchors;

    event Deposited(address indexed consumer, address indexed asset, uint256 amount);
    event EscrowWithdrawn(address indexed consumer, address indexed asset, uint256 amount);
    event Pledged(
        uint256 indexed pledgeId, uint256 indexed tokenId, uint256 version, address indexed owner, address consumer, Terms terms
    );
    event Accepted(uint256 indexed pledgeId, address indexed consumer, uint256 locked);
    event Revoked(uint256 indexed pledgeId, uint64 revokedAt);
    event ReceiptAccepted(
        uint256 indexed pledgeId, bytes32 indexed jobId, uint8 op, uint64 rows, bytes32 resultHash, bytes32 head
    );
    event Credited(uint256 indexed pledgeId, address indexed owner, address indexed asset, uint256 amount, uint64 rowsUsed);
    event Withdrawn(address indexed owner, address indexed asset, uint256 amount);
    event Reclaimed(uint256 indexed pledgeId, address indexed consumer, uint256 amount);
    event ReceiptsAnchored(address indexed issuer, uint64 indexed epoch, bytes32 root, uint32 count);

    error UnknownAsset(address asset);
    error ZeroAmount();
    error InsufficientEscrow(uint256 needed, uint256 available);
    error NotTokenOwner(uint256 tokenId, address caller);
    error NoSuchVersion(uint256 tokenId, uint256 version);
    error InvalidTerms(string what);
    error NoSuchPledge(uint256 pledgeId);
    error WrongState(uint256 pledgeId, State state);
    error NotConsumer(uint256 pledgeId, address caller);
    error NotOwner(uint256 pledgeId, address caller);
    error Expired(uint256 pledgeId, uint64 expiresAt);
    error NotExpired(uint256 pledgeId, uint64 expiresAt);
    error EmptyBatch();
    error LengthMismatch();
    error ReceiptForAnotherPledge(uint256 index, uint256 pledgeId);
    error ReceiptOutOfOrder(uint256 index, bytes32 expectedPrev, bytes32 prev);
    error OperationNotAllowed(uint256 index, uint8 op);
    error BadComputeSignature(uint256 index, address recovered);
    error BadConsumerSignature(uint256 index, address recovered);
    error StartedOutsidePledge(uint256 index, uint64 startedAt);
    error StartedAfterRevocation(uint256 index, uint64 startedAt, uint64 revokedAt);
    error TooManyRows(uint64 requested, uint64 remaining);
    error NothingToWithdraw();
    error NothingToReclaim(uint256 pledgeId);
    error TransferFailed();
    error ZkResultNotProven(uint256 index, bytes32 resultHash);
    error ReceiptForAnotherVersion(uint256 index, uint256 tokenId, uint32 version);
    error AlreadyAnchored(uint64 epoch, bytes32 root);
    error InvalidAnchor();

    constructor(IERC721 nft_, IERC20 token_, IZkQueryResultsOf zkRegistry_) EIP712("sinso PledgeMarket", "1") {
        nft = nft_;
        token = token_;
        zkRegistry = zkRegistry_;
    }

    // ---- escrow -------------------------------------------------------------------------------

    /// @notice Deposits native currency (msg.value) as escrow of the sender.
    function deposit() external payable {
        if (msg.value == 0) revert ZeroAmount();
        freeEscrow[msg.sender][address(0)] += msg.value;
        emit Deposited(msg.sender, address(0), msg.value);
    }

    /// @notice Deposits `amount` of the market's ERC-20 (approved beforehand) as escrow.
    function depositToken(uint256 amount) external nonReentrant {
        if (address(token) == address(0)) revert UnknownAsset(address(0));
        if (amount == 0) revert ZeroAmount();
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before; // fee-on-transfer tokens
        freeEscrow[msg.sender][address(token)] += received;
        emit Deposited(msg.sender, address(token), received);
    }

    /// @notice Withdraws free (unlocked) escrow.
    function withdrawEscrow(address asset, uint256 amount) external nonReentrant {
        _checkAsset(asset);
        if (amount == 0) revert ZeroAmount();
        uint256 free = freeEscrow[msg.sender][asset];
        if (amount > free) revert InsufficientEscrow(amount, free);
        freeEscrow[msg.sender][asset] = free - amount;
        emit EscrowWithdrawn(msg.sender, asset, amount);
        _pay(msg.sender, asset, amount);
    }

    // ---- pledges ------------------------------------------------------------------------------

    /// @notice The token's owner offers a version of it to `consumer` under `terms`.
    function pledge(uint256 tokenId, uint256 version, address consumer, Terms calldata terms)
        external
        returns (uint256 pledgeId)
    {
        if (nft.ownerOf(tokenId) != msg.sender) revert NotTokenOwner(tokenId, msg.sender);
        if (version >= IDataNFTVersions(address(nft)).versionCount(tokenId) || version > type(uint32).max) {
            revert NoSuchVersion(tokenId, version);
        }
        if (consumer == address(0)) revert InvalidTerms("consumer");
        if (terms.compute == address(0)) revert InvalidTerms("compute");
        if (terms.ops == 0 || terms.ops & ~OP_ALL != 0) revert InvalidTerms("ops");
        if (terms.ops & OP_HE_PUBLIC != 0 && terms.ops & OP_HE_QUERY == 0) revert InvalidTerms("ops");
        if (terms.maxRows == 0) revert InvalidTerms("maxRows");
        if (terms.expiresAt <= block.timestamp) revert InvalidTerms("expiresAt");
        _checkAsset(terms.asset);
        pledgeId = ++pledgeCount;
        Pledge storage p = _pledges[pledgeId];
        p.owner = msg.sender;
        p.expiresAt = terms.expiresAt;
        p.ops = terms.ops;
        p.state = State.Offered;
        p.consumer = consumer;
        p.maxRows = terms.maxRows;
        p.minCohort = terms.minCohort;
        p.compute = terms.compute;
        p.asset = terms.asset;
        p.version = uint32(version);
        p.pricePerRow = terms.pricePerRow;
        p.tokenId = tokenId;
        emit Pledged(pledgeId, tokenId, version, msg.sender, consumer, terms);
    }

    /// @notice The consumer accepts a pledge, locking its most cost (maxRows × price) from escrow.
    function accept(uint256 pledgeId) external {
        Pledge storage p = _pledge(pledgeId);
        if (p.state != State.Offered) revert WrongState(pledgeId, p.state);
        if (msg.sender != p.consumer) revert NotConsumer(pledgeId, msg.sender);
        if (block.timestamp >= p.expiresAt) revert Expired(pledgeId, p.expiresAt);
        uint256 cost = uint256(p.maxRows) * p.pricePerRow;
        uint256 free = freeEscrow[msg.sender][p.asset];
        if (cost > free) revert InsufficientEscrow(cost, free);
        freeEscrow[msg.sender][p.asset] = free - cost;
        lockedTotal[p.asset] += cost;
        locked[pledgeId] = cost;
        p.state = State.Accepted;
        p.acceptedAt = uint64(block.timestamp);
        emit Accepted(pledgeId, msg.sender, cost);
    }

    /// @notice The owner withdraws consent: no receipt of a job started from now on is accepted.
    function revoke(uint256 pledgeId) external {
        Pledge storage p = _pledge(pledgeId);
        if (msg.sender != p.owner) revert NotOwner(pledgeId, msg.sender);
        if (p.state != State.Offered && p.state != State.Accepted) revert WrongState(pledgeId, p.state);
        p.state = State.Revoked;
        p.revokedAt = uint64(block.timestamp);
        emit Revoked(pledgeId, p.revokedAt);
    }

    /**
     * @notice Submits a batch of usage receipts of one pledge, in chain order, each signed by the
     * pledge's compute node and its consumer; credits the owner rows × price. Anyone may submit.
     */
    function submitReceipts(
        uint256 pledgeId,
        UsageReceipt[] calldata receipts,
        Sig[] calldata computeSigs,
        Sig[] calldata consumerSigs
    ) external {
        uint256 n = receipts.length;
        if (n == 0) revert EmptyBatch();
        if (computeSigs.length != n || consumerSigs.length != n) revert LengthMismatch();
        Pledge storage p = _pledge(pledgeId);
        State state = p.state;
        // a revoked pledge still takes receipts of jobs started before the revocation
        if (state != State.Accepted && !(state == State.Revoked && p.acceptedAt != 0)) {
            revert WrongState(pledgeId, state);
        }
        // a receipt names one operation the pledge allows; OP_HE_PUBLIC qualifies OP_HE_QUERY and
        // is none (a public-mode query is receipted as OP_HE_QUERY)
        Chain memory c = Chain(
            p.receiptHead,
            p.compute,
            p.consumer,
            p.ops & ~OP_HE_PUBLIC,
            p.acceptedAt,
            p.expiresAt,
            p.revokedAt,
            p.tokenId,
            p.version
        );
        uint64 rows;
        for (uint256 i = 0; i < n; i++) {
            rows += _checkReceipt(pledgeId, i, receipts[i], computeSigs[i], consumerSigs[i], c);
        }
        bytes32 head = c.head;
        uint64 remaining = p.maxRows - p.rowsUsed;
        uint256 price = p.pricePerRow;
        uint256 lock = locked[pledgeId];
        // once the consumer has reclaimed the lock (after expiry), no row-use is left to pay for
        if (price != 0 && lock / price < remaining) remaining = uint64(lock / price);
        if (rows > remaining) revert TooManyRows(rows, remaining);
        uint256 amount = uint256(rows) * price;
        p.rowsUsed += rows;
        p.receipts += uint32(n);
        p.receiptHead = head;
        locked[pledgeId] = lock - amount;
        lockedTotal[p.asset] -= amount;
        owed[p.owner][p.asset] += amount;
        emit Credited(pledgeId, p.owner, p.asset, amount, p.rowsUsed);
    }

    /// @notice An owner withdraws everything it is owed in `asset` (pull payment).
    function withdraw(address asset) external nonReentrant {
        _checkAsset(asset);
        uint256 amount = owed[msg.sender][asset];
        if (amount == 0) revert NothingToWithdraw();
        owed[msg.sender][asset] = 0;
        emit Withdrawn(msg.sender, asset, amount);
        _pay(msg.sender, asset, amount);
    }

    /// @notice After expiry, the consumer takes the unused lock of a pledge back into free escrow.
    function reclaim(uint256 pledgeId) external {
        Pledge storage p = _pledge(pledgeId);
        if (msg.sender != p.consumer) revert NotConsumer(pledgeId, msg.sender);
        if (block.timestamp < p.expiresAt) revert NotExpired(pledgeId, p.expiresAt);
        uint256 amount = locked[pledgeId];
        if (amount == 0) revert NothingToReclaim(pledgeId);
        locked[pledgeId] = 0;
        lockedTotal[p.asset] -= amount;
        freeEscrow[msg.sender][p.asset] += amount;
        emit Reclaimed(pledgeId, msg.sender, amount);
    }

    /**
     * @notice Anchors the Merkle root of the sender's receipts of one epoch (see docs/receipts.md:
     * a binary keccak tree over the receipts' struct hashes in issue order). Once per issuer and
     * epoch: an anchor is never rewritten, so a receipt left out or added later shows.
     */
    function anchorReceipts(uint64 epoch, bytes32 root, uint32 count) external {
        if (root == bytes32(0) || count == 0) revert InvalidAnchor();
        Anchor storage a = anchors[msg.sender][epoch];
        if (a.root != bytes32(0)) revert AlreadyAnchored(epoch, a.root);
        a.root = root;
        a.count = count;
        a.anchoredAt = uint64(block.timestamp);
        emit ReceiptsAnchored(msg.sender, epoch, root, count);
    }

    // ---- reads --------------------------------------------------------------------------------

    function pledgeOf(uint256 pledgeId) external view returns (Pledge memory) {
        return _pledge(pledgeId);
    }

    /// @notice The EIP-712 digest both parties sign for a receipt.
    function receiptDigest(UsageReceipt calldata r) external view returns (bytes32) {
        return _hashTypedDataV4(_receiptHash(r));
    }

    /// @notice The struct hash of a receipt: what the pledge's head becomes once it is accepted.
    function receiptHash(UsageReceipt calldata r) external pure returns (bytes32) {
        return _receiptHash(r);
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---- internals ----------------------------------------------------------------------------

    /// @dev What a batch of receipts is checked against (a pledge's fields, read once).
    struct Chain {
        bytes32 head;
        address compute;
        address consumer;
        /// @dev the operations a receipt may name (the pledge's, less OP_HE_PUBLIC)
        uint8 ops;
        uint64 acceptedAt;
        uint64 expiresAt;
        uint64 revokedAt;
        /// @dev the pledged token and version (a zk-query result must be proven over them)
        uint256 tokenId;
        uint32 version;
    }

    /// @dev Checks receipt `i` of a batch against the pledge and advances the chain head.
    function _checkReceipt(
        uint256 pledgeId,
        uint256 i,
        UsageReceipt calldata r,
        Sig calldata computeSig,
        Sig calldata consumerSig,
        Chain memory c
    ) private returns (uint64) {
        if (r.pledgeId != pledgeId) revert ReceiptForAnotherPledge(i, r.pledgeId);
        if (r.prev != c.head) revert ReceiptOutOfOrder(i, c.head, r.prev);
        if (r.tokenId != c.tokenId || r.version != c.version) revert ReceiptForAnotherVersion(i, r.tokenId, r.version);
        if (r.op & c.ops == 0 || r.op & (r.op - 1) != 0) revert OperationNotAllowed(i, r.op);
        if (r.startedAt < c.acceptedAt || r.startedAt >= c.expiresAt) revert StartedOutsidePledge(i, r.startedAt);
        if (c.revokedAt != 0 && r.startedAt >= c.revokedAt) {
            revert StartedAfterRevocation(i, r.startedAt, c.revokedAt);
        }
        if (r.op == OP_ZK_QUERY) _checkZkResult(i, r.resultHash, c);
        bytes32 structHash = _receiptHash(r);
        bytes32 digest = _hashTypedDataV4(structHash);
        address signer = ECDSA.recover(digest, computeSig.r, computeSig.vs);
        if (signer != c.compute) revert BadComputeSignature(i, signer);
        signer = ECDSA.recover(digest, consumerSig.r, consumerSig.vs);
        if (signer != c.consumer) revert BadConsumerSignature(i, signer);
        c.head = structHash;
        emit ReceiptAccepted(pledgeId, r.jobId, r.op, r.rows, r.resultHash, structHash);
        return r.rows;
    }

    /// @dev A zk-query receipt's result must be proven by the registry over the pledge's version.
    function _checkZkResult(uint256 i, bytes32 resultHash, Chain memory c) private view {
        if (address(zkRegistry) == address(0)) revert ZkResultNotProven(i, resultHash);
        (bool ok, uint256 tokenId, uint256 version) = zkRegistry.proven(resultHash);
        if (!ok || tokenId != c.tokenId || version != c.version) revert ZkResultNotProven(i, resultHash);
    }

    function _receiptHash(UsageReceipt calldata r) private pure returns (bytes32) {
        // every field is a static type, so the struct's ABI encoding is its fields' words in order:
        // exactly EIP-712's encodeData
        return keccak256(abi.encode(USAGE_RECEIPT_TYPEHASH, r));
    }

    function _pledge(uint256 pledgeId) private view returns (Pledge storage p) {
        p = _pledges[pledgeId];
        if (p.state == State.None) revert NoSuchPledge(pledgeId);
    }

    function _checkAsset(address asset) private view {
        if (asset != address(0) && asset != address(token)) revert UnknownAsset(asset);
    }

    function _pay(address to, address asset, uint256 amount) private {
        if (asset == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert TransferFailed();
        } else {
            IERC20(asset).safeTransfer(to, amount);
        }
    }
}
