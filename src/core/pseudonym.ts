import { createHmac } from 'node:crypto';

/**
 * Keyed pseudonyms shared by every de-identifier (DICOM and FHIR), so one patient's records link
 * up after de-identification. All are HMAC-SHA-256 keyed by the workspace secret, with a
 * domain label per use: the same input and secret always give the same output, across files,
 * runs and machines, and nothing is stored (no table grows).
 */

function hmac(secret: Uint8Array, domain: string, value: string): Buffer {
  return createHmac('sha256', secret).update(`sinso/${domain}/v1\u0000`).update(value, 'utf8').digest();
}

/**
 * A new DICOM UID for an old one: `2.25.` + the decimal of the first 128 bits of the HMAC
 * (PS3.5 B.2: a UUID-derived UID; at most 44 characters, within the 64 allowed).
 *
 * @example
 * mapUid(secret, '1.2.840.113619.2.55.3.604688119') // '2.25.1234…'
 */
export function mapUid(secret: Uint8Array, uid: string): string {
  const h = hmac(secret, 'uid', uid.replace(/[\0 ]+$/, ''));
  return `2.25.${BigInt(`0x${h.subarray(0, 16).toString('hex')}`).toString(10)}`;
}

/**
 * The pseudonym of a patient identifier: the same for DICOM PatientID and FHIR identifiers, so
 * records link up. `system` is the identifier's namespace as the run's policy resolves it (see
 * deid's createPatientIdNamespace): a FHIR Identifier.system, the system `--patient-id-system`
 * or `--issuer-map` gives a DICOM PatientID, or `''`, the shared namespace — never the raw
 * IssuerOfPatientID, which real archives write in some objects of a patient only. 26 base32
 * characters (130 bits, collision-free in practice).
 */
export function pseudonymizePatientId(secret: Uint8Array, system: string, value: string): string {
  return base32(hmac(secret, 'patient-id', `${system}\u0000${value.trim()}`)).slice(0, 26);
}

/** A keyed pseudonym for any other identifier (accession numbers, resource ids, …) within a domain. */
export function pseudonymize(secret: Uint8Array, domain: string, value: string): string {
  return base32(hmac(secret, `id/${domain}`, value.trim())).slice(0, 26);
}

/**
 * The keyed per-patient date shift in whole days: never zero, within ±maxDays. The same patient
 * key and secret always give the same shift, so intervals between a patient's dates survive.
 */
export function dateShiftDays(secret: Uint8Array, patientKey: string, maxDays = 365): number {
  const h = hmac(secret, 'date-shift', patientKey);
  const n = h.readUInt32BE(0) % (2 * maxDays); // 0 … 2·max−1
  return n < maxDays ? n - maxDays : n - maxDays + 1; // −max … −1, 1 … max
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(b: Uint8Array): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const byte of b) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}
