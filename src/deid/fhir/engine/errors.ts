import { SinsoError } from '../../../core/errors/index.js';

/**
 * Raised by the FHIR de-identification engine for input it cannot process (e.g. a value that is
 * not a FHIR resource). Never carries a data value.
 *
 * @example
 * throw new FhirDeidError('The input is not a FHIR resource.', { code: 'DEID_FHIR_INVALID_RESOURCE' });
 */
export class FhirDeidError extends SinsoError {
  override name = 'FhirDeidError';
}
export type FhirDeidErrorType = FhirDeidError & { name: 'FhirDeidError' };
