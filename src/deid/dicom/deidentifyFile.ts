import { dateShiftDays, pseudonymizePatientId } from '../../core/pseudonym.js';
import { version } from '../../core/version.js';
import { type DicomElement, type DicomFile, decodeText, encodeText, lookupVr } from '../../ingest/index.js';
import { createPatientIdNamespace, type PatientIdNamespaceResolver } from '../patientIdNamespace.js';
import { collectIdentifying, elementActions } from './collectIdentifying.js';
import { mapUidCached } from './mapUidCached.js';
import { DEID_METHOD_CODES, dummyValue, type Profile } from './profile/index.js';
import { shiftDicomDate, shiftDicomDateTime } from './shiftDates.js';

/** What the de-identifier needs besides the file. */
export type DeidentifyContext = {
  secret: Uint8Array;
  profile: Profile;
  /** Largest date shift in days for retain-longitudinal-modified-dates. */
  maxShiftDays: number;
  /**
   * Where PatientIDs belong (`--patient-id-system`, `--issuer-map`): the pseudonym and the date
   * shift are keyed by (namespace, PatientID). Default: one shared namespace for the run.
   */
  patientIds?: PatientIdNamespaceResolver | undefined;
};

const SHARED = createPatientIdNamespace();

/** The rejection of an object whose IssuerOfPatientID the issuer map does not hold (no value named). */
export const UNMAPPED_ISSUER_REASON =
  'IssuerOfPatientID is not in the issuer map (--issuer-map): add the issuer name with the identifier system of its PatientIDs';

export type DeidentifyFileOptions = {
  /** Pixel data was cleaned by a pixel rule: record CID 7050 113101 Clean Pixel Data Option. */
  cleanedPixelData?: boolean | undefined;
};

export type { IdentifyingValue } from './collectIdentifying.js';

import type { IdentifyingValue } from './collectIdentifying.js';

export type DeidentifyFileReturnType =
  | {
      ok: true;
      file: DicomFile;
      uids: { study: string; series: string; sop: string };
      /** Identifying values of the input: the leak scan searches the output for each. */
      identifying: IdentifyingValue[];
      /** Values the profile kept: a match on one of these is not a leak. */
      kept: Set<string>;
      /** Text sinso wrote itself (pseudonyms, dummies, shifted dates, markers, new UIDs). */
      inserted: string[];
    }
  | { ok: false; reason: string };

// tags used by name
const T = {
  SpecificCharacterSet: 0x00080005,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  Modality: 0x00080060,
  PatientID: 0x00100020,
  IssuerOfPatientID: 0x00100021,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  PatientIdentityRemoved: 0x00120062,
  DeidentificationMethod: 0x00120063,
  DeidentificationMethodCodeSequence: 0x00120064,
  BurnedInAnnotation: 0x00280301,
  LongitudinalTemporalInformationModified: 0x00280303,
  CodeValue: 0x00080100,
  CodingSchemeDesignator: 0x00080102,
  CodeMeaning: 0x00080104,
  MediaStorageSOPClassUID: 0x00020002,
  MediaStorageSOPInstanceUID: 0x00020003,
  TransferSyntaxUID: 0x00020010,
  FileMetaInformationVersion: 0x00020001,
  ImplementationClassUID: 0x00020012,
  ImplementationVersionName: 0x00020013,
} as const;

/** sinso's implementation class UID (a 2.25 UUID-derived UID), written in every output's meta. */
export const SINSO_IMPLEMENTATION_CLASS_UID = '2.25.160213513129961430374722203981539839305';

/** UIDs under the DICOM root are registry UIDs (SOP classes, transfer syntaxes): never mapped. */
const REGISTRY_ROOT = '1.2.840.10008.';

/**
 * De-identifies one parsed DICOM file with the profile: every element at any depth gets its
 * resolved action; UIDs map through the keyed function (references inside sequences follow the
 * same mapping); PatientID becomes the keyed patient pseudonym shared with the FHIR
 * de-identifier, in the namespace `ctx.patientIds` resolves (an object whose issuer the issuer
 * map does not hold is rejected); dates shift by the patient's keyed offset when the profile says 'S'; markers
 * are added; the file meta is rewritten (transfer syntax kept). Pixel data is never decoded.
 *
 * @example
 * const r = deidentifyFile(parseDicom(bytes), { secret, profile: buildProfile([]), maxShiftDays: 365 });
 */
