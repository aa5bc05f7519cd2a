import { DeidDicomReportSchema } from '../../core/schemas/deidDicomReport.js';
import { defineStage } from '../../core/stage.js';
import { deidentifyDicomFiles } from './deidentifyDicomFiles.js';
import { DeidDicomOptionsSchema, DeidDicomResultSchema } from './schema.js';

/** `deid.dicom` / `sinso deid dicom`: PS3.15 Annex E de-identification of DICOM files. */
export const deidDicomStage = defineStage({
  name: 'deid.dicom',
  version: '2',
  summary: 'De-identify DICOM files by the PS3.15 Annex E profile (keyed UIDs and pseudonyms, leak scan)',
  options: DeidDicomOptionsSchema,
  result: DeidDicomResultSchema,
  // the secret, pixel-rule and issuer-map files are deps too: a pipeline reruns when one changes
  inputs: ['inputs', 'secretFile', 'pixelRules', 'issuerMap'],
  outputs: ['out'],
  requires: {
    secrets: (o) => ({ pseudonym: { key: 'pseudonym-secret', file: o.secretFile } }),
  },
  marker: { file: 'deid-report.json', schema: DeidDicomReportSchema },
  output: { deterministic: true },
  cli: {
    positional: { key: 'inputs', name: 'IN...', many: true },
    description:
      'Applies the PS3.15 Annex E Basic Application Level Confidentiality Profile (Table E.1-1, 2024b) with the options given. Output files are named by their NEW UIDs; input paths never reach the output. UIDs map to 2.25 UIDs and PatientID to a pseudonym, both keyed by the secret and the namespace of the PatientID: one shared namespace by default (IssuerOfPatientID never splits a patient), or the FHIR identifier system given by --patient-id-system or by --issuer-map for the issuer of the object, so the pseudonym of a patient equals that of their FHIR MRN under the same option. Each output is scanned for every identifying value of its input. Rejected inputs are named on stderr; exit 2 when any.',
    examples: [
      'sinso deid dicom scans/ --out deid/',
      'sinso deid dicom scans/ --out deid/ --option retain-longitudinal-modified-dates --option retain-patient-characteristics',
      'sinso deid dicom us/ --out deid-us/ --pixel-rules rules.json --secret-file secret.hex',
      'sinso deid dicom scans/ --out deid/ --patient-id-system http://hospital.example.org/mrn',
      'sinso deid dicom pacs/ --out deid/ --issuer-map issuers.json --patient-id-system http://a.example.org/mrn',
    ],
  },
  run: (ctx, o) => deidentifyDicomFiles(ctx, o),
});
