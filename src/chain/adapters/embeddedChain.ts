import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { takePidLock } from '../../core/pidLock.js';
import { ChainError } from '../errors.js';

/** An EIP-1193 provider (what viem's `custom` transport takes). */
export type Eip1193 = { request(args: { method: string; params?: unknown }): Promise<unknown> };

/** The embedded chain's fixed parameters: the same journal replays to the same chain anywhere. */
export const EMBEDDED_CHAIN = {
  chainId: 31337,
  hardfork: 'cancun',
  /** The genesis block's time; blocks after it take the command's clock (recorded). */
  genesisTime: '2026-01-01T00:00:00Z',
} as const;

const Header = z.strictObject({
  kind: z.literal('sinso-chain-journal'),
  schema: z.literal('1'),
  chainId: z.number().int(),
  hardfork: z.string(),
  genesisTime: z.string(),
});
const Entry = z.union([
  z.strictObject({
    n: z.number().int().min(1),
    t: z.number().int(),
    tx: z.string().regex(/^0x[0-9a-f]+$/),
    block: z.string().regex(/^0x[0-9a-f]{64}$/),
  }),
  z.strictObject({
    n: z.number().int().min(1),
    fund: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    wei: z.string().regex(/^[0-9]+$/),
  }),
]);
type Entry = z.infer<typeof Entry>;

/** Methods that change the chain other than by a transaction: only sinso's own faucet may. */
const FORBIDDEN = /^(evm_|hardhat_|anvil_|debug_setHead|miner_|personal_)/;

export type EmbeddedChain = {
  /** The chain as an EIP-1193 provider; a raw transaction is journaled once mined. */
  provider: Eip1193;
  /** Transactions and faucet entries in the journal. */
  entries(): number;
  /**
   * Sets an account's balance to `wei` if it holds less (the embedded chain is a development
   * chain: accounts are funded for gas), journaled like a transaction.
   */
  fund(address: `0x${string}`, wei: bigint): Promise<void>;
  /** Releases the chain (and its lock). */
  close(): Promise<void>;
};

/**
 * Opens the workspace's embedded EVM (Hardhat 3's EDR, in this process): the chain is a journal
 * of the signed transactions mined on it (chain/embedded/journal.ndjson), each with its block
 * time and resulting block hash, replayed at start. A transaction is appended (and fsynced) only
 * after it was mined, as one line: a kill at any moment leaves the chain before it or after it; a
 * torn last line is cut off at the next start; a line that does not replay to its recorded block
 * is a CHAIN_JOURNAL_CORRUPT error, never silently skipped. One process at a time holds the
 * chain (a lock file with its pid; a stale lock of a dead process is taken over).
 *
 * @example
 * const chain = await openEmbeddedChain({ dir: ws.paths.chain, clock: systemClock });
 * try {
 *   const client = createPublicClient({ transport: custom(chain.provider) });
 * } finally {
 *   await chain.close();
 * }
 */
export async function openEmbeddedChain(p: { dir: string; clock: Clock }): Promise<EmbeddedChain> {
  const dir = join(p.dir, 'embedded');
  await mkdir(dir, { recursive: true });
  // one process at a time; a live holder is waited for 10 s
  const lock = await takePidLock(join(dir, 'lock'), { waitMs: 10_000, ownPid: 'held' });
  if ('heldBy' in lock) throw new ChainError('CHAIN_BUSY', { pid: lock.heldBy });
  const release = lock.release;
  try {
    return await openLocked(dir, p.clock, release);
  } catch (err) {
    await release();
    throw err;
  }
}

