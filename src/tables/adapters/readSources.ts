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

/**
 * Classifies each input folder by its `deid-report.json` (validated against the de-identifiers'
 * contracts in core/schemas) and lists the files to load: the NDJSON
 * file of each resource type a table is built from, and every `.dcm` file. Files are numbered
 * from 1 in input order (ordinals for rejections).
 *
 * @example
 * const { fhir, dicom, sources } = await readSources(['deid-fhir/', 'deid-dicom/']);
 */
export async function readSources(inputs: readonly string[]): Promise<TablesInputs> {
  const out: TablesInputs = { fhir: [], dicom: [], sources: [] };
  let ordinal = 0;
  for (const [i, dir] of inputs.entries()) {
    let report: unknown;
    try {
      if (!(await stat(dir)).isDirectory()) throw invalidInput(i + 1);
      report = JSON.parse(await readFile(join(dir, 'deid-report.json'), 'utf8'));
    } catch (err) {
      throw err instanceof TablesError ? err : invalidInput(i + 1, err);
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
    if (!dicom.success) throw invalidInput(i + 1);
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
