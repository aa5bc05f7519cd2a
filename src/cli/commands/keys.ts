import { z } from 'zod';
import { KeyMetaSchema } from '../../core/schemas/keystore.js';
import { addKey } from '../../core/workspace.js';
import { defineCommand, requireWorkspace } from '../command.js';
import { formatTable } from '../format.js';

export const keysListCommand = defineCommand({
  path: ['keys', 'list'],
  summary: 'List the workspace keys: names, kinds, addresses and fingerprints only',
  options: z.strictObject({}),
  examples: ['sinso keys list', 'sinso keys list --json'],
  async run(ctx) {
    const ws = await requireWorkspace(ctx);
    const keys = await ws.listKeys();
    ctx.print(
      formatTable(
        keys.map((k) => [k.name, k.kind, k.fingerprint, k.insecureDemo ? 'demo key (insecure)' : '']),
        ['key', 'kind', 'address / fingerprint', ''],
      ),
      keys,
    );
    return 0;
  },
});

export const keysNewCommand = defineCommand({
  path: ['keys', 'new'],
  summary: 'Add a key to the workspace (e.g. a second owner identity)',
  options: z.strictObject({
    name: KeyMetaSchema.shape.name.describe('Key name: lowercase letters, digits and -'),
    kind: KeyMetaSchema.shape.kind
      .default('evm')
      .describe('evm (secp256k1 account) or secret (32 random bytes)'),
  }),
  examples: ['sinso keys new --name owner-2', 'sinso keys new --name dataset-key --kind secret'],
  async run(ctx, o) {
    const ws = await requireWorkspace(ctx);
    const meta = await addKey(ws, { name: o.name, kind: o.kind, passphrase: ctx.passphrase });
    ctx.print(
      formatTable([[meta.name, meta.kind, meta.fingerprint]], ['key', 'kind', 'address / fingerprint']),
      meta,
    );
    return 0;
  },
});
