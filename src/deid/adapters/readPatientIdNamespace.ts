import { readFile } from 'node:fs/promises';
import { DeidError } from '../errors.js';
import { parseIssuerMap } from '../parseIssuerMap.js';
import type { PatientIdNamespaceSettings } from '../patientIdNamespace.js';

/**
 * The namespace settings of a run from its options: `--patient-id-system` as given, and the
 * `--issuer-map` file read and validated (before any input is touched, so a bad map fails the
 * run at once with `DEID_ISSUER_MAP_INVALID`).
 *
 * @example
 * const settings = await readPatientIdNamespace({ patientIdSystem: 'http://a.example.org/mrn' });
 */
export async function readPatientIdNamespace(o: {
  patientIdSystem?: string | undefined;
  issuerMap?: string | undefined;
}): Promise<PatientIdNamespaceSettings> {
  const settings: PatientIdNamespaceSettings = {};
  if (o.patientIdSystem !== undefined) settings.system = o.patientIdSystem;
  if (o.issuerMap !== undefined) {
    let text: string;
    try {
      text = await readFile(o.issuerMap, 'utf8');
    } catch (err) {
      throw new DeidError('DEID_ISSUER_MAP_INVALID', { problem: 'unreadable' }, { cause: err });
    }
    settings.issuers = parseIssuerMap(text);
  }
  return settings;
}
