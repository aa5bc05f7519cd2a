import { type ChildProcess, spawn } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGrant } from '../../src/chain/index.js';
import { fixedPassphrase } from '../../src/core/passphrase.js';
import { openWorkspace } from '../../src/core/workspace.js';
import { unwrapKey } from '../../src/storage/index.js';
import { binPath, repoRoot, runBin, tempDir } from '../utils/cli.js';

const PASS = 'chain-e2e';
let dir: string;
let ws: string;
let published: string;
const children: ChildProcess[] = [];

const env = () => ({ SINSO_PASSPHRASE: PASS, SINSO_WORKSPACE: ws });
/** Runs the real binary in its own process: every command opens the persisted chain afresh. */
const sinso = (args: string[]) => runBin(args, { env: env() });
const ok = async (args: string[]) => {
  const r = await sinso(args);
  if (r.code !== 0) expect.unreachable(`${args.slice(0, 2).join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};
const json = async (args: string[]) => JSON.parse((await ok([...args, '--json'])).stdout);

beforeAll(async () => {
  dir = await tempDir('sinso-chain-e2e-');
  ws = join(dir, 'ws');
  await ok(['init', '--kdf', 'light', '--demo-seed', 'chain']);
  await ok([
    'synth',
    '--owners',
    '1',
    '--patients',
    '60',
    '--seed',
    '3',
    '--imaging-fraction',
    '0',
    '--out',
    join(dir, 'c'),
  ]);
  await ok(['deid', 'fhir', join(dir, 'c/owner-001/fhir'), '--out', join(dir, 'dfhir')]);
  await ok(['tables', join(dir, 'dfhir'), '--out', join(dir, 'tables')]);
  published = join(dir, 'published');
  await ok([
    'publish',
    '--tables',
    join(dir, 'tables'),
    '--out',
    published,
    '--name',
    'chain e2e',
    '--min-k',
    '2',
    '--suppress',
    'drop',
  ]);
}, 240_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Spawns a long-running sinso (or other) process and waits for a line on its stdout/stderr. */
function start(args: string[], ready: RegExp, node = binPath): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [node, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let seen = '';
    const look = (d: Buffer) => {
      seen += d.toString();
      if (ready.test(seen)) resolve(child);
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready: ${seen}`)));
  });
}

