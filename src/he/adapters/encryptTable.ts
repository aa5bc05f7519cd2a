import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cidOfBytes, cidOfFile } from '../../core/cid.js';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson } from '../../core/hash.js';
import type { Progress } from '../../core/progress.js';
import { DatasetManifestSchema } from '../../core/schemas/datasetManifest.js';
import { PublishRecordSchema } from '../../core/schemas/publishRecord.js';
import { decryptFile } from '../../storage/index.js';
import { sqlIdent, sqlString, withSession } from '../../tables/index.js';
import { HeError } from '../errors.js';
import {
  ctPath,
  HE_TABLE_FILE,
  type HeTableManifest,
  HeTableManifestSchema,
  vectorName,
} from '../heTable.js';
import { readKeyManifest, readPublicKeyFile } from './keyFiles.js';
import { encryptor, heContext, loadPublicKey } from './seal.js';

/** Patient columns a row of another table can be joined with (the quasi-identifiers and age bands). */
const PATIENT_COLUMNS = ['gender', 'birth_year', 'zip3', 'state', 'race', 'ethnicity'] as const;
const AGE_BANDS = { age_band_5: 5, age_band_10: 10 } as const;
/** Indicator columns with more values than this are refused: bin them first. */
export const MAX_INDICATOR_VALUES = 256;

export type EncryptTableParameters = {
  /** The published folder (`sinso publish`). */
  published: string;
  /** The published table the rows come from. */
  table: string;
  /** The name queries use (FROM). */
  name: string;
  /** An SQL predicate over the table's columns (and the patient's) choosing the rows. */
  rowFilter?: string | undefined;
  /** Columns to encrypt: numeric ones as values (with squares), categorical ones as indicators. */
  columns: readonly string[];
  /** Quasi-identifiers to lay the rows out by, visible to the compute node (public-keys mode). */
  publicColumns: readonly string[];
  /** Decimal places kept per numeric column (BFV), default 2. */
  scale?: Readonly<Record<string, number>> | undefined;
  /** |value| ≤ bound per numeric column, values outside clipped; default from the data, rounded up to a power of ten. */
  bounds?: Readonly<Record<string, number>> | undefined;
  asOfYear?: number | undefined;
  /** The key holder's public key folder (`he-keys.json` and the .seal files). */
  keyDir: string;
  datasetKey: Uint8Array;
  out: string;
  progress?: Progress | undefined;
};

type Source = { expr: string; numeric: boolean };

/**
 * Encrypts columns of a published table under a key holder's public key: rows packed 8192 (BFV)
 * or 4096 (CKKS) per ciphertext, laid out by the public columns, each vector of each block a
 * content-addressed file `ct/<cid>.seal`, and `he.json` naming them. Ciphertexts are randomized
 * (SEAL draws fresh noise), so two runs give different bytes that decrypt to the same values.
 *
 * @example
 * await encryptTable({ published: 'pub/', table: 'observations', name: 'hba1c', rowFilter: "code = '4548-4'", columns: ['value'], publicColumns: ['gender'], keyDir, datasetKey, out: 'he/' });
 */
