import { mapUid, pseudonymize, pseudonymizePatientId } from '../../../core/pseudonym.js';
import { createPatientIdNamespace, type PatientIdNamespaceResolver } from '../../createPatientIdNamespace.js';

/** One identifying value the engine removed or replaced (for the leak scan; never logged). */
export type IdentifyingValue = { text: string; kind: string };

/**
 * The keyed functions of one engine, memoised: a bulk export repeats the same references
 * (the patient, the practitioners) thousands of times, and HMAC is the engine's main cost.
 * The cache is bounded and only ever holds pseudonyms of values seen, so output does not depend
 * on it.
 */
export type KeyedContext = {
  secret: Uint8Array;
  newId(type: string, id: string): string;
  /**
   * The pseudonym of an Identifier.value: `pseudonymizePatientId` in the namespace of its system
   * (`''` when it has none, which the run's namespace policy places: `--patient-id-system`, else
   * the shared namespace), the function deid dicom applies to PatientID in the namespace its
   * policy gives, so an MRN and the PatientID of the same patient get one pseudonym.
   */
  identifierValue(system: string, value: string): string;
  uid(uid: string): string;
  hash(domain: string, value: string): string;
};

const CACHE_MAX = 100_000;

export function createKeyedContext(
  secret: Uint8Array,
  patientIds: PatientIdNamespaceResolver = createPatientIdNamespace(),
): KeyedContext {
  const cache = new Map<string, string>();
  const memo = (key: string, f: () => string): string => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    if (cache.size >= CACHE_MAX) cache.clear();
    const v = f();
    cache.set(key, v);
    return v;
  };
  return {
    secret,
    newId: (type, id) =>
      memo(`r\u0000${type}/${id}`, () => pseudonymize(secret, 'resource-id', `${type}/${id}`)),
    identifierValue: (system, value) =>
      memo(`i\u0000${system}\u0000${value}`, () =>
        pseudonymizePatientId(secret, patientIds.fhir(system), value),
      ),
    uid: (uid) => memo(`u\u0000${uid}`, () => mapUid(secret, uid)),
    hash: (domain, value) =>
      memo(`h\u0000${domain}\u0000${value}`, () => pseudonymize(secret, domain, value)),
  };
}

const REL = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ABS =
  /^https?:\/\/[^?#]+\/([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const COND = /^([A-Z][A-Za-z]{1,63})\?identifier=(?:([^|&]*)\|)?([^&|]+)$/;

/** A UUID (8-4-4-4-12 hex) from a `2.25.` UID, so an unresolved urn:uuid stays a urn:uuid. */
function uuidFromUid(uid: string): string {
  const h = BigInt(uid.slice(5)).toString(16).padStart(32, '0').slice(-32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Rewrites one Reference.reference. Returns the new reference, or undefined when the reference
 * has a form that cannot be pseudonymized (a search URL other than `?identifier=`, a free URL):
 * the caller then removes it. Pushes the replaced identifying part to `found`.
 *
 * - `#local` (contained) → kept
 * - `urn:uuid:…` → `refs` (the enclosing Bundle's fullUrl → `Type/newId`), else a keyed UUID
 * - `Type/id`, `Type/id/_history/v`, `http(s)://…/Type/id` → `Type/newId(Type, id)` (relative)
 * - `Type?identifier=system|value` → the value pseudonymized as Identifier.value is
 */
export function rewriteReference(
  ctx: KeyedContext,
  ref: string,
  refs: ReadonlyMap<string, string> | undefined,
  found: IdentifyingValue[],
): string | undefined {
  if (ref.startsWith('#')) return ref;
  let m = REL.exec(ref) ?? ABS.exec(ref);
  if (m) {
    const type = m[1] as string;
    const id = m[2] as string;
    found.push({ text: idLeakText(type, id), kind: 'reference' });
    return `${type}/${ctx.newId(type, id)}`;
  }
  if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
    found.push({ text: ref.slice(ref.indexOf(':', 4) + 1), kind: 'reference' });
    const mapped = refs?.get(ref);
    if (mapped !== undefined) return mapped;
    const uid = ctx.uid(ref);
    return ref.startsWith('urn:uuid:') ? `urn:uuid:${uuidFromUid(uid)}` : `urn:oid:${uid}`;
  }
  m = COND.exec(ref);
  if (m) {
    const system = m[2] ?? '';
    const value = m[3] as string;
    found.push({ text: value, kind: 'reference' });
    return `${m[1]}?identifier=${system ? `${system}|` : ''}${ctx.identifierValue(system, value)}`;
  }
  found.push({ text: ref, kind: 'reference' });
  return undefined;
}

/**
 * What the leak scan looks for when an id is replaced: the id itself when it holds a digit (a
 * UUID, an MRN-like id), else `Type/id`: a plain-word id such as `example` or `dicom` is not
 * identifying on its own and occurs in kept text (`urn:dicom:uid`).
 */
export function idLeakText(type: string, id: string): string {
  return /\d/.test(id) ? id : `${type}/${id}`;
}

/** `Type/id` of a reference that resolves to one (relative, absolute or via `refs`), else undefined. */
export function referenceTarget(
  ref: string,
  refs: ReadonlyMap<string, string> | undefined,
): { type: string; id: string; mapped: boolean } | undefined {
  const viaRefs = ref.startsWith('urn:') ? refs?.get(ref) : undefined;
  const m = REL.exec(viaRefs ?? ref) ?? (viaRefs === undefined ? ABS.exec(ref) : null);
  return m ? { type: m[1] as string, id: m[2] as string, mapped: viaRefs !== undefined } : undefined;
}

/** The reference members that name the patient a resource belongs to, in order of preference. */
export const PATIENT_REFERENCE_KEYS = ['subject', 'patient', 'beneficiary', 'individual'] as const;

/**
 * The date-shift key of a resource: `Patient/<new id>` of the patient it belongs to (its own for
 * a Patient, else the first of subject/patient/beneficiary/individual that points to a Patient),
 * else `<Type>/<new id>`. The key uses the *pseudonymous* id, which is as stable as the original
 * (same secret → same id) and is also what a `urn:uuid` reference resolves to through `refs`.
 */
export function patientKeyOf(
  ctx: KeyedContext,
  resource: Record<string, unknown>,
  refs: ReadonlyMap<string, string> | undefined,
): string {
  const type = String(resource['resourceType']);
  const id = typeof resource['id'] === 'string' ? resource['id'] : '';
  if (type === 'Patient') return `Patient/${ctx.newId('Patient', id)}`;
  for (const k of PATIENT_REFERENCE_KEYS) {
    const r = resource[k];
    const ref = r !== null && typeof r === 'object' ? (r as Record<string, unknown>)['reference'] : undefined;
    if (typeof ref !== 'string') continue;
    const t = referenceTarget(ref, refs);
    if (t?.type === 'Patient') return `Patient/${t.mapped ? t.id : ctx.newId('Patient', t.id)}`;
  }
  return `${type}/${ctx.newId(type, id)}`;
}