describe('the chain commands, each in its own process on the persisted embedded chain', () => {
  it('mint, deposit, pledge, accept and grant; a mint rerun finds the token', async () => {
    const minted = await json(['mint', published]);
    expect(minted).toMatchObject({ tokenId: '1', already: false });
    expect(minted.tokenUri).toMatch(/^ipfs:\/\/b[a-z2-7]+$/);
    const record = JSON.parse(await readFile(join(published, 'publish.json'), 'utf8'));
    expect(minted.tokenUri).toBe(record.tokenUri);
    expect(await json(['mint', published])).toMatchObject({ tokenId: '1', already: true });

    await ok(['deposit', '0.01', '--as', 'consumer']);
    const pledge = await json([
      'pledge',
      '1',
      '--to',
      'consumer',
      '--ops',
      'he-query,train',
      '--price',
      '1000gwei',
      '--max-rows',
      '5000',
      '--expires',
      '30d',
      '--min-cohort',
      '5',
      '--compute',
      'compute',
    ]);
    expect(pledge).toMatchObject({ pledgeId: '1', maxCost: { wei: '5000000000000000', ether: '0.005' } });
    // the owner cannot accept for the consumer: the contract's error, decoded
    const wrong = await sinso(['accept', '1', '--as', 'owner']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('PledgeMarket.accept was refused by the contract: NotConsumer(1, 0x');
    expect(await json(['accept', '1'])).toMatchObject({ locked: { wei: '5000000000000000' } });

    const grants = await json(['grant', '1']);
    expect(grants.map((g: { role: string }) => g.role)).toEqual(['compute']); // no access: no key for the consumer
    const w = await openWorkspace({ dir: ws, passphrase: fixedPassphrase(PASS) });
    const keys = await w.keys();
    const wrapped = JSON.parse(await readFile(grants[0].file, 'utf8'));
    const key = unwrapKey(await keys.evmPrivateKey('compute'), wrapped);
    expect(Buffer.from(key)).toEqual(Buffer.from(await keys.secret(record.datasetKey)));
    // the wrapping is drawn from a CSPRNG keyed by the dataset key: a second grant writes the same bytes
    const again = await json(['grant', '1']);
    expect(again[0].cid).toBe(grants[0].cid);
    const viaGrant = await readGrant({
      path: grants[0].file,
      address: grants[0].recipient,
      privateKey: await keys.evmPrivateKey('compute'),
    });
    expect(Buffer.from(viaGrant ?? [])).toEqual(Buffer.from(key));
    await expect(
      readGrant({
        path: grants[0].file,
        address: grants[0].recipient,
        privateKey: await keys.evmPrivateKey('owner'),
      }),
    ).rejects.toMatchObject({ code: 'STORAGE_KEY_UNWRAP_FAILED' });

    const listed = await json(['datasets']);
    expect(listed.tokens[0].versions[0]).toMatchObject({ version: 0, root: record.commitmentRoot });
    expect(listed.pledges[0]).toMatchObject({ state: 'accepted', ops: ['he-query', 'train'], rowsUsed: 0 });
    const refused = await sinso(['reclaim', '1']);
    expect(refused.stderr).toContain('NotExpired(1, ');
    const none = await sinso(['withdraw']);
    expect(none.stderr).toContain('NothingToWithdraw');
  }, 120_000);

  it('as pipeline stages, resumes: a rerun finds the token, the pledge with the same terms, the acceptance', async () => {
    const minted = join(dir, 'mint.json');
    const pledged = join(dir, 'pledge.json');
    const accepted = join(dir, 'accept.json');
    const stages = async () => {
      const m = await json(['chain', 'mint', '--published', published, '--out', minted]);
      const p = await json([
        'chain',
        'pledge',
        '--minted',
        minted,
        '--out',
        pledged,
        '--ops',
        'zk-query',
        '--ops',
        'access',
        '--price',
        '2gwei',
        '--max-rows',
        '100',
        '--expires',
        '2031-01-01T00:00:00Z',
      ]);
      const a = await json(['chain', 'accept', '--pledge', pledged, '--out', accepted]);
      return [m, p, a].map((r) => r.result?.summary ?? r.summary ?? r);
    };
    const first = await stages();
    expect(first[0]).toMatchObject({ tokenId: '1' });
    expect(first[1]).toMatchObject({ pledgeId: '2', maxCost: '200000000000' });
    expect(first[2]).toMatchObject({ pledgeId: '2', locked: '200000000000' });
    const records = await Promise.all([minted, pledged, accepted].map((f) => readFile(f, 'utf8')));
    expect(await stages()).toEqual(first);
    expect(await Promise.all([minted, pledged, accepted].map((f) => readFile(f, 'utf8')))).toEqual(records);
    expect((await json(['datasets'])).pledges).toHaveLength(2);
  }, 120_000);

  it('survives a kill -9 at any moment of a transaction: the chain is before or after it, and replays', async () => {
    // read in this process, which takes over the dead process's lock and replays the journal
    const escrow = freeEscrow;
    const before = await escrow();
    let landed = 0n;
    for (const delay of [250, 600, 900, 1300]) {
      const child = spawn(process.execPath, [binPath, 'deposit', '1wei', '--as', 'consumer'], {
        cwd: repoRoot,
        env: { ...process.env, ...env() },
        stdio: 'ignore',
      });
      // listen before the wait: a deposit that finishes before the kill has closed already
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await closed;
      const now = await escrow();
      expect(now - before - landed === 0n || now - before - landed === 1n).toBe(true);
      landed = now - before;
    }
    // and a clean rerun works
    await ok(['deposit', '1wei', '--as', 'consumer']);
    expect(await escrow()).toBe(before + landed + 1n);
  }, 120_000);

  it('cuts off a torn last journal line, and refuses a journal that does not replay', async () => {
    const journal = join(ws, 'chain/embedded/journal.ndjson');
    await appendFile(journal, '{"n":99,"t":17');
    await ok(['chain', 'status']);
    expect((await readFile(journal, 'utf8')).endsWith('\n')).toBe(true);
    const text = await readFile(journal, 'utf8');
    const lines = text.trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1) as string);
    lines[lines.length - 1] = JSON.stringify({ ...last, block: `0x${'00'.repeat(32)}` });
    await writeFile(journal, `${lines.join('\n')}\n`);
    const r = await sinso(['chain', 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not replay: entry');
    await writeFile(journal, text);
    await ok(['chain', 'status']);
  }, 60_000);

  it('serves the same chain as JSON-RPC, which other processes use with --rpc', async () => {
    const port = 18_000 + Math.floor(Math.random() * 2000);
    const server = await start(['chain', 'serve', '--port', String(port)], /serving the embedded chain/);
    try {
      const rpc = ['--rpc', `http://127.0.0.1:${port}`];
      const listed = await json(['datasets', ...rpc]);
      expect(listed.tokens.map((t: { tokenId: string }) => t.tokenId)).toEqual(['1']);
      // while served, the embedded chain is held: a command without --rpc says so
      const busy = await sinso(['chain', 'status']);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain('is using the embedded chain');
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.on('close', r));
    }
    // the server's transactions are in the journal like any command's
    expect((await json(['datasets'])).pledges).toHaveLength(2);
  }, 120_000);

  it('works against an EVM node sinso did not write (Hardhat’s own JSON-RPC server)', async () => {
    const port = 20_000 + Math.floor(Math.random() * 2000);
    const node = await start(
      [String(port)],
      /listening/,
      join(repoRoot, 'test/fixtures/chain/hardhatNode.mjs'),
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      const rpc = ['--rpc', url];
      // fund the workspace's accounts on that node (an external chain: sinso funds nothing)
      const status = await json(['chain', 'status', ...rpc]);
      expect(status.deployment).toBeNull();
      for (const a of status.accounts as { address: string }[]) {
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'hardhat_setBalance',
            params: [a.address, '0x56bc75e2d63100000'],
          }),
        });
      }
      const notYet = await sinso(['mint', published, ...rpc]);
      expect(notYet.stderr).toContain('not deployed');
      await ok(['chain', 'deploy', ...rpc]);
      expect(await json(['mint', published, ...rpc])).toMatchObject({ tokenId: '1', already: false });
      await ok(['deposit', '0.001', '--as', 'consumer', ...rpc]);
      await ok([
        'pledge',
        '1',
        '--to',
        'consumer',
        '--ops',
        'zk-query',
        '--price',
        '1gwei',
        '--max-rows',
        '10',
        '--expires',
        '1d',
        ...rpc,
      ]);
      expect(await json(['accept', '1', ...rpc])).toMatchObject({ locked: { wei: '10000000000' } });
      expect((await json(['datasets', ...rpc])).pledges[0]).toMatchObject({
        state: 'accepted',
        ops: ['zk-query'],
      });
    } finally {
      node.kill('SIGTERM');
    }
  }, 120_000);
});

async function freeEscrow(): Promise<bigint> {
  const { openChain, openMarket } = await import('../../src/chain/index.js');
  const { systemClock } = await import('../../src/core/clock.js');
  const w = await openWorkspace({ dir: ws, passphrase: fixedPassphrase(PASS) });
  const chain = await openChain({ chainDir: w.paths.chain, clock: systemClock });
  try {
    const consumer = (await w.listKeys()).find((k) => k.name === 'consumer')?.fingerprint as `0x${string}`;
    return await openMarket(chain).freeEscrow(consumer);
  } finally {
    await chain.close();
  }
}
