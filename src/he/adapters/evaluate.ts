import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { cidOfBytes } from '../../core/cid.js';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson, sha256Hex } from '../../core/hash.js';
import type { Progress } from '../../core/progress.js';
import { HeError } from '../errors.js';
import { ctPath, type HeTableManifest, HeTableManifestSchema } from '../heTable.js';
import type { HePlan, PlanTable, Quantity } from '../plan.js';
import { readKeyManifest, readPublicKeyFile } from './keyFiles.js';
import {
  type CipherText,
  type HeContext,
  heContext,
  loadGaloisKeys,
  loadRelinKeys,
  type OpCounts,
} from './seal.js';

export const HE_RESULT_FILE = 'result.json';

const Contribution = z.strictObject({
  /** The rotate-summed ciphertext (every slot holds the group's encrypted total), if any. */
  cipher: z.string().nullable(),
  /** What public rows add in the clear (public-keys mode counts), decimal. */
  plain: z.string().regex(/^-?[0-9]+$/),
});

/** `result.json`: what a compute node hands the key holder — ciphertexts only, per group and quantity. */
export const HeResultSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-he-result'),
  query: z.string(),
  mode: z.enum(['public', 'private']),
  keyFingerprint: z.string(),
  /** The pooled encrypted tables, by dataset, with the sha256 of their he.json (copied to tables/<i>.json). */
  tables: z.array(z.strictObject({ dataset: z.string(), sha256: z.string(), rows: z.number().int() })),
  groups: z.array(
    z.strictObject({ key: z.array(z.string().nullable()), quantities: z.record(z.string(), Contribution) }),
  ),
  /** SEAL operations the evaluation performed. */
  ops: z.record(z.string(), z.number().int()),
});
export type HeResult = z.output<typeof HeResultSchema>;

type Acc = { full?: CipherText | undefined; masked?: CipherText | undefined; lazy: boolean; plain: bigint };

/**
 * The compute node's side: evaluates a plan on ciphertexts with the key holder's public
 * evaluation keys (relinearization and Galois keys) — it never sees a secret key. Streams one
 * block at a time (every SEAL object of a block is freed before the next), so memory stays
 * bounded by the block size and the number of group totals, not by the rows.
 *
 * @example
 * const r = await evaluatePlan({ plan, tableDirs: ['he-1/', 'he-2/'], keyDir: 'keys/', out: 'result/' });
 */
export async function evaluatePlan(p: {
  plan: HePlan;
  tableDirs: readonly string[];
  keyDir: string;
  out: string;
  progress?: Progress | undefined;
}): Promise<{ result: HeResult; ops: OpCounts }> {
  const { plan } = p;
  const first = plan.tables[0]?.manifest as HeTableManifest;
  const keys = await readKeyManifest(p.keyDir);
  if (keys.fingerprint !== first.keys.fingerprint) {
    throw new HeError('HE_KEY_MISMATCH', {
      problem: 'the evaluation keys are not those the tables were encrypted under',
    });
  }
  const he = await heContext(keys.params);
  const relin = loadRelinKeys(he, await readPublicKeyFile(p.keyDir, keys, 'relinKeys'));
  const galois = loadGaloisKeys(he, await readPublicKeyFile(p.keyDir, keys, 'galoisKeys'));
  const acc: Acc[][] = plan.groups.map(() => plan.quantities.map(() => ({ lazy: false, plain: 0n })));
  const totalBlocks = plan.tables.reduce((a, t) => a + (t.skip ? 0 : t.manifest.blocks.length), 0);
  const task = p.progress?.start('he compute (blocks)', Math.max(1, totalBlocks));
  try {
    for (const [ti, t] of plan.tables.entries()) {
      if (t.skip) continue;
      const dir = p.tableDirs[ti] as string;
      if (plan.mode === 'private') await evaluatePrivate(he, relin, t, dir, plan, acc, () => task?.tick());
      else await evaluatePublic(he, t, dir, plan, acc, () => task?.tick());
    }
    task?.done();
    // finish every total: relinearize lazy products once, rescale (CKKS), rotate-sum
    await mkdir(join(p.out, 'ct'), { recursive: true });
    await mkdir(join(p.out, 'tables'), { recursive: true });
    const groups: HeResult['groups'] = [];
    const none = he.seal.ComprModeType.none;
    for (const [gi, g] of plan.groups.entries()) {
      const quantities: HeResult['groups'][number]['quantities'] = {};
      for (const [qi, q] of plan.quantities.entries()) {
        const a = acc[gi]?.[qi] as Acc;
        const total = finish(he, relin, a);
        let cipher: string | null = null;
        if (total) {
          he.rotateSum(total, galois);
          const bytes = total.saveArray(none);
          cipher = (await cidOfBytes(bytes)).toString();
          await writeFileAtomic(join(p.out, ctPath(cipher)), bytes);
          he.free(total);
        }
        quantities[q] = { cipher, plain: a.plain.toString() };
      }
      groups.push({ key: g.key, quantities });
    }
    const tables: HeResult['tables'] = [];
    for (const [i, t] of plan.tables.entries()) {
      const text = `${canonicalJson(t.manifest, 2)}\n`;
      await writeFileAtomic(join(p.out, 'tables', `${i}.json`), text);
      tables.push({ dataset: t.manifest.dataset.id, sha256: sha256Hex(text), rows: t.manifest.rows });
    }
    const result = HeResultSchema.parse({
      schema: '1',
      kind: 'sinso-he-result',
      query: plan.query.canonical,
      mode: plan.mode,
      keyFingerprint: keys.fingerprint,
      tables,
      groups,
      ops: { ...he.ops },
    } satisfies HeResult);
    await writeFileAtomic(join(p.out, HE_RESULT_FILE), `${canonicalJson(result, 2)}\n`);
    return { result, ops: { ...he.ops } };
  } finally {
    for (const g of acc) for (const a of g) he.free(a.full, a.masked);
    he.free(relin, galois);
  }
}

