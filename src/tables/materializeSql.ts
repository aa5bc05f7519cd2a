import { FHIR_TABLES, type FhirTableName, stagedRowsSql, stagingTable, VALUE_DECIMAL } from './fhirSql.js';
import { sqlIdent } from './quoteSql.js';
import { TABLE_NAMES, type TableDefinition, type TableName, tableDefinition } from './schema.js';

/** The raw DICOM file table loaded from Arrow (see dicomArrowColumns). */
export const DICOM_FILES_TABLE = 'stage_dicom_files';

/** `ORDER BY` of a table's primary row order (NULLs last, explicitly). */
export function orderBySql(t: TableDefinition): string {
  return t.orderBy.map((c) => `${sqlIdent(c)} ASC NULLS LAST`).join(', ');
}

/** `SELECT` list casting each expression to the schema's type, in schema order. */
function castSelect(t: TableDefinition, exprs: Record<string, string>): string {
  return t.columns
    .map((c) => {
      const e = exprs[c.name] ?? sqlIdent(c.name);
      return `CAST(${e} AS ${c.type}) AS ${sqlIdent(c.name)}`;
    })
    .join(', ');
}

/** Which FHIR tables had rows from more than one input file (their ids are de-duplicated). */
export type DedupeTables = ReadonlySet<FhirTableName>;

/**
 * The query giving the rows of one final table from the staging tables; the FHIR tables in
 * `dedupe` keep one row per resource id (the first input file's).
 */
export function finalTableQuery(name: TableName, dedupe: DedupeTables = new Set()): string {
  const t = tableDefinition(name);
  const staged = (f: FhirTableName) => `(${stagedRowsSql(f, dedupe.has(f))})`;
  if (name in FHIR_TABLES && name !== 'imaging_studies') {
    return `SELECT ${castSelect(t, {})} FROM ${staged(name as FhirTableName)}`;
  }
  if (name === 'observation_components') {
    const c = (field: string) => `c.x.${sqlIdent(field)}`;
    return (
      `SELECT ${castSelect(t, {
        component_index: 'c.i',
        code_system: c('code_system'),
        code: c('code'),
        display: c('display'),
        value: c('value'),
        unit: c('unit'),
        unit_code: c('unit_code'),
        value_code: c('value_code'),
      })} FROM (SELECT *, unnest(list_transform(components, (x, i) -> {'i': i, 'x': x})) AS c ` +
      `FROM ${staged('observations')})`
    );
  }
  if (name === 'imaging_instances') {
    return `SELECT ${castSelect(t, {
      slice_thickness: `TRY_CAST(slice_thickness AS ${VALUE_DECIMAL})`,
      pixel_spacing_row: `TRY_CAST(pixel_spacing_row AS ${VALUE_DECIMAL})`,
      pixel_spacing_col: `TRY_CAST(pixel_spacing_col AS ${VALUE_DECIMAL})`,
    })} FROM ${DICOM_FILES_TABLE}`;
  }
  if (name === 'imaging_series') {
    return `SELECT ${castSelect(t, {
      study_uid: 'min(study_uid)',
      modality: 'min(modality)',
      body_part: 'min(body_part)',
      series_number: 'min(series_number)',
      instance_count: 'count(*)',
    })} FROM ${DICOM_FILES_TABLE} GROUP BY series_uid`;
  }
  // imaging_studies: FHIR ImagingStudy (one per study UID) ⟗ DICOM studies
  const dicom =
    `SELECT study_uid, min(dicom_patient_id) AS dicom_patient_id, ` +
    `nullif(string_agg(DISTINCT modality, ',' ORDER BY modality), '') AS modalities, ` +
    `min(study_date) AS study_date, count(DISTINCT series_uid) AS series_count, count(*) AS instance_count ` +
    `FROM ${DICOM_FILES_TABLE} GROUP BY study_uid`;
  const fhir =
    `SELECT * FROM ${staged('imaging_studies')} WHERE study_uid IS NOT NULL ` +
    'QUALIFY row_number() OVER (PARTITION BY study_uid ORDER BY imaging_study_id NULLS LAST) = 1';
  // identifier value → patient, where exactly one patient has it (the MRN pseudonym that equals
  // the de-identified DICOM PatientID)
  const byIdentifier =
    'SELECT v, min(patient_id) AS patient_id FROM (SELECT patient_id, unnest(identifier_values) AS v ' +
    `FROM ${stagingTable('patients')}) GROUP BY v HAVING count(DISTINCT patient_id) = 1`;
  return (
    `SELECT ${castSelect(t, {
      study_uid: 'coalesce(f.study_uid, d.study_uid)',
      patient_id: 'coalesce(f.patient_id, m.patient_id)',
      imaging_study_id: 'f.imaging_study_id',
      encounter_id: 'f.encounter_id',
      dicom_patient_id: 'd.dicom_patient_id',
      status: 'f.status',
      modalities: 'coalesce(d.modalities, f.modalities)',
      started_time: 'f.started_time',
      started_year: 'f.started_year',
      study_date: 'TRY_CAST(d.study_date AS DATE)',
      series_count: 'coalesce(d.series_count, f.series_count)',
      instance_count: 'coalesce(d.instance_count, f.instance_count)',
      has_dicom: 'd.study_uid IS NOT NULL',
    })} FROM (${fhir}) f FULL OUTER JOIN (${dicom}) d ON f.study_uid = d.study_uid ` +
    `LEFT JOIN (${byIdentifier}) m ON f.patient_id IS NULL AND m.v = d.dicom_patient_id`
  );
}

/**
 * The statements that replace every table of a dataset (DuckDB schema) with the staged rows,
 * sorted by each table's primary order; run them in one transaction.
 *
 * @example
 * for (const s of replaceDatasetSql('main')) await session.run(s);
 */
export function replaceDatasetSql(dataset: string, dedupe: DedupeTables = new Set()): string[] {
  const ds = sqlIdent(dataset);
  const out = [`CREATE SCHEMA IF NOT EXISTS ${ds}`];
  for (const name of TABLE_NAMES) {
    out.push(
      `CREATE OR REPLACE TABLE ${ds}.${sqlIdent(name)} AS ${finalTableQuery(name, dedupe)} ` +
        `ORDER BY ${orderBySql(tableDefinition(name))}`,
    );
  }
  return out;
}
