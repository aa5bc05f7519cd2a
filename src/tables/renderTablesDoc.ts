import {
  DEFAULT_MIN_K,
  DEFAULT_QUASI_IDENTIFIERS,
  QUASI_IDENTIFIERS,
  TABLES,
  TABLES_VERSION,
} from './schema.js';

const INTRO = `# Tables

\`sinso tables IN... --out DIR\` turns the output folders of \`sinso deid fhir\` and \`sinso deid dicom\`
into the tables below: built in the workspace DuckDB (\`<workspace>/store/sinso.duckdb\`, in the schema
given by \`--dataset\`, default \`main\`; in memory without a workspace) and exported as
\`DIR/<table>.parquet\`, with \`DIR/tables.json\` (rows, bytes, sha256, row order and columns of every
table) and \`DIR/risk.json\` (k-anonymity of \`patients\`). Query them with \`sinso sql\`.

An input that is not itself a de-identified output stands for the outputs inside it: every folder
(up to 3 levels down) that holds a \`deid-report.json\`, in path order. So \`sinso tables
owners/owner-001/deid --out …\` finds \`deid/fhir\` and \`deid/dicom\`.

This page is generated from \`src/tables/schema.ts\` (a test keeps it in step).

## How the tables are built

- **FHIR**: DuckDB's JSON reader parses each NDJSON file with explicit column types (never
  auto-detected: the same types for every file; a field absent from a file is NULL) and SQL
  flattens: references \`Patient/abc\` → \`abc\`, the first coding of a CodeableConcept, quantity
  value/unit, dates. Only the resource types named below are read; others (Practitioner,
  Organization, …) are skipped. A file DuckDB cannot parse is rejected by ordinal and path (exit 2)
  and the other files still load.
- **Components**: each \`Observation.component\` (the systolic and diastolic values of a
  blood-pressure panel, say) is a row of \`observation_components\`, numbered from 1 in resource
  order, with its code, value and unit and the observation's patient and time; the panel itself
  stays one row of \`observations\` (with a NULL \`value\` when the panel has none of its own).
- **The same resource twice**: when a resource type comes from more than one input file, each
  resource id is kept once, from the first file that has it. A later copy identical in every
  column is dropped silently (a folder given twice, overlapping exports); a later resource with the
  same id and other content is left out and its file is reported (exit 2), never counted twice.
- **Dates**: a FHIR date or dateTime with at least a full date becomes a \`TIMESTAMP\` in UTC (a
  date alone is midnight UTC); a year-only or year-month value, as HIPAA Safe Harbor leaves it
  (\`"2019"\`), gives NULL there. Every time column has a \`_year\` column beside it, filled in both
  cases. \`patients.birth_date\` is a \`DATE\` only for full (shifted) birth dates; \`birth_year\` is
  always filled when \`birthDate\` is.
- **Decimals**: measured values (observation and component values, slice thickness, pixel
  spacing) are \`DECIMAL(18,8)\`, read from the text of the number (no binary floating point):
  exact to 8 decimal places (\`5.390625\` stays \`5.390625\`; further digits are rounded), NULL
  from 10^10 up. \`tables.json\` states each decimal column's scale. (The commitment encodes a
  decimal as the 64-bit integer value × 10^scale, so the scale is fixed per column.)
- **DICOM**: every \`.dcm\` file's header is read up to the pixel data (sinso's DICOM codec); the file's CID
  (CIDv1, UnixFS with raw leaves and 256 KiB chunks — what \`ipfs add --cid-version 1 --raw-leaves\`
  gives) is computed over the whole file. The metadata is built as Arrow columns (typed arrays,
  one UTF-8 buffer per string column) and loaded into DuckDB through bulk data chunks. Pixel data
  stays in the files; \`imaging_instances.file\` and \`cid\` reference it.
- **Row order**: each table is sorted by its primary order (below, NULLs last), which is the row
  order of its Parquet file and of the commitment (\`tables.json\` \`orderBy\`). Parquet is written
  with zstd and fixed row groups of 122,880 rows: the same inputs give the same bytes.
- **Replacing**: a run replaces every table of its \`--dataset\` schema in one transaction.

## Join keys

- \`observations.observation_id\` = \`observation_components.observation_id\`.
- \`patients.patient_id\` = \`encounters.patient_id\` = \`observations.patient_id\` =
  \`conditions.patient_id\` = \`medications.patient_id\` = \`imaging_studies.patient_id\` (keyed
  pseudonyms of \`Patient.id\`).
- \`encounters.encounter_id\` = \`observations.encounter_id\`, \`conditions.encounter_id\`,
  \`medications.encounter_id\`, \`imaging_studies.encounter_id\`.
- \`imaging_studies.study_uid\` = \`imaging_series.study_uid\` = \`imaging_instances.study_uid\`; the
  de-identifiers map study UIDs with the same keyed function, so the FHIR \`ImagingStudy\`
  (identifier \`urn:dicom:uid\`) and the de-identified DICOM study meet on it and
  \`imaging_studies\` carries both the FHIR \`patient_id\` and the DICOM \`dicom_patient_id\` (the
  MRN pseudonym). A study found only in DICOM gets its \`patient_id\` through that pseudonym: the
  one patient with an identifier equal to \`dicom_patient_id\` (de-identify both sides with the
  same \`--patient-id-system\`), so suppression removes it with its patient; it stays NULL when
  no patient, or more than one, has that identifier.
- \`imaging_series.series_uid\` = \`imaging_instances.series_uid\`.

## k-anonymity and suppression

\`sinso risk DIR\` (and \`risk.json\`) groups \`patients\` by quasi-identifiers — by default
${DEFAULT_QUASI_IDENTIFIERS.map((q) => `\`${q}\``).join(', ')}; allowed: ${QUASI_IDENTIFIERS.map((q) => `\`${q}\``).join(', ')} — and reports k
(the smallest class), the sizes of the 10 smallest classes (sizes only, never values) and the
classes and patients below the minimum k (default ${DEFAULT_MIN_K}). NULL is a value of its own. Age bands
(\`age_band_5\`, \`age_band_10\`: the first age of the band) are computed as of \`--as-of-year\`,
by default the latest year found in the data (never the clock).

\`sinso tables suppress DIR --out DIR2\` drops every patient of a class below k, with all their
rows in every table (imaging series and instances follow their study's patient); with
\`--method generalize\` it first coarsens, for every patient, \`birth_year\` to the first year of
its decade (and removes \`birth_date\`) and \`zip3\` to \`000\` (each only when a quasi-identifier
uses it), then drops what is still below k. \`tables.json\` records the method and counts under
\`suppression\`; \`risk.json\` is recomputed.
`;

function escapeCell(s: string): string {
  return s.replaceAll('|', '\\|');
}

/**
 * docs/tables.md, generated from the table schemas (so the page cannot drift from the code).
 *
 * @example
 * await writeFile('docs/tables.md', renderTablesDoc());
 */
export function renderTablesDoc(): string {
  const parts = [INTRO, `## Schemas (tables version ${TABLES_VERSION})\n`];
  for (const t of TABLES) {
    parts.push(
      `### \`${t.name}\`\n`,
      `Each row: ${t.row}. Source: ${t.source}. Order: ${t.orderBy.map((c) => `\`${c}\``).join(', ')}.\n`,
      '| column | type | logical | nullable | description |',
      '| --- | --- | --- | --- | --- |',
      ...t.columns.map(
        (c) =>
          `| \`${c.name}\` | ${c.type} | ${c.logical}${c.scale === undefined ? '' : ` (scale ${c.scale})`} | ${c.nullable ? 'yes' : 'no'} | ${escapeCell(c.description)} |`,
      ),
      '',
    );
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
