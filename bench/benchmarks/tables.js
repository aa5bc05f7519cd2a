// @ts-check
/**
 * `npm run bench -- tables`: rows/s from de-identified Observation NDJSON to the DuckDB
 * `observations` table (sinso's build: read_json with explicit types + SQL flattening + the sorted
 * table), beside DuckDB's own `read_json_auto` over the same file into a table (the parsing
 * limit), with the ratio (target ≥ 0.5) and peak memory (target < 2 GB).
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBSession } from '../../dist/tables/adapters/DuckDBSession.js';
import { loadFhirFiles, replaceDataset } from '../../dist/tables/buildTables.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = join(root, 'bench/out');

/** A small deterministic PRNG (mulberry32), so the cached file is the same on every machine. */
function rng(/** @type {number} */ seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODES = [
  ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 'laboratory', 4, 12],
  ['1558-6', 'Fasting glucose [Mass/volume] in Serum or Plasma', 'mg/dL', 'laboratory', 70, 250],
  ['39156-5', 'Body mass index (BMI) [Ratio]', 'kg/m2', 'vital-signs', 16, 45],
  ['29463-7', 'Body weight', 'kg', 'vital-signs', 40, 140],
  ['8302-2', 'Body height', 'cm', 'vital-signs', 140, 200],
];
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
const pseudo = (/** @type {() => number} */ r) =>
  Array.from({ length: 26 }, () => B32[Math.floor(r() * 32)]).join('');

/** N de-identified-looking Observation resources (pseudonymous ids, shifted dateTimes), cached. */
async function observationsFile(/** @type {number} */ n) {
  const dir = join(cacheDir, `tables-observations-${n}`);
  const file = join(dir, 'Observation.ndjson');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${n} Observation resources (cached in bench/out/)…\n`);
  const r = rng(11);
  const patients = Array.from({ length: Math.max(1, Math.floor(n / 50)) }, () => pseudo(r));
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  const security = [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'PSEUDED' }];
  let buf = '';
  for (let i = 0; i < n; i++) {
    const [code, display, unit, cat, lo, hi] = /** @type {[string,string,string,string,number,number]} */ (
      CODES[i % CODES.length]
    );
    const t = new Date(Date.UTC(2015, 0, 1) + Math.floor(r() * 3e11)).toISOString().slice(0, 19);
    const o = {
      resourceType: 'Observation',
      id: pseudo(r),
      status: 'final',
      category: [
        {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: cat }],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code, display }] },
      subject: { reference: `Patient/${patients[Math.floor(r() * patients.length)]}` },
      encounter: { reference: `Encounter/${pseudo(r)}` },
      effectiveDateTime: `${t}-05:00`,
      issued: `${t}-05:00`,
      valueQuantity: {
        value: Math.round((lo + r() * (hi - lo)) * 10) / 10,
        unit,
        system: 'http://unitsofmeasure.org',
        code: unit,
      },
      meta: { security },
    };
    buf += `${JSON.stringify(o)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  renameSync(tmp, file);
  writeFileSync(
    join(dir, 'deid-report.json'),
    JSON.stringify({
      schema: '1',
      kind: 'sinso-deid-fhir-report',
      profile: { name: 'bench', dateShift: true, rules: 0 },
      settings: { secretFingerprint: 'bench' },
    }),
  );
  return file;
}

/** @param {Record<string, string|number>} p */
const setup = async (p) => ({ file: await observationsFile(Number(p.observations)) });

/** @type {import('../types.js').Benchmark} */
export const tables = {
  name: 'tables',
  description:
    'NDJSON → DuckDB observations rows/s (sinso tables) beside DuckDB read_json_auto into a table (the parsing limit)',
  runs: 3,
  warmup: 1,
  params: {
    observations: { default: 1000000, description: 'Observation resources in the NDJSON file' },
  },
  workloads: [
    {
      name: 'tables:observations',
      description: 'sinso tables: read_json (explicit types) + SQL flattening + sorted observations table',
      setup,
      /** @param {unknown} _p @param {{file: string}} s */
      async run(_p, s) {
        const session = await DuckDBSession.open({});
        try {
          const rejected = await loadFhirFiles(session, [
            { table: 'observations', path: s.file, ordinal: 1 },
          ]);
          if (rejected.length) throw new Error('the benchmark file was rejected');
          await replaceDataset(session, 'main');
          const [row] = await session.rows(
            'SELECT count(*)::BIGINT AS n, count(value)::BIGINT AS v FROM main.observations',
          );
          return { units: Number(row?.n), unit: 'rows', extra: { withValue: Number(row?.v) } };
        } finally {
          session.close();
        }
      },
    },
    {
      name: 'duckdb:read_json_auto',
      baseline: true,
      description: 'CREATE TABLE AS SELECT * FROM read_json_auto(file): every row parsed and stored',
      setup,
      /** @param {unknown} _p @param {{file: string}} s */
      async run(_p, s) {
        const session = await DuckDBSession.open({});
        try {
          await session.run(
            `CREATE TABLE t AS SELECT * FROM read_json_auto('${s.file}', format = 'newline_delimited')`,
          );
          const [row] = await session.rows('SELECT count(*)::BIGINT AS n FROM t');
          return { units: Number(row?.n), unit: 'rows' };
        } finally {
          session.close();
        }
      },
    },
  ],
  ratios: [['tables:observations', 'duckdb:read_json_auto']],
};
