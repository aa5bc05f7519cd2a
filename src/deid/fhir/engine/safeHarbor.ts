import { containsWord } from '../../dicom/findLeaks.js';
import { type IdentifyingValue, idLeakText, type KeyedContext, rewriteReference } from './context.js';
import { FHIR_YEAR, isFhirDateLike, shiftFhirDate } from './dates.js';
import { type FhirDefinition, type FhirMember, fhirDefinition, fhirResourceDefinition } from './fhirTypes.js';
import { safeHarborZip } from './zip3.js';

/** Extensions kept by the default profile (US Core demographics, a data-absent reason: codes only). */
export const SAFE_EXTENSION_URLS: ReadonlySet<string> = new Set([
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity',
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex',
  'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
]);

/** The extension that stands in for a required element the profile removed (FHIR's own way to say so). */
export const DATA_ABSENT_REASON_URL = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/** Resource types whose addresses are a person's (their parts are leak-scan targets). */
const PERSON_TYPES = new Set(['Patient', 'Person', 'RelatedPerson', 'Practitioner']);

/** Free-text members removed wherever they occur (CodeableConcept.text, Dosage.text, notes, …). */
const FREE_TEXT = new Set(['text', 'note', 'comment', 'description', 'title', 'patientInstruction']);
/** Attachments and photos, removed whole (where the element's type is not known). */
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
  /** The year ages are computed against (the over-89 rule); undefined: none known. */
  refYear: number | undefined;
  /** Whether the top resource is a person's (Patient, Practitioner, …). */
  person: boolean;
  /** Coding.display and non-person `name` values kept (lowercase): free text equal to one identifies no one. */
  kept: Set<string>;
};

/**
 * Thrown inside the walk where the output would not be valid FHIR R4: an element of a temporal
 * type whose input is no FHIR date (it cannot be reduced or shifted), or a value the engine wrote
 * that does not match its type's pattern. Carries the input object and member (the caller turns
 * them into a path) and the type, never the value.
 */
export class InvalidOutput {
  constructor(
    readonly parent: object,
    readonly key: string,
    readonly type: string,
  ) {}
}

const REMOVE = Symbol('remove');
type Out = unknown;

/** What the walk does with one member (by its FHIR type where known, else by its name). */
enum Act {
  /** Clean the value: strings by `Step.str`, objects by their definition. */
  Value,
  /** `_x`: a primitive's id and extensions, removed whole. */
  PrimitiveExtension,
  HumanName,
  /** `name` of unknown type: kept when a string (an organization's), removed when a HumanName. */
  NameByShape,
  /** A string `name` (Organization.name, Location.name, …): kept, and free text equal to it is no leak. */
  NameString,
  Telecom,
  Identifier,
  Extensions,
  Reference,
  Display,
  Uid,
  Position,
  Contained,
  Resource,
  FullUrl,
  FreeText,
  /** Narrative: dropped unread. */
  Narrative,
  Attachment,
  /** `content` of unknown type: removed when it is an attachment. */
  ContentByShape,
  DeviceId,
  Address,
  /** `address` or `…Address` of unknown type: an Address when an object. */
  AddressByShape,
}

/** How a string value is treated. */
enum Str {
  /** Any other string: reduced or shifted when it is shaped like a date. */
  MaybeDate,
  /** A code, system, id, reference, …: never a date, kept as it is. */
  Never,
  /** date or dateTime: reduced to the year or shifted; not a FHIR date: invalid. */
  Date,
  /** instant: removed (Safe Harbor) or shifted whole; a year is no instant. */
  Instant,
}

type Step = {
  readonly act: Act;
  readonly str: Str;
  /** The member's FHIR type, where known. */
  readonly member: FhirMember | undefined;
  /** The walk of the member's (complex) type, where known; resolved on first use. */
  child: Walk | null | undefined;
};

/** The walk of one FHIR definition: a step per member, and its required complex members. */
type Walk = {
  readonly def: FhirDefinition;
  readonly steps: Map<string, Step>;
  readonly required: readonly FhirMember[];
};

const walks = new Map<string, Walk | null>();
/** The walk of a definition (null for a name FHIR R4 does not define). */
function walkOf(name: string): Walk | null {
  let w = walks.get(name);
  if (w !== undefined) return w;
  const def = fhirDefinition(name);
  w = def === undefined ? null : { def, steps: new Map(), required: def.requiredComplex };
  walks.set(name, w);
  return w;
}

