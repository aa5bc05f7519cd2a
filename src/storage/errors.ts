import { defineErrorCodes, errorClass } from '../core/errors/index.js';

const REFETCH = 'Fetch the file again by its CID, or encrypt it again from the source.';
const UNWRAP_FIX =
  'Unwrap with the private key of the account it was wrapped for (`sinso keys list` shows the addresses), or ask the data owner to wrap the key again.';
const IPFS_URL_FIX = 'Give the Kubo RPC API address, e.g. --ipfs http://127.0.0.1:5001';

const CAR_PROBLEMS = {
  codec: [
    'A block is of a kind sinso does not follow (only raw and dag-pb).',
    'Give the root CID of a UnixFS file made by sinso or `ipfs add`.',
  ],
  'dag-pb': [
    'A dag-pb block could not be decoded.',
    'The block store or CAR file is damaged: import the file again.',
  ],
  damaged: [
    'The CAR file is not valid: it is damaged, truncated or altered.',
    'Write the CAR file again from the source (`sinso car FILE... --out OUT.car`).',
  ],
  'not-a-file': ['The CID is not a file.', 'Give the root CID of a file.'],
} as const;

const ENCRYPTED_PROBLEMS = {
  'not-sinso': [
    'The file is not a sinso encrypted file (it has no SINSOENC header).',
    'Give a file written by sinso’s encryption at rest (usually named *.enc).',
  ],
  version: [
    'The encrypted file is in a format version this sinso does not read.',
    'Upgrade sinso to a version that reads it.',
  ],
  damaged: ['The encrypted file is damaged.', REFETCH],
  segment: [
    'The encrypted file was altered, truncated or reordered: a segment fails authentication.',
    REFETCH,
  ],
  changed: [
    'The file changed while it was being encrypted.',
    'Let whatever writes the file finish, then encrypt it again.',
  ],
} as const;

const UNWRAP_PROBLEMS = {
  file: ['The wrapped key is not valid.', 'Ask the data owner to send the wrapped key file again.'],
  'other-account': ['The wrapped key is for another account.', UNWRAP_FIX],
  altered: ['The wrapped key does not unwrap: it was altered or damaged.', UNWRAP_FIX],
  'public-key': [
    'A public key is not a valid secp256k1 point.',
    'Give the recipient account’s public key (viem `account.publicKey`: 0x04 followed by X and Y).',
  ],
} as const;

