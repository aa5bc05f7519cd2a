import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { wrapIoError } from '../core/errors/index.js';
import { takePidLock } from '../core/pidLock.js';
import type { Workspace } from '../core/workspace.js';
import { ReceiptError } from './errors.js';
import { type EpochFile, EpochFileSchema, type ReceiptFile, ReceiptFileSchema } from './record.js';

/**
 * The receipt store of one chain in a workspace: `receipts/<chain>/` with
 * `pledge-<id>/<seq>.json` (countersigned receipts, one hash chain per pledge), `pending/`
 * (signed by the compute node, waiting for the consumer), `evidence/<sha256>.json` (the job
 * outputs the receipts' hashes are of) and `epochs/` (closed epochs, anchored on chain). Every
 * file is written once (a temporary file hard-linked into place, which fails if the name is
 * taken) and never rewritten.
 */
export function receiptStoreDir(workspace: Pick<Workspace, 'paths'>, chainKey: string): string {
  return join(workspace.paths.receipts, chainKey.replace(':', '-'));
}

const seqName = (seq: number) => `${String(seq).padStart(6, '0')}.json`;
export const receiptPath = (dir: string, pledgeId: string, seq: number) =>
  join(dir, `pledge-${pledgeId}`, seqName(seq));
export const pendingPath = (dir: string, pledgeId: string, seq: number) =>
  join(dir, 'pending', `pledge-${pledgeId}-${seqName(seq)}`);
export const evidencePath = (dir: string, sha256: string) => join(dir, 'evidence', `${sha256}.json`);
export const epochPath = (dir: string, issuer: string, epoch: number) =>
  join(dir, 'epochs', `${issuer.toLowerCase()}-${String(epoch).padStart(6, '0')}.json`);

/**
 * Writes `data` to `path` once: a complete temporary file hard-linked into place (atomic, and
 * refused if the name exists). The same bytes there already are fine (a rerun); other bytes are
 * a RECEIPT_STORE_CORRUPT error — nothing in the store is ever overwritten.
 */
export async function writeOnce(path: string, data: string | Uint8Array): Promise<'written' | 'existed'> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.sinso-tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data, { flush: true });
    try {
      await link(tmp, path);
      return 'written';
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  } catch (err) {
    if (err instanceof ReceiptError) throw err;
    throw wrapIoError(
      err,
      'Writing the receipt store',
      'Check that the workspace is writable and the disk is not full.',
    );
  } finally {
    await rm(tmp, { force: true });
  }
  const have = await readFile(path);
  const want = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  if (!have.equals(want)) {
    throw new ReceiptError('RECEIPT_STORE_CORRUPT', {
      file: relativeName(path),
      problem: 'exists with other content (a receipt is never rewritten)',
    });
  }
  return 'existed';
}

/** The last two path segments (what a message may name: no workspace path). */
function relativeName(path: string): string {
  return path.split(/[\\/]/).slice(-2).join('/');
}

/** Serialises writers of one store (receipt numbering is per pledge chain). */
export async function lockStore<T>(dir: string, f: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = await takePidLock(join(dir, 'lock'), { waitMs: 30_000, ownPid: 'stale' });
  if ('heldBy' in lock) {
    throw new ReceiptError('RECEIPT_STORE_CORRUPT', {
      file: 'lock',
      problem: `is held by another sinso process (pid ${lock.heldBy}) for more than 30 s`,
    });
  }
  try {
    return await f();
  } finally {
    await lock.release();
  }
}

/** A store file's JSON; unreadable or not JSON is RECEIPT_STORE_CORRUPT. */
async function readStoreJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new ReceiptError(
      'RECEIPT_STORE_CORRUPT',
      { file: relativeName(path), problem: 'is not JSON' },
      { cause },
    );
  }
}

/** Reads and checks one receipt file (schema; its name matches its pledge and place). */
export async function readReceiptFile(path: string): Promise<ReceiptFile> {
  const r = ReceiptFileSchema.safeParse(await readStoreJson(path));
  if (!r.success) {
    throw new ReceiptError('RECEIPT_STORE_CORRUPT', {
      file: relativeName(path),
      problem: `is not a usage receipt (${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? ''})`,
    });
  }
  return r.data;
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

/** The pledge ids with receipts in the store, in numeric order. */
export async function storedPledges(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .map((n) => /^pledge-(\d+)$/.exec(n)?.[1])
    .filter((x): x is string => x !== undefined)
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}

/** A pledge's countersigned receipts, in chain order (as stored; `sinso audit` checks the chain). */
export async function readPledgeReceipts(dir: string, pledgeId: string): Promise<ReceiptFile[]> {
  const folder = join(dir, `pledge-${pledgeId}`);
  const out: ReceiptFile[] = [];
  for (const n of await names(folder)) out.push(await readReceiptFile(join(folder, n)));
  return out.sort((a, b) => a.seq - b.seq);
}

/** Receipts waiting for the consumer's countersignature, by pledge then sequence. */
export async function readPendingReceipts(dir: string): Promise<ReceiptFile[]> {
  const folder = join(dir, 'pending');
  const out: ReceiptFile[] = [];
  for (const n of await names(folder)) out.push(await readReceiptFile(join(folder, n)));
  return out.sort((a, b) =>
    a.receipt.pledgeId === b.receipt.pledgeId
      ? a.seq - b.seq
      : BigInt(a.receipt.pledgeId) < BigInt(b.receipt.pledgeId)
        ? -1
        : 1,
  );
}

/** Every countersigned receipt of the store, by pledge then sequence. */
export async function readAllReceipts(dir: string): Promise<ReceiptFile[]> {
  const out: ReceiptFile[] = [];
  for (const id of await storedPledges(dir)) out.push(...(await readPledgeReceipts(dir, id)));
  return out;
}

/** The closed epochs of the store (every issuer), oldest first per issuer. */
export async function readEpochs(dir: string): Promise<EpochFile[]> {
  const folder = join(dir, 'epochs');
  const out: EpochFile[] = [];
  for (const n of await names(folder)) {
    const path = join(folder, n);
    const r = EpochFileSchema.safeParse(await readStoreJson(path));
    if (!r.success) {
      throw new ReceiptError('RECEIPT_STORE_CORRUPT', {
        file: relativeName(path),
        problem: 'is not a receipt epoch',
      });
    }
    out.push(r.data);
  }
  return out.sort((a, b) => (a.issuer === b.issuer ? a.epoch - b.epoch : a.issuer < b.issuer ? -1 : 1));
}

/** A receipt file's bytes as the store writes them (canonical field order, two-space JSON). */
export function receiptFileText(r: ReceiptFile): string {
  return `${JSON.stringify(ReceiptFileSchema.parse(r), null, 2)}\n`;
}
