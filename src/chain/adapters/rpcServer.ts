import { createServer, type Server } from 'node:http';
import type { Eip1193 } from './embeddedChain.js';

/** The most a JSON-RPC request body may be. */
const MAX_BODY = 8 << 20;

type RpcRequest = { jsonrpc?: string; id?: unknown; method?: unknown; params?: unknown };

/**
 * Serves an EIP-1193 provider (the embedded chain) as JSON-RPC over HTTP on 127.0.0.1 (single
 * requests and batches), for wallets and other tools. Errors are answered as JSON-RPC errors with
 * the provider's code and message (a revert's data included, so clients decode custom errors).
 *
 * @example
 * const server = await serveChain(chain.provider, { port: 8545 });
 * // … later
 * server.close();
 */
export async function serveChain(provider: Eip1193, p: { port: number; host?: string }): Promise<Server> {
  const answer = async (r: RpcRequest) => {
    const id = r.id ?? null;
    if (typeof r.method !== 'string') {
      return { jsonrpc: '2.0', id, error: { code: -32600, message: 'invalid request' } };
    }
    try {
      const result = await provider.request({ method: r.method, params: r.params ?? [] });
      return { jsonrpc: '2.0', id, result: result ?? null };
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown; data?: unknown };
      return {
        jsonrpc: '2.0',
        id,
        error: {
          code: typeof e.code === 'number' ? e.code : -32603,
          message: typeof e.message === 'string' ? e.message.split('\n')[0] : 'internal error',
          ...(e.data !== undefined ? { data: e.data } : {}),
        },
      };
    }
  };
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', async () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }),
        );
        return;
      }
      const out = Array.isArray(body)
        ? await Promise.all(body.map((r) => answer(r as RpcRequest)))
        : await answer(body as RpcRequest);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p.port, p.host ?? '127.0.0.1', () => resolve());
  });
  return server;
}
