import { createCipheriv, createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { create } from 'kubo-rpc-client';
import { describe, expect, it } from 'vitest';
import {
  addFile,
  openBlockstore,
  publishToIpfs,
  splitCredentials,
  writeCar,
} from '../../src/storage/index.js';
import { tempDir } from '../utils/tmp.js';

type Seen = { path: string; authorization: string | undefined; bodyBytes: number };

/** A local HTTP server that answers every request with an error, as a failing node would. */
async function errorServer(status: number): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let bodyBytes = 0;
    for await (const chunk of req) bodyBytes += (chunk as Buffer).length;
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, bodyBytes });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Message: 'failed to import: some detail', Code: 0, Type: 'error' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function sampleDag() {
  const d = await tempDir();
  const file = join(d, 'sample.bin');
  const key = createHash('sha256').update('ipfs-test').digest().subarray(0, 16);
  await writeFile(file, createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(1_000_000)));
  const blockstore = openBlockstore(join(d, 'blocks'));
  const cid = await addFile(blockstore, file);
  const car = await writeCar({ blockstore, roots: [cid], out: join(d, 'sample.car') });
  return { blockstore, cid, file, carBytes: car.bytes };
}

describe('Kubo RPC adapter: error paths against a local server', () => {
  it('an HTTP 500 from dag/import is STORAGE_IPFS_FAILED naming the step and status; credentials go in a header, never in the message', async () => {
    const { url, seen, server } = await errorServer(500);
    try {
      const { blockstore, cid, carBytes } = await sampleDag();
      const withCreds = url.replace('http://', 'http://alice:s3cr3t-pw@');
      const err = await publishToIpfs({ url: withCreds, blockstore, roots: [cid] }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'STORAGE_IPFS_FAILED',
        fields: { problem: 'request', step: 'dag/import', why: 'HTTP 500', node: url, answered: true },
      });
      const message = (err as Error).message;
      expect(message).not.toContain('s3cr3t');
      expect(message).not.toContain('alice');
      expect(message).not.toContain('some detail');
      expect(seen[0]?.path).toMatch(/^\/api\/v0\/dag\/import\?.*pin-roots=true/);
      expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('alice:s3cr3t-pw').toString('base64')}`);
      expect(seen[0]?.bodyBytes).toBeGreaterThan(carBytes); // the whole CAR, in a multipart body
    } finally {
      server.close();
    }
  });

  it('a 401 says HTTP 401 and points at credentials and the URL', async () => {
    const { url, server } = await errorServer(401);
    try {
      const { blockstore, cid } = await sampleDag();
      const err = await publishToIpfs({ url, blockstore, roots: [cid] }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'STORAGE_IPFS_FAILED',
        fields: { why: 'HTTP 401', answered: true },
        fix: expect.stringContaining('credentials'),
      });
    } finally {
      server.close();
    }
  });

  it('an unreachable node is STORAGE_IPFS_FAILED (ECONNREFUSED) with a fix', async () => {
    const { blockstore, cid } = await sampleDag();
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await publishToIpfs({ url, blockstore, roots: [cid] }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'STORAGE_IPFS_FAILED',
      fields: { problem: 'request', step: 'dag/import', why: 'ECONNREFUSED', answered: false },
    });
    expect(
      (err as Error).message.split('\n').slice(0, -1).join('\n').replace(url, 'URL'),
    ).toMatchInlineSnapshot(`
      "Publishing to the IPFS node failed at dag/import (ECONNREFUSED).

      Node: URL

      Fix: Check that the Kubo node is running and that its RPC API is reachable at the --ipfs URL (default port 5001)."
    `);
  });
});

// Opt-in: a real Kubo node, e.g. SINSO_IPFS_API=http://127.0.0.1:5001
const api = process.env['SINSO_IPFS_API'];
describe('Kubo RPC adapter against a real node', () => {
  it.skipIf(!api)('publishes a DAG, pinned, and the node serves the same bytes', async () => {
    const { blockstore, cid, file } = await sampleDag();
    const r = await publishToIpfs({ url: api as string, blockstore, roots: [cid] });
    expect(r.roots).toEqual([cid.toString()]);
    const { url, headers } = splitCredentials(api as string);
    const client = create({ url, headers });
    const chunks: Uint8Array[] = [];
    for await (const c of client.cat(cid)) chunks.push(c);
    const { readFile } = await import('node:fs/promises');
    expect(Buffer.concat(chunks).equals(await readFile(file))).toBe(true);
    const pins = [];
    for await (const p of client.pin.ls({ paths: [cid] })) pins.push(p);
    expect(pins.map((p) => p.cid.toString())).toEqual([cid.toString()]);
  });
});
