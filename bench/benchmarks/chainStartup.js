// @ts-check
/**
 * The start-up of a chain command on a workspace whose embedded chain holds `--transactions`
 * transactions (default 10,000 mints): opening the chain (EDR, journal replay) and closing it, as
 * every command does. The journal is generated once and cached under bench/out/.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFunctionData } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { openChain } from '../../dist/chain/connect.js';
import { dataNftAbi } from '../../dist/chain/contracts.generated.js';
import { deployContracts } from '../../dist/chain/market.js';
import { systemClock } from '../../dist/core/clock.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = privateKeyToAccount(`0x${'11'.repeat(32)}`);
const CID = 'bafkreiglqjrkxwmxwrxrr6utijwgqohx76j6cql7lapv7j63xpgyyfmfnm';

/** A chain folder with `n` mints after the deployment, made once. */
async function chainWith(/** @type {number} */ n) {
  const dir = join(root, 'bench/out', `chain-${n}`);
  if (existsSync(join(dir, 'deployments.json'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`generating a chain of ${n} transactions (cached in bench/out/)…\n`);
  const chain = await openChain({ chainDir: dir, clock: systemClock });
  try {
    const { gas: _gas, ...d } = await deployContracts(chain, owner);
    let nonce = await chain.client.getTransactionCount({ address: owner.address });
    const fees = { maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n };
    for (let i = 0; i < n; i++) {
      const data = encodeFunctionData({
        abi: dataNftAbi,
        functionName: 'mint',
        args: [owner.address, CID, `0x${(i + 1).toString(16).padStart(64, '0')}`],
      });
      const raw = await owner.signTransaction({
        chainId: chain.chainId,
        type: 'eip1559',
        to: d.dataNft,
        data,
        nonce: nonce++,
        gas: 300_000n,
        ...fees,
      });
      await chain.embedded?.provider.request({ method: 'eth_sendRawTransaction', params: [raw] });
    }
    await chain.saveDeployment(d);
  } finally {
    await chain.close();
  }
  return dir;
}

/** @type {import('../types.js').Workload<{ dir: string, tmp: string }>} */
export const chainStartup = {
  name: 'startup',
  description: 'a chain command’s start-up: open the embedded chain (replay its journal) and close it',
  async setup(p) {
    const tmp = mkdtempSync(join(tmpdir(), 'sinso-bench-chain-'));
    cpSync(await chainWith(Number(p.transactions)), join(tmp, 'chain'), { recursive: true });
    return { dir: join(tmp, 'chain'), tmp };
  },
  async run(p, s) {
    const chain = await openChain({ chainDir: s.dir, clock: systemClock });
    const entries = chain.embedded?.entries() ?? 0;
    await chain.close();
    return {
      units: 1,
      unit: 'start-ups',
      extra: { transactions: Number(p.transactions), journalEntries: entries },
    };
  },
  teardown: (_p, s) => rmSync(s.tmp, { recursive: true, force: true }),
};
