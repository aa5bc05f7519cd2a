import { defineErrorCodes, errorClass } from '../../../core/errors/index.js';

const RESOURCE_PROBLEMS = {
  'not-object': [
    'The input is not a FHIR resource (not a JSON object).',
    'Pass one parsed resource (an object with resourceType) at a time.',
  ],
  'no-resource-type': [
    'The input is not a FHIR resource (no valid resourceType).',
    'Each resource needs a resourceType such as "Patient".',
  ],
} as const;

const RULES_PROBLEMS = {
  unreadable: ['The rules file could not be read.', 'Check the path given to --config.'],
  invalid: [
    'The FHIR de-identification rules file is not valid.',
    'Each rule needs `path` (FHIRPath) and `method`; see the FHIR de-identification rules docs.',
  ],
  fhirpath: [
    'The FHIR de-identification rules file is not valid.',
    'Check the expression against the FHIRPath grammar (http://hl7.org/fhirpath/).',
  ],
} as const;

/** The codes of the FHIR de-identification engine. */
export const fhirDeidErrors = defineErrorCodes({
  DEID_FHIR_INVALID_RESOURCE: {
    message: (f: { problem: keyof typeof RESOURCE_PROBLEMS }) => RESOURCE_PROBLEMS[f.problem][0],
    fix: (f) => RESOURCE_PROBLEMS[f.problem][1],
  },
  DEID_FHIR_OUTPUT_INVALID: {
    message: (f: { path: string; type: string }) =>
      `The de-identified resource would not be valid FHIR R4: ${f.path} is not a valid ${f.type}.`,
    fix: 'Correct that element in the input (it is not a valid FHIR R4 value there either), then run again.',
  },
  DEID_FHIR_RULES_INVALID: {
    message: (f: { problem: keyof typeof RULES_PROBLEMS }) => RULES_PROBLEMS[f.problem][0],
    fix: (f) => RULES_PROBLEMS[f.problem][1],
  },
});

/**
 * Raised by the FHIR de-identification engine for input it cannot process (a value that is not a
 * FHIR resource, an element whose de-identified value would not be valid FHIR R4: its path and
 * type) and for a rules file that does not parse (`issues` names `rules.N.field`).
 * Never carries a data value.
 *
 * @example
 * throw new FhirDeidError('DEID_FHIR_INVALID_RESOURCE', { problem: 'not-object' });
 */
export class FhirDeidError extends errorClass(fhirDeidErrors) {
  override name = 'FhirDeidError';
}
export type FhirDeidErrorType = FhirDeidError & { name: 'FhirDeidError' };
