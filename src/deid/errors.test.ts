import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { DicomCodecError } from '../ingest/index.js';
import { DeidError } from './errors.js';
import { FhirDeidError } from './fhir/engine/errors.js';

it('renders every deid error code', () => {
  expect(
    [
      renderErrorSamples(DeidError, {
        DEID_PIXEL_RULES_INVALID: {},
        DEID_ISSUER_MAP_INVALID: { problem: 'invalid' },
      }),
      renderErrorSamples(DicomCodecError, {
        DEID_DICOM_UNREADABLE: { reason: 'truncated: an element runs past the end of the file', offset: 132 },
        DEID_DICOM_UNSUPPORTED: { reason: 'unknown transfer syntax 1.2.840.10008.1.2.9' },
      }),
      renderErrorSamples(FhirDeidError, {
        DEID_FHIR_INVALID_RESOURCE: { problem: 'no-resource-type' },
        DEID_FHIR_OUTPUT_INVALID: { path: 'Observation.component[1].valueDateTime', type: 'dateTime' },
        DEID_FHIR_RULES_INVALID: { problem: 'fhirpath' },
      }),
    ].join('\n\n'),
  ).toMatchInlineSnapshot(`
    "[DEID_PIXEL_RULES_INVALID]
    The pixel rules file is not valid.

    Fix: Give a JSON file like {"schema":"1","rules":[…]} (see README → deid dicom).

    [DEID_ISSUER_MAP_INVALID]
    The issuer map file is not valid.

    Fix: Give a JSON or YAML file like {"schema":"1","issuers":{"SITE01":"http://hospital.example.org/mrn"}}: each DICOM IssuerOfPatientID name once, with the FHIR identifier system (an absolute URI) of its PatientIDs (see README → Patient ID namespaces).

    [DEID_DICOM_UNREADABLE]
    The DICOM file cannot be read (truncated: an element runs past the end of the file).

    Fix: Check that the file is complete and is DICOM; export it again from the source system.
    Details: at byte 132

    [DEID_DICOM_UNSUPPORTED]
    The DICOM file uses an encoding sinso does not support (unknown transfer syntax 1.2.840.10008.1.2.9).

    Fix: Convert the file to a standard transfer syntax (e.g. with dcmconv or gdcmconv) and retry.

    [DEID_FHIR_INVALID_RESOURCE]
    The input is not a FHIR resource (no valid resourceType).

    Fix: Each resource needs a resourceType such as "Patient".

    [DEID_FHIR_OUTPUT_INVALID]
    The de-identified resource would not be valid FHIR R4: Observation.component[1].valueDateTime is not a valid dateTime.

    Fix: Correct that element in the input (it is not a valid FHIR R4 value there either), then run again.

    [DEID_FHIR_RULES_INVALID]
    The FHIR de-identification rules file is not valid.

    Fix: Check the expression against the FHIRPath grammar (http://hl7.org/fhirpath/)."
  `);
});
