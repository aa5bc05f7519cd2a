import { mapUid, pseudonymize, pseudonymizePatientId } from '../../../core/pseudonym.js';
import { createPatientIdNamespace, type PatientIdNamespaceResolver } from '../../createPatientIdNamespace.js';

/** One identifying value the engine removed or replaced (for the leak scan; never logged). */
export type IdentifyingValue = { text: string; kind: string };

/**
 * The keyed functions of one engine, memoised: a bulk export repeats the same references
 * (the patient, the practitioners) thousands of times, and HMAC is the engine's main cost.
 * The caches are bounded and only ever hold pseudonyms of values seen, so output does not depend
 * on them.
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
  /**
   * A reference that is not `#local` or `urn:…` (relative, absolute, `?identifier=`, other), as
   * rewriteReference rewrites it: the new reference (undefined: removed) and the identifying part
   * it replaced. Memoised, as it is a function of the reference alone.
   */
  plainReference(ref: string): RewrittenReference;
};

/** A rewritten reference and what the leak scan looks for (frozen: it is shared between resources). */
export type RewrittenReference = { readonly out: string | undefined; readonly found: IdentifyingValue };

/** Entries per cache generation: each cache holds at most two generations, the latest values used. */
const GENERATION = 50_000;

/**
 * A bounded memo of string keys within string namespaces (a type, a system, a domain), looked up
 * without building a combined key: a hit is two map lookups on strings the caller already holds.
 * When the current generation is full it becomes the old one (the one before is dropped); a value
 * found in the old generation moves to the current one, so values in use (a patient referenced by
 * every resource) survive and the cache never holds more than two generations.
 */
function createMemo<V>(): (space: string, key: string, compute: () => V) => V {
  let cur = new Map<string, Map<string, V>>();
  let old = new Map<string, Map<string, V>>();
  let size = 0;
  return (space, key, compute) => {
    let m = cur.get(space);
    const hit = m?.get(key);
    if (hit !== undefined) return hit;
    const v = old.get(space)?.get(key) ?? compute();
    if (size >= GENERATION) {
      old = cur;
      cur = new Map();
      size = 0;
      m = undefined;
    }
    if (m === undefined) {
      m = new Map();
      cur.set(space, m);
    }
    m.set(key, v);
    size++;
    return v;
  };
}

export function createKeyedContext(
  secret: Uint8Array,
  patientIds: PatientIdNamespaceResolver = createPatientIdNamespace(),
): KeyedContext {
  const ids = createMemo<string>();
  const values = createMemo<string>();
  const uids = createMemo<string>();
  const hashes = createMemo<string>();
  const references = createMemo<RewrittenReference>();
  const ctx: KeyedContext = {
    secret,
    newId: (type, id) => ids(type, id, () => pseudonymize(secret, 'resource-id', `${type}/${id}`)),
    identifierValue: (system, value) =>
      values(system, value, () => pseudonymizePatientId(secret, patientIds.fhir(system), value)),
    uid: (uid) => uids('', uid, () => mapUid(secret, uid)),
    hash: (domain, value) => hashes(domain, value, () => pseudonymize(secret, domain, value)),
    plainReference: (ref) =>
      references('', ref, () => {
        const r = rewritePlainReference(ctx, ref);
        Object.freeze(r.found);
        return Object.freeze(r);
      }),
  };
  return ctx;
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
  // no `Type/…` form starts with `urn:`, and only a urn can depend on `refs`
  if (!ref.startsWith('urn:')) {
    const r = ctx.plainReference(ref);
    found.push(r.found);
    return r.out;
  }
  if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
    found.push({ text: ref.slice(ref.indexOf(':', 4) + 1), kind: 'reference' });
    const mapped = refs?.get(ref);
    if (mapped !== undefined) return mapped;
    const uid = ctx.uid(ref);
    return ref.startsWith('urn:uuid:') ? `urn:uuid:${uuidFromUid(uid)}` : `urn:oid:${uid}`;
  }
  found.push({ text: ref, kind: 'reference' });
  return undefined;
}

/** rewriteReference of a reference that is neither `#local` nor a urn (see KeyedContext.plainReference). */
function rewritePlainReference(ctx: KeyedContext, ref: string): RewrittenReference {
  let m = REL.exec(ref) ?? ABS.exec(ref);
  if (m) {
    const type = m[1] as string;
    const id = m[2] as string;
    return {
      out: `${type}/${ctx.newId(type, id)}`,
      found: { text: idLeakText(type, id), kind: 'reference' },
    };
  }
  m = COND.exec(ref);
  if (m) {
    const system = m[2] ?? '';
    const value = m[3] as string;
    return {
      out: `${m[1]}?identifier=${system ? `${system}|` : ''}${ctx.identifierValue(system, value)}`,
      found: { text: value, kind: 'reference' },
    };
  }
  return { out: undefined, found: { text: ref, kind: 'reference' } };
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