function resourceWalk(type: string): Walk | null {
  return fhirResourceDefinition(type) === undefined ? null : walkOf(type);
}

const byName = new Map<string, Step>();
/** The step of a member whose type is not known: by its name, as the profile did before types. */
function stepByName(k: string): Step {
  let s = byName.get(k);
  if (s === undefined) {
    s = {
      act: actByName(k),
      str: NOT_DATES.has(k) ? Str.Never : Str.MaybeDate,
      member: undefined,
      child: null,
    };
    byName.set(k, s);
  }
  return s;
}

function actByName(k: string): Act {
  if (k.charCodeAt(0) === 95 /* _ */) return Act.PrimitiveExtension;
  switch (k) {
    case 'name':
      return Act.NameByShape;
    case 'telecom':
      return Act.Telecom;
    case 'identifier':
      return Act.Identifier;
    case 'extension':
    case 'modifierExtension':
      return Act.Extensions;
    case 'reference':
      return Act.Reference;
    case 'display':
      return Act.Display;
    case 'uid':
      return Act.Uid;
    case 'position':
      return Act.Position;
    case 'contained':
      return Act.Contained;
    case 'resource':
      return Act.Resource;
    case 'fullUrl':
      return Act.FullUrl;
    case 'content':
      return Act.ContentByShape;
  }
  if (FREE_TEXT.has(k)) return Act.FreeText;
  if (ATTACHMENT.has(k)) return Act.Attachment;
  if (DEVICE_IDS.has(k)) return Act.DeviceId;
  if (k === 'address' || k.endsWith('Address')) return Act.AddressByShape;
  return Act.Value;
}

/** The step of a member of a known definition: by its FHIR type. */
function stepOf(walk: Walk | null, k: string): Step {
  if (walk === null) return stepByName(k);
  let s = walk.steps.get(k);
  if (s !== undefined) return s;
  const m = walk.def.members.get(k);
  if (m === undefined) {
    // extension, modifierExtension, _x (left out of the table), or a member FHIR R4 does not define
    s = stepByName(k);
  } else {
    // any other string shaped like a date is reduced as one (a code, a URI, invalid input where an
    // object belongs): a year is valid wherever the date was, and no full date slips through
    const str =
      m.type === 'date' || m.type === 'dateTime'
        ? Str.Date
        : m.type === 'instant'
          ? Str.Instant
          : NOT_DATES.has(k)
            ? Str.Never
            : Str.MaybeDate;
    s = { act: actOf(k, m), str, member: m, child: m.primitive ? null : undefined };
  }
  walk.steps.set(k, s);
  return s;
}

function actOf(k: string, m: FhirMember): Act {
  switch (m.type) {
    case 'HumanName':
      return Act.HumanName;
    case 'ContactPoint':
      return Act.Telecom;
    case 'Identifier':
      return Act.Identifier;
    case 'Address':
      return Act.Address;
    case 'Attachment':
      return Act.Attachment;
    case 'Narrative':
      return Act.Narrative;
    case 'Annotation':
      return Act.FreeText;
    case 'ResourceList':
      return k === 'contained' ? Act.Contained : Act.Resource;
    case 'Location_Position':
      return Act.Position;
  }
  if (m.primitive) {
    if (k === 'reference') return Act.Reference; // Reference.reference
    if (k === 'display') return Act.Display;
    if (k === 'uid') return Act.Uid; // ImagingStudy series and instance UIDs
    if (k === 'fullUrl') return Act.FullUrl;
    if (k === 'name') return Act.NameString;
    if (FREE_TEXT.has(k)) return Act.FreeText;
  }
  if (DEVICE_IDS.has(k)) return Act.DeviceId;
  // a complex `description` (Goal.description, a CodeableConcept), `name` (MedicinalProduct_Name):
  // cleaned as what they are (their text is removed there), not removed whole
  return Act.Value;
}

function childOf(step: Step): Walk | null {
  let c = step.child;
  if (c === undefined) {
    c = step.member === undefined ? null : walkOf(step.member.type);
    step.child = c;
  }
  return c;
}

