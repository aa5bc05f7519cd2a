import { z } from 'zod';
import { KdfPresetSchema } from './keystore.js';

/** `DIR/workspace.json`: what `sinso init` made. */
export const WorkspaceConfigSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-workspace'),
  kdf: KdfPresetSchema,
  /** Set when the keys were derived from a public demo seed (insecure; demo and tests only). */
  demo: z.boolean(),
  /**
   * The public seed of a demo workspace, so keys added later (per-dataset keys) are derived
   * from it too and a demo run reproduces byte for byte. Never set for a real workspace.
   */
  demoSeed: z.string().optional(),
});
export type WorkspaceConfig = z.infer<typeof WorkspaceConfigSchema>;
