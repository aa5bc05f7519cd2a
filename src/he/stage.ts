import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PledgeRecordSchema, readPledgeFacts } from '../chain/index.js';
import { cidOfBytes } from '../core/cid.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import { RpcOptionSchema } from '../core/options.js';
import { defineStage, type StageContext } from '../core/stage.js';
import { encryptTable, readHeTable } from './adapters/encryptTable.js';
import { evaluatePlan, readHeResult } from './adapters/evaluate.js';
import {
  createKeySet,
  defaultParams,
  exportPublicKeys,
  HeKeyManifestSchema,
  KEY_MANIFEST,
  keySetDir,
  readKeyManifest,
  readSecretKey,
} from './adapters/keyFiles.js';
import { releaseResult } from './adapters/releaseResult.js';
import { HeError } from './errors.js';
import { ctPath, HE_TABLE_FILE, HeTableManifestSchema } from './heTable.js';
import { HE_SCHEMES } from './params.js';
import { planQuery } from './plan.js';
import type { PledgeFacts, Released } from './release.js';
import { ReleasedSchema } from './release.js';
import { parseHeQuery } from './sql.js';

/** Where the key holder keeps its privacy budget ledgers. */
export const ledgerDir = (storeDir: string) => join(storeDir, 'he', 'ledger');
export const RELEASED_FILE = 'released.json';

const KeySetName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/)
  .default('he')
  .describe('The key set’s name in the keystore');

/** `he.keygen`: the key holder makes its SEAL keys (once) and exports their public half. */
export const heKeygenStage = defineStage({
  name: 'he.keygen',
  version: '1',
  summary: 'Make the key holder’s HE keys (once) and export the public half for owners and compute nodes',
  options: z.strictObject({
    out: z
      .string()
      .min(1)
      .describe('Folder for the public keys (he-keys.json, public, relinearization and Galois keys)'),
    name: KeySetName,
    scheme: z.enum(HE_SCHEMES).default('bfv').describe('bfv: exact integer aggregates; ckks: real-valued'),
    polyDegree: z
      .union([z.literal(8192), z.literal(16384)])
      .default(8192)
      .describe('Ring size N: 8192 (depth 2) or 16384 (depth 5, ~3× slower)'),
  }),
  result: z.strictObject({
    fingerprint: z.string().describe('key fingerprint'),
    scheme: z.string().describe('scheme'),
    polyDegree: z.number().int().describe('N'),
    created: z.boolean().describe('created now'),
  }),
  inputs: [],
  outputs: ['out'],
  requires: { workspace: true },
  output: {
    deterministic: false,
    verifier: 'he-keys/1',
    async verify(_ctx, outputs) {
      const m = await readKeyManifest(outputs['out'] as string).catch(() => undefined);
      return m
        ? { ok: true, detail: `key set ${m.fingerprint}` }
        : { ok: false, detail: 'he-keys.json is missing or invalid' };
    },
  },
  marker: { file: KEY_MANIFEST, schema: HeKeyManifestSchema },
  cli: {
    examples: [
      'sinso he keygen --out he-keys/',
      'sinso he keygen --name pool --scheme ckks --out pool-keys/',
    ],
  },
  async run(ctx, o) {
    const dir = keySetDir(ctx.workspace.paths.keys, o.name);
    let created = false;
    const existing = await readKeyManifest(dir).catch(() => undefined);
    if (!existing) {
      ctx.log.info(`making HE keys ${o.name} (${o.scheme}, N = ${o.polyDegree})`);
      await createKeySet({
        keysDir: ctx.workspace.paths.keys,
        name: o.name,
        params: await defaultParams(o.scheme, o.polyDegree),
        keys: await ctx.workspace.keys(),
      });
      created = true;
    } else if (existing.params.scheme !== o.scheme || existing.params.polyDegree !== o.polyDegree) {
      throw new HeError('HE_KEY_MISMATCH', {
        problem: `the key set ${o.name} exists with other parameters (${existing.params.scheme}, N = ${existing.params.polyDegree})`,
      });
    }
    const m = await exportPublicKeys(dir, o.out);
    return {
      summary: {
        fingerprint: m.fingerprint,
        scheme: m.params.scheme,
        polyDegree: m.params.polyDegree,
        created,
      },
    };
  },
});

const ColumnList = z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/));
const perColumn = (what: string) =>
  z
    .array(z.string().regex(/^[a-z_][a-z0-9_]*=[0-9.]+$/))
    .default([])
    .describe(what);
