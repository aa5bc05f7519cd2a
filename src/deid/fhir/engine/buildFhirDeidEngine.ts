import { dateShiftDays } from '../../../core/pseudonym.js';
import type { PatientIdNamespaceResolver } from '../../createPatientIdNamespace.js';
import { applyRules, withLabels } from './applyRules.js';
import { compileRules } from './compileRules.js';
import { createKeyedContext, type IdentifyingValue, patientKeyOf } from './context.js';
import { FhirDeidError } from './errors.js';
import { isFhirMemberName, isFhirResourceType } from './fhirTypes.js';
import { InvalidOutput, type SafeHarborState, safeHarborResource } from './safeHarbor.js';
import type { FhirRulesFile } from './schema.js';

export type BuildFhirDeidEngineParameters = {
  /** The workspace secret (HMAC key of every pseudonym and of the date shift). */
  secret: Uint8Array;
  /** A custom rules file (see parseFhirRules); without one, the HIPAA Safe Harbor profile applies. */
  rules?: FhirRulesFile | undefined;
  /** Shift dates by a keyed per-patient offset, keeping full precision, instead of keeping the year only. */
  dateShift?: boolean | undefined;
  /** Largest shift in days (default 365; a rules file's settings.dateShiftMaxDays wins). */
  maxShiftDays?: number | undefined;
  /**
   * The year ages are judged against for the over-89 rule, the same for every resource of a run
   * (so a birth date 90 years before it is one category for all; `sinso deid fhir` defaults it to
   * the latest year in its inputs). Required, so output never depends on the clock; undefined
   * only when the data holds no date, and then a birth date, which cannot be judged, is removed.
   */
  asOfYear: number | undefined;
  /**
   * The run's patient-ID namespace policy (`--patient-id-system`, `--issuer-map`): the namespace
   * of an Identifier without a system. Default: the shared namespace.
   */
  patientIds?: PatientIdNamespaceResolver | undefined;
};

export type FhirDeidResult = {
  resource: Record<string, unknown>;
  /** Every original value removed or replaced (for findFhirLeaks; never log these). */
  identifying: IdentifyingValue[];
};

export type FhirDeidEngine = {
  /**
   * De-identifies one resource (a Bundle's entries are handled by the caller, one resource each).
   * `refs` maps urn:uuid fullUrls of the enclosing Bundle to their output `Type/newId` reference.
   * Never mutates its input.
   */
  deidentify(resource: Record<string, unknown>, refs?: ReadonlyMap<string, string>): FhirDeidResult;
  /**
   * The new id of a resource (pseudonym of `Type/id`); `Type/${newId(type, id)}` is also the output
   * reference for a urn:uuid fullUrl whose resource has this type and id. For a resource without an
   * id, set one (e.g. the fullUrl's UUID) before calling deidentify, and use the same here.
   */
  newId(type: string, id: string): string;
  describe(): { profile: 'hipaa-safe-harbor' | 'custom'; dateShift: boolean; rules: number };
};
export type BuildFhirDeidEngineReturnType = FhirDeidEngine;
export type BuildFhirDeidEngineErrorType = FhirDeidError;

/**
 * Builds the FHIR de-identifier: pure and one resource at a time, so it streams over NDJSON.
 *
 * Default profile, HIPAA Safe Harbor (45 CFR 164.514(b)(2)), as one walk over the JSON:
 * - HumanName (any complex `name`), `telecom`, Reference.display, narrative and free text
 *   (`text`, `note`, `comment`, `description`, `title`, `patientInstruction`), attachments and
 *   photos, `_x` primitive extensions, Location.position and device serial/lot/UDI are removed;
 * - Address loses line/city/district/text; postalCode becomes its zip3 (`000` for the 17
 *   restricted areas); state and country stay;
 * - every date and dateTime (and any other string shaped `YYYY-MM…`, under any key but
 *   code/system/version/url/id/reference) becomes its year, and every instant is removed (an
 *   instant cannot hold a year); with `dateShift` both are shifted whole by the patient's keyed
 *   offset;
 *   a birthDate 90+ years before `asOfYear` becomes that year − 90; a Quantity of 90+ years (`a`,
 *   `yr`, `years`) becomes 90;
 * - resource ids and references (relative, absolute, urn:uuid via `refs`, `?identifier=`) become
 *   keyed pseudonyms; Identifier.value → pseudonymizePatientId(secret, system, value), a missing
 *   system taking the run's default namespace (`patientIds`), except
 *   `urn:dicom:uid` identifiers and ImagingStudy uids, which get mapUid (as DICOM does);
 * - extensions other than US Core race/ethnicity/birthsex are removed (modifierExtension too,
 *   which can change meaning), meta.source and meta.versionId are removed, and meta.security
 *   gets one v3-ObservationValue label per kind of change (REDACTED, PSEUDED, GENERALIZED, PERTURBED).
 *
 * The walk is typed by the FHIR R4 definitions of the official JSON schema (fhirTypes.ts) where
 * the resource type and its members are known, by member name elsewhere. A required element it
 * removed comes back as a data-absent reason (`masked`), and every value it writes is checked
 * against its type's pattern: where the output would not be valid FHIR R4, deidentify throws
 * DEID_FHIR_OUTPUT_INVALID with the element's path and type (never the value).
 *
 * With `rules`, only the rules apply (first rule selecting a node decides; unselected nodes are kept).
 *
 * @example
 * const engine = buildFhirDeidEngine({ secret, asOfYear: 2025 });
 * for (const line of ndjsonLines) {
 *   const { resource, identifying } = engine.deidentify(JSON.parse(line));
 *   const out = JSON.stringify(resource);
 *   if (findFhirLeaks({ json: out, identifying }).leaks > 0) reject();
 * }
 */
