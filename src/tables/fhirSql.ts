import { sqlIdent, sqlString } from './quoteSql.js';
import { type TableName, tableDefinition } from './schema.js';

/** The FHIR-sourced tables and the resource type each is built from. */
export const FHIR_TABLES = {
  patients: 'Patient',
  encounters: 'Encounter',
  observations: 'Observation',
  conditions: 'Condition',
  medications: 'MedicationRequest',
  imaging_studies: 'ImagingStudy',
} as const satisfies Partial<Record<TableName, string>>;
export type FhirTableName = keyof typeof FHIR_TABLES;

const CODING = 'STRUCT(system VARCHAR, code VARCHAR, display VARCHAR)';
const CONCEPT = `STRUCT(coding ${CODING}[], text VARCHAR)`;
const REF = 'STRUCT(reference VARCHAR)';
const PERIOD = 'STRUCT("start" VARCHAR, "end" VARCHAR)';
const QUANTITY = 'STRUCT(value VARCHAR, unit VARCHAR, code VARCHAR)';
/** The type of a measured value in the tables: exact to 8 decimal places (see schema.ts). */
export const VALUE_DECIMAL = 'DECIMAL(18,8)';
/** One flattened `Observation.component`, as the staging column `components` holds it. */
const COMPONENT =
  `STRUCT(code_system VARCHAR, code VARCHAR, display VARCHAR, value ${VALUE_DECIMAL}, ` +
  'unit VARCHAR, unit_code VARCHAR, value_code VARCHAR)';

/**
 * Staging columns beyond a table's own: what a later query needs and the table does not keep
 * (the components of `observation_components`, the identifiers that link DICOM-only studies to a
 * patient). Final tables select their own columns only.
 */
const EXTRA_STAGING: Partial<Record<FhirTableName, [string, string][]>> = {
  patients: [['identifier_values', 'VARCHAR[]']],
  observations: [['components', `${COMPONENT}[]`]],
};

/**
 * The fields read from each resource type, as DuckDB types (explicit, not auto-detected: the
 * same types for every file, and fields absent in a file come out NULL). Only what the tables
 * use is read; every other field is skipped by the JSON reader.
 */
const READ_COLUMNS: Record<FhirTableName, Record<string, string>> = {
  patients: {
    resourceType: 'VARCHAR',
    id: 'VARCHAR',
    gender: 'VARCHAR',
    birthDate: 'VARCHAR',
    deceasedBoolean: 'BOOLEAN',
    deceasedDateTime: 'VARCHAR',
    identifier: 'STRUCT(system VARCHAR, value VARCHAR)[]',
    address: 'STRUCT("use" VARCHAR, state VARCHAR, postalCode VARCHAR)[]',
    extension: `STRUCT(url VARCHAR, extension STRUCT(url VARCHAR, valueCoding ${CODING})[])[]`,
  },
  encounters: {
    resourceType: 'VARCHAR',
    id: 'VARCHAR',
    status: 'VARCHAR',
    class: 'STRUCT(code VARCHAR)',
    type: `${CONCEPT}[]`,
    subject: REF,
    period: PERIOD,
  },
  observations: {
    resourceType: 'VARCHAR',
    id: 'VARCHAR',
    status: 'VARCHAR',
    category: `${CONCEPT}[]`,
    code: CONCEPT,
    subject: REF,
    encounter: REF,
    effectiveDateTime: 'VARCHAR',
    effectivePeriod: PERIOD,
    // the number as its JSON text, so the DECIMAL gets it exactly (no binary floating point)
    valueQuantity: QUANTITY,
    valueCodeableConcept: CONCEPT,
    component: `STRUCT(code ${CONCEPT}, valueQuantity ${QUANTITY}, valueCodeableConcept ${CONCEPT})[]`,
  },
  conditions: {
    resourceType: 'VARCHAR',
    id: 'VARCHAR',
    clinicalStatus: CONCEPT,
    verificationStatus: CONCEPT,
    code: CONCEPT,
    subject: REF,
    encounter: REF,
    onsetDateTime: 'VARCHAR',
    abatementDateTime: 'VARCHAR',
    recordedDate: 'VARCHAR',
  },
  medications: {
    resourceType: 'VARCHAR',
    id: 'VARCHAR',
    status: 'VARCHAR',
    intent: 'VARCHAR',
    medicationCodeableConcept: CONCEPT,
    subject: REF,
    encounter: REF,
    authoredOn: 'VARCHAR',
  },
  imaging_studies: {
    resourceType: 'VARCHAR',
    id: 'VARCHAR',
    status: 'VARCHAR',
    identifier: 'STRUCT(system VARCHAR, value VARCHAR)[]',
    modality: 'STRUCT(system VARCHAR, code VARCHAR)[]',
    subject: REF,
    encounter: REF,
    started: 'VARCHAR',
    numberOfSeries: 'BIGINT',
    numberOfInstances: 'BIGINT',
  },
};