const parsePerColumn = (items: readonly string[]): Record<string, number> =>
  Object.fromEntries(items.map((s) => s.split('=') as [string, string]).map(([c, v]) => [c, Number(v)]));

/** `he.encrypt`: an owner encrypts columns of its published table under the key holder's key. */
export const heEncryptStage = defineStage({
  name: 'he.encrypt',
  version: '1',
  summary:
    'Encrypt columns of a published table under the key holder’s public key (ciphertexts by CID and he.json)',
  options: z.strictObject({
    published: z.string().min(1).describe('The published folder (`sinso publish`)'),
    keyHolder: z.string().min(1).describe('The key holder’s public keys folder (`sinso he keygen --out`)'),
    out: z.string().min(1).describe('Output folder: he.json and ct/<cid>.seal'),
    table: z.string().default('observations').describe('The published table'),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/)
      .describe('The name queries use in FROM (pooled across owners)'),
    rows: z.string().optional().describe('An SQL predicate choosing the rows (e.g. "code = \'4548-4\'")'),
    columns: ColumnList.min(1).describe(
      'A column to encrypt: numeric → value and square; categorical → indicators (repeatable)',
    ),
    public: ColumnList.default([]).describe(
      'A quasi-identifier to lay the rows out by, visible to the compute node (repeatable)',
    ),
    scale: perColumn('Decimal places kept of a numeric column, COL=N (BFV; default 2)'),
    bound: perColumn(
      '|value| ≤ B for a numeric column, COL=B (values outside clipped; default from the data, rounded up to a power of ten)',
    ),
    asOfYear: z.number().int().min(1900).max(2200).optional().describe('Year age bands are counted to'),
  }),
  result: z.strictObject({
    rows: z.number().int().describe('rows'),
    blocks: z.number().int().describe('blocks'),
    ciphertexts: z.number().int().describe('ciphertexts'),
    cells: z.number().int().describe('public cells'),
    fingerprint: z.string().describe('key fingerprint'),
  }),
  inputs: ['published', 'keyHolder'],
  outputs: ['out'],
  requires: { workspace: true },
  marker: { file: HE_TABLE_FILE, schema: HeTableManifestSchema },
  output: {
    deterministic: false,
    verifier: 'he-table-cids/1',
    async verify(_ctx, outputs) {
      const dir = outputs['out'] as string;
      const m = await readHeTable(dir).catch(() => undefined);
      if (!m) return { ok: false, detail: 'he.json is missing or invalid' };
      for (const cids of m.blocks) {
        for (const cid of cids) {
          const bytes = await readFile(join(dir, ctPath(cid))).catch(() => undefined);
          if (!bytes || (await cidOfBytes(bytes)).toString() !== cid)
            return { ok: false, detail: `${ctPath(cid)} is missing or changed` };
        }
      }
      return { ok: true, detail: `${m.blocks.length * m.vectors.length} ciphertexts match their CIDs` };
    },
  },
  cli: {
    examples: [
      'sinso he encrypt --published published/ --key-holder he-keys/ --out he-hba1c/ --name hba1c --rows "code = \'4548-4\'" --columns value --columns gender --columns age_band_10 --public gender --public age_band_10 --as-of-year 2025 --scale value=1 --bound value=20',
    ],
  },
  async run(ctx, o) {
    const record = JSON.parse(await readFile(join(o.published, 'publish.json'), 'utf8')) as {
      datasetKey?: string;
    };
    const datasetKey = await (await ctx.workspace.keys()).secret(String(record.datasetKey));
    const m = await encryptTable({
      published: o.published,
      table: o.table,
      name: o.name,
      rowFilter: o.rows,
      columns: o.columns,
      publicColumns: o.public,
      scale: parsePerColumn(o.scale),
      bounds: parsePerColumn(o.bound),
      asOfYear: o.asOfYear,
      keyDir: o.keyHolder,
      datasetKey,
      out: o.out,
      progress: ctx.progress,
    });
    return {
      summary: {
        rows: m.rows,
        blocks: m.blocks.length,
        ciphertexts: m.blocks.length * m.vectors.length,
        cells: m.cells.length,
        fingerprint: m.keys.fingerprint,
      },
    };
  },
});

/** Reads each pledge's terms and its token version's root from the chain. */
async function pledgeFacts(
  ctx: StageContext<true>,
  rpc: string | undefined,
  ids: readonly string[],
): Promise<PledgeFacts[]> {
  return (await readPledgeFacts({ chainDir: ctx.workspace.paths.chain, rpc, clock: ctx.clock, ids })).facts;
}