/** The codes of the storage stage: blockstore, CAR files, IPFS, encryption at rest, key wrapping. */
export const storageErrors = defineErrorCodes({
  STORAGE_BLOCK_NOT_FOUND: {
    message: () => 'A block is not in the blockstore.',
    meta: (f: { cid: string }) => [`CID: ${f.cid}`],
    fix: 'Import the file again (`sinso car FILE...`) or import its CAR file.',
  },
  STORAGE_CID_MISMATCH: {
    message: (f: { cid: string; multihash?: number | undefined }) =>
      f.multihash === undefined
        ? 'A block does not match its CID: its bytes were changed or damaged.'
        : 'A block uses a hash function sinso does not check.',
    meta: (f) => [
      f.multihash === undefined ? `CID: ${f.cid}` : `Multihash code: 0x${f.multihash.toString(16)}`,
    ],
    fix: (f) =>
      f.multihash === undefined
        ? 'Delete the damaged block file and import the file (or its CAR) again.'
        : 'Use CIDs with sha2-256, as sinso and `ipfs add` make them.',
  },
  STORAGE_CAR_INVALID: {
    message: (f: {
      problem: keyof typeof CAR_PROBLEMS;
      cid?: string | undefined;
      codec?: number | undefined;
      kind?: string | undefined;
    }) => CAR_PROBLEMS[f.problem][0],
    meta: (f) => [
      ...(f.codec === undefined ? [] : [`Codec: 0x${f.codec.toString(16)}`]),
      ...(f.cid === undefined ? [] : [`CID: ${f.cid}`]),
      ...(f.kind === undefined ? [] : [`Kind: ${f.kind}`]),
    ],
    fix: (f) => CAR_PROBLEMS[f.problem][1],
  },
  STORAGE_IPFS_FAILED: {
    message: (f: {
      problem: 'roots' | 'url' | 'protocol' | 'request';
      node?: string | undefined;
      step?: string | undefined;
      /** HTTP status, system error code, `timed out`, `aborted` or the error's type. */
      why?: string | undefined;
      answered?: boolean | undefined;
      missing?: readonly string[] | undefined;
      extra?: readonly string[] | undefined;
      unpinned?: readonly string[] | undefined;
    }) =>
      f.problem === 'roots'
        ? 'The IPFS node did not report the roots it was sent as imported and pinned.'
        : f.problem === 'url'
          ? 'The IPFS API URL is not a valid URL.'
          : f.problem === 'protocol'
            ? 'The IPFS API URL must be http or https.'
            : `Publishing to the IPFS node failed at ${f.step} (${f.why}).`,
    meta: (f) => [
      ...(f.node === undefined ? [] : [`Node: ${f.node}`]),
      ...(f.missing ?? []).map((r) => `Not reported: ${r}`),
      ...(f.extra ?? []).map((r) => `Unexpected root: ${r}`),
      ...(f.unpinned ?? []).map((r) => `Not pinned: ${r}`),
    ],
    fix: (f) =>
      f.problem === 'roots'
        ? 'Check the node’s logs and disk space, then publish again.'
        : f.problem !== 'request'
          ? IPFS_URL_FIX
          : f.answered
            ? 'Check the node’s logs; check that the URL is its RPC API (port 5001, not the gateway) and that any credentials are right.'
            : 'Check that the Kubo node is running and that its RPC API is reachable at the --ipfs URL (default port 5001).',
  },
  STORAGE_ENCRYPTED_INVALID: {
    message: (f: {
      problem: keyof typeof ENCRYPTED_PROBLEMS;
      /** For `damaged`: what is wrong, in a few words. */
      why?: string | undefined;
      version?: number | undefined;
      algorithm?: number | undefined;
      segment?: number | undefined;
      last?: boolean | undefined;
    }) =>
      f.problem === 'damaged' && f.why
        ? `The encrypted file is damaged: ${f.why}.`
        : ENCRYPTED_PROBLEMS[f.problem][0],
    meta: (f) => [
      ...(f.problem === 'version' ? [`Format version: ${f.version}, algorithm: ${f.algorithm}`] : []),
      ...(f.segment === undefined ? [] : [`Segment: ${f.segment}${f.last ? ' (last)' : ''}`]),
    ],
    fix: (f) => ENCRYPTED_PROBLEMS[f.problem][1],
  },
  STORAGE_DECRYPT_FAILED: {
    message: () => 'The file does not decrypt with this key.',
    meta: () => ['The key check in the file header does not match the key given.'],
    fix: 'Use the dataset key the file was encrypted with (a consumer unwraps it from the wrapped key sent under the pledge). If the key is right, the file header was altered: fetch the file again by its CID.',
  },
  STORAGE_KEY_UNWRAP_FAILED: {
    message: (f: { problem: keyof typeof UNWRAP_PROBLEMS; recipient?: string | undefined }) =>
      UNWRAP_PROBLEMS[f.problem][0],
    meta: (f) => (f.recipient === undefined ? [] : [`Wrapped for: ${f.recipient}`]),
    fix: (f) => UNWRAP_PROBLEMS[f.problem][1],
  },
});

/**
 * Errors of the storage stage: blockstore, CAR files, the IPFS adapter, encryption at rest and
 * key wrapping. Fields name the step, a CID or an account address, never a data value, key or
 * credential.
 *
 * @example
 * throw new StorageError('STORAGE_BLOCK_NOT_FOUND', { cid: cid.toString() }, { cause: err });
 */
export class StorageError extends errorClass(storageErrors) {
  override name = 'StorageError';
}
export type StorageErrorType = StorageError & { name: 'StorageError' };
