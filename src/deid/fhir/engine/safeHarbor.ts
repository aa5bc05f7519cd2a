import { containsWord } from '../../dicom/findLeaks.js';
import { type IdentifyingValue, idLeakText, type KeyedContext, rewriteReference } from './context.js';
import { isFhirDateLike, shiftFhirDate } from './dates.js';
import { safeHarborZip } from './zip3.js';

/** Extensions kept by the default profile (US Core demographics, no free text of their own). */
export const SAFE_EXTENSION_URLS: ReadonlySet<string> = new Set([
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity',
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex',
]);

/** Resource types whose addresses are a person's (their parts are leak-scan targets). */
const PERSON_TYPES = new Set(['Patient', 'Person', 'RelatedPerson', 'Practitioner']);

/** Free-text members removed wherever they occur (CodeableConcept.text, Dosage.text, notes, …). */
const FREE_TEXT = new Set(['text', 'note', 'comment', 'description', 'title', 'patientInstruction']);
/** Attachments and photos, removed whole. */
const ATTACHMENT = new Set(['attachment', 'photo', 'presentedForm', 'valueAttachment']);
/** Device identifiers and serial numbers (Safe Harbor class 13), removed whole. */
const DEVICE_IDS = new Set(['serialNumber', 'lotNumber', 'distinctIdentifier', 'udiCarrier']);
/** Members whose string values are never dates, whatever they look like. */
const NOT_DATES = new Set(['code', 'system', 'version', 'url', 'reference', 'resourceType', 'id']);
const NON_PERSON_REF =
  /^(?:[^?]*\/)?(Organization|Location|HealthcareService|Endpoint|Device|Medication|Substance)[/?]/;
const AGE_UNITS = new Set(['a', 'yr', 'yrs', 'year', 'years']);

export const SECURITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue';

export type SafeHarborState = {
  ctx: KeyedContext;
  refs: ReadonlyMap<string, string> | undefined;
  found: IdentifyingValue[];
  /** Security labels earned (REDACTED, PSEUDED, GENERALIZED, PERTURBED). */
  labels: Set<string>;
  /** Days to shift every date by; undefined: reduce dates to the year. */
  shiftDays: number | undefined;
  /** The year ages are computed against (the over-89 rule). */
  refYear: number;
  /** Whether the top resource is a person's (Patient, Practitioner, …). */
  person: boolean;
  /** Coding.display and non-person `name` values kept (lowercase): free text equal to one identifies no one. */
  kept: Set<string>;
};

const REMOVE = Symbol('remove');
type Out = unknown;

/**
 * The HIPAA Safe Harbor profile as one recursive walk over the JSON (no FHIRPath): builds a new
 * resource and never mutates its input. See buildFhirDeidEngine for what it does to each class.
 */
export function safeHarborResource(
  res: Record<string, unknown>,
  st: SafeHarborState,
): Record<string, unknown> {
  st.person = PERSON_TYPES.has(String(res['resourceType']));
  const out = cleanResource(res, st, false);
  if (st.kept.size > 0) {
    // CodeableConcept.text and descriptions often repeat a kept code display ("Wheal (finding)")
    const kept = [...st.kept];
    // and a name part can be a word of the clinical vocabulary (a family name "Black", the US Core
    // race "Black or African American"): a name part that is a whole word of a kept value is not
    // scanned for (it would be found in the kept value, which identifies no one)
    const found = st.found.filter((f) => {
      const t = f.text.trim().toLowerCase();
      if (f.kind === 'name') return !kept.some((k) => containsWord(k, t));
      return (f.kind !== 'text' && f.kind !== 'display') || !kept.some((k) => k.includes(t));
    });
    st.found.length = 0;
    st.found.push(...found);
  }
  return out;
}

function cleanResource(
  res: Record<string, unknown>,
  st: SafeHarborState,
  local: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const type = String(res['resourceType']);
  for (const k in res) {
    const v = res[k];
    if (k === 'id' && typeof v === 'string') {
      if (local)
        out[k] = v; // contained ids are local ('#id'), not identifying on their own
      else {
        st.found.push({ text: idLeakText(type, v), kind: 'id' });
        out[k] = st.ctx.newId(type, v);
        st.labels.add('PSEUDED');
      }
      continue;
    }
    if (k === 'meta' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const meta = cleanMeta(v as Record<string, unknown>, st);
      if (meta !== undefined) out[k] = meta;
      continue;
    }
    if (k === 'birthDate' && typeof v === 'string') {
      out[k] = birthDate(v, st);
      continue;
    }
    const c = cleanMember(k, v, res, st);
    if (c !== REMOVE) out[k] = c;
  }
  return out;
}

