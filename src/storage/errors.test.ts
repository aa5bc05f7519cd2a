import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { StorageError } from './errors.js';

const cid = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';

it('renders every storage error code', () => {
  expect(
    renderErrorSamples(StorageError, {
      STORAGE_BLOCK_NOT_FOUND: { cid },
      STORAGE_CID_MISMATCH: { cid },
      STORAGE_CAR_INVALID: { problem: 'not-a-file', cid, kind: 'directory' },
      STORAGE_IPFS_FAILED: {
        problem: 'request',
        node: 'http://127.0.0.1:5001',
        step: 'dag/import',
        why: 'ECONNREFUSED',
      },
      STORAGE_ENCRYPTED_INVALID: { problem: 'segment', segment: 3, last: true },
      STORAGE_DECRYPT_FAILED: {},
      STORAGE_KEY_UNWRAP_FAILED: {
        problem: 'other-account',
        recipient: '0x0000000000000000000000000000000000000001',
      },
    }),
  ).toMatchInlineSnapshot(`
    "[STORAGE_BLOCK_NOT_FOUND]
    A block is not in the blockstore.

    CID: bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku

    Fix: Import the file again (\`sinso car FILE...\`) or import its CAR file.

    [STORAGE_CID_MISMATCH]
    A block does not match its CID: its bytes were changed or damaged.

    CID: bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku

    Fix: Delete the damaged block file and import the file (or its CAR) again.

    [STORAGE_CAR_INVALID]
    The CID is not a file.

    CID: bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku
    Kind: directory

    Fix: Give the root CID of a file.

    [STORAGE_IPFS_FAILED]
    Publishing to the IPFS node failed at dag/import (ECONNREFUSED).

    Node: http://127.0.0.1:5001

    Fix: Check that the Kubo node is running and that its RPC API is reachable at the --ipfs URL (default port 5001).

    [STORAGE_ENCRYPTED_INVALID]
    The encrypted file was altered, truncated or reordered: a segment fails authentication.

    Segment: 3 (last)

    Fix: Fetch the file again by its CID, or encrypt it again from the source.

    [STORAGE_DECRYPT_FAILED]
    The file does not decrypt with this key.

    The key check in the file header does not match the key given.

    Fix: Use the dataset key the file was encrypted with (a consumer unwraps it from the wrapped key sent under the pledge). If the key is right, the file header was altered: fetch the file again by its CID.

    [STORAGE_KEY_UNWRAP_FAILED]
    The wrapped key is for another account.

    Wrapped for: 0x0000000000000000000000000000000000000001

    Fix: Unwrap with the private key of the account it was wrapped for (\`sinso keys list\` shows the addresses), or ask the data owner to wrap the key again."
  `);
  expect(
    [
      new StorageError('STORAGE_CID_MISMATCH', { cid, multihash: 0x1b }),
      new StorageError('STORAGE_IPFS_FAILED', {
        problem: 'roots',
        node: 'http://127.0.0.1:5001',
        missing: [cid],
      }),
      new StorageError('STORAGE_ENCRYPTED_INVALID', { problem: 'version', version: 2, algorithm: 1 }),
      new StorageError('STORAGE_ENCRYPTED_INVALID', { problem: 'damaged', why: 'its header is cut short' }),
    ]
      .map((e) => e.message.split('\n').slice(0, -1).join('\n'))
      .join('\n\n'),
  ).toMatchInlineSnapshot(`
    "A block uses a hash function sinso does not check.

    Multihash code: 0x1b

    Fix: Use CIDs with sha2-256, as sinso and \`ipfs add\` make them.

    The IPFS node did not report the roots it was sent as imported and pinned.

    Node: http://127.0.0.1:5001
    Not reported: bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku

    Fix: Check the node’s logs and disk space, then publish again.

    The encrypted file is in a format version this sinso does not read.

    Format version: 2, algorithm: 1

    Fix: Upgrade sinso to a version that reads it.

    The encrypted file is damaged: its header is cut short.

    Fix: Fetch the file again by its CID, or encrypt it again from the source."
  `);
});