/**
 * `Patient/abc` (or `…/Patient/abc`, `Patient/abc/_history/2`) → `abc`; NULL otherwise. The
 * plain relative form is cut out with substr; only the others pay for the regular expression.
 */
const refId = (expr: string, type: string) =>
  `CASE WHEN starts_with(${expr}, '${type}/') AND strpos(substr(${expr}, ${type.length + 2}), '/') = 0 ` +
  `THEN nullif(substr(${expr}, ${type.length + 2}), '') ` +
  `ELSE nullif(regexp_extract(${expr}, '(?:^|/)${type}/([^/]+)', 1), '') END`;
/**
 * A FHIR date/dateTime with at least a full date → TIMESTAMP (UTC); year or year-month → NULL.
 * Through the instant's epoch microseconds: the same value as a cast to TIMESTAMP in a UTC
 * session, without the time-zone conversion (several times faster, and no session setting).
 */
const time = (expr: string) =>
  `CASE WHEN length(${expr}) >= 10 THEN make_timestamp(epoch_us(TRY_CAST(${expr} AS TIMESTAMPTZ))) END`;
/** A FHIR date/dateTime → its year (works for year-only Safe Harbor values). */
const year = (expr: string) =>
  `CASE WHEN regexp_full_match(substr(${expr}, 1, 4), '[0-9]{4}') THEN CAST(substr(${expr}, 1, 4) AS INTEGER) END`;
/** A FHIR date with a full date → DATE; year or year-month → NULL. */
const date = (expr: string) =>
  `CASE WHEN length(${expr}) >= 10 THEN TRY_CAST(substr(${expr}, 1, 10) AS DATE) END`;
const first = (list: string) => `${list}[1]`;
const ext = (url: string) =>
  `list_filter(coalesce(list_filter(extension, e -> e.url = '${url}')[1].extension, []), x -> x.url = 'ombCategory')[1].valueCoding.code`;
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
const homeAddress = `coalesce(list_filter(address, a -> a."use" = 'home')[1], address[1])`;

