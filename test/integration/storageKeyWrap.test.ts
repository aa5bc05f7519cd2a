import { describe, expect, it } from 'vitest';
import { unwrapKey, wrapKey } from '../../src/storage/index.js';
import { withWorkspace } from '../utils/workspace.js';

describe('ECIES key wrapping with a workspace', () => {
  it('works with the workspace keyring: wrap for `consumer`, unwrap with its private key', async () => {
    await withWorkspace(async (ws) => {
      const keys = await ws.keys();
      const account = await keys.account('consumer');
      const key = await keys.ensureSecret('dataset-demo');
      const wrapped = wrapKey({ key, recipientPublicKey: account.publicKey });
      expect(wrapped.recipient).toBe(account.address);
      expect(
        Buffer.from(unwrapKey(await keys.evmPrivateKey('consumer'), wrapped)).equals(Buffer.from(key)),
      ).toBe(true);
      await expect(async () => unwrapKey(await keys.evmPrivateKey('owner'), wrapped)).rejects.toMatchObject({
        code: 'STORAGE_KEY_UNWRAP_FAILED',
      });
    });
  });
});