async function openLocked(dir: string, clock: Clock, release: () => Promise<void>): Promise<EmbeddedChain> {
  const journalPath = join(dir, 'journal.ndjson');
  const { entries, header } = await readJournal(journalPath);
  const { createHardhatRuntimeEnvironment } = await import('hardhat/hre');
  const hre = await createHardhatRuntimeEnvironment({
    networks: {
      default: {
        type: 'edr-simulated',
        chainId: header.chainId,
        hardfork: header.hardfork,
        initialDate: header.genesisTime,
        accounts: [],
        loggingEnabled: false,
      },
    },
  });
  const connection = await hre.network.connect();
  const inner = connection.provider as unknown as Eip1193;
  let lastTime = Math.floor(Date.parse(header.genesisTime) / 1000);
  const rpc = (method: string, params: unknown[] = []) => inner.request({ method, params });
  // replay; each block's hash covers its parent's, so checking the last transaction's block
  // checks them all (a mismatch is reported at the last entry: the journal holds the chain only
  // as a whole)
  let lastTx: Extract<Entry, { tx: string }> | undefined;
  for (const e of entries) {
    if ('fund' in e) {
      await rpc('hardhat_setBalance', [e.fund, `0x${BigInt(e.wei).toString(16)}`]);
      continue;
    }
    await rpc('evm_setNextBlockTimestamp', [`0x${e.t.toString(16)}`]);
    try {
      await rpc('eth_sendRawTransaction', [e.tx]);
    } catch {
      throw new ChainError('CHAIN_JOURNAL_CORRUPT', {
        entry: e.n,
        problem: 'is a transaction the chain refuses',
      });
    }
    lastTime = e.t;
    lastTx = e;
  }
  if (lastTx) {
    const block = (await rpc('eth_getBlockByNumber', ['latest', false])) as { hash: string };
    if (block.hash !== lastTx.block) {
      throw new ChainError('CHAIN_JOURNAL_CORRUPT', {
        entry: lastTx.n,
        problem: 'does not give its recorded block (this entry or one before it was changed)',
      });
    }
  }
  let count = entries.length;
  const fd = openSync(journalPath, 'a');
  const append = (entry: Entry | z.infer<typeof Header>) => {
    writeSync(fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(fd);
  };
  if (!header.existed) {
    append({
      kind: 'sinso-chain-journal',
      schema: '1',
      chainId: header.chainId,
      hardfork: header.hardfork,
      genesisTime: header.genesisTime,
    });
  }
  // one request at a time: a transaction's block time, mining and journal line belong together
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(f, f);
    queue = next.catch(() => {});
    return next;
  };
  const provider: Eip1193 = {
    request: (args) =>
      serial(async () => {
        if (FORBIDDEN.test(args.method)) {
          throw Object.assign(new Error(`${args.method} is not available on the sinso embedded chain`), {
            code: -32601,
          });
        }
        if (args.method !== 'eth_sendRawTransaction') return inner.request(args);
        const t = Math.max(lastTime + 1, Math.floor(clock.now().getTime() / 1000));
        await rpc('evm_setNextBlockTimestamp', [`0x${t.toString(16)}`]);
        const hash = await inner.request(args);
        const block = (await rpc('eth_getBlockByNumber', ['latest', false])) as { hash: string };
        const raw = (args.params as string[])[0] as string;
        append({ n: ++count, t, tx: raw.toLowerCase(), block: block.hash });
        lastTime = t;
        return hash;
      }),
  };
  return {
    provider,
    entries: () => count,
    fund: (address, wei) =>
      serial(async () => {
        const balance = BigInt((await rpc('eth_getBalance', [address, 'latest'])) as string);
        if (balance >= wei) return;
        await rpc('hardhat_setBalance', [address, `0x${wei.toString(16)}`]);
        append({ n: ++count, fund: address, wei: wei.toString() });
      }),
    async close() {
      await queue;
      closeSync(fd);
      await connection.close?.();
      await release();
    },
  };
}

/** Reads the journal, cutting off a torn last line (a write a kill interrupted). */
async function readJournal(
  path: string,
): Promise<{ entries: Entry[]; header: z.infer<typeof Header> & { existed: boolean } }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
    return {
      entries: [],
      header: { kind: 'sinso-chain-journal', schema: '1', ...EMBEDDED_CHAIN, existed: false },
    };
  }
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) {
    await truncate(path, Buffer.byteLength(text.slice(0, end)));
    text = text.slice(0, end);
  }
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0) {
    return {
      entries: [],
      header: { kind: 'sinso-chain-journal', schema: '1', ...EMBEDDED_CHAIN, existed: false },
    };
  }
  const parse = <T>(schema: z.ZodType<T>, line: string, n: number): T => {
    try {
      return schema.parse(JSON.parse(line));
    } catch {
      throw new ChainError('CHAIN_JOURNAL_CORRUPT', { entry: n, problem: 'is not a journal line' });
    }
  };
  const header = parse(Header, lines[0] as string, 0);
  const entries = lines.slice(1).map((l, i) => parse(Entry, l, i + 1));
  entries.forEach((e, i) => {
    if (e.n !== i + 1)
      throw new ChainError('CHAIN_JOURNAL_CORRUPT', { entry: i + 1, problem: 'is out of order' });
  });
  return { entries, header: { ...header, existed: true } };
}
