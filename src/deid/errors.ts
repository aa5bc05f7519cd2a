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
});

/**
 * Raised by `sinso deid dicom` and `sinso deid fhir` for their settings: the pixel rules file. Never carries a data value or key material.
 *
 * @example
 * throw new DeidError('DEID_PIXEL_RULES_INVALID');
 */
export class DeidError extends errorClass(deidErrors) {
  override name = 'DeidError';
}
export type DeidErrorType = DeidError & { name: 'DeidError' };
