import { canonicalJson, sha256Hex } from '../core/hash.js';
import type { PatientIdNamespace } from '../core/schemas/patientIdNamespace.js';

/**
 * The namespace options of one run, as plain data (they travel to worker threads):
 * `--patient-id-system` and the parsed `--issuer-map`.
 */
export type PatientIdNamespaceSettings = {
  /** The FHIR identifier system of every PatientID that no issuer places. */
  system?: string | undefined;
  /** DICOM IssuerOfPatientID name (trimmed) → FHIR identifier system. */
  issuers?: Readonly<Record<string, string>> | undefined;
};

/** The namespace every patient identifier without a known system shares, when none is configured. */
export const SHARED_NAMESPACE = '';

/**
 * Where the patient identifiers of a run belong: the first argument of `pseudonymizePatientId`
 * and of the DICOM date-shift key. One patient, one namespace: a DICOM PatientID and a FHIR
 * Identifier with the same value get the same pseudonym exactly when they resolve to the same
 * namespace.
 */
export type PatientIdNamespaceResolver = {
  /**
   * The namespace of a DICOM PatientID, from the object's IssuerOfPatientID (`''` when absent):
   * - no option: the shared namespace — the issuer never splits a patient;
   * - `--patient-id-system URL`: URL, whatever the issuer says;
   * - `--issuer-map`: the system the issuer maps to; no issuer → `--patient-id-system` if given,
   *   else the shared namespace; an issuer not in the map → `undefined` (the caller rejects the
   *   object: guessing would merge or split patients).
   */
  dicom(issuer: string): string | undefined;
  /**
   * The namespace of a FHIR Identifier (or `?identifier=` search) with this system (`''` when it
   * has none). An Identifier carries its own system, so the system is its namespace, and an
   * Identifier whose system is one of the map's systems meets the DICOM PatientIDs whose issuer
   * maps to it without any translation; an issuer name written as a system is not translated
   * (systems are URIs, issuer names are not). An Identifier without a system is in the run's
   * default namespace, as a DICOM PatientID without an issuer is: `--patient-id-system` if given,
   * else the shared namespace.
   */
  fhir(system: string): string;
  /** What the reports record (mode and systems; never an identifier, never an issuer name). */
  policy: PatientIdNamespace;
};

/**
 * Builds the namespace resolver of a run from its options (see {@link PatientIdNamespaceResolver}).
 *
 * @example
 * const ns = createPatientIdNamespace({ system: 'http://hospital.example.org/mrn' });
 * pseudonymizePatientId(secret, ns.dicom(issuer) ?? reject(), patientId);
 */
export function createPatientIdNamespace(s: PatientIdNamespaceSettings = {}): PatientIdNamespaceResolver {
  const fallback = s.system ?? SHARED_NAMESPACE;
  const issuers = s.issuers === undefined ? undefined : new Map(Object.entries(s.issuers));
  const policy: PatientIdNamespace = issuers
    ? {
        mode: 'issuer-map',
        ...(s.system === undefined ? {} : { system: s.system }),
        systems: [...new Set(issuers.values())].sort(),
        issuers: issuers.size,
        issuerMapSha256: sha256Hex(canonicalJson(Object.fromEntries(issuers))),
      }
    : s.system === undefined
      ? { mode: 'shared' }
      : { mode: 'patient-id-system', system: s.system };
  return {
    dicom: (issuer) => {
      if (!issuers) return fallback;
      const name = issuer.trim();
      return name === '' ? fallback : issuers.get(name);
    },
    fhir: (system) => (system === '' ? fallback : system),
    policy,
  };
}
