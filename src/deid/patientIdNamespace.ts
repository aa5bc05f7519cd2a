import { z } from 'zod';
import { IdentifierSystemSchema } from '../core/schemas/patientIdNamespace.js';

/** `--patient-id-system` of `deid dicom` and `deid fhir` (one definition, so they cannot drift). */
export const PatientIdSystemOptionSchema = IdentifierSystemSchema.optional().describe(
  'FHIR identifier system (URI) of DICOM PatientIDs, and of FHIR identifiers without a system; pass the same to deid dicom and deid fhir so images and records link up (default: one shared namespace, the issuer ignored)',
);

/** `--issuer-map` of `deid dicom` and `deid fhir`. */
export const IssuerMapOptionSchema = z
  .string()
  .min(1)
  .optional()
  .describe(
    'JSON or YAML file mapping DICOM IssuerOfPatientID names to FHIR identifier systems ({"schema":"1","issuers":{"SITE01":"http://…/mrn"}}); an object whose issuer is not in it is rejected',
  );

// the resolver lives in its own module, without zod, so worker threads load it cheaply
export {
  createPatientIdNamespace,
  type PatientIdNamespaceResolver,
  type PatientIdNamespaceSettings,
  SHARED_NAMESPACE,
} from './createPatientIdNamespace.js';