export async function encryptTable(p: EncryptTableParameters): Promise<HeTableManifest> {
  const record = PublishRecordSchema.parse(
    JSON.parse(await readFile(join(p.published, 'publish.json'), 'utf8')),
  );
  const manifest = DatasetManifestSchema.parse(
    JSON.parse(await readFile(join(p.published, 'manifest.json'), 'utf8')),
  );
  const fileOf = (table: string) =>
    manifest.properties.files.find((f) => f.role === 'table' && f.table === table);
  const tableFile = fileOf(p.table);
  if (!tableFile)
    throw new HeError('HE_QUERY_INVALID', { problem: `the published dataset has no table ${p.table}` });
  const patientsFile = p.table === 'patients' ? undefined : fileOf('patients');
  const qi = manifest.properties.privacy.kAnonymity.quasiIdentifiers;
  const allowedPublic = new Set<string>([
    ...qi,
    ...(qi.includes('birth_year') ? Object.keys(AGE_BANDS) : []),
  ]);
  for (const c of p.publicColumns) {
    if (!allowedPublic.has(c)) {
      throw new HeError('HE_QUERY_INVALID', {
        problem: `public column ${c} is not a quasi-identifier the dataset was published k-anonymous over (${[...allowedPublic].join(', ')})`,
      });
    }
  }
  const keyManifest = await readKeyManifest(p.keyDir);
  const tmp = await mkdtemp(join(tmpdir(), 'sinso-he-'));
  try {
    return await withSession({}, async (session) => {
      const plain = async (f: NonNullable<typeof tableFile>) => {
        const src = join(p.published, f.path);
        if ((await cidOfFile(src)).toString() !== f.cid) {
          throw new HeError('HE_QUERY_INVALID', {
            problem: `the published file ${f.path} does not match its manifest`,
          });
        }
        const dst = join(tmp, `${f.table ?? 'table'}.parquet`);
        await decryptFile(src, dst, p.datasetKey);
        return dst;
      };
      const tablePath = await plain(tableFile);
      const patientsPath = patientsFile ? await plain(patientsFile) : undefined;
      const described = await session.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(tablePath)})`);
      const tableColumns = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
      const asOf = p.asOfYear;
      const source = (c: string): Source => {
        if (c in AGE_BANDS) {
          if (asOf === undefined) {
            throw new HeError('HE_QUERY_INVALID', {
              problem: `${c} needs --as-of-year (the year ages are counted to)`,
            });
          }
          const w = AGE_BANDS[c as keyof typeof AGE_BANDS];
          return { expr: `CAST(floor((${asOf} - birth_year) / ${w}) * ${w} AS INTEGER)`, numeric: false };
        }
        const type =
          tableColumns.get(c) ??
          (patientsPath && PATIENT_COLUMNS.includes(c as never) ? 'VARCHAR' : undefined);
        if (type === undefined) {
          throw new HeError('HE_QUERY_INVALID', {
            problem: `${p.table} has no column ${c} (nor does the patient joined to it)`,
          });
        }
        const numeric =
          /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|DECIMAL|DOUBLE|FLOAT|REAL)/.test(type) &&
          c !== 'birth_year';
        return { expr: sqlIdent(c), numeric };
      };
      const join_ = patientsPath
        ? ` LEFT JOIN (SELECT patient_id, ${PATIENT_COLUMNS.map(sqlIdent).join(', ')} FROM read_parquet(${sqlString(patientsPath)})) USING (patient_id)`
        : '';
      const base = `(SELECT * FROM (SELECT * FROM read_parquet(${sqlString(tablePath)}, file_row_number = true)${join_})${
        p.rowFilter ? ` WHERE (${p.rowFilter})` : ''
      })`;
      const bfv = keyManifest.params.scheme === 'bfv';
      const values: HeTableManifest['values'] = [];
      const indicators: HeTableManifest['indicators'] = [];
      const valueSql: string[] = [];
      const indicatorSql: string[] = [];
      for (const c of p.columns) {
        const s = source(c);
        if (s.numeric) {
          const stats = (
            await session.rows(
              `SELECT max(abs(${s.expr}))::DOUBLE AS m, count(*) FILTER (WHERE ${s.expr} IS NULL) AS nulls FROM ${base}`,
            )
          )[0];
          const maxAbs = Number(stats?.m ?? 0);
          const declared = p.bounds?.[c];
          const bound =
            declared ?? 10 ** Math.max(0, Math.ceil(Math.log10(Math.max(maxAbs, 1) * (1 + 1e-12))));
          const scale = bfv ? (p.scale?.[c] ?? 2) : 0;
          values.push({
            column: c,
            scale,
            bound,
            boundSource: declared === undefined ? 'data, rounded up to a power of ten' : 'declared',
            hasNulls: Number(stats?.nulls ?? 0) > 0,
          });
          const clipped = `least(greatest(CAST(${s.expr} AS DOUBLE), ${-bound}), ${bound})`;
          valueSql.push(
            bfv
              ? `CAST(round(least(greatest(CAST(${s.expr} AS DECIMAL(38,12)), ${-bound}), ${bound}) * ${10 ** scale}) AS BIGINT)`
              : clipped,
          );
        } else {
          const rows = await session.rows(`SELECT DISTINCT CAST(${s.expr} AS VARCHAR) AS v FROM ${base}`);
          const vals = rows.map((r) => (r.v === null ? null : String(r.v)));
          if (vals.length > MAX_INDICATOR_VALUES) {
            throw new HeError('HE_QUERY_INVALID', {
              problem: `${c} has ${vals.length} values, more than ${MAX_INDICATOR_VALUES} indicator columns; bin it first (e.g. an age band) or leave it out`,
            });
          }
          vals.sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
          indicators.push({ column: c, values: vals });
          indicatorSql.push(`CAST(${s.expr} AS VARCHAR)`);
        }
      }
      if (values.length + indicators.length === 0) {
        throw new HeError('HE_QUERY_INVALID', { problem: 'no column to encrypt (give --columns)' });
      }
      const pubSql = p.publicColumns.map((c) => `CAST(${source(c).expr} AS VARCHAR)`);
      const select = [...pubSql, ...valueSql, ...indicatorSql].map((e, i) => `${e} AS c${i}`);
      const order = [...pubSql.map((e) => `${e} NULLS LAST`), 'file_row_number'].join(', ');
      const total = Number((await session.rows(`SELECT count(*) AS n FROM ${base}`))[0]?.n ?? 0);
      const result = await session.stream(`SELECT ${select.join(', ')} FROM ${base} ORDER BY ${order}`);
      async function* chunks(): AsyncIterable<ColumnChunk> {
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) return;
          yield Array.from({ length: select.length }, (_, i) => chunk.getColumnValues(i) as CellInput[]);
        }
      }
      return await writeEncryptedTable({
        keyDir: p.keyDir,
        out: p.out,
        total,
        chunks: chunks(),
        progress: p.progress,
        meta: {
          name: p.name,
          dataset: {
            id: record.datasetKey.replace(/^dataset-/, ''),
            name: record.name,
            manifestCid: record.manifestCid,
            commitmentRoot: record.commitmentRoot,
            table: p.table,
          },
          rowFilter: p.rowFilter ?? null,
          asOfYear:
            p.columns.some((c) => c in AGE_BANDS) || p.publicColumns.some((c) => c in AGE_BANDS)
              ? (asOf ?? null)
              : null,
          publicColumns: [...p.publicColumns],
          values,
          indicators,
        },
      });
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A value as the writer takes it: a BFV value column's scaled integer, a CKKS real, a category's text, or NULL. */
export type CellInput = bigint | number | string | null;
/** Rows column-major: the public columns, then the value columns, then the indicator columns. */
export type ColumnChunk = readonly (readonly CellInput[])[];

/** What a writer is told about the table besides its rows (he.json without the layout and the CIDs). */
export type EncryptedTableMeta = Pick<
  HeTableManifest,
  'name' | 'dataset' | 'rowFilter' | 'asOfYear' | 'publicColumns' | 'values' | 'indicators'
>;

/**
 * Packs rows (already in layout order: sorted by the public columns) into blocks, encrypts
 * every vector of a block under the key holder's public key, writes each ciphertext as
 * `ct/<cid>.seal` and `he.json` last. The source of the rows is the caller's (a published table
 * through DuckDB, or a benchmark's generator).
 *
 * @example
 * await writeEncryptedTable({ keyDir, out, meta, total: rows.length, chunks: [[gender, value, ageBand]] });
 */
export async function writeEncryptedTable(p: {
  keyDir: string;
  out: string;
  meta: EncryptedTableMeta;
  total: number;
  chunks: AsyncIterable<ColumnChunk> | Iterable<ColumnChunk>;
  progress?: Progress | undefined;
}): Promise<HeTableManifest> {
  const keyManifest = await readKeyManifest(p.keyDir);
  const he = await heContext(keyManifest.params);
  const bfv = keyManifest.params.scheme === 'bfv';
  const { values, indicators, publicColumns } = p.meta;
  const vectors: string[] = [];
  for (const v of values) {
    vectors.push(vectorName.value(v.column), vectorName.square(v.column), vectorName.present(v.column));
  }
  for (const ind of indicators)
    for (let i = 0; i < ind.values.length; i++) vectors.push(vectorName.indicator(ind.column, i));
  const publicKey = loadPublicKey(he, await readPublicKeyFile(p.keyDir, keyManifest, 'publicKey'));
  const enc = encryptor(he, publicKey);
  try {
    const slots = he.slots;
    const fresh = () => vectors.map(() => (bfv ? new BigInt64Array(slots) : new Float64Array(slots)));
    let block = fresh();
    let fill = 0;
    const blocks: string[][] = [];
    const cells: HeTableManifest['cells'] = [];
    await mkdir(join(p.out, 'ct'), { recursive: true });
    const task = p.progress?.start('he encrypt (blocks)', Math.max(1, Math.ceil(p.total / slots)));
    const flush = async () => {
      const cids: string[] = [];
      for (const v of block) {
        const bytes = enc.encrypt(v);
        const cid = (await cidOfBytes(bytes)).toString();
        await writeFileAtomic(join(p.out, ctPath(cid)), bytes);
        cids.push(cid);
      }
      blocks.push(cids);
      block = fresh();
      fill = 0;
      task?.tick(1);
    };
    const nPub = publicColumns.length;
    const indicatorIndex = indicators.map((ind) => new Map(ind.values.map((x, i) => [x, i])));
    const indicatorFirst: number[] = [];
    let first = values.length * 3;
    for (const ind of indicators) {
      indicatorFirst.push(first);
      first += ind.values.length;
    }
    let row = 0;
    for await (const cols of p.chunks) {
      const n = cols[0]?.length ?? 0;
      for (let r = 0; r < n; r++) {
        if (nPub > 0) {
          const key = cols
            .slice(0, nPub)
            .map((c) => (c[r] === null || c[r] === undefined ? null : String(c[r])));
          const last = cells.at(-1);
          if (last?.key.every((k, i) => k === key[i])) last.rows++;
          else cells.push({ key, start: row, rows: 1 });
        }
        for (let k = 0; k < values.length; k++) {
          const x = cols[nPub + k]?.[r];
          const vi = 3 * k;
          if (bfv) {
            const v = x === null || x === undefined ? 0n : BigInt(x as bigint);
            (block[vi] as BigInt64Array)[fill] = v;
            (block[vi + 1] as BigInt64Array)[fill] = v * v;
            (block[vi + 2] as BigInt64Array)[fill] = x === null || x === undefined ? 0n : 1n;
          } else {
            const v = x === null || x === undefined ? 0 : Number(x);
            (block[vi] as Float64Array)[fill] = v;
            (block[vi + 1] as Float64Array)[fill] = v * v;
            (block[vi + 2] as Float64Array)[fill] = x === null || x === undefined ? 0 : 1;
          }
        }
        for (let k = 0; k < indicators.length; k++) {
          const x = cols[nPub + values.length + k]?.[r];
          const i = indicatorIndex[k]?.get(x === null || x === undefined ? null : String(x));
          if (i === undefined) {
            throw new HeError('HE_QUERY_INVALID', {
              problem: `a value of ${indicators[k]?.column} is not in its vocabulary`,
            });
          }
          const vec = block[(indicatorFirst[k] as number) + i] as BigInt64Array | Float64Array;
          if (bfv) (vec as BigInt64Array)[fill] = 1n;
          else (vec as Float64Array)[fill] = 1;
        }
        fill++;
        row++;
        if (fill === slots) await flush();
      }
    }
    if (fill > 0 || blocks.length === 0) await flush();
    task?.done();
    const meta = p.meta;
    const out = HeTableManifestSchema.parse({
      schema: '1',
      kind: 'sinso-he-table',
      name: meta.name,
      dataset: meta.dataset,
      rowFilter: meta.rowFilter,
      asOfYear: meta.asOfYear,
      publicColumns: [...publicColumns],
      keys: { fingerprint: keyManifest.fingerprint, params: keyManifest.params },
      rows: row,
      slots,
      cells,
      values,
      indicators,
      vectors,
      blocks,
    } satisfies HeTableManifest);
    await writeFileAtomic(join(p.out, HE_TABLE_FILE), `${canonicalJson(out, 2)}\n`);
    return out;
  } finally {
    enc.close();
    he.free(publicKey);
  }
}

/** Reads and checks an encrypted table's `he.json`. */
export async function readHeTable(dir: string): Promise<HeTableManifest> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(resolve(dir), HE_TABLE_FILE), 'utf8'));
  } catch {
    throw new HeError('HE_QUERY_INVALID', {
      problem: `no readable ${HE_TABLE_FILE} in an encrypted table folder`,
    });
  }
  const parsed = HeTableManifestSchema.safeParse(json);
  if (!parsed.success)
    throw new HeError('HE_QUERY_INVALID', { problem: `${HE_TABLE_FILE} is not a valid encrypted table` });
  return parsed.data;
}
