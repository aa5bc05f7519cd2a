import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/fs.js';

/** What `sinso mint` recorded of a token it minted: how to find its dataset key and files. */
export const MintedTokenSchema = z.strictObject({
  tokenId: z.string(),
  manifestCid: z.string(),
  commitmentRoot: z.string(),
  /** The keystore name of the dataset key (never the key). */
  datasetKey: z.string(),
  name: z.string(),
  tx: z.string(),
});
export type MintedToken = z.infer<typeof MintedTokenSchema>;

const MintedFileSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-minted-tokens'),
  /** Per chain (the key of chain/deployments.json), per token id. */
  chains: z.record(z.string(), z.record(z.string(), MintedTokenSchema)),
});

/** chain/minted.json of the workspace: the tokens this workspace minted, per chain. */
export async function readMinted(chainDir: string): Promise<z.infer<typeof MintedFileSchema>> {
  try {
    return MintedFileSchema.parse(JSON.parse(await readFile(join(chainDir, 'minted.json'), 'utf8')));
  } catch {
    return { schema: '1', kind: 'sinso-minted-tokens', chains: {} };
  }
}

/** Records a minted token (atomically). */
export async function recordMinted(chainDir: string, chainKey: string, t: MintedToken): Promise<void> {
  const all = await readMinted(chainDir);
  all.chains[chainKey] = { ...(all.chains[chainKey] ?? {}), [t.tokenId]: t };
  await writeFileAtomic(join(chainDir, 'minted.json'), `${JSON.stringify(all, null, 2)}\n`);
}
