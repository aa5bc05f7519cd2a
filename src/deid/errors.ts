import { defineErrorCodes, errorClass } from '../core/errors/index.js';

const SECRET_PROBLEMS = {
  unreadable: ['The secret file could not be read.', 'Check the path given to --secret-file.'],
  'too-short': [
    'The secret file holds too little key material.',
    'Use at least 32 random bytes, or 64 hex characters (e.g. `openssl rand -hex 32 > secret.hex`).',
  ],
  none: [
    'No pseudonymisation secret.',
    'Pass --secret-file F, or run inside a workspace (`sinso init`) whose pseudonym-secret is used.',
  ],
} as const;

/**
 * The codes the de-identifiers share (DICOM and FHIR). The DICOM codec's codes are in
 * `dicom/codec/errors.ts`, the FHIR engine's in `fhir/engine/errors.ts`.
 */
export const deidErrors = defineErrorCodes({
  DEID_SECRET_INVALID: {
    message: (f: { problem: keyof typeof SECRET_PROBLEMS }) => SECRET_PROBLEMS[f.problem][0],
    fix: (f) => SECRET_PROBLEMS[f.problem][1],
  },
  DEID_PIXEL_RULES_INVALID: {
    message: () => 'The pixel rules file is not valid.',
    fix: 'Give a JSON file like {"schema":"1","rules":[…]} (see README → deid dicom).',
  },
});

/**
 * Raised by `sinso deid dicom` and `sinso deid fhir` for their settings: the pseudonymisation
 * secret and the pixel rules file. Never carries a data value or key material.
 *
 * @example
 * throw new DeidError('DEID_SECRET_INVALID', { problem: 'too-short' });
 */
export class DeidError extends errorClass(deidErrors) {
  override name = 'DeidError';
}
export type DeidErrorType = DeidError & { name: 'DeidError' };
