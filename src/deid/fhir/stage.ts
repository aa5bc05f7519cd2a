import { DeidFhirReportSchema } from '../../core/schemas/deidFhirReport.js';
import { defineStage } from '../../core/stage.js';
import { deidentifyFhirFiles } from './deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema, DeidFhirResultSchema } from './schema.js';

/** `deid.fhir` / `sinso deid fhir`: HIPAA Safe Harbor (or rules-file) de-identification of FHIR R4. */
export const deidFhirStage = defineStage({
  name: 'deid.fhir',
  version: '2',
  summary: 'De-identify FHIR R4 (Bundles, resources, NDJSON) by HIPAA Safe Harbor or FHIRPath rules',
  options: DeidFhirOptionsSchema,
  result: DeidFhirResultSchema,
  // the secret and the rules file are deps too: a pipeline reruns when either changes
  inputs: ['inputs', 'secretFile', 'config', 'issuerMap'],
  outputs: ['out'],
  requires: {
    secrets: (o) => ({ pseudonym: { key: 'pseudonym-secret', file: o.secretFile } }),
  },
  marker: { file: 'deid-report.json', schema: DeidFhirReportSchema },
  output: { deterministic: true },
  cli: {
    positional: { key: 'inputs', name: 'IN...', many: true },
    description:
      'Default profile: HIPAA Safe Harbor — names, telecom, address lines and cities removed, ZIP cut to 3 digits (000 for the restricted areas), dates reduced to the year (or shifted per patient with --date-shift), ages over 89 aggregated, ids, identifiers and references replaced by keyed pseudonyms (shared with the DICOM de-identifier: an Identifier of the system given to deid dicom as --patient-id-system, or named by its --issuer-map, gets the pseudonym of the PatientID of the same patient; give deid fhir the same option), narrative, free text, attachments and unknown extensions removed; clinical codes and values kept. Output: one NDJSON file per resource type and deid-report.json. Rejected inputs are named on stderr; exit 2 when any.',
    examples: [
      'sinso deid fhir export/ --out deid-fhir/',
      'sinso deid fhir bundle.json Patient.ndjson --out deid-fhir/ --date-shift',
      'sinso deid fhir export/ --out deid-fhir/ --config rules.json --secret-file secret.hex',
      'sinso deid fhir export/ --out deid-fhir/ --patient-id-system http://hospital.example.org/mrn',
    ],
  },
  run: (ctx, o) => deidentifyFhirFiles(ctx, o),
});