/** One total from its parts: full-block sums, masked (plain-product) sums, or lazy products. */
function finish(
  he: HeContext,
  relin: Parameters<HeContext['relinearize']>[1],
  a: Acc,
): CipherText | undefined {
  if (a.lazy && a.full) {
    he.relinearize(a.full, relin);
    a.lazy = false;
  }
  if (he.params.scheme === 'bfv') {
    if (a.full && a.masked) {
      he.add(a.full, a.masked);
      he.free(a.masked);
      a.masked = undefined;
    }
    const out = a.full ?? a.masked;
    a.full = undefined;
    a.masked = undefined;
    return out;
  }
  // CKKS: a masked sum has the scale squared until rescaled; bring full sums to it first
  if (a.masked) {
    if (a.full) {
      const ones = he.encode(new Float64Array(he.slots).fill(1));
      const lifted = he.multiplyPlain(a.full, ones);
      he.free(ones, a.full);
      a.full = undefined;
      he.add(a.masked, lifted);
      he.free(lifted);
    }
    he.finishPlainProducts(a.masked);
    const out = a.masked;
    a.masked = undefined;
    return out;
  }
  const out = a.full;
  a.full = undefined;
  return out;
}

/** total + c, consuming c: it becomes the total, or is freed once added into it. */
function absorb(he: HeContext, total: CipherText | undefined, c: CipherText): CipherText {
  if (total === undefined) return c;
  he.add(total, c);
  he.free(c);
  return total;
}

/** Loads the ciphertexts of one block on demand, each once. */
function blockLoader(he: HeContext, dir: string, cids: readonly string[]) {
  const loaded = new Map<number, CipherText>();
  return {
    async get(i: number): Promise<CipherText> {
      let c = loaded.get(i);
      if (!c) {
        const cid = cids[i];
        if (cid === undefined)
          throw new HeError('HE_QUERY_INVALID', { problem: 'a block lacks a vector its manifest names' });
        const bytes = await readFile(join(dir, ctPath(cid))).catch(() => undefined);
        if (!bytes || (await cidOfBytes(bytes)).toString() !== cid) {
          throw new HeError('HE_QUERY_INVALID', {
            problem: `the ciphertext file ${ctPath(cid)} is missing or changed`,
          });
        }
        c = he.loadCipher(bytes);
        loaded.set(i, c);
      }
      return c;
    },
    free() {
      for (const c of loaded.values()) he.free(c);
      loaded.clear();
    },
  };
}

function vectorOfQuantity(m: HeTableManifest, q: Quantity): number {
  const i = m.vectors.indexOf(q);
  if (i < 0)
    throw new HeError('HE_QUERY_INVALID', { problem: `the encrypted table of ${m.dataset.id} lacks ${q}` });
  return i;
}

