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
    struct Version {
        bytes32 root;
        string manifestCid;
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
        return (v.root, v.manifestCid);
    }

    /// @notice The commitment root of a version (what proofs of that version are checked against).
    function rootOf(uint256 tokenId, uint256 index) external view returns (bytes32) {
        return _version(tokenId, index).root;
    }

    /// @notice `ipfs://<manifest CID>` of the latest version.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        Version[] storage vs = _versions[tokenId];
        return string.concat("ipfs://", vs[vs.length - 1].manifestCid);
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == bytes4(0x49064906) || super.supportsInterface(interfaceId);
    }

    function _addVersion(uint256 tokenId, string calldata manifestCid, bytes32 root) private returns (uint256 index) {
        // a CIDv1 in base32 ('b' and 20–100 characters of a-z, 2-7)
        bytes calldata c = bytes(manifestCid);
        if (c.length < 21 || c.length > 100 || c[0] != "b") revert InvalidCid();
        for (uint256 i = 1; i < c.length; i++) {
            bytes1 ch = c[i];
            if (!((ch >= "a" && ch <= "z") || (ch >= "2" && ch <= "7"))) revert InvalidCid();
        }
        if (root == bytes32(0)) revert InvalidRoot();
        index = _versions[tokenId].length;
        _versions[tokenId].push(Version(root, manifestCid));
        emit VersionPublished(tokenId, index, root, manifestCid);
    }

    function _version(uint256 tokenId, uint256 index) private view returns (Version storage) {
        _requireOwned(tokenId);
        Version[] storage vs = _versions[tokenId];
        if (index >= vs.length) revert NoSuchVersion(tokenId, index);
        return vs[index];
    }
}