function cleanMeta(meta: Record<string, unknown>, st: SafeHarborState): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const k in meta) {
    if (k === 'source' || k === 'versionId') {
      st.labels.add('REDACTED');
      continue;
    }
    const c = cleanMember(k, meta[k], meta, st);
    if (c !== REMOVE) out[k] = c;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Over-89 rule, then the normal date rule. */
function birthDate(v: string, st: SafeHarborState): string {
  const year = Number(v.slice(0, 4));
  if (Number.isFinite(year) && st.refYear - year >= 90) {
    // 90 or more years before the reference year: every such birth date becomes one category
    const out = String(st.refYear - 90);
    if (out !== v) {
      st.found.push({ text: v, kind: 'date' });
      st.labels.add('GENERALIZED');
    }
    return out;
  }
  return cleanDate(v, st);
}

function cleanDate(v: string, st: SafeHarborState): string {
  let out: string;
  if (st.shiftDays === undefined) {
    out = v.slice(0, 4);
    st.labels.add('GENERALIZED');
  } else {
    out = shiftFhirDate(v, st.shiftDays);
    st.labels.add('PERTURBED');
  }
  st.found.push({ text: v, kind: 'date' });
  return out;
}

function collectStrings(v: unknown, kind: string, st: SafeHarborState, skip?: ReadonlySet<string>): void {
  if (typeof v === 'string') st.found.push({ text: v, kind });
  else if (Array.isArray(v)) for (const e of v) collectStrings(e, kind, st, skip);
  else if (v !== null && typeof v === 'object') {
    for (const k in v as Record<string, unknown>) {
      if (skip?.has(k)) continue;
      collectStrings((v as Record<string, unknown>)[k], kind, st, skip);
    }
  }
}

const NAME_SKIP = new Set(['use', 'period', 'extension', 'id', 'prefix', 'suffix']);
const TELECOM_SKIP = new Set(['system', 'use', 'rank', 'period', 'extension', 'id']);
const ATTACHMENT_KEEP = new Set(['url', 'title']);

function collectName(n: unknown, st: SafeHarborState): void {
  if (Array.isArray(n)) {
    for (const e of n) collectName(e, st);
    return;
  }
  if (n === null || typeof n !== 'object') return;
  const o = n as Record<string, unknown>;
  for (const k in o) {
    if (NAME_SKIP.has(k)) continue;
    const v = o[k];
    if (k === 'given' && Array.isArray(v)) {
      for (const g of v)
        if (typeof g === 'string' && g.trim().length >= 3) st.found.push({ text: g, kind: 'name' });
    } else collectStrings(v, 'name', st);
  }
}

function collectExtension(e: unknown, st: SafeHarborState): void {
  if (Array.isArray(e)) {
    for (const x of e) collectExtension(x, st);
    return;
  }
  if (e === null || typeof e !== 'object') return;
  const o = e as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (k === 'extension') collectExtension(v, st);
    else if (k === 'valueString' || k === 'valueMarkdown' || k === 'valueId')
      collectStrings(v, 'extension', st);
    else if (k === 'valueHumanName') collectName(v, st);
    else if (k === 'valueContactPoint') collectStrings(v, 'telecom', st, TELECOM_SKIP);
    else if (k === 'valueIdentifier' && v !== null && typeof v === 'object') {
      const val = (v as Record<string, unknown>)['value'];
      if (typeof val === 'string') st.found.push({ text: val, kind: 'identifier' });
    } else if (k === 'valueAddress' && st.person) collectAddressParts(v, st);
    else if (k === 'valueDate' || k === 'valueDateTime' || k === 'valueInstant')
      collectStrings(v, 'date', st);
  }
}

function collectAddressParts(a: unknown, st: SafeHarborState): void {
  if (a === null || typeof a !== 'object') return;
  const o = a as Record<string, unknown>;
  collectStrings(o['line'], 'address', st);
  collectStrings(o['city'], 'address', st);
  collectStrings(o['district'], 'address', st);
  collectStrings(o['text'], 'address', st);
  collectStrings(o['postalCode'], 'postalCode', st);
}

function isAttachment(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return 'contentType' in o && ('data' in o || 'url' in o);
}