/** The SQL expression (over the columns read above) of every column of every FHIR table. */
const SELECT: Record<Exclude<FhirTableName, 'imaging_studies'> | 'fhir_imaging', Record<string, string>> = {
  patients: {
    patient_id: 'id',
    gender: 'gender',
    birth_date: date('birthDate'),
    birth_year: year('birthDate'),
    zip3: `nullif(substr(${homeAddress}.postalCode, 1, 3), '')`,
    state: `${homeAddress}.state`,
    deceased: 'CASE WHEN deceasedDateTime IS NOT NULL THEN true ELSE deceasedBoolean END',
    race: ext(`${US_CORE}/us-core-race`),
    ethnicity: ext(`${US_CORE}/us-core-ethnicity`),
    identifier_values:
      "list_filter(list_transform(identifier, i -> i.value), v -> v IS NOT NULL AND v <> '')",
  },
  encounters: {
    encounter_id: 'id',
    patient_id: refId('subject.reference', 'Patient'),
    status: 'status',
    class_code: 'class.code',
    type_system: `${first('type')}.coding[1].system`,
    type_code: `${first('type')}.coding[1].code`,
    start_time: time('period."start"'),
    start_year: year('period."start"'),
    end_time: time('period."end"'),
    end_year: year('period."end"'),
  },
  observations: {
    observation_id: 'id',
    patient_id: refId('subject.reference', 'Patient'),
    encounter_id: refId('encounter.reference', 'Encounter'),
    status: 'status',
    category: `${first('category')}.coding[1].code`,
    code_system: 'code.coding[1].system',
    code: 'code.coding[1].code',
    display: 'code.coding[1].display',
    value: `TRY_CAST(valueQuantity.value AS ${VALUE_DECIMAL})`,
    unit: 'valueQuantity.unit',
    unit_code: 'valueQuantity.code',
    value_code: 'valueCodeableConcept.coding[1].code',
    effective_time: time('coalesce(effectiveDateTime, effectivePeriod."start")'),
    effective_year: year('coalesce(effectiveDateTime, effectivePeriod."start")'),
    components:
      `list_transform(component, c -> {'code_system': c.code.coding[1].system, 'code': c.code.coding[1].code, ` +
      `'display': c.code.coding[1].display, 'value': TRY_CAST(c.valueQuantity.value AS ${VALUE_DECIMAL}), ` +
      `'unit': c.valueQuantity.unit, 'unit_code': c.valueQuantity.code, 'value_code': c.valueCodeableConcept.coding[1].code})`,
  },
  conditions: {
    condition_id: 'id',
    patient_id: refId('subject.reference', 'Patient'),
    encounter_id: refId('encounter.reference', 'Encounter'),
    clinical_status: 'clinicalStatus.coding[1].code',
    verification_status: 'verificationStatus.coding[1].code',
    code_system: 'code.coding[1].system',
    code: 'code.coding[1].code',
    display: 'code.coding[1].display',
    onset_time: time('onsetDateTime'),
    onset_year: year('onsetDateTime'),
    abatement_time: time('abatementDateTime'),
    abatement_year: year('abatementDateTime'),
    recorded_year: year('recordedDate'),
  },
  medications: {
    medication_request_id: 'id',
    patient_id: refId('subject.reference', 'Patient'),
    encounter_id: refId('encounter.reference', 'Encounter'),
    status: 'status',
    intent: 'intent',
    code_system: 'medicationCodeableConcept.coding[1].system',
    code: 'medicationCodeableConcept.coding[1].code',
    display: 'medicationCodeableConcept.coding[1].display',
    authored_time: time('authoredOn'),
    authored_year: year('authoredOn'),
  },
  // the FHIR half of imaging_studies (joined with the DICOM half in buildImagingSql)
  fhir_imaging: {
    study_uid: `regexp_replace(list_filter(identifier, i -> i.system = 'urn:dicom:uid')[1].value, '^urn:oid:', '')`,
    patient_id: refId('subject.reference', 'Patient'),
    imaging_study_id: 'id',
    encounter_id: refId('encounter.reference', 'Encounter'),
    status: 'status',
    modalities: `nullif(array_to_string(list_sort(list_distinct(list_transform(modality, m -> m.code))), ','), '')`,
    started_time: time('started'),
    started_year: year('started'),
    series_count: 'CAST(numberOfSeries AS INTEGER)',
    instance_count: 'CAST(numberOfInstances AS INTEGER)',
  },
};

/** The staging table that the rows of one FHIR table are inserted into, file by file. */
export function stagingTable(table: FhirTableName): string {
  return table === 'imaging_studies' ? 'stage_fhir_imaging' : `stage_${table}`;
}

/** The staging column that numbers the input file a row came from (for duplicates). */
export const SOURCE_ORDINAL = 'source_ordinal';

/** The column that identifies a resource in a FHIR table's staging table (its `id`). */
export function resourceIdColumn(table: FhirTableName): string {
  const ids: Record<FhirTableName, string> = {
    patients: 'patient_id',
    encounters: 'encounter_id',
    observations: 'observation_id',
    conditions: 'condition_id',
    medications: 'medication_request_id',
    imaging_studies: 'imaging_study_id',
  };
  return ids[table];
}

/** Columns (name → DuckDB type) of a FHIR table's staging table, in select order. */
export function stagingColumns(table: FhirTableName): [string, string][] {
  const ordinal: [string, string] = [SOURCE_ORDINAL, 'INTEGER'];
  if (table !== 'imaging_studies') {
    return [
      ...tableDefinition(table).columns.map((c): [string, string] => [c.name, c.type]),
      ...(EXTRA_STAGING[table] ?? []),
      ordinal,
    ];
  }
  const types: Record<string, string> = Object.fromEntries(
    tableDefinition('imaging_studies').columns.map((c) => [c.name, c.type]),
  );
  return [
    ...Object.keys(SELECT.fhir_imaging).map((n): [string, string] => [n, types[n] ?? 'VARCHAR']),
    ordinal,
  ];
}

