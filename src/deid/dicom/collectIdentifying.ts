import { type DicomElement, type DicomFile, decodeText, lookupVr } from '../../ingest/index.js';
import type { DeidAction, Profile } from './profile/index.js';

/** A value read from the input that identifies someone; held in memory only, for the leak scan. */
export type IdentifyingValue = { text: string; vr: string };

const TEXT_VRS = new Set([
  'PN',
  'LO',
  'SH',
  'LT',
  'ST',
  'UT',
  'UC',
  'DA',
  'DT',
  'TM',
  'UI',
  'AS',
  'CS',
  'AE',
  'UR',
  'DS',
  'IS',
]);
const REGISTRY_ROOT = '1.2.840.10008.';
const PATIENT_ID = 0x00100020;

/**
 * The profile's action for every element of one list (a data set or a sequence item). Private
 * creators are not given an action: they follow their block (kept when anything in it is).
 */
export function elementActions(
  elements: readonly DicomElement[],
  profile: Profile,
): { actions: Map<DicomElement, DeidAction | 'K'>; keptBlocks: Set<number> } {
  const actions = new Map<DicomElement, DeidAction | 'K'>();
  const creators = new Map<number, string>(); // (group << 8 | block) → creator
  for (const el of elements) {
    const group = el.tag >>> 16;
    const elem = el.tag & 0xffff;
    if (group % 2 === 1 && elem >= 0x10 && elem <= 0xff && el.value)
      creators.set((group << 8) | elem, decodeText(el));
  }
  const keptBlocks = new Set<number>();
  for (const el of elements) {
    const group = el.tag >>> 16;
    const elem = el.tag & 0xffff;
    const isPrivate = group % 2 === 1;
    if (isPrivate && elem >= 0x10 && elem <= 0xff) continue;
    const creator = isPrivate ? creators.get((group << 8) | (elem >>> 8)) : undefined;
    let action: DeidAction | 'K' = profile.actionFor(el.tag, creator) ?? 'K';
    if (isPrivate && elem < 0x10) action = 'X'; // (gggg,0000-000F) hold no private data
    actions.set(el, action);
    if (isPrivate && action !== 'X') keptBlocks.add((group << 8) | (elem >>> 8));
  }
  return { actions, keptBlocks };
}

/**
 * Every identifying value of a file, at any depth: the values of all text elements the profile
 * removes, empties, replaces, maps or shifts (and PatientID), PN components on their own; plus the
 * values it keeps, which are by the profile's definition not identifying (a match on one of them
 * is not a leak). Descriptors to clean (C) are neither: Clean keeps them only when they hold none
 * of the identifying values.
 *
 * @example
 * const { identifying } = collectIdentifying(parseDicom(bytes), buildProfile([]));
 */
export function collectIdentifying(
  file: DicomFile,
  profile: Profile,
  /** Filled with each element list's actions, so the de-identifier does not compute them again. */
  actionsCache?: Map<readonly DicomElement[], ReturnType<typeof elementActions>>,
): { identifying: IdentifyingValue[]; kept: Set<string> } {
  const identifying: IdentifyingValue[] = [];
  const kept = new Set<string>();
  const note = (el: DicomElement, action: DeidAction | 'K') => {
    // a descriptor to clean (C) is not an identifier in itself: it is kept only when none of the
    // identifying values appears in it, so the scan looks for those values, not for it
    if (action === 'C') return;
    // an element written as UN (e.g. a PatientName in some files) is text by its dictionary VR
    const vr = el.vr === 'UN' ? (lookupVr(el.tag) ?? 'UN') : el.vr;
    if (!el.value || !TEXT_VRS.has(vr)) return;
    const raw = decodeText(el);
    if (!raw) return;
    for (const v of raw.split('\\')) {
      const value = v.trim();
      if (!value) continue;
      if (action === 'K') {
        kept.add(value.toLowerCase());
        continue;
      }
      if (vr === 'UI' && value.startsWith(REGISTRY_ROOT)) continue;
      identifying.push({ text: value, vr });
      if (vr === 'PN') {
        for (const part of value.split(/[\^=]/))
          if (part.trim().length >= 3) identifying.push({ text: part.trim(), vr: 'PN' });
      }
    }
  };
  const visit = (elements: readonly DicomElement[], depth: number): void => {
    const computed = elementActions(elements, profile);
    actionsCache?.set(elements, computed);
    const { actions } = computed;
    for (const el of elements) {
      const action = actions.get(el) ?? 'K';
      if (depth === 0 && el.tag === PATIENT_ID) note(el, 'X');
      else if (el.items) for (const item of el.items) visit(item, depth + 1);
      else note(el, action);
    }
  };
  visit(file.dataset, 0);
  return { identifying, kept };
}