/** One member of an object: returns its cleaned value or REMOVE. */
function cleanMember(
  k: string,
  v: unknown,
  parent: Record<string, unknown>,
  st: SafeHarborState,
): Out | typeof REMOVE {
  if (v === null || v === undefined) return REMOVE;
  // primitive extensions and ids (`_birthDate`): removed whole; they may carry anything
  if (k.charCodeAt(0) === 95 /* _ */) {
    collectExtension((v as Record<string, unknown>)['extension'], st);
    st.labels.add('REDACTED');
    return REMOVE;
  }
  switch (k) {
    case 'name':
      if (typeof v === 'string') {
        st.kept.add(v.toLowerCase()); // Organization.name, Location.name, …: kept
        break;
      }
      if (Array.isArray(v) && v.every((e) => typeof e === 'string')) break;
      collectName(v, st); // HumanName (Patient, Practitioner, RelatedPerson, contact, …)
      st.labels.add('REDACTED');
      return REMOVE;
    case 'telecom':
      collectStrings(v, 'telecom', st, TELECOM_SKIP);
      st.labels.add('REDACTED');
      return REMOVE;
    case 'identifier':
      return mapArrayOrOne(v, (e) => cleanIdentifier(e, st));
    case 'extension':
    case 'modifierExtension':
      return cleanExtensions(v, st);
    case 'reference':
      if (typeof v === 'string') {
        const r = rewriteReference(st.ctx, v, st.refs, st.found);
        st.labels.add(r === undefined ? 'REDACTED' : 'PSEUDED');
        return r === undefined ? REMOVE : r;
      }
      break;
    case 'display':
      // Reference.display (names of people and places); Coding.display is clinical and kept
      if (!('code' in parent) && !('system' in parent)) {
        // a leak-scan target unless it names a place or organization (kept as their own `name`)
        if (typeof v === 'string' && !NON_PERSON_REF.test(String(parent['reference']))) {
          st.found.push({ text: v, kind: 'display' });
        }
        st.labels.add('REDACTED');
        return REMOVE;
      }
      if (typeof v === 'string') st.kept.add(v.toLowerCase());
      break;
    case 'uid':
      // ImagingStudy.series.uid and .instance.uid: the same mapping as the DICOM de-identifier
      if (typeof v === 'string') {
        st.found.push({ text: v, kind: 'uid' });
        st.labels.add('PSEUDED');
        return st.ctx.uid(v);
      }
      break;
    case 'position':
      // Location.position: latitude/longitude, a geographic unit smaller than a state
      st.labels.add('REDACTED');
      return REMOVE;
    case 'contained':
      if (Array.isArray(v)) {
        const out = v
          .filter((e) => e !== null && typeof e === 'object')
          .map((e) => cleanResource(e as Record<string, unknown>, st, true));
        return out.length > 0 ? out : REMOVE;
      }
      break;
    case 'resource':
      // Bundle.entry.resource, Parameters.parameter.resource: a whole resource
      if (v !== null && typeof v === 'object' && 'resourceType' in v) {
        return cleanResource(v as Record<string, unknown>, st, false);
      }
      break;
    case 'fullUrl':
      if (typeof v === 'string') {
        const r = rewriteReference(st.ctx, v, st.refs, st.found);
        return r === undefined ? REMOVE : r;
      }
      break;
    default:
      if (FREE_TEXT.has(k)) {
        // narrative (`text.div`) is dropped unread; free-text strings become leak-scan targets
        if (k !== 'text' || typeof v === 'string') collectStrings(v, 'text', st, ATTACHMENT_KEEP);
        st.labels.add('REDACTED');
        return REMOVE;
      }
      if (ATTACHMENT.has(k) || (k === 'content' && isAttachment(v))) {
        collectAttachmentUrls(v, st);
        st.labels.add('REDACTED');
        return REMOVE;
      }
      if (DEVICE_IDS.has(k)) {
        collectStrings(v, 'device', st, new Set(['issuer', 'jurisdiction', 'entryType', 'extension']));
        st.labels.add('REDACTED');
        return REMOVE;
      }
      if (k === 'address' || k.endsWith('Address')) {
        if (v !== null && typeof v === 'object') return mapArrayOrOne(v, (e) => cleanAddress(e, st));
      }
  }
  return cleanValue(k, v, st);
}

function collectAttachmentUrls(v: unknown, st: SafeHarborState): void {
  if (Array.isArray(v)) {
    for (const e of v) collectAttachmentUrls(e, st);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  if (typeof o['url'] === 'string') st.found.push({ text: o['url'], kind: 'attachment' });
  if (typeof o['title'] === 'string') st.found.push({ text: o['title'], kind: 'text' });
}

function cleanValue(k: string, v: unknown, st: SafeHarborState): Out | typeof REMOVE {
  if (typeof v === 'string') return !NOT_DATES.has(k) && isFhirDateLike(v) ? cleanDate(v, st) : v;
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      const c = cleanValue(k, e, st);
      if (c !== REMOVE && c !== undefined) out.push(c);
    }
    return out.length > 0 ? out : REMOVE;
  }
  const o = cleanObject(v as Record<string, unknown>, st);
  return o === undefined ? REMOVE : o;
}

