import { z } from 'zod';
import { DatasetIdOptionSchema } from '../core/datasetId.js';
import { AsOfYearOptionSchema } from '../core/options.js';
import type { ColumnLogicalType, TableColumn } from '../core/schemas/tables.js';

/** Version of the table schemas below; bump on any change of columns, types or meaning. */
export const TABLES_VERSION = '2';

/** One table's definition: its columns (in order), primary sort order and what a row is. */
export type TableDefinition = {
  name: TableName;
  /** What one row stands for. */
  row: string;
  /** Where the rows come from. */
  source: string;
  /** The stable row order: of the DuckDB table, of the Parquet file and of the commitment. */
  orderBy: readonly string[];
  columns: readonly TableColumn[];
};

export const TABLE_NAMES = [
  'patients',
  'encounters',
  'observations',
  'observation_components',
  'conditions',
  'medications',
  'imaging_studies',
  'imaging_series',
  'imaging_instances',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

function col(
  name: string,
  type: string,
  logical: ColumnLogicalType,
  nullable: boolean,
  description: string,
): TableColumn {
  const scale = /^DECIMAL\(\d+,\s*(\d+)\)$/.exec(type)?.[1];
  return scale === undefined
    ? { name, type, logical, nullable, description }
    : { name, type, logical, scale: Number(scale), nullable, description };
}

const ID = 'VARCHAR';
const patientRef = col('patient_id', ID, 'id', true, 'The patient (`patients.patient_id`), from `subject`');
const encounterRef = col(
  'encounter_id',
  ID,
  'id',
  true,
  'The encounter (`encounters.encounter_id`), from `encounter`',
);
const codeSystem = col('code_system', 'VARCHAR', 'categorical', true, 'System of the first coding of `code`');
const code = col('code', 'VARCHAR', 'categorical', true, 'Code of the first coding of `code`');
const display = col('display', 'VARCHAR', 'string', true, 'Display of the first coding of `code`');
const timeYear = (base: string, what: string): TableColumn[] => [
  col(
    `${base}_time`,
    'TIMESTAMP',
    'timestamp',
    true,
    `${what} in UTC; NULL when the source keeps only the year (Safe Harbor) or month`,
  ),
  col(`${base}_year`, 'INTEGER', 'int', true, `Year of ${what.toLowerCase()} (kept by Safe Harbor too)`),
];
const uid = (name: string, what: string) => col(name, ID, 'id', false, what);
/** A measured value: DECIMAL(18,8), exact to 8 decimal places, |value| < 10^10 (else NULL). */
const measured = (name: string, what: string) =>
  col(
    name,
    'DECIMAL(18,8)',
    'decimal',
    true,
    `${what}, exact to 8 decimal places (more digits are rounded; NULL from 10^10 up)`,
  );
const int = (name: string, what: string, nullable = true) => col(name, 'INTEGER', 'int', nullable, what);

/** Every table sinso builds, in the order of tables.json and docs/tables.md. */
export const TABLES: readonly TableDefinition[] = [
  {
    name: 'patients',
    row: 'one patient',
    source: 'FHIR `Patient`',
    orderBy: ['patient_id'],
    columns: [
      col('patient_id', ID, 'id', false, 'Pseudonymous `Patient.id`'),
      col('gender', 'VARCHAR', 'categorical', true, '`gender` (male, female, other, unknown)'),
      col(
        'birth_date',
        'DATE',
        'date',
        true,
        '`birthDate` when a full (shifted) date is kept; NULL when only the year is (Safe Harbor)',
      ),
      int('birth_year', 'Year of `birthDate` (year-only or shifted full date)'),
      col(
        'zip3',
        'VARCHAR',
        'categorical',
        true,
        'First 3 characters of the home (else first) address `postalCode`; `000` for restricted areas',
      ),
      col('state', 'VARCHAR', 'categorical', true, '`state` of the same address'),
      col(
        'deceased',
        'BOOLEAN',
        'bool',
        true,
        'true when `deceasedBoolean` is true or `deceasedDateTime` is present; NULL when absent',
      ),
      col('race', 'VARCHAR', 'categorical', true, 'First `ombCategory` code of the US Core race extension'),
      col(
        'ethnicity',
        'VARCHAR',
        'categorical',
        true,
        'First `ombCategory` code of the US Core ethnicity extension',
      ),
    ],
  },
  {
    name: 'encounters',
    row: 'one encounter',
    source: 'FHIR `Encounter`',
    orderBy: ['patient_id', 'start_time', 'start_year', 'encounter_id'],
    columns: [
      col('encounter_id', ID, 'id', false, 'Pseudonymous `Encounter.id`'),
      patientRef,
      col('status', 'VARCHAR', 'categorical', true, '`status`'),
      col('class_code', 'VARCHAR', 'categorical', true, '`class.code` (AMB, IMP, EMER, …)'),
      col('type_system', 'VARCHAR', 'categorical', true, 'System of the first coding of the first `type`'),
      col('type_code', 'VARCHAR', 'categorical', true, 'Code of the first coding of the first `type`'),
      ...timeYear('start', '`period.start`'),
      ...timeYear('end', '`period.end`'),
    ],
  },
  {
    name: 'observations',
    row: 'one observation',
    source: 'FHIR `Observation`',
    orderBy: ['patient_id', 'effective_time', 'effective_year', 'observation_id'],
    columns: [
      col('observation_id', ID, 'id', false, 'Pseudonymous `Observation.id`'),
      patientRef,
      encounterRef,
      col('status', 'VARCHAR', 'categorical', true, '`status`'),
      col('category', 'VARCHAR', 'categorical', true, 'Code of the first coding of the first `category`'),
      codeSystem,
      code,
      display,
      measured('value', '`valueQuantity.value`'),
      col('unit', 'VARCHAR', 'categorical', true, '`valueQuantity.unit`'),
      col('unit_code', 'VARCHAR', 'categorical', true, '`valueQuantity.code` (UCUM)'),
      col('value_code', 'VARCHAR', 'categorical', true, 'Code of the first coding of `valueCodeableConcept`'),
      ...timeYear('effective', '`effectiveDateTime` (else `effectivePeriod.start`)'),
    ],
  },
  {
    name: 'observation_components',
    row: 'one component of an observation (e.g. systolic or diastolic of a blood-pressure panel)',
    source: 'FHIR `Observation.component`, in the order of the resource',
    orderBy: ['patient_id', 'effective_time', 'effective_year', 'observation_id', 'component_index'],
    columns: [
      col('observation_id', ID, 'id', false, 'The observation (`observations.observation_id`)'),
      col('component_index', 'INTEGER', 'int', false, 'Position of the component in `component`, from 1'),
      patientRef,
      col(
        'code_system',
        'VARCHAR',
        'categorical',
        true,
        'System of the first coding of the component `code`',
      ),
      col('code', 'VARCHAR', 'categorical', true, 'Code (e.g. LOINC 8480-6 systolic) of that coding'),
      col('display', 'VARCHAR', 'string', true, 'Display of that coding'),
      measured('value', 'The component `valueQuantity.value`'),
      col('unit', 'VARCHAR', 'categorical', true, 'The component `valueQuantity.unit`'),
      col('unit_code', 'VARCHAR', 'categorical', true, 'The component `valueQuantity.code` (UCUM)'),
      col(
        'value_code',
        'VARCHAR',
        'categorical',
        true,
        'Code of the first coding of the component `valueCodeableConcept`',
      ),
      ...timeYear('effective', 'The observation `effectiveDateTime` (else `effectivePeriod.start`)'),
    ],
  },
  {
    name: 'conditions',
    row: 'one condition',
    source: 'FHIR `Condition`',
    orderBy: ['patient_id', 'onset_time', 'onset_year', 'condition_id'],
    columns: [
      col('condition_id', ID, 'id', false, 'Pseudonymous `Condition.id`'),
      patientRef,
      encounterRef,
      col('clinical_status', 'VARCHAR', 'categorical', true, 'Code of the first coding of `clinicalStatus`'),
      col(
        'verification_status',
        'VARCHAR',
        'categorical',
        true,
        'Code of the first coding of `verificationStatus`',
      ),
      codeSystem,
      code,
      display,
      ...timeYear('onset', '`onsetDateTime`'),
      ...timeYear('abatement', '`abatementDateTime`'),
      int('recorded_year', 'Year of `recordedDate`'),
    ],
  },
  {
    name: 'medications',
    row: 'one medication request',
    source: 'FHIR `MedicationRequest`',
    orderBy: ['patient_id', 'authored_time', 'authored_year', 'medication_request_id'],
    columns: [
      col('medication_request_id', ID, 'id', false, 'Pseudonymous `MedicationRequest.id`'),
      patientRef,
      encounterRef,
      col('status', 'VARCHAR', 'categorical', true, '`status`'),
      col('intent', 'VARCHAR', 'categorical', true, '`intent`'),
      col(
        'code_system',
        'VARCHAR',
        'categorical',
        true,
        'System of the first coding of `medicationCodeableConcept`',
      ),
      col('code', 'VARCHAR', 'categorical', true, 'Code (e.g. RxNorm) of that coding'),
      col('display', 'VARCHAR', 'string', true, 'Display of that coding'),
      ...timeYear('authored', '`authoredOn`'),
    ],
  },
  {
    name: 'imaging_studies',
    row: 'one imaging study (by Study Instance UID)',
    source:
      'FHIR `ImagingStudy` (identifier `urn:dicom:uid`) full-outer-joined with the de-identified DICOM files on the study UID',
    orderBy: ['patient_id', 'study_uid'],
    columns: [
      uid('study_uid', 'Study Instance UID (as mapped by de-identification: `2.25.…`)'),
      col(
        'patient_id',
        ID,
        'id',
        true,
        'The patient: the FHIR `ImagingStudy.subject`, else (DICOM-only) the one patient with an identifier equal to `dicom_patient_id`',
      ),
      col('imaging_study_id', ID, 'id', true, 'Pseudonymous FHIR `ImagingStudy.id` (NULL for DICOM-only)'),
      encounterRef,
      col(
        'dicom_patient_id',
        ID,
        'id',
        true,
        'DICOM PatientID (the same keyed pseudonym as the MRN in FHIR)',
      ),
      col('status', 'VARCHAR', 'categorical', true, 'FHIR `status`'),
      col(
        'modalities',
        'VARCHAR',
        'categorical',
        true,
        'Distinct modalities, sorted, comma-separated (DICOM when files are present, else FHIR)',
      ),
      ...timeYear('started', 'FHIR `started`'),
      col('study_date', 'DATE', 'date', true, 'DICOM StudyDate where the profile keeps it (shifted)'),
      int('series_count', 'Series: counted in the DICOM files when present, else FHIR `numberOfSeries`'),
      int(
        'instance_count',
        'Instances: counted in the DICOM files when present, else FHIR `numberOfInstances`',
      ),
      col('has_dicom', 'BOOLEAN', 'bool', false, 'Whether de-identified DICOM files of the study were read'),
    ],
  },
  {
    name: 'imaging_series',
    row: 'one DICOM series',
    source: 'de-identified DICOM files (headers), grouped by Series Instance UID',
    orderBy: ['study_uid', 'series_uid'],
    columns: [
      uid('series_uid', 'Series Instance UID'),
      uid('study_uid', 'Study Instance UID (`imaging_studies.study_uid`)'),
      col('modality', 'VARCHAR', 'categorical', true, 'Modality (0008,0060)'),
      col('body_part', 'VARCHAR', 'categorical', true, 'Body Part Examined (0018,0015)'),
      int('series_number', 'Series Number (0020,0011)'),
      int('instance_count', 'Instances (files) of the series', false),
    ],
  },
  {
    name: 'imaging_instances',
    row: 'one DICOM instance (file); pixel data stays in the file, referenced by CID',
    source: 'de-identified DICOM files (headers read up to the pixel data)',
    orderBy: ['study_uid', 'series_uid', 'instance_number', 'sop_instance_uid'],
    columns: [
      uid('sop_instance_uid', 'SOP Instance UID'),
      uid('series_uid', 'Series Instance UID (`imaging_series.series_uid`)'),
      uid('study_uid', 'Study Instance UID'),
      col('sop_class_uid', 'VARCHAR', 'categorical', true, 'SOP Class UID'),
      int('instance_number', 'Instance Number (0020,0013)'),
      int('pixel_rows', 'Rows (0028,0010)'),
      int('pixel_columns', 'Columns (0028,0011)'),
      int('bits_allocated', 'Bits Allocated (0028,0100)'),
      int('bits_stored', 'Bits Stored (0028,0101)'),
      int('samples_per_pixel', 'Samples per Pixel (0028,0002)'),
      col('photometric', 'VARCHAR', 'categorical', true, 'Photometric Interpretation (0028,0004)'),
      measured('slice_thickness', 'Slice Thickness in mm (0018,0050)'),
      measured('pixel_spacing_row', 'Pixel Spacing, row spacing in mm (0028,0030, first value)'),
      measured('pixel_spacing_col', 'Pixel Spacing, column spacing in mm (0028,0030, second value)'),
      col('transfer_syntax_uid', 'VARCHAR', 'categorical', true, 'Transfer Syntax UID (0002,0010)'),
      col(
        'file',
        'VARCHAR',
        'string',
        false,
        'Path of the file inside the de-identified folder: `<study>/<series>/<sop>.dcm`',
      ),
      col('file_bytes', 'BIGINT', 'int', false, 'File size in bytes'),
      col(
        'cid',
        'VARCHAR',
        'id',
        false,
        'CIDv1 of the whole file (UnixFS, raw leaves, 256 KiB chunks: the CID IPFS gives it)',
      ),
    ],
  },
];

/** A table's definition by name. */
export function tableDefinition(name: TableName): TableDefinition {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new RangeError(`unknown table ${name}`);
  return t;
}

/** The quasi-identifiers `sinso risk` and suppression accept (derived from `patients`). */
export const QUASI_IDENTIFIERS = [
  'birth_year',
  'age_band_5',
  'age_band_10',
  'gender',
  'zip3',
  'state',
  'race',
  'ethnicity',
] as const;
export type QuasiIdentifier = (typeof QUASI_IDENTIFIERS)[number];
export const DEFAULT_QUASI_IDENTIFIERS: readonly QuasiIdentifier[] = ['birth_year', 'gender', 'zip3'];
export const DEFAULT_MIN_K = 5;

/** `--qi`, repeatable; `--help` lists the choices. */
export const QuasiIdentifiersOptionSchema = z
  .array(z.enum(QUASI_IDENTIFIERS))
  .min(1)
  .default([...DEFAULT_QUASI_IDENTIFIERS])
  .describe('A quasi-identifier (repeatable)');
/** `--min-k`: the k-anonymity to reach (or to refuse below). */
export const MinKOptionSchema = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .default(DEFAULT_MIN_K)
  .describe('The k to reach');
const qiList = QuasiIdentifiersOptionSchema;
const minK = MinKOptionSchema;
const asOfYear = AsOfYearOptionSchema.describe(
  'Year ages are computed at, for age bands (default: the latest year in the data)',
);

/** Options of `sinso tables` and of the `tables` pipeline stage. */
export const TablesOptionsSchema = z.strictObject({
  inputs: z
    .array(z.string().min(1))
    .min(1)
    .describe('Output folders of `sinso deid fhir` and/or `sinso deid dicom`'),
  out: z.string().min(1).describe('Output folder: <table>.parquet, tables.json and risk.json'),
  dataset: DatasetIdOptionSchema.describe(
    'Dataset id: the DuckDB schema the tables are built in (workspace store/sinso.duckdb)',
  ),
  qi: qiList,
  minK,
  asOfYear,
  concurrency: z.number().int().min(1).max(256).default(8).describe('DICOM files read at once'),
});
export type TablesOptions = z.output<typeof TablesOptionsSchema>;

/** What `tables` reports: rows per table, k and the inputs rejected. */
export const TablesResultSchema = z.strictObject({
  rows: z.record(z.string(), z.number().int()).describe('rows in'),
  k: z.number().int().describe('k'),
  patientsBelowMinK: z.number().int().describe('patients below min k'),
  rejected: z.number().int().describe('rejected'),
});
export type TablesResult = z.output<typeof TablesResultSchema>;

/** What `tables.suppress` reports. */
export const TablesSuppressResultSchema = z.strictObject({
  method: z.enum(['drop', 'generalize']).describe('method'),
  patientsDropped: z.number().int().describe('patients dropped'),
  patientsGeneralized: z.number().int().describe('patients generalized'),
  rowsDropped: z.number().int().describe('rows dropped'),
  k: z.number().int().describe('k'),
  patients: z.number().int().describe('patients'),
});
export type TablesSuppressResult = z.output<typeof TablesSuppressResultSchema>;

/** Options of `sinso tables suppress` and of the `tables.suppress` pipeline stage. */
export const TablesSuppressOptionsSchema = z.strictObject({
  input: z.string().min(1).describe('A tables folder (output of `sinso tables`)'),
  out: z.string().min(1).describe('Output folder: the suppressed tables, tables.json and risk.json'),
  minK,
  method: z
    .enum(['drop', 'generalize'])
    .default('drop')
    .describe('drop: remove patients in classes below k; generalize: coarsen first, then drop'),
  qi: qiList,
  asOfYear,
});
export type TablesSuppressOptions = z.output<typeof TablesSuppressOptionsSchema>;

/** Options of `sinso risk`. */
export const RiskOptionsSchema = z.strictObject({
  tables: z.string().min(1).describe('A tables folder (output of `sinso tables`)'),
  qi: qiList,
  minK,
  asOfYear,
  out: z.string().min(1).optional().describe('Also write the report to this JSON file'),
});
export type RiskOptions = z.output<typeof RiskOptionsSchema>;

/** Options of `sinso sql`. */
export const SqlOptionsSchema = z.strictObject({
  query: z.string().min(1).describe('The SQL query (DuckDB dialect)'),
  dataset: DatasetIdOptionSchema.describe(
    'Dataset id: the DuckDB schema to query (first on the search path)',
  ),
  csv: z.boolean().default(false).describe('CSV on stdout instead of an aligned table'),
  maxRows: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Stop after this many rows (default: all for CSV/JSON, 1000 for the table view)'),
});
export type SqlOptions = z.output<typeof SqlOptionsSchema>;