/**
 * The `INSERT … SELECT` that flattens one NDJSON file of a resource type into a FHIR table's
 * staging table: DuckDB's JSON reader parses, SQL flattens (references → ids, first codings,
 * quantities, dates → TIMESTAMP or year). Each row keeps the file's ordinal.
 *
 * @example
 * await connection.run(fhirInsertSql('observations', '/data/deid/Observation.ndjson', 1));
 */
export function fhirInsertSql(table: FhirTableName, file: string, ordinal: number): string {
  const select = SELECT[table === 'imaging_studies' ? 'fhir_imaging' : table];
  const cols = stagingColumns(table);
  const exprs = cols.map(([name]) => {
    const e = name === SOURCE_ORDINAL ? String(Math.trunc(ordinal)) : select[name];
    if (e === undefined) throw new RangeError(`no SQL for column ${table}.${name}`);
    return `${e} AS ${sqlIdent(name)}`;
  });
  const columns = Object.entries(READ_COLUMNS[table])
    .map(([k, t]) => `${sqlIdent(k)}: ${sqlString(t)}`)
    .join(', ');
  return (
    `INSERT INTO ${stagingTable(table)} SELECT ${exprs.join(', ')} ` +
    `FROM read_json([${sqlString(file)}], format = 'newline_delimited', columns = {${columns}}, ` +
    `maximum_object_size = 67108864) WHERE resourceType = ${sqlString(FHIR_TABLES[table])}`
  );
}

/** `CREATE TEMP TABLE` for a FHIR table's staging table. */
export function createStagingSql(table: FhirTableName): string {
  const cols = stagingColumns(table).map(([n, t]) => `${sqlIdent(n)} ${t}`);
  return `CREATE OR REPLACE TEMP TABLE ${stagingTable(table)} (${cols.join(', ')})`;
}

/**
 * The staged rows of a FHIR table, one per resource id when `dedupe`: the row from the first
 * input file that has the id (rows of later files with the same id are identical, or were
 * reported by `conflictingDuplicatesSql`).
 */
export function stagedRowsSql(table: FhirTableName, dedupe: boolean): string {
  const from = `SELECT * FROM ${stagingTable(table)}`;
  if (!dedupe) return from;
  return (
    `${from} QUALIFY row_number() OVER (PARTITION BY ${sqlIdent(resourceIdColumn(table))} ` +
    `ORDER BY ${SOURCE_ORDINAL}) = 1`
  );
}

/**
 * Per input file (ordinal): how many of its resources have an id that an earlier input file
 * already has with other content, and the first such earlier file. Rows with a NULL id are
 * never duplicates.
 */
export function conflictingDuplicatesSql(table: FhirTableName): string {
  const id = sqlIdent(resourceIdColumn(table));
  const cols = stagingColumns(table)
    .map(([n]) => n)
    .filter((n) => n !== SOURCE_ORDINAL);
  const row = (alias: string) =>
    `{${cols.map((c) => `${sqlString(c)}: ${alias}.${sqlIdent(c)}`).join(', ')}}`;
  const ranked =
    `SELECT *, row_number() OVER (PARTITION BY ${id} ORDER BY ${SOURCE_ORDINAL}) AS rn ` +
    `FROM ${stagingTable(table)} WHERE ${id} IS NOT NULL`;
  return (
    `WITH r AS (${ranked}) SELECT s.${SOURCE_ORDINAL} AS ordinal, count(*)::BIGINT AS n, ` +
    `min(f.${SOURCE_ORDINAL}) AS first FROM r s JOIN r f ON f.${id} = s.${id} AND f.rn = 1 ` +
    `WHERE s.rn > 1 AND ${row('s')} IS DISTINCT FROM ${row('f')} GROUP BY s.${SOURCE_ORDINAL} ORDER BY 1`
  );
}
