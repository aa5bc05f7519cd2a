import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from '../../core/hash.js';
import { DeidDicomReportSchema } from '../../core/schemas/deidDicomReport.js';
import { DeidFhirReportSchema } from '../../core/schemas/deidFhirReport.js';
import type { DeidSource } from '../../core/schemas/tables.js';
import { TablesError } from '../errors.js';
import { FHIR_TABLES, type FhirTableName } from '../fhirSql.js';
import type { DicomFileInput } from './readDicomHeaders.js';

/** One NDJSON file to load into a FHIR table. */
export type FhirFileInput = { table: FhirTableName; path: string; ordinal: number };

export type TablesInputs = {
  fhir: FhirFileInput[];
  dicom: DicomFileInput[];
  sources: DeidSource[];
};

function invalidInput(ordinal: number, cause?: unknown): TablesError {
  return new TablesError('TABLES_INPUT_INVALID', { ordinal }, cause === undefined ? {} : { cause });
}

const REPORT = 'deid-report.json';
/** How deep `findReportFolders` looks under an input that is not itself a de-identified output. */
const DISCOVERY_DEPTH = 3;

/**
 * The folders at or under `dir` (up to `depth` levels) that hold a `deid-report.json`, sorted
 * by path; a folder with a report is not searched further (its own files are the output).
 */
async function findReportFolders(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name === REPORT)) return [dir];
  if (depth === 0) return [];
  const found: string[] = [];
  const subdirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const name of subdirs) found.push(...(await findReportFolders(join(dir, name), depth - 1)));
  return found;
}

/**
 * Each input as the de-identified output folders it stands for: itself when it holds a
 * `deid-report.json`, else the folders under it that do (e.g. a workspace's `deid/`, holding
 * `fhir/` and `dicom/`).
 */
async function expandInputs(inputs: readonly string[]): Promise<{ dir: string; input: number }[]> {
  const out: { dir: string; input: number }[] = [];
  for (const [i, dir] of inputs.entries()) {
    let found: string[];
    try {
      if (!(await stat(dir)).isDirectory()) throw invalidInput(i + 1);
      found = await findReportFolders(dir, DISCOVERY_DEPTH);
    } catch (err) {
      throw err instanceof TablesError ? err : invalidInput(i + 1, err);
    }
    if (found.length === 0) throw invalidInput(i + 1);
    for (const d of found) out.push({ dir: d, input: i + 1 });
  }
  return out;
}

/**
 * Classifies each input folder by its `deid-report.json` (validated against the de-identifiers'
 * contracts in core/schemas; an input without one stands for the output folders under it) and
 * lists the files to load: the NDJSON
 * file of each resource type a table is built from, and every `.dcm` file. Files are numbered
 * from 1 in input order (ordinals for rejections).
 *
 * @example
 * const { fhir, dicom, sources } = await readSources(['deid-fhir/', 'deid-dicom/']);
 */
export async function readSources(inputs: readonly string[]): Promise<TablesInputs> {
  const out: TablesInputs = { fhir: [], dicom: [], sources: [] };
  let ordinal = 0;
  for (const { dir, input } of await expandInputs(inputs)) {
    let report: unknown;
    try {
      report = JSON.parse(await readFile(join(dir, REPORT), 'utf8'));
    } catch (err) {
      throw invalidInput(input, err);
    }
    const fhir = DeidFhirReportSchema.safeParse(report);
    if (fhir.success) {
      const present = new Set(await readdir(dir));
      out.sources.push({
        modality: 'fhir',
        profile: fhir.data.profile.name,
        options: fhir.data.profile.dateShift ? ['date-shift'] : [],
        secretFingerprint: fhir.data.settings.secretFingerprint,
        patientIdNamespace: fhir.data.settings.patientIdNamespace,
      });
      for (const [table, type] of Object.entries(FHIR_TABLES) as [FhirTableName, string][]) {
        const file = `${type}.ndjson`;
        if (present.has(file)) out.fhir.push({ table, path: join(dir, file), ordinal: ++ordinal });
      }
      continue;
    }
    const dicom = DeidDicomReportSchema.safeParse(report);
    if (!dicom.success) throw invalidInput(input);
    out.sources.push({
      modality: 'dicom',
      profile: `${dicom.data.profile.standard} ${dicom.data.profile.method}`,
      options: [...dicom.data.profile.options],
      secretFingerprint: dicom.data.settings.secretFingerprint,
      patientIdNamespace: dicom.data.settings.patientIdNamespace,
    });
    for (const path of await listFiles(dir)) {
      if (path.endsWith('.dcm')) out.dicom.push({ path, root: dir, ordinal: ++ordinal });
    }
  }
  return out;
}
