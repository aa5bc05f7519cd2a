import { z } from 'zod';

/**
 * A FHIR `Identifier.system`: an absolute URI (`http://hospital.example.org/mrn`,
 * `urn:oid:2.16.840.1.113883.3.1`). A DICOM issuer name (`SITE01`) is not one, so giving a site
 * code where a system is expected fails here instead of quietly making a namespace of it.
 */
export const IdentifierSystemSchema = z
  .string()
  .max(1024)
  .regex(/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/, 'must be an absolute URI such as http://hospital.example.org/mrn');

/**
 * How the patient identifiers of one de-identification run were put into namespaces (the
 * `patientIdNamespace` of both deid reports, carried into tables.json and the dataset manifest).
 * The pseudonym of a patient identifier is keyed by (namespace, value), so this says which
 * de-identified outputs can link up: a DICOM PatientID and a FHIR Identifier get the same
 * pseudonym exactly when they resolve to the same namespace and value.
 *
 * - `shared`: no option given. Every DICOM PatientID of the run is in one namespace (the empty
 *   one), whatever its IssuerOfPatientID; FHIR identifiers without a system are in it too.
 * - `patient-id-system`: `--patient-id-system URL`. Every DICOM PatientID belongs to `system`;
 *   FHIR identifiers of that system, and those without a system, link to them.
 * - `issuer-map`: `--issuer-map FILE`. A DICOM PatientID belongs to the system its
 *   IssuerOfPatientID maps to (`systems` lists them); without an issuer, to `system` if given,
 *   else to the shared namespace; an issuer the map does not hold rejects the object.
 *
 * Systems are URIs, not data. Never an identifier value; issuer names appear only as the count
 * and the digest of the map.
 */
export const PatientIdNamespaceSchema = z.strictObject({
  mode: z.enum(['shared', 'patient-id-system', 'issuer-map']),
  /** The system of PatientIDs that no issuer places (`--patient-id-system`), if given. */
  system: IdentifierSystemSchema.optional(),
  /** issuer-map: the distinct systems the map names, sorted. */
  systems: z.array(IdentifierSystemSchema).optional(),
  /** issuer-map: how many issuer names the map holds. */
  issuers: z.number().int().min(1).optional(),
  /** issuer-map: sha256 of the map (canonical JSON of issuer → system), to compare runs. */
  issuerMapSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type PatientIdNamespace = z.infer<typeof PatientIdNamespaceSchema>;
