// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/**
 * @title DataNFT
 * @notice One token per de-identified dataset published with sinso. A token holds every version
 * of its dataset: the CID of the version's manifest (the token URI points at the latest) and the
 * commitment root of its rows, so a proof made against version 1 can still be checked once
 * version 2 exists. Metadata changes are announced with ERC-4906 events.
 */
contract DataNFT is ERC721, IERC4906 {
    /// @dev The manifest CID is kept packed: its length in the first byte of `cid[0]`, then its
    /// characters, so a 59-character CIDv1 takes two slots (a `string` would take three).
    struct Version {
        bytes32 root;
        bytes32[4] cid;
    }

    /// @notice A token's versions, oldest first (version 0 is the one minted).
    mapping(uint256 tokenId => Version[]) private _versions;
    uint256 private _nextId = 1;

    /// @notice A dataset version was published: minted (index 0) or added by its owner.
    event VersionPublished(uint256 indexed tokenId, uint256 indexed index, bytes32 root, string manifestCid);

    error NotTokenOwner(uint256 tokenId, address caller);
    error InvalidCid();
    error InvalidRoot();
    error NoSuchVersion(uint256 tokenId, uint256 index);

    constructor() ERC721("sinso DataNFT", "SDATA") {}

    /// @notice Mints a token for a published dataset to `to`; returns its id (1, 2, …).
    function mint(address to, string calldata manifestCid, bytes32 root) external returns (uint256 tokenId) {
        tokenId = _nextId++;
        _mint(to, tokenId);
        _addVersion(tokenId, manifestCid, root);
    }

    /// @notice The token's owner publishes a new version (a new manifest and root).
    function publishVersion(uint256 tokenId, string calldata manifestCid, bytes32 root) external returns (uint256 index) {
        if (_ownerOf(tokenId) != msg.sender) revert NotTokenOwner(tokenId, msg.sender);
        index = _addVersion(tokenId, manifestCid, root);
        emit MetadataUpdate(tokenId);
    }

    function versionCount(uint256 tokenId) external view returns (uint256) {
        _requireOwned(tokenId);
        return _versions[tokenId].length;
    }

    function versionOf(uint256 tokenId, uint256 index) external view returns (bytes32 root, string memory manifestCid) {
        Version storage v = _version(tokenId, index);
        return (v.root, _cidOf(v));
    }

    /// @notice The commitment root of a version (what proofs of that version are checked against).
    function rootOf(uint256 tokenId, uint256 index) external view returns (bytes32) {
        return _version(tokenId, index).root;
    }

    /// @notice `ipfs://<manifest CID>` of the latest version.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        Version[] storage vs = _versions[tokenId];
        return string.concat("ipfs://", _cidOf(vs[vs.length - 1]));
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == bytes4(0x49064906) || super.supportsInterface(interfaceId);
    }

    function _addVersion(uint256 tokenId, string calldata manifestCid, bytes32 root) private returns (uint256 index) {
        // a CIDv1 in base32 ('b' and 20–99 characters of a-z, 2-7)
        uint256 len = bytes(manifestCid).length;
        if (len < 21 || len > 100 || bytes(manifestCid)[0] != "b") revert InvalidCid();
        bool ok = true;
        assembly ("memory-safe") {
            let p := manifestCid.offset
            for { let i := 1 } lt(i, len) { i := add(i, 1) } {
                let ch := byte(0, calldataload(add(p, i)))
                // a-z or 2-7 (unsigned: below the range wraps around)
                ok := and(ok, or(lt(sub(ch, 0x61), 26), lt(sub(ch, 0x32), 6)))
            }
        }
        if (!ok) revert InvalidCid();
        if (root == bytes32(0)) revert InvalidRoot();
        Version[] storage vs = _versions[tokenId];
        index = vs.length;
        Version storage v = vs.push();
        v.root = root;
        _storeCid(v, manifestCid, len);
        emit VersionPublished(tokenId, index, root, manifestCid);
    }

    /// @dev Writes the length byte and the characters, word by word (only the words they fill).
    function _storeCid(Version storage v, string calldata cid, uint256 len) private {
        uint256 total = len + 1;
        uint256 words = (total + 31) / 32;
        for (uint256 k = 0; k < words; k++) {
            bytes32 w;
            assembly ("memory-safe") {
                switch k
                case 0 { w := or(shl(248, len), shr(8, calldataload(cid.offset))) }
                default { w := calldataload(sub(add(cid.offset, mul(k, 32)), 1)) }
                // what lies past the CID in calldata (ABI padding) is not stored
                let valid := sub(total, mul(k, 32))
                if lt(valid, 32) { w := and(w, not(sub(shl(mul(sub(32, valid), 8), 1), 1))) }
            }
            v.cid[k] = w;
        }
    }

    function _cidOf(Version storage v) private view returns (string memory) {
        bytes32[4] memory w = v.cid;
        uint256 len = uint256(w[0]) >> 248;
        bytes memory out = new bytes(len);
        for (uint256 i = 0; i < len; i++) {
            uint256 j = i + 1;
            out[i] = w[j / 32][j % 32];
        }
        return string(out);
    }

    function _version(uint256 tokenId, uint256 index) private view returns (Version storage) {
        _requireOwned(tokenId);
        Version[] storage vs = _versions[tokenId];
        if (index >= vs.length) revert NoSuchVersion(tokenId, index);
        return vs[index];
    }
}
