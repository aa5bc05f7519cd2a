import { create } from 'kubo-rpc-client';
import type { CID } from 'multiformats/cid';
import { isSinsoError } from '../core/errors/index.js';
import type { Blockstore } from './blockstore.js';
import { carStream } from './car.js';
import { StorageError } from './errors.js';

export type PublishToIpfsParameters = {
  /** The Kubo RPC API, e.g. http://127.0.0.1:5001 (credentials in the URL become a Basic header). */
  url: string;
  blockstore: Pick<Blockstore, 'get'>;
  /** Root CIDs whose complete DAGs are imported and pinned. */
  roots: readonly CID[];
  /** Give up after this many milliseconds (default 120,000). */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
};

export type PublishToIpfsReturnType = {
  /** The roots the node reported imported and pinned (the same as asked). */
  roots: string[];
  /** The API URL without credentials, for display. */
  node: string;
};

/**
 * Publishes DAGs from a blockstore to an IPFS node through the Kubo RPC API: streams one CAR of
 * the roots' complete DAGs to `dag/import` with the roots pinned, then checks that the node
 * reports exactly those roots, each pinned. Errors (STORAGE_IPFS_FAILED) name the step and HTTP
 * status, never content; credentials in the URL are never printed.
 *
 * @example
 * const r = await publishToIpfs({ url: 'http://127.0.0.1:5001', blockstore: blocks, roots: [cid] });
 */
export async function publishToIpfs(p: PublishToIpfsParameters): Promise<PublishToIpfsReturnType> {
  const { url, headers, display } = splitCredentials(p.url);
  const client = create({ url, headers, timeout: p.timeoutMs ?? 120_000 });
  const want = new Set(p.roots.map(String));
  const got = new Map<string, string | undefined>();
  try {
    const stream = carStream(p.blockstore, p.roots);
    for await (const { root } of client.dag.import([stream], {
      pinRoots: true,
      ...(p.signal === undefined ? {} : { signal: p.signal }),
    })) {
      got.set(root.cid.toString(), root.pinErrorMsg || undefined);
    }
  } catch (err) {
    throw isSinsoError(err) ? err : ipfsFailed('dag/import', display, err);
  }
  const missing = [...want].filter((r) => !got.has(r));
  const extra = [...got.keys()].filter((r) => !want.has(r));
  const unpinned = [...got].filter(([, e]) => e !== undefined).map(([r]) => r);
  if (missing.length > 0 || extra.length > 0 || unpinned.length > 0) {
    throw new StorageError('STORAGE_IPFS_FAILED', {
      problem: 'roots',
      node: display,
      missing,
      extra,
      unpinned,
    });
  }
  return { roots: [...want], node: display };
}

/**
 * The API URL without credentials (fetch refuses them in URLs), the Authorization header they
 * become, and a display form without credentials, query or fragment.
 *
 * @example
 * splitCredentials('https://user:pw@ipfs.example/api/v0').display; // https://ipfs.example/api/v0
 */
export function splitCredentials(raw: string): {
  url: URL;
  headers: Record<string, string>;
  display: string;
} {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new StorageError('STORAGE_IPFS_FAILED', { problem: 'url' }, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StorageError('STORAGE_IPFS_FAILED', { problem: 'protocol' });
  }
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const display = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  return { url, headers, display };
}

function ipfsFailed(step: string, node: string, err: unknown): StorageError {
  const status = (err as { response?: { status?: unknown } }).response?.status;
  const sys = systemCode(err);
  const name = err instanceof Error ? err.name : typeof err;
  const why =
    typeof status === 'number'
      ? `HTTP ${status}`
      : sys !== undefined
        ? sys
        : name === 'TimeoutError'
          ? 'timed out'
          : name === 'AbortError'
            ? 'aborted'
            : name;
  return new StorageError(
    'STORAGE_IPFS_FAILED',
    { problem: 'request', node, step, why, answered: typeof status === 'number' },
    { cause: err },
  );
}

/** ECONNREFUSED, ENOTFOUND… from a fetch failure's cause chain. */
function systemCode(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e !== undefined && e !== null && i < 5; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
