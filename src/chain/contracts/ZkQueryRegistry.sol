// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @notice What every chunk-query circuit's verifier is (snarkjs's Groth16 template, 8 signals).
interface IChunkQueryVerifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[8] calldata pubSignals
    ) external view returns (bool);
}

/// @notice The commitment roots of a DataNFT's versions.
interface IDataNFTRoots {
    function rootOf(uint256 tokenId, uint256 index) external view returns (bytes32);
}

/// @notice What PledgeMarket asks of the registry.
interface IZkQueryResults {
    function proven(bytes32 resultId) external view returns (bool, uint256 tokenId, uint256 version);
}

/**
 * @title ZkQueryRegistry
 * @notice Verifies zero-knowledge aggregate queries over a DataNFT version, chunk by chunk, and
 * records the results whose every chunk was proven. A query over a table of K chunks (128 rows
 * each) is K Groth16 proofs (BN254), one per chunk, each with the public signals
 * `[count, countX, sumX, sumSqX, nChunks, datasetRoot, queryHash, chunkIndex]` (snarkjs order;
 * sumX is signed: a value above (p−1)/2 is sumX − p). Every proof of a query has the version's
 * commitment root as datasetRoot, the same queryHash and nChunks = K, and a chunk index in
 * 0 … K−1 not verified before. The registry adds up the five outputs; once all K chunks are in,
 * the query is complete and its result id
 * `keccak256(abi.encode(uint256 tokenId, uint256 version, bytes32 queryHash, uint256 count,
 * uint256 countX, int256 sumX, uint256 sumSqX))` is proven.
 *
 * Chunks may come in any order, over as many transactions as wanted, from anyone (a proof
 * speaks for itself). Gas per transaction of n chunks: at most 200k + n × 250k (each chunk
 * ~243k, most of it the Groth16 pairing check; the fixed part is the transaction, the query's
 * first storage writes and the result's; measured in test/integration/zkChain.test.ts: 421k for
 * one chunk, 1.39M for five). Under a 30M block gas limit, keep a batch to ≤ 100 chunks.
 *
 * The circuits (id → verifier) are fixed at deployment: a new circuit is a new registry. A
 * circuit's id is keccak256 of its name (e.g. keccak256("chunk-query-p1-w64")).
 */