/** A value written for `member` (of `parent`'s input) must match its type's pattern. */
function written(v: string, step: Step, parent: object, key: string): string {
  const p = step.member?.pattern;
  if (p !== undefined && !p.test(v)) throw new InvalidOutput(parent, key, step.member?.type ?? '');
  return v;
}

/**
 * The HIPAA Safe Harbor profile as one recursive walk over the JSON (no FHIRPath), typed by the
 * FHIR R4 definitions of fhir.schema.json where the resource and its members are known: builds a
 * new resource and never mutates its input. See buildFhirDeidEngine for what it does to each class.
 * Throws InvalidOutput where the output would not be valid FHIR R4.
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
    // (in place: the list is the one deidentify returns)
    const found = st.found;
    let n = 0;
    for (const f of found) {
      let keep = true;
      if (f.kind === 'name') {
        const t = f.text.trim().toLowerCase();
        keep = !kept.some((k) => containsWord(k, t));
      } else if (f.kind === 'text' || f.kind === 'display') {
        const t = f.text.trim().toLowerCase();
        keep = !kept.some((k) => k.includes(t));
      }
      if (keep) found[n++] = f;
    }
    found.length = n;
  }
  return out;
}

const ID_STEP: Step = { act: Act.Value, str: Str.Never, member: undefined, child: null };

function cleanResource(
  res: Record<string, unknown>,
  st: SafeHarborState,
  local: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const type = String(res['resourceType']);
  const walk = resourceWalk(type);
  for (const k in res) {
    const v = res[k];
    if (k === 'id' && typeof v === 'string') {
      if (local)
        out[k] = v; // contained ids are local ('#id'), not identifying on their own
      else {
        st.found.push({ text: idLeakText(type, v), kind: 'id' });
        out[k] = written(st.ctx.newId(type, v), walk === null ? ID_STEP : stepOf(walk, k), res, k);
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
      const b = birthDate(v, st, walk === null ? stepByName(k) : stepOf(walk, k), res, k);
      if (b !== REMOVE) out[k] = b;
      continue;
    }
    const c = cleanMember(k, v, res, st, walk);
    if (c !== REMOVE) out[k] = c;
  }
  if (walk !== null) fillRequired(walk, res, out, st);
  return out;
}

const META_WALK = walkOf('Meta');

function cleanMeta(meta: Record<string, unknown>, st: SafeHarborState): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const k in meta) {
    if (k === 'source' || k === 'versionId') {
      st.labels.add('REDACTED');
      continue;
    }
    const c = cleanMember(k, meta[k], meta, st, META_WALK);
    if (c !== REMOVE) out[k] = c;
  }
  return nonEmpty(out);
}

/** Over-89 rule, then the normal date rule. */
function birthDate(v: string, st: SafeHarborState, step: Step, parent: object, key: string): Out {
  if (st.refYear === undefined) {
    // no reference year (no date in the data, no --as-of-year): the rule cannot be judged
    st.found.push({ text: v, kind: 'date' });
    st.labels.add('REDACTED');
    return REMOVE;
  }
  const year = Number(v.slice(0, 4));
  if (Number.isFinite(year) && st.refYear - year >= 90) {
    // 90 or more years before the reference year: every such birth date becomes one category
    const out = String(st.refYear - 90);
    if (out !== v) {
      st.found.push({ text: v, kind: 'date' });
      st.labels.add('GENERALIZED');
    }
    return written(out, step, parent, key);
  }
  return cleanString(v, step, parent, key, st);
}