async function evaluatePrivate(
  he: HeContext,
  relin: Parameters<HeContext['relinearize']>[1],
  t: PlanTable,
  dir: string,
  plan: HePlan,
  acc: Acc[][],
  tick: () => void,
): Promise<void> {
  const m = t.manifest;
  for (const cids of m.blocks) {
    const load = blockLoader(he, dir, cids);
    const memo = new Map<string, CipherText>();
    const owned: CipherText[] = [];
    try {
      // each WHERE column: the sum of its values' indicators
      const whereSums: CipherText[] = [];
      for (const w of t.where) {
        let s: CipherText | undefined;
        for (const v of w.vectors)
          s = s === undefined ? (await load.get(v)).clone() : he.add(s, await load.get(v));
        if (s === undefined) return; // nothing matches here (planned as skip)
        owned.push(s);
        whereSums.push(s);
      }
      /** The relinearized product of operands (memoized by their names). */
      const prefix = async (
        ops: readonly { name: string; get: () => Promise<CipherText> }[],
      ): Promise<CipherText> => {
        if (ops.length === 1) return (ops[0] as { get: () => Promise<CipherText> }).get();
        const name = ops.map((o) => o.name).join('*');
        const hit = memo.get(name);
        if (hit) return hit;
        const left = await prefix(ops.slice(0, -1));
        const prod = he.multiply(left, await (ops.at(-1) as { get: () => Promise<CipherText> }).get());
        he.relinearize(prod, relin);
        memo.set(name, prod);
        owned.push(prod);
        return prod;
      };
      for (let gi = 0; gi < plan.groups.length; gi++) {
        const gv = t.groupVectors[gi] ?? [];
        if (gv.some((v) => v === undefined)) continue; // a value this table does not have
        const factors = [
          ...whereSums.map((s, i) => ({ name: `w${i}`, get: async () => s })),
          ...gv.map((v) => ({ name: `i${v}`, get: () => load.get(v as number) })),
        ];
        for (const [qi, q] of plan.quantities.entries()) {
          const a = acc[gi]?.[qi] as Acc;
          const operands =
            q === 'count'
              ? factors
              : [
                  ...factors.slice(0, -1),
                  { name: `v${q}`, get: () => load.get(vectorOfQuantity(m, q)) },
                  ...factors.slice(-1),
                ];
          if (operands.length === 0) {
            a.plain += BigInt(m.rows); // COUNT(*) with no WHERE and no GROUP BY: public
            continue;
          }
          if (operands.length === 1) {
            a.full = he.add(a.full, await (operands[0] as { get: () => Promise<CipherText> }).get());
            continue;
          }
          const left = await prefix(operands.slice(0, -1));
          const prod = he.multiply(left, await (operands.at(-1) as { get: () => Promise<CipherText> }).get());
          a.full = absorb(he, a.full, prod);
          a.lazy = true;
        }
      }
    } finally {
      for (const c of owned) he.free(c);
      load.free();
      tick();
    }
  }
}

async function evaluatePublic(
  he: HeContext,
  t: PlanTable,
  dir: string,
  plan: HePlan,
  acc: Acc[][],
  tick: () => void,
): Promise<void> {
  const m = t.manifest;
  const byBlock = new Map<number, { g: number; start: number; end: number }[]>();
  t.ranges.forEach((r, g) => {
    for (const x of r.ranges) {
      const list = byBlock.get(x.block) ?? [];
      list.push({ g, start: x.start, end: x.end });
      byBlock.set(x.block, list);
    }
  });
  const bfv = he.params.scheme === 'bfv';
  // COUNT(x) of a column without NULLs here is the public row count
  const plainCount = (q: Quantity) =>
    q.startsWith('n:') && m.values.find((v) => `n:${v.column}` === q)?.hasNulls === false;
  for (const [qi, q] of plan.quantities.entries()) {
    if (!plainCount(q)) continue;
    t.ranges.forEach((r, g) => {
      (acc[g]?.[qi] as Acc).plain += BigInt(r.rows);
    });
  }
  for (const [b, cids] of m.blocks.entries()) {
    const parts = byBlock.get(b);
    if (!parts) {
      tick();
      continue;
    }
    const load = blockLoader(he, dir, cids);
    const rowsHere = Math.min(m.slots, m.rows - b * m.slots);
    try {
      for (const part of parts) {
        const full = part.start === 0 && part.end >= rowsHere;
        let mask: ReturnType<HeContext['encode']> | undefined;
        if (!full) {
          const v = bfv ? new BigInt64Array(m.slots) : new Float64Array(m.slots);
          for (let i = part.start; i < part.end; i++) {
            if (bfv) (v as BigInt64Array)[i] = 1n;
            else (v as Float64Array)[i] = 1;
          }
          mask = he.encode(v);
        }
        try {
          for (const [qi, q] of plan.quantities.entries()) {
            if (plainCount(q)) continue;
            const a = acc[part.g]?.[qi] as Acc;
            const c = await load.get(vectorOfQuantity(m, q));
            if (mask === undefined) a.full = he.add(a.full, c);
            else {
              const prod = he.multiplyPlain(c, mask);
              a.masked = absorb(he, a.masked, prod);
            }
          }
        } finally {
          he.free(mask);
        }
      }
    } finally {
      load.free();
      tick();
    }
  }
}

/** Reads a result folder: result.json and the encrypted tables it was computed over. */
export async function readHeResult(dir: string): Promise<{ result: HeResult; tables: HeTableManifest[] }> {
  let result: HeResult;
  try {
    result = HeResultSchema.parse(JSON.parse(await readFile(join(dir, HE_RESULT_FILE), 'utf8')));
  } catch {
    throw new HeError('HE_RESULT_INVALID', {
      problem: `${HE_RESULT_FILE} is missing or not a valid HE result`,
    });
  }
  const tables: HeTableManifest[] = [];
  for (const [i, t] of result.tables.entries()) {
    const text = await readFile(join(dir, 'tables', `${i}.json`), 'utf8').catch(() => '');
    if (sha256Hex(text) !== t.sha256) {
      throw new HeError('HE_RESULT_INVALID', {
        problem: `the encrypted table ${i} it names is missing or changed`,
      });
    }
    tables.push(HeTableManifestSchema.parse(JSON.parse(text)));
  }
  return { result, tables };
}