function cleanObject(obj: Record<string, unknown>, st: SafeHarborState): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const k in obj) {
    const c = cleanMember(k, obj[k], obj, st);
    if (c !== REMOVE) {
      out[k] = c;
      n++;
    }
  }
  if (n === 0) return undefined;
  // Quantity holding an age over 89 (Observation.valueQuantity in years): one category, 90
  const value = out['value'];
  if (typeof value === 'number' && value > 89) {
    const unit = out['code'] ?? out['unit'];
    if (typeof unit === 'string' && AGE_UNITS.has(unit.toLowerCase())) {
      out['value'] = 90;
      st.labels.add('GENERALIZED');
    }
  }
  return out;
}

function mapArrayOrOne(
  v: unknown,
  f: (e: Record<string, unknown>) => Record<string, unknown> | undefined,
): Out {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      if (e === null || typeof e !== 'object') continue;
      const c = f(e as Record<string, unknown>);
      if (c !== undefined) out.push(c);
    }
    return out.length > 0 ? out : REMOVE;
  }
  if (v === null || typeof v !== 'object') return REMOVE;
  return f(v as Record<string, unknown>) ?? REMOVE;
}

const DICOM_UID_SYSTEM = 'urn:dicom:uid';

function cleanIdentifier(
  id: Record<string, unknown>,
  st: SafeHarborState,
): Record<string, unknown> | undefined {
  const system = typeof id['system'] === 'string' ? id['system'] : '';
  const out: Record<string, unknown> = {};
  for (const k in id) {
    const v = id[k];
    if (k === 'value' && typeof v === 'string') {
      st.labels.add('PSEUDED');
      if (system === DICOM_UID_SYSTEM) {
        // ImagingStudy.identifier: a Study Instance UID, mapped as DICOM maps it
        const uid = v.startsWith('urn:oid:') ? v.slice(8) : v;
        st.found.push({ text: uid, kind: 'uid' });
        out[k] = `urn:oid:${st.ctx.uid(uid)}`;
      } else {
        // a value that is part of its own (kept, public) namespace URI is no secret to scan for
        if (!system.toLowerCase().includes(v.toLowerCase())) st.found.push({ text: v, kind: 'identifier' });
        out[k] = st.ctx.identifierValue(system, v);
      }
      continue;
    }
    const c = cleanMember(k, v, id, st);
    if (c !== REMOVE) out[k] = c;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function cleanAddress(a: Record<string, unknown>, st: SafeHarborState): Record<string, unknown> | undefined {
  if (st.person) collectAddressParts(a, st);
  const out: Record<string, unknown> = {};
  for (const k in a) {
    const v = a[k];
    switch (k) {
      case 'line':
      case 'city':
      case 'district':
      case 'text':
        st.labels.add('REDACTED');
        continue;
      case 'postalCode': {
        const z = typeof v === 'string' ? safeHarborZip(v) : undefined;
        st.labels.add('GENERALIZED');
        if (z !== undefined) out[k] = z;
        continue;
      }
      default: {
        const c = cleanMember(k, v, a, st);
        if (c !== REMOVE) out[k] = c;
      }
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function cleanExtensions(v: unknown, st: SafeHarborState): Out | typeof REMOVE {
  if (!Array.isArray(v)) return REMOVE;
  const out: unknown[] = [];
  for (const e of v) {
    if (e === null || typeof e !== 'object') continue;
    const url = (e as Record<string, unknown>)['url'];
    if (typeof url === 'string' && SAFE_EXTENSION_URLS.has(url)) {
      // a known extension: its sub-extensions (relative urls such as 'ombCategory') are its own
      const c = cleanObjectKeepingSubExtensions(e as Record<string, unknown>, st);
      if (c !== undefined) out.push(c);
    } else {
      collectExtension(e, st);
      st.labels.add('REDACTED');
    }
  }
  return out.length > 0 ? out : REMOVE;
}

function cleanObjectKeepingSubExtensions(
  e: Record<string, unknown>,
  st: SafeHarborState,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const k in e) {
    const v = e[k];
    if (k === 'extension' && Array.isArray(v)) {
      const subs = v
        .filter((x) => x !== null && typeof x === 'object')
        .map((x) => cleanObjectKeepingSubExtensions(x as Record<string, unknown>, st))
        .filter((x) => x !== undefined);
      if (subs.length > 0) out[k] = subs;
      continue;
    }
    const c = cleanMember(k, v, e, st);
    if (c !== REMOVE) out[k] = c;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