/** A string by its type: dates reduced to the year or shifted, instants removed or shifted. */
function cleanString(v: string, step: Step, parent: object, key: string, st: SafeHarborState): Out {
  switch (step.str) {
    case Str.Never:
      return v;
    case Str.MaybeDate:
      return isFhirDateLike(v) ? cleanDate(v, st) : v;
    case Str.Date:
      if (isFhirDateLike(v)) return written(cleanDate(v, st), step, parent, key);
      // a year alone is what Safe Harbor keeps; anything else is no FHIR date and cannot be reduced
      if (FHIR_YEAR.test(v)) return v;
      throw new InvalidOutput(parent, key, step.member?.type ?? 'date');
    case Str.Instant:
      if (st.shiftDays !== undefined && isFhirDateLike(v)) {
        st.found.push({ text: v, kind: 'date' });
        st.labels.add('PERTURBED');
        return written(shiftFhirDate(v, st.shiftDays), step, parent, key);
      }
      if (st.shiftDays !== undefined) throw new InvalidOutput(parent, key, 'instant');
      // an instant is precise to the second: a year is not one, so Safe Harbor removes it
      st.found.push({ text: v, kind: 'date' });
      st.labels.add('REDACTED');
      return REMOVE;
  }
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
const DEVICE_SKIP = new Set(['issuer', 'jurisdiction', 'entryType', 'extension']);

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
  walk: Walk | null,
): Out | typeof REMOVE {
  if (v === null || v === undefined) return REMOVE;
  const step = stepOf(walk, k);
  switch (step.act) {
    case Act.Value:
      break;
    case Act.PrimitiveExtension:
      // primitive extensions and ids (`_birthDate`): removed whole; they may carry anything
      collectExtension((v as Record<string, unknown>)['extension'], st);
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.NameString:
      if (typeof v === 'string') st.kept.add(v.toLowerCase()); // Organization.name, Location.name, …: kept
      break;
    case Act.NameByShape:
      if (typeof v === 'string') {
        st.kept.add(v.toLowerCase());
        break;
      }
      if (Array.isArray(v) && v.every((e) => typeof e === 'string')) break;
      collectName(v, st); // HumanName (Patient, Practitioner, RelatedPerson, contact, …)
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.HumanName:
      collectName(v, st);
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.Telecom:
      collectStrings(v, 'telecom', st, TELECOM_SKIP);
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.Identifier:
      return mapArrayOrOne(v, (e) => cleanIdentifier(e, st));
    case Act.Extensions:
      return cleanExtensions(v, st);
    case Act.Reference:
      if (typeof v === 'string') {
        const r = rewriteReference(st.ctx, v, st.refs, st.found);
        st.labels.add(r === undefined ? 'REDACTED' : 'PSEUDED');
        return r === undefined ? REMOVE : written(r, step, parent, k);
      }
      break;
    case Act.Display:
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
    case Act.Uid:
      // ImagingStudy.series.uid and .instance.uid: the same mapping as the DICOM de-identifier
      if (typeof v === 'string') {
        st.found.push({ text: v, kind: 'uid' });
        st.labels.add('PSEUDED');
        return written(st.ctx.uid(v), step, parent, k);
      }
      break;
    case Act.Position:
      // Location.position: latitude/longitude, a geographic unit smaller than a state
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.Contained:
      if (Array.isArray(v)) {
        const out = v
          .filter((e) => e !== null && typeof e === 'object')
          .map((e) => cleanResource(e as Record<string, unknown>, st, true));
        return out.length > 0 ? out : REMOVE;
      }
      break;
    case Act.Resource:
      // Bundle.entry.resource, Parameters.parameter.resource: a whole resource
      if (v !== null && typeof v === 'object' && 'resourceType' in v) {
        return cleanResource(v as Record<string, unknown>, st, false);
      }
      break;
    case Act.FullUrl:
      if (typeof v === 'string') {
        const r = rewriteReference(st.ctx, v, st.refs, st.found);
        return r === undefined ? REMOVE : written(r, step, parent, k);
      }
      break;
    case Act.FreeText:
      // free-text strings and annotations become leak-scan targets (a narrative is dropped unread)
      if (k !== 'text' || typeof v === 'string') collectStrings(v, 'text', st, ATTACHMENT_KEEP);
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.Narrative:
      // narrative (`text.div`) is dropped unread
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.ContentByShape:
    case Act.Attachment:
      if (step.act === Act.ContentByShape && !isAttachment(v)) break;
      collectAttachmentUrls(v, st);
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.DeviceId:
      collectStrings(v, 'device', st, DEVICE_SKIP);
      st.labels.add('REDACTED');
      return REMOVE;
    case Act.AddressByShape:
    case Act.Address:
      if (typeof v !== 'object') break; // an `address` that is a URL (Endpoint.address)
      return mapArrayOrOne(v, (e) => cleanAddress(e, st));
  }
  return cleanValue(v, step, parent, k, st);
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

function cleanValue(
  v: unknown,
  step: Step,
  parent: object,
  k: string,
  st: SafeHarborState,
): Out | typeof REMOVE {
  if (typeof v === 'string') return cleanString(v, step, parent, k, st);
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      // an item's problems are reported at the array's member
      const c = cleanValue(e, step, parent, k, st);
      if (c !== REMOVE && c !== undefined) out.push(c);
    }
    return out.length > 0 ? out : REMOVE;
  }
  const o = cleanObject(v as Record<string, unknown>, st, childOf(step));
  return o === undefined ? REMOVE : o;
}