export function buildFhirDeidEngine(p: BuildFhirDeidEngineParameters): BuildFhirDeidEngineReturnType {
  const ctx = createKeyedContext(p.secret, p.patientIds);
  const compiled = p.rules ? compileRules(p.rules) : undefined;
  const maxShift = p.rules?.settings?.dateShiftMaxDays ?? p.maxShiftDays ?? 365;
  const encryptKey = p.rules?.settings?.encryptKey
    ? Buffer.from(p.rules.settings.encryptKey, 'hex')
    : undefined;
  const dateShift = p.dateShift === true;
  const shiftCache = new Map<string, number>();
  const shiftFor = (key: string): number => {
    let s = shiftCache.get(key);
    if (s === undefined) {
      if (shiftCache.size > 100_000) shiftCache.clear();
      s = dateShiftDays(p.secret, key, maxShift);
      shiftCache.set(key, s);
    }
    return s;
  };

  return {
    deidentify(resource, refs) {
      if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
        throw new FhirDeidError('DEID_FHIR_INVALID_RESOURCE', { problem: 'not-object' });
      }
      const type = resource['resourceType'];
      if (typeof type !== 'string' || !/^[A-Z][A-Za-z]+$/.test(type)) {
        throw new FhirDeidError('DEID_FHIR_INVALID_RESOURCE', { problem: 'no-resource-type' });
      }
      const found: IdentifyingValue[] = [];
      const labels = new Set<string>();
      if (compiled) {
        const id = typeof resource['id'] === 'string' ? resource['id'] : '';
        const out = applyRules(resource, compiled, {
          ctx,
          refs,
          found,
          labels,
          shiftDays: shiftFor(patientKeyOf(ctx, resource, refs)),
          encryptKey,
          resourceKey: `${type}/${id}`,
        });
        return { resource: out, identifying: found };
      }
      const st: SafeHarborState = {
        ctx,
        refs,
        found,
        labels,
        shiftDays: dateShift ? shiftFor(patientKeyOf(ctx, resource, refs)) : undefined,
        refYear: p.asOfYear,
        person: false,
        kept: new Set(),
      };
      let out: Record<string, unknown>;
      try {
        out = safeHarborResource(resource, st);
      } catch (err) {
        if (!(err instanceof InvalidOutput)) throw err;
        throw new FhirDeidError('DEID_FHIR_OUTPUT_INVALID', {
          path: pathOf(resource, err.parent, err.key),
          type: err.type,
        });
      }
      if (labels.size > 0) out['meta'] = withLabels(out['meta'], labels);
      return { resource: out, identifying: found };
    },
    newId: (type, id) => ctx.newId(type, id),
    describe: () => ({
      profile: compiled ? 'custom' : 'hipaa-safe-harbor',
      dateShift: compiled ? compiled.some((r) => r.rule.method === 'dateshift') : dateShift,
      rules: compiled?.length ?? 0,
    }),
  };
}

/**
 * The path of member `key` of `parent` in `resource` (`Observation.component[1].valueDateTime`),
 * found by identity; only FHIR element names appear in it (any other key is written `*`), never a
 * value.
 */
function pathOf(resource: Record<string, unknown>, parent: object, key: string): string {
  const seg = (k: string) => (isFhirMemberName(k) ? k : '*');
  const find = (v: unknown, path: string): string | undefined => {
    if (v === parent) return path;
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const p = find(v[i], `${path}[${i}]`);
        if (p !== undefined) return p;
      }
      return undefined;
    }
    for (const k in v as Record<string, unknown>) {
      const p = find((v as Record<string, unknown>)[k], `${path}.${seg(k)}`);
      if (p !== undefined) return p;
    }
    return undefined;
  };
  const type = String(resource['resourceType']);
  return `${find(resource, isFhirResourceType(type) ? type : 'Resource') ?? '*'}.${seg(key)}`;
}