const DpFields = {
  epsilon: z
    .number()
    .positive()
    .optional()
    .describe('Differential privacy: ε of the whole query (default: none, exact results)'),
  dp: z.enum(['laplace', 'gaussian']).default('laplace').describe('The noise mechanism, with --epsilon'),
  delta: z.number().min(0).lt(1).default(1e-6).describe('δ of the Gaussian mechanism'),
  seed: z.string().default('sinso').describe('The noise seed: the same seed and result give the same noise'),
  budget: z.number().positive().default(10).describe('ε budget of a dataset the ledger has not seen yet'),
};

async function release(
  ctx: StageContext<true>,
  o: {
    pledge: readonly string[];
    rpc?: string | undefined;
    epsilon?: number | undefined;
    dp: 'laplace' | 'gaussian';
    delta: number;
    seed: string;
    budget: number;
  },
  dir: string,
): Promise<Released> {
  const { tables } = await readHeResult(dir);
  const fingerprint = (tables[0] as (typeof tables)[number]).keys.fingerprint;
  const secretKey = await readSecretKey(ctx.workspace.paths.keys, fingerprint, () => ctx.workspace.keys());
  const pledges = await pledgeFacts(ctx, o.rpc, o.pledge);
  return releaseResult({
    dir,
    pledges,
    secretKey,
    ledgerDir: ledgerDir(ctx.workspace.paths.store),
    defaultBudget: { epsilon: o.budget, delta: 1e-5 },
    dp:
      o.epsilon === undefined
        ? undefined
        : { mechanism: o.dp, epsilon: o.epsilon, delta: o.delta, seed: o.seed },
    now: ctx.clock.now(),
  });
}

const ReleaseSummary = z.strictObject({
  mode: z.string().describe('mode'),
  groups: z.number().int().describe('groups'),
  released: z.number().int().describe('released'),
  suppressed: z.number().int().describe('suppressed'),
  rows: z.number().int().describe('rows evaluated'),
  decrypted: z.boolean().describe('decrypted here'),
});

function renderReleased(r: Released): string {
  const cols = r.columns;
  const fmt = (v: unknown) =>
    v === null || v === undefined
      ? 'NULL'
      : typeof v === 'number'
        ? String(Number(v.toPrecision(6)))
        : String(v);
  const lines = [cols.join('\t')];
  for (const row of r.rows)
    lines.push(
      cols
        .map((c) => (row.suppressed && !(c in row.values) ? '(suppressed)' : fmt(row.values[c])))
        .join('\t'),
    );
  return `${lines.join('\n')}\n${r.suppressedGroups} group(s) below the minimum cohort ${r.minCohort} suppressed${r.dp ? `; ${r.dp.mechanism} noise, ε = ${r.dp.epsilon}` : ''}\n`;
}

const summaryOf = (r: Released | undefined, groups: number, rows: number, mode: string) => ({
  mode,
  groups,
  released: r ? r.rows.filter((x) => !x.suppressed).length : 0,
  suppressed: r ? r.suppressedGroups : 0,
  rows,
  decrypted: r !== undefined,
});

/**
 * `query.he`: the compute node evaluates an HE query on ciphertexts; when this workspace is
 * also the key holder, it releases the result under the policy (else it leaves the encrypted
 * result for the key holder's `sinso he decrypt`).
 */
