import { z } from 'zod';
import { openChain, openMarket } from '../../chain/index.js';
import { ExitCode } from '../../core/errors/index.js';
import { isWorkspace } from '../../core/workspace.js';
import {
  CIRCUITS,
  checkBundle,
  ensureCircuit,
  PINNED_KEYS_DIR,
  parseProofBundle,
  readProofJson,
  readVerificationKeys,
  releaseCurves,
  type VerifyBundleReturnType,
  writeVerificationKey,
} from '../../zk/index.js';
import { defineCommand } from '../command.js';
import { formatTable } from '../format.js';
import { verifyJobFile } from './train.js';

export const verifyCommand = defineCommand({
  path: ['verify'],
  summary:
    'Check a ZK proof bundle (every chunk proof, the coverage, the result, the root on chain) or a training job’s rows',
  description:
    'Runs, in order: format, encoding (the public column encoding hashes to the committed encoding hash), query (the query hash every proof is bound to), root, on-chain-root (the DataNFT stores this root for the bundle’s token version; read from the workspace’s chain or --rpc), chunks (every chunk once, in order), proofs (Groth16, against the pinned verification keys), result (the sum of the chunk results). Exit 0 valid, 3 invalid (naming the check), 1 for a file that is not a bundle. Given a training job’s job.json, checks instead: commitment (each dataset’s published commitment, fetched by manifest CID from the workspace blockstore, holds together), root (it is the job’s), on-chain-root (the DataNFT stores it for the token version), rows (every range lies inside its committed table and the counts add up).',
  options: z.strictObject({
    proof: z
      .string()
      .min(1)
      .describe('The proof bundle (`sinso query zk --out`), or a training job’s job.json'),
    rpc: z.string().url().optional().describe('An EVM JSON-RPC endpoint to read the DataNFT root from'),
    keys: z
      .string()
      .min(1)
      .optional()
      .describe('A folder of verification keys (default: the keys pinned in circuits/keys)'),
    offline: z
      .boolean()
      .default(false)
      .describe('Skip the on-chain root check (the bundle is checked against itself only)'),
  }),
  positional: { key: 'proof', name: 'PROOF', many: false },
  examples: ['sinso verify proof.json', 'sinso verify proof.json --rpc http://127.0.0.1:8545'],
  async run(ctx, o) {
    // read once: a training job's record is checked against the commitments and the chain instead
    const file = await readProofJson(o.proof);
    if (file.kind === 'sinso-train-job') {
      return verifyJobFile(ctx, { file: o.proof, rpc: o.rpc, offline: o.offline }, file);
    }
    const bundle = parseProofBundle(file);
    const token = bundle.dataset.token;
    let onChainRoot: ((t: NonNullable<typeof token>) => Promise<string | undefined>) | undefined;
    let chainProblem: string | undefined;
    if (token && !o.offline) {
      if (o.rpc === undefined && !(await isWorkspace(ctx.globals.workspace))) {
        chainProblem = 'no chain to read the DataNFT from: pass --rpc URL or --workspace DIR (or --offline)';
      } else {
        onChainRoot = async (t) => {
          const chain = await openChain({
            chainDir: `${ctx.globals.workspace}/chain`,
            rpc: o.rpc,
            clock: ctx.clock,
          });
          try {
            if (
              chain.chainId !== t.chainId ||
              chain.deployment?.dataNft.toLowerCase() !== t.dataNft.toLowerCase()
            ) {
              chainProblem = 'the bundle names another chain or DataNFT contract than the deployment here';
              return undefined;
            }
            const market = openMarket(chain);
            const count = await market.versionCount(BigInt(t.tokenId)).catch(() => 0n);
            if (BigInt(t.version) >= count) return undefined;
            return (await market.versionOf(BigInt(t.tokenId), BigInt(t.version)))[0];
          } finally {
            await chain.close();
          }
        };
      }
    }
    const r: VerifyBundleReturnType | { ok: false; failed: 'on-chain-root'; reason: string } = chainProblem
      ? { ok: false, failed: 'on-chain-root', reason: chainProblem }
      : await checkBundle({ bundle, keysDir: o.keys, onChainRoot });
    const reason = !r.ok ? (chainProblem ?? r.reason) : undefined;
    if (!r.ok) {
      ctx.io.stderr(`invalid: ${r.failed}: ${reason}\n`);
      ctx.print(`invalid (check: ${r.failed})`, { ok: false, failed: r.failed, reason });
      return ExitCode.invalid;
    }
    ctx.print(
      formatTable([
        ['valid', `${bundle.chunks.length} chunk proofs`],
        ['checks', r.checks.join(', ')],
        ['dataset root', bundle.dataset.root],
        [
          'token',
          token
            ? `${token.tokenId} version ${token.version}${onChainRoot ? ' (on chain)' : ' (not checked: --offline)'}`
            : '(none)',
        ],
        ['query', bundle.query.sql],
        ['COUNT(*)', bundle.result.count],
        ['SUM', bundle.result.sum ?? '-'],
        ['AVG', bundle.result.avg === null ? '-' : String(bundle.result.avg)],
      ]),
      { ok: true, checks: r.checks, root: bundle.dataset.root, result: bundle.result },
    );
    return ExitCode.ok;
  },
});

export const zkBuildCommand = defineCommand({
  path: ['zk', 'build'],
  summary: 'Compile the ZK circuits and make their proving and verification keys (cached by source hash)',
  description:
    'Compiles each circuit of the catalogue with circom2 and makes its Groth16 keys into .cache/zk. Without --ptau the powers of tau is an INSECURE one made here from a public seed (anyone can forge proofs under it: tests and demos only); with --ptau FILE a public ceremony’s prepared file. --pin writes the verification keys into circuits/keys (what `sinso verify` trusts by default).',
  options: z.strictObject({
    ptau: z.string().min(1).optional().describe('A public ceremony’s prepared powers of tau (.ptau)'),
    pin: z.boolean().default(false).describe('Write the verification keys into circuits/keys'),
  }),
  examples: ['sinso zk build', 'sinso zk build --ptau powersOfTau28_hez_final_16.ptau'],
  async run(ctx, o) {
    const pinned = await readVerificationKeys();
    const rows: string[][] = [['circuit', 'source', 'verification key', 'pinned']];
    const json: Record<string, unknown>[] = [];
    for (const c of CIRCUITS) {
      const a = await ensureCircuit(c, {
        setup: o.ptau === undefined ? undefined : { kind: 'ptau', file: o.ptau },
        progress: ctx.progress,
      });
      if (o.pin) await writeVerificationKey(PINNED_KEYS_DIR, c.name, a.verificationKey);
      const same = o.pin || pinned.get(c.name)?.sha256 === a.vkSha256;
      rows.push([c.name, a.sourceSha256.slice(0, 16), a.vkSha256.slice(0, 16), same ? 'yes' : 'no']);
      json.push({ circuit: c.name, sourceSha256: a.sourceSha256, vkSha256: a.vkSha256, pinned: same });
    }
    await releaseCurves();
    ctx.print(formatTable(rows), json);
    return ExitCode.ok;
  },
});
