import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/**
 * The codes the de-identifiers share (DICOM and FHIR). The DICOM codec's codes are in
 * `dicom/codec/errors.ts`, the FHIR engine's in `fhir/engine/errors.ts`.
 */
export const deidErrors = defineErrorCodes({
  DEID_PIXEL_RULES_INVALID: {
    message: () => 'The pixel rules file is not valid.',
    fix: 'Give a JSON file like {"schema":"1","rules":[…]} (see README → deid dicom).',
  },
  DEID_ISSUER_MAP_INVALID: {
    message: (f: { problem: 'unreadable' | 'invalid' }) =>
      f.problem === 'unreadable'
        ? 'The issuer map file could not be read.'
        : 'The issuer map file is not valid.',
    fix: (f) =>
      f.problem === 'unreadable'
        ? 'Check the path given to --issuer-map.'
        : 'Give a JSON or YAML file like {"schema":"1","issuers":{"SITE01":"http://hospital.example.org/mrn"}}: each DICOM IssuerOfPatientID name once, with the FHIR identifier system (an absolute URI) of its PatientIDs (see README → Patient ID namespaces).',
  },
});

/**
 * Raised by `sinso deid dicom` and `sinso deid fhir` for their settings: the pixel rules file and
 * the issuer map (whose issues name entries by position, never by issuer name). Never carries a
 * data value or key material.
 *
 * @example
 * throw new DeidError('DEID_PIXEL_RULES_INVALID');
 */
export class DeidError extends errorClass(deidErrors) {
  override name = 'DeidError';
}
export type DeidErrorType = DeidError & { name: 'DeidError' };