function cleanObject(
  obj: Record<string, unknown>,
  st: SafeHarborState,
  walk: Walk | null,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const k in obj) {
    const c = cleanMember(k, obj[k], obj, st, walk);
    if (c !== REMOVE) {
      out[k] = c;
      n++;
    }
  }
  if (walk !== null && walk.required.length > 0) n += fillRequired(walk, obj, out, st);
  // an element with nothing left but its id has no value (FHIR ele-1): removed
  if (n === 0 || (n === 1 && 'id' in out)) return undefined;
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

/**
 * A required complex member the profile removed (a Reference left with nothing, a
 * DocumentReference.content's attachment, Goal.description emptied of its text) comes back as
 * FHIR's data-absent reason `masked`, so the resource stays valid. Returns how many were filled.
 */
function fillRequired(
  walk: Walk,
  input: Record<string, unknown>,
  out: Record<string, unknown>,
  st: SafeHarborState,
): number {
  let n = 0;
  for (const m of walk.required) {
    if (m.name in out || !(m.name in input) || input[m.name] === null) continue;
    out[m.name] = masked(m, input[m.name]);
    st.labels.add('REDACTED');
    n++;
  }
  return n;
}

/** The stand-in of a removed required member of complex type: a data-absent reason, `masked`. */
function masked(m: FhirMember, input: unknown): unknown {
  const one = (inp: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      extension: [{ url: DATA_ABSENT_REASON_URL, valueCode: 'masked' }],
    };
    const o = inp !== null && typeof inp === 'object' ? (inp as Record<string, unknown>) : {};
    if (m.type === 'Attachment') {
      // what kind of document it was, not what it said
      if (typeof o['contentType'] === 'string') out['contentType'] = o['contentType'];
      if (typeof o['language'] === 'string') out['language'] = o['language'];
    }
    for (const r of fhirDefinition(m.type)?.requiredComplex ?? []) out[r.name] = masked(r, o[r.name]);
    return out;
  };
  return m.array ? [one(Array.isArray(input) ? input[0] : input)] : one(input);
}

function nonEmpty(out: Record<string, unknown>): Record<string, unknown> | undefined {
  for (const k in out) if (k !== 'id') return out;
  return undefined;
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
const IDENTIFIER_WALK = walkOf('Identifier');
const ADDRESS_WALK = walkOf('Address');
const EXTENSION_WALK = walkOf('Extension');

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
      const step = stepOf(IDENTIFIER_WALK, k);
      if (system === DICOM_UID_SYSTEM) {
        // ImagingStudy.identifier: a Study Instance UID, mapped as DICOM maps it
        const uid = v.startsWith('urn:oid:') ? v.slice(8) : v;
        st.found.push({ text: uid, kind: 'uid' });
        out[k] = written(`urn:oid:${st.ctx.uid(uid)}`, step, id, k);
      } else {
        // a value that is part of its own (kept, public) namespace URI is no secret to scan for
        if (!system.toLowerCase().includes(v.toLowerCase())) st.found.push({ text: v, kind: 'identifier' });
        out[k] = written(st.ctx.identifierValue(system, v), step, id, k);
      }
      continue;
    }
    const c = cleanMember(k, v, id, st, IDENTIFIER_WALK);
    if (c !== REMOVE) out[k] = c;
  }
  return nonEmpty(out);
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
        const c = cleanMember(k, v, a, st, ADDRESS_WALK);
        if (c !== REMOVE) out[k] = c;
      }
    }
  }
  return nonEmpty(out);
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
    const c = cleanMember(k, v, e, st, EXTENSION_WALK);
    if (c !== REMOVE) out[k] = c;
  }
  return nonEmpty(out);
}