contract ZkQueryRegistry is IZkQueryResults {
    /// @notice One chunk's proof (snarkjs's Groth16 proof as the Solidity verifier takes it).
    struct Chunk {
        bytes32 circuit;
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
        uint256[8] signals;
    }

    /// @notice A query's progress and running totals (three storage slots).
    struct Query {
        uint32 nChunks;
        uint32 received;
        bool complete;
        uint64 count;
        uint64 countX;
        int256 sumX;
        uint256 sumSqX;
    }

    /// @dev Two slots: proven and version packed, then the token.
    struct Result {
        bool proven;
        uint64 version;
        uint256 tokenId;
    }

    /// @notice The BN254 scalar field's modulus (the public signals are its elements).
    uint256 public constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant HALF = (FIELD - 1) / 2;
    /// @notice The most chunks a query may have (a chunk tree of depth 16).
    uint256 public constant MAX_CHUNKS = 1 << 16;

    IDataNFTRoots public immutable nft;

    mapping(bytes32 circuit => IChunkQueryVerifier) public verifierOf;
    /// @notice The circuits, in the constructor's order.
    bytes32[] private _circuits;
    /// @notice Per query key keccak256(abi.encode(tokenId, version, queryHash)).
    mapping(bytes32 queryKey => Query) private _queries;
    mapping(bytes32 queryKey => mapping(uint256 word => uint256)) private _seen;
    mapping(bytes32 resultId => Result) private _results;

    /// @notice A batch of chunks was verified and added to its query.
    event ChunksVerified(
        bytes32 indexed queryKey, uint256 indexed tokenId, uint256 version, bytes32 queryHash, uint256 chunks, uint256 received, uint256 nChunks
    );
    /// @notice All chunks of a query are in: its result is proven.
    event QueryVerified(
        bytes32 indexed resultId,
        uint256 indexed tokenId,
        uint256 version,
        bytes32 indexed queryHash,
        uint256 count,
        uint256 countX,
        int256 sumX,
        uint256 sumSqX
    );

    error LengthMismatch();
    error DuplicateCircuit(bytes32 circuit);
    error ZeroVerifier(bytes32 circuit);
    error EmptyBatch();
    error UnknownCircuit(uint256 index, bytes32 circuit);
    error InvalidProof(uint256 index);
    error WrongRoot(uint256 index, bytes32 expected, bytes32 datasetRoot);
    error QueryMismatch(uint256 index, bytes32 expected, bytes32 queryHash);
    error ChunkCountMismatch(uint256 index, uint256 expected, uint256 nChunks);
    error InvalidChunkCount(uint256 index, uint256 nChunks);
    error ChunkIndexOutOfRange(uint256 index, uint256 chunkIndex, uint256 nChunks);
    error ChunkAlreadyVerified(uint256 index, uint256 chunkIndex);
    error QueryAlreadyComplete(bytes32 queryKey);

    constructor(IDataNFTRoots nft_, bytes32[] memory circuits, IChunkQueryVerifier[] memory verifiers) {
        if (circuits.length != verifiers.length) revert LengthMismatch();
        nft = nft_;
        for (uint256 i = 0; i < circuits.length; i++) {
            bytes32 id = circuits[i];
            if (address(verifiers[i]) == address(0)) revert ZeroVerifier(id);
            if (address(verifierOf[id]) != address(0)) revert DuplicateCircuit(id);
            verifierOf[id] = verifiers[i];
            _circuits.push(id);
        }
    }

    /**
     * @notice Verifies a batch of chunk proofs of one query over version `version` of token
     * `tokenId` and adds them to the query; completes the query when its last chunk is in.
     * Reverts, naming the chunk's position in the batch, on an unknown circuit, a proof that does
     * not verify, a datasetRoot that is not the version's root, a queryHash or nChunks unlike the
     * query's, or a chunk index out of range or verified before.
     */
    function submitChunks(uint256 tokenId, uint256 version, Chunk[] calldata chunks) external {
        uint256 n = chunks.length;
        if (n == 0) revert EmptyBatch();
        bytes32 root = nft.rootOf(tokenId, version);
        bytes32 queryHash = bytes32(chunks[0].signals[6]);
        bytes32 key = queryKey(tokenId, version, queryHash);
        Query memory t = _queries[key];
        if (t.complete) revert QueryAlreadyComplete(key);
        if (t.nChunks == 0) {
            uint256 k = chunks[0].signals[4];
            if (k == 0 || k > MAX_CHUNKS) revert InvalidChunkCount(0, k);
            t.nChunks = uint32(k);
        }
        for (uint256 i = 0; i < n; i++) {
            _add(key, i, chunks[i], root, queryHash, t);
        }
        t.received += SafeCast.toUint32(n);
        t.complete = t.received == t.nChunks;
        _queries[key] = t;
        emit ChunksVerified(key, tokenId, version, queryHash, n, t.received, t.nChunks);
        if (t.complete) {
            bytes32 id = resultIdOf(tokenId, version, queryHash, t.count, t.countX, t.sumX, t.sumSqX);
            _results[id] = Result(true, SafeCast.toUint64(version), tokenId);
            emit QueryVerified(id, tokenId, version, queryHash, t.count, t.countX, t.sumX, t.sumSqX);
        }
    }

    /// @notice Whether `resultId` is the result of a complete query, and over which token version.
    function proven(bytes32 resultId) external view returns (bool, uint256 tokenId, uint256 version) {
        Result storage r = _results[resultId];
        return (r.proven, r.tokenId, r.version);
    }

    /// @notice A query's progress and running totals (all zero before its first chunk).
    function queryOf(uint256 tokenId, uint256 version, bytes32 queryHash) external view returns (Query memory) {
        return _queries[queryKey(tokenId, version, queryHash)];
    }

    /// @notice Whether chunk `chunkIndex` of a query was verified.
    function chunkVerified(uint256 tokenId, uint256 version, bytes32 queryHash, uint256 chunkIndex)
        external
        view
        returns (bool)
    {
        bytes32 key = queryKey(tokenId, version, queryHash);
        return _seen[key][chunkIndex >> 8] & (1 << (chunkIndex & 255)) != 0;
    }

    /// @notice The circuits this registry verifies (their ids), in deployment order.
    function circuits() external view returns (bytes32[] memory) {
        return _circuits;
    }

    /// @notice The key of a query's state: keccak256(abi.encode(tokenId, version, queryHash)).
    function queryKey(uint256 tokenId, uint256 version, bytes32 queryHash) public pure returns (bytes32) {
        return keccak256(abi.encode(tokenId, version, queryHash));
    }

    /// @notice The result id of a query's totals (what a zk-query usage receipt names).
    function resultIdOf(
        uint256 tokenId,
        uint256 version,
        bytes32 queryHash,
        uint256 count,
        uint256 countX,
        int256 sumX,
        uint256 sumSqX
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(tokenId, version, queryHash, count, countX, sumX, sumSqX));
    }

    /// @dev Checks chunk `i` of a batch and adds its outputs to the totals `t`.
    function _add(bytes32 key, uint256 i, Chunk calldata ch, bytes32 root, bytes32 queryHash, Query memory t)
        private
    {
        IChunkQueryVerifier v = verifierOf[ch.circuit];
        if (address(v) == address(0)) revert UnknownCircuit(i, ch.circuit);
        uint256[8] calldata s = ch.signals;
        if (bytes32(s[5]) != root) revert WrongRoot(i, root, bytes32(s[5]));
        if (bytes32(s[6]) != queryHash) revert QueryMismatch(i, queryHash, bytes32(s[6]));
        if (s[4] != t.nChunks) revert ChunkCountMismatch(i, t.nChunks, s[4]);
        uint256 idx = s[7];
        if (idx >= t.nChunks) revert ChunkIndexOutOfRange(i, idx, t.nChunks);
        mapping(uint256 => uint256) storage seen = _seen[key];
        uint256 bit = 1 << (idx & 255);
        uint256 word = seen[idx >> 8];
        if (word & bit != 0) revert ChunkAlreadyVerified(i, idx);
        seen[idx >> 8] = word | bit;
        if (!v.verifyProof(ch.a, ch.b, ch.c, s)) revert InvalidProof(i);
        // the verifier refuses signals outside the field, so each is below FIELD here
        // a chunk counts at most its 128 rows: the casts cannot fail for a sound circuit
        t.count += SafeCast.toUint64(s[0]);
        t.countX += SafeCast.toUint64(s[1]);
        t.sumX += s[2] > HALF ? -int256(FIELD - s[2]) : int256(s[2]);
        t.sumSqX += s[3];
    }
}