export const queryHeStage = defineStage({
  name: 'query.he',
  version: '1',
  summary:
    'Run an aggregate SQL query on encrypted tables (compute node), and release it when this workspace holds the key',
  options: z.strictObject({
    sql: z
      .string()
      .min(1)
      .describe('SELECT [c, d,] COUNT(*), SUM(x), AVG(x), VAR(x) FROM t [WHERE …] [GROUP BY c [, d]]'),
    tables: z
      .array(z.string().min(1))
      .min(1)
      .describe('An encrypted table folder (`sinso he encrypt`; repeatable: pooled)'),
    keys: z.string().min(1).describe('The key holder’s public keys folder (evaluation keys)'),
    pledge: z
      .array(z.string().regex(/^[0-9]+$/))
      .default([])
      .describe('A pledge the query runs under (repeatable: one per pooled dataset)'),
    pledgeRecord: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'A pledge record (`chain.pledge` output) naming the pledge, instead of --pledge (repeatable)',
      ),
    out: z
      .string()
      .min(1)
      .describe('Output folder: result.json, ct/, tables/ and, when released here, released.json'),
    mode: z
      .enum(['auto', 'public', 'private'])
      .default('auto')
      .describe('public: group keys visible to the compute node; private: all encrypted'),
    ...DpFields,
    rpc: RpcOptionSchema,
  }),
  result: ReleaseSummary,
  inputs: ['tables', 'keys', 'pledgeRecord'],
  outputs: ['out'],
  requires: { workspace: true },
  output: {
    deterministic: false,
    verifier: 'he-result/1',
    async verify(_ctx, outputs) {
      const dir = outputs['out'] as string;
      const r = await readHeResult(dir).catch(() => undefined);
      if (!r) return { ok: false, detail: 'result.json is missing or does not match its tables' };
      const rel = await readFile(join(dir, RELEASED_FILE), 'utf8').catch(() => undefined);
      if (rel !== undefined && !ReleasedSchema.safeParse(JSON.parse(rel)).success)
        return { ok: false, detail: 'released.json is invalid' };
      return { ok: true, detail: `${r.result.groups.length} groups${rel ? ', released' : ''}` };
    },
  },
  cli: {
    positional: { key: 'sql', name: 'SQL', many: false },
    examples: [
      'sinso query he "SELECT gender, age_band_10, COUNT(*), AVG(value) FROM hba1c GROUP BY gender, age_band_10" --tables he-1/ --tables he-2/ --keys he-keys/ --pledge 1 --pledge 2 --out q1/',
    ],
    render: (r) =>
      `${r.summary.decrypted ? '' : 'encrypted result written; the key holder releases it with `sinso he decrypt`\n'}`,
  },
  async run(ctx, o) {
    const pledge = [...o.pledge];
    for (const f of o.pledgeRecord) {
      const r = PledgeRecordSchema.safeParse(JSON.parse(await readFile(f, 'utf8').catch(() => 'null')));
      if (!r.success) {
        throw new HeError('HE_POLICY_REFUSED', {
          pledge: '(record)',
          reason: 'a pledge record is missing or not valid',
        });
      }
      pledge.push(r.data.pledgeId);
    }
    if (pledge.length === 0) {
      throw new HeError('HE_POLICY_REFUSED', {
        pledge: '(none)',
        reason: 'no pledge was given (--pledge ID)',
      });
    }
    const query = parseHeQuery(o.sql);
    const tables = await Promise.all(o.tables.map(readHeTable));
    const plan = planQuery(query, tables, o.mode);
    const { result } = await evaluatePlan({
      plan,
      tableDirs: o.tables,
      keyDir: o.keys,
      out: o.out,
      progress: ctx.progress,
    });
    const rows = tables.reduce((a, t) => a + t.rows, 0);
    let released: Released | undefined;
    try {
      released = await release(ctx, { ...o, pledge }, o.out);
    } catch (err) {
      if (!(err instanceof HeError && err.code === 'HE_NO_SECRET_KEY')) throw err;
      ctx.log.info(
        'this workspace does not hold the HE secret key: the encrypted result is for the key holder',
      );
    }
    if (released) {
      await writeFileAtomic(join(o.out, RELEASED_FILE), `${canonicalJson(released, 2)}\n`);
      ctx.log.info(renderReleased(released).trimEnd());
    }
    return { summary: summaryOf(released, result.groups.length, rows, plan.mode) };
  },
});

/** `he.decrypt`: the key holder releases a compute node's encrypted result under the policy. */
export const heDecryptStage = defineStage({
  name: 'he.decrypt',
  version: '1',
  summary:
    'Release an encrypted HE result as the key holder: pledge checks, minimum cohort, differencing, privacy budget',
  options: z.strictObject({
    result: z.string().min(1).describe('The result folder (`sinso query he --out`)'),
    pledge: z
      .array(z.string().regex(/^[0-9]+$/))
      .min(1)
      .describe('A pledge the query ran under (repeatable)'),
    out: z.string().min(1).describe('The released result to write (JSON)'),
    ...DpFields,
    rpc: RpcOptionSchema,
  }),
  result: ReleaseSummary,
  inputs: ['result'],
  outputs: ['out'],
  requires: { workspace: true },
  output: { deterministic: true },
  cli: {
    positional: { key: 'result', name: 'RESULT_DIR', many: false },
    examples: ['sinso he decrypt q1/ --pledge 1 --pledge 2 --out q1-released.json'],
    render: () => '',
  },
  async run(ctx, o) {
    const released = await release(ctx, o, o.result);
    await writeFileAtomic(o.out, `${canonicalJson(released, 2)}\n`);
    ctx.log.info(renderReleased(released).trimEnd());
    return {
      summary: summaryOf(
        released,
        released.rows.length,
        released.datasets.reduce((a, d) => a + d.rows, 0),
        released.mode,
      ),
    };
  },
});