export function deidentifyFile(
  input: DicomFile,
  ctx: DeidentifyContext,
  extra: DeidentifyFileOptions = {},
): DeidentifyFileReturnType {
  const top = new Map(input.dataset.map((e) => [e.tag, e]));
  const text = (tag: number): string => {
    const el = top.get(tag);
    return el?.value ? decodeText(el) : '';
  };
  const sop = text(T.SOPInstanceUID);
  const study = text(T.StudyInstanceUID);
  const series = text(T.SeriesInstanceUID);
  if (!sop || !study || !series) {
    return { ok: false, reason: 'missing SOPInstanceUID, StudyInstanceUID or SeriesInstanceUID' };
  }
  const patientId = text(T.PatientID).trim();
  // The PatientID's namespace comes from the run's policy, never from the issuer alone: the
  // issuer is present in some objects of a patient and absent in others, and keying by it would
  // give one patient two pseudonyms and two date shifts.
  const namespace = patientId ? (ctx.patientIds ?? SHARED).dicom(text(T.IssuerOfPatientID)) : '';
  if (namespace === undefined) return { ok: false, reason: UNMAPPED_ISSUER_REASON };
  // one shift per patient across studies; without a PatientID, per study
  const patientKey = patientId ? `pid\u0000${namespace}\u0000${patientId}` : `study\u0000${study}`;
  const shift = dateShiftDays(ctx.secret, patientKey, ctx.maxShiftDays);

  let shifted = false;
  const inserted: string[] = [];
  const put = (vr: string, text: string): Uint8Array => {
    inserted.push(text);
    return encodeText(vr, text);
  };
  const dummyBytes = (vr: string, tag: number): Uint8Array => {
    const v = dummyValue(vr, tag);
    return typeof v === 'string' ? put(vr, v) : v; // binary dummies are zero bytes: any byte order
  };

  const mapUids = (el: DicomElement): DicomElement => {
    const raw = el.value ? decodeText(el) : '';
    const out = raw
      .split('\\')
      .map((u) => {
        const uid = u.trim().replace(/\0+$/, '');
        return !uid || uid.startsWith(REGISTRY_ROOT) ? uid : mapUidCached({ secret: ctx.secret, uid });
      })
      .join('\\');
    return { tag: el.tag, vr: el.vr, value: put('UI', out) };
  };

  const shiftValue = (el: DicomElement): DicomElement => {
    if (!el.value || (el.vr !== 'DA' && el.vr !== 'DT')) return el;
    const raw = decodeText(el);
    const out = raw
      .split('\\')
      .map((v) => (el.vr === 'DA' ? shiftDicomDate(v.trim(), shift) : shiftDicomDateTime(v.trim(), shift)))
      .join('\\');
    shifted = true;
    return { tag: el.tag, vr: el.vr, value: put(el.vr, out) };
  };

  /**
   * Clean (C). Free text (LT, ST, UT) cannot be cleaned without understanding it — a note can name
   * people the header never mentions — so it is replaced with a dummy. A short descriptor (LO, SH,
   * e.g. "CT HEAD W/O CONTRAST") is kept only when it holds none of the file's identifying values.
   */
  const cleanText = (el: DicomElement): DicomElement | undefined => {
    if (!el.value || el.vr === 'SQ') return el;
    if (el.vr === 'LT' || el.vr === 'ST' || el.vr === 'UT' || el.vr === 'UC') {
      return { tag: el.tag, vr: el.vr, value: dummyBytes(el.vr, el.tag) };
    }
    const raw = decodeText(el).toLowerCase();
    const hit = identifying.some((v) => v.text.length >= 3 && raw.includes(v.text.toLowerCase()));
    if (!hit) kept.add(raw.trim()); // clean, so kept: not a leak
    return hit ? { tag: el.tag, vr: el.vr, value: dummyBytes(el.vr, el.tag) } : el;
  };

  const actionsCache = new Map<readonly DicomElement[], ReturnType<typeof elementActions>>();
  const { identifying, kept } = collectIdentifying(input, ctx.profile, actionsCache);
  const actionsOf = (elements: readonly DicomElement[]) =>
    actionsCache.get(elements) ?? elementActions(elements, ctx.profile);

  /**
   * Applies the profile to a list of elements. Inside a sequence whose action is D (a dummy), every
   * value is replaced: UIDs are mapped and everything else gets a dummy of its VR, since the
   * sequence as a whole must not carry its original content (e.g. Person Identification Codes).
   */
  const transform = (elements: readonly DicomElement[], depth: number, dummies = false): DicomElement[] => {
    const { actions: profileActions, keptBlocks } = actionsOf(elements);
    const actions = dummies
      ? new Map(
          [...profileActions].map(
            ([el, a]) => [el, a === 'X' ? 'X' : el.vr === 'UI' ? 'U' : el.items ? 'D' : 'D'] as const,
          ),
        )
      : profileActions;
    const out: DicomElement[] = [];
    for (const el of elements) {
      const group = el.tag >>> 16;
      const elem = el.tag & 0xffff;
      if (group % 2 === 1 && elem >= 0x10 && elem <= 0xff) {
        if (keptBlocks.has((group << 8) | elem)) out.push(el);
        continue;
      }
      // group lengths (gggg,0000) are retired and would be stale after any change
      if ((el.tag & 0xffff) === 0) continue;
      const action = actions.get(el) ?? 'K';
      // PatientID becomes the keyed pseudonym shared with the FHIR de-identifier
      if (depth === 0 && el.tag === T.PatientID) {
        out.push({
          tag: el.tag,
          vr: 'LO',
          value: put('LO', patientId ? pseudonymizePatientId(ctx.secret, namespace, patientId) : ''),
        });
        continue;
      }
      if (el.items) {
        // a sequence: X removes it; Z empties it; any other action keeps it and applies the
        // profile to the attributes of every item (nested identifiers are still removed)
        if (action === 'X') continue;
        if (action === 'Z') {
          out.push({ tag: el.tag, vr: el.vr, items: [] });
          continue;
        }
        out.push({
          ...el,
          items: el.items.map((item) => transform(item, depth + 1, dummies || action === 'D')),
        });
        continue;
      }
      // an element read as UN is acted on by its dictionary VR (and written with it when replaced)
      const typed: DicomElement = el.vr === 'UN' ? { ...el, vr: lookupVr(el.tag) ?? 'UN' } : el;
      const vr = typed.vr;
      switch (action) {
        case 'X':
          break;
        case 'Z':
          out.push({ tag: el.tag, vr, value: new Uint8Array(0) });
          break;
        case 'D':
          out.push({ tag: el.tag, vr, value: dummyBytes(vr, el.tag) });
          break;
        case 'U':
          out.push(vr === 'UI' ? mapUids(typed) : { tag: el.tag, vr, value: new Uint8Array(0) });
          break;
        case 'S':
          out.push(vr === 'DA' || vr === 'DT' ? shiftValue(typed) : el);
          break;
        case 'C': {
          const c = cleanText(typed);
          if (c) out.push(c === typed ? el : c);
          break;
        }
        default:
          out.push(el);
      }
    }
    return out;
  };

  const dataset = transform(input.dataset, 0).filter(
    (e) =>
      e.tag !== T.PatientIdentityRemoved &&
      e.tag !== T.DeidentificationMethod &&
      e.tag !== T.DeidentificationMethodCodeSequence &&
      e.tag !== T.LongitudinalTemporalInformationModified,
  );
  const d = ctx.profile.describe();
  const cleanPixel = DEID_METHOD_CODES.find((c) => c.value === '113101');
  const codes =
    extra.cleanedPixelData && cleanPixel
      ? [...d.codes, cleanPixel].sort((a, b) => a.value.localeCompare(b.value))
      : d.codes;
  const longitudinal = shifted
    ? 'MODIFIED'
    : d.options.includes('retain-longitudinal-full-dates')
      ? 'UNMODIFIED'
      : 'REMOVED';
  inserted.push(...d.methodValues, ...codes.map((c) => c.meaning), longitudinal);
  dataset.push(
    { tag: T.PatientIdentityRemoved, vr: 'CS', value: encodeText('CS', 'YES') },
    { tag: T.DeidentificationMethod, vr: 'LO', value: encodeText('LO', d.methodValues.join('\\')) },
    {
      tag: T.DeidentificationMethodCodeSequence,
      vr: 'SQ',
      items: codes.map((c) => [
        { tag: T.CodeValue, vr: 'SH', value: encodeText('SH', c.value) },
        { tag: T.CodingSchemeDesignator, vr: 'SH', value: encodeText('SH', c.scheme) },
        { tag: T.CodeMeaning, vr: 'LO', value: encodeText('LO', c.meaning) },
      ]),
    },
    { tag: T.LongitudinalTemporalInformationModified, vr: 'CS', value: encodeText('CS', longitudinal) },
  );
  dataset.sort((a, b) => a.tag - b.tag);

  const newSop = mapUidCached({ secret: ctx.secret, uid: sop });
  const sopClass = text(T.SOPClassUID) || metaText(input, T.MediaStorageSOPClassUID);
  const meta: DicomElement[] = [
    { tag: T.FileMetaInformationVersion, vr: 'OB', value: Uint8Array.of(0, 1) },
    { tag: T.MediaStorageSOPClassUID, vr: 'UI', value: encodeText('UI', sopClass) },
    { tag: T.MediaStorageSOPInstanceUID, vr: 'UI', value: encodeText('UI', newSop) },
    { tag: T.TransferSyntaxUID, vr: 'UI', value: encodeText('UI', input.syntax.uid) },
    { tag: T.ImplementationClassUID, vr: 'UI', value: encodeText('UI', SINSO_IMPLEMENTATION_CLASS_UID) },
    { tag: T.ImplementationVersionName, vr: 'SH', value: encodeText('SH', `SINSO_${version}`.slice(0, 16)) },
  ];
  return {
    ok: true,
    file: { preamble: new Uint8Array(128), meta, dataset, syntax: input.syntax },
    uids: {
      study: mapUidCached({ secret: ctx.secret, uid: study }),
      series: mapUidCached({ secret: ctx.secret, uid: series }),
      sop: newSop,
    },
    identifying,
    kept,
    inserted,
  };
}

function metaText(f: DicomFile, tag: number): string {
  const el = f.meta.find((e) => e.tag === tag);
  return el?.value ? decodeText(el) : '';
}
