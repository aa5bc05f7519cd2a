import { z } from 'zod';
import { KdfPresetSchema } from '../../core/schemas/keystore.js';
import { initWorkspace } from '../../core/workspace.js';
import { defineCommand } from '../command.js';
import { formatTable } from '../format.js';

export const initCommand = defineCommand({
  path: ['init'],
  summary:
    'Create a workspace: folders, encrypted keys for owner, consumer, compute, and the pseudonymisation secret',
  options: z.strictObject({
    kdf: KdfPresetSchema.default('standard').describe(
      'Keystore scrypt cost: standard, or light (tests and demos only)',
    ),
    demoSeed: z
      .string()
      .min(1)
      .optional()
      .describe('INSECURE: derive every key from this public seed (reproducible demos and tests only)'),
  }),
  examples: ['SINSO_PASSPHRASE=… sinso init', 'sinso init --workspace /data/hospital-a/.sinso'],
  async run(ctx, o) {
    if (o.demoSeed !== undefined)
      ctx.log.warn('keys derived from a public demo seed are not secret: never use them for real data');
    const ws = await initWorkspace({
      dir: ctx.globals.workspace,
      passphrase: ctx.passphrase,
      kdf: o.kdf,
      demoSeed: o.demoSeed,
    });
    const keys = await ws.listKeys();
    ctx.print(
      `Created workspace ${ws.paths.root}\n\n${formatTable(
        keys.map((k) => [k.name, k.kind, k.fingerprint]),
        ['key', 'kind', 'address / fingerprint'],
      )}`,
      { workspace: ws.paths.root, keys },
    );
    return 0;
  },
});
