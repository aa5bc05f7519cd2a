import { UsageError } from '../../../core/errors/index.js';
import { dictionaryVr } from './adapters/dictionaryVr.js';
import { loadAnnexETable } from './adapters/loadAnnexETable.js';
import { matchTagPattern } from './matchTagPattern.js';
import { parseTagPattern, type TagPattern } from './parseTagPattern.js';
import { resolveBasicAction } from './resolveBasicAction.js';
import { findSafePrivateAttribute, SAFE_PRIVATE_ATTRIBUTES } from './safePrivate.js';
import {
  type AnnexERow,
  type AnnexETable,
  BASIC_PROFILE_CODE_VALUE,
  DEID_METHOD_CODES,
  type DeidDicomOption,
  DeidDicomOptionSchema,
  type DeidMethodCode,
  OPTION_COLUMN,
  OPTION_METHOD_CODE,
  type ProfileAction,
} from './schema.js';

/** What `profile.describe()` returns: the values to record in the de-identified objects. */
export type ProfileDescription = {
  /** The profile and the table edition it was built from. */
  profile: string;
  /** The options in force, deduplicated, in the order of `DeidDicomOptionSchema`. */
  options: DeidDicomOption[];
  /**
   * Items for De-identification Method Code Sequence (0012,0064): CID 7050 113100 first, then one
   * code per option, in code-value order.
   */
  codes: DeidMethodCode[];
  /**
   * A human summary for De-identification Method (0012,0063), e.g. `PS3.15 E.1 Basic Application
   * Confidentiality Profile; options: Retain UIDs Option`. Longer than 64 characters once options
   * are given: the LO element takes `methodValues` (VM 1-n) instead.
   */
  method: string;
  /** The same as values of the LO element (VM 1-n): one Code Meaning each, each ≤ 64 characters. */
  methodValues: string[];
};

/**
 * The PS3.15 Annex E Basic Application Level Confidentiality Profile with its options applied:
 * one resolved action per tag.
 */
export type Profile = {
  /** The options in force, deduplicated, in the order of `DeidDicomOptionSchema`. */
  readonly options: readonly DeidDicomOption[];
  /**
   * The resolved action for an attribute (tag: uint32, `group << 16 | element`), the same at any
   * nesting depth. O(1) for the tags of Table E.1-1 (one Map lookup); other tags fall through to
   * the private rule and the three repeating-group patterns.
   *
   * - Group 0002 (File Meta Information) is not the profile's concern: `undefined`. The writer
   *   rebuilds the meta group.
   * - A tag of the table: its row, resolved (see `buildProfile`).
   * - Curves `(50XX,XXXX)`, Overlay Data `(60XX,3000)`, Overlay Comments `(60XX,4000)`: their rows,
   *   by mask, for every even group 50xx / 60xx (the repeating groups 5000–501E / 6000–601E, and
   *   the even groups above them, which hold no standard attribute: see `TagPattern`).
   * - A private attribute (odd group): `X`; under retain-safe-private, a data element
   *   `(gggg,xxee)` listed in Table E.3.10-1 for `privateCreator` (the value of `(gggg,00xx)`) is
   *   `K` (`U` if its VR is UI, `K` again under retain-uids), and a Private Creator element
   *   `(gggg,00xx)` whose creator (`privateCreator`: its own value) has safe attributes in the group
   *   is `K`; the caller removes a kept creator whose block ends up with nothing kept.
   * - Any other standard attribute: `K`, as the profile keeps what it does not list (callers
   *   handle the attributes they treat specially, e.g. Patient Identity Removed).
   */
  actionFor(tag: number, privateCreator?: string | undefined): ProfileAction | undefined;
  /** The options and the CID 7050 codes to record; deterministic; a fresh object on each call. */
  describe(): ProfileDescription;
};

export type BuildProfileParameters = {
  /** The Table E.1-1 rows; defaults to `datasets/annexE-2024b.json` (`loadAnnexETable`). */
  table?: AnnexETable | undefined;
  /** The VR of a standard tag; defaults to the dcmjs data dictionary (`dictionaryVr`). */
  vrOf?: ((tag: number) => string | undefined) | undefined;
};
export type BuildProfileReturnType = Profile;
export type BuildProfileErrorType = UsageError;

const TEMPORAL_VRS = new Set(['DA', 'DT', 'TM']);
const OPTION_ORDER: readonly DeidDicomOption[] = DeidDicomOptionSchema.options;

/** Validates, deduplicates and orders the options; rejects unknown ones and the exclusive pair. */
function normalizeOptions(options: readonly DeidDicomOption[]): DeidDicomOption[] {
  const given = new Set<DeidDicomOption>();
  for (const option of options as readonly unknown[]) {
    const parsed = DeidDicomOptionSchema.safeParse(option);
    if (!parsed.success) {
      throw new UsageError('Unknown de-identification option.', {
        metaMessages: [`Option: ${JSON.stringify(String(option)).slice(0, 80)}`],
        fix: `Use one of: ${OPTION_ORDER.join(', ')}.`,
      });
    }
    given.add(parsed.data);
  }
  if (given.has('retain-longitudinal-full-dates') && given.has('retain-longitudinal-modified-dates')) {
    throw new UsageError(
      'The options retain-longitudinal-full-dates and retain-longitudinal-modified-dates exclude each other.',
      {
        fix: 'Give one of them: full dates keeps dates as they are; modified dates shifts them (PS3.15 E.3.6).',
      },
    );
  }
  return OPTION_ORDER.filter((o) => given.has(o));
}

/**
 * Resolves one row under the options in force. What the option columns mean:
 *
 * - `K` (any option): keep.
 * - `C` (Retain Device Identity, Retain Patient Characteristics, Clean Descriptors, Clean
 *   Structured Content, Clean Graphics): clean.
 * - `C` in the Retain Longitudinal Temporal Information with Modified Dates column means "modify":
 *   `S` (shift) for DA, DT and TM attributes. For the few other VRs in that column (Certified
 *   Timestamp and Frame Origin Timestamp, OB; Timezone Offset From UTC, SH) nothing can be shifted,
 *   so the option does not apply and the row keeps its other actions.
 * - The Retain Safe Private column is read on the private row only (see `actionFor`).
 *
 * When several options in force give the row an action: `S` wins (an unshifted date next to
 * shifted ones would reveal the shift, e.g. a calibration date kept by retain-device-identity),
 * then `K` over `C` (each option is a permission to retain; cleaning is the narrower one). With no
 * option action, the Basic Profile action is resolved by `resolveBasicAction`.
 */
function resolveRow(
  row: AnnexERow,
  options: readonly DeidDicomOption[],
  tag: number,
  vr: string | undefined,
): ProfileAction {
  let shift = false;
  let keep = false;
  let clean = false;
  for (const option of options) {
    if (option === 'retain-safe-private') continue;
    const value = row[OPTION_COLUMN[option]];
    if (value === undefined) continue;
    if (option === 'retain-longitudinal-modified-dates' && value === 'C') {
      if (vr !== undefined && TEMPORAL_VRS.has(vr)) shift = true;
      continue;
    }
    if (value === 'K') keep = true;
    else clean = true;
  }
  if (shift) return 'S';
  if (keep) return 'K';
  if (clean) return 'C';
  return resolveBasicAction({ action: row.basicProfileAction, tag, vr });
}

/** Every creator that has safe attributes, by group: `${group}|${creator}`. */
const SAFE_CREATOR_GROUPS: ReadonlySet<string> = new Set(
  SAFE_PRIVATE_ATTRIBUTES.map((a) => `${a.group}|${a.creator}`),
);

/**
 * Builds the PS3.15 Annex E Basic Application Level Confidentiality Profile for a set of options,
 * from every row of Table E.1-1 (2024b): each row's tag pattern is parsed, its action resolved once
 * for the options (`resolveRow` documents the option columns, `resolveBasicAction` the compound
 * actions), and exact tags go into one Map. Nothing is cached per file.
 *
 * @throws UsageError (`USAGE`) for an unknown option, or for retain-longitudinal-full-dates with
 * retain-longitudinal-modified-dates (PS3.15 E.3.6: they exclude each other).
 *
 * @example
 * const profile = buildProfile(['retain-uids']);
 * profile.actionFor(0x00100010); // 'Z' (Patient's Name)
 * profile.actionFor(0x0020000d); // 'K' (Study Instance UID, retained)
 * profile.describe().method;
 * // 'PS3.15 E.1 Basic Application Confidentiality Profile; options: Retain UIDs Option'
 */
export function buildProfile(
  options: readonly DeidDicomOption[],
  parameters: BuildProfileParameters = {},
): BuildProfileReturnType {
  const inForce = normalizeOptions(options);
  const table = parameters.table ?? loadAnnexETable();
  const vrOf = parameters.vrOf ?? dictionaryVr;

  const exact = new Map<number, ProfileAction>();
  const masked: { pattern: TagPattern; action: ProfileAction }[] = [];
  let privateRow: AnnexERow | undefined;
  for (const row of table) {
    const pattern = parseTagPattern(row.tag);
    if (pattern.kind === 'private') {
      privateRow = row;
    } else if (pattern.kind === 'exact') {
      exact.set(pattern.tag, resolveRow(row, inForce, pattern.tag, vrOf(pattern.tag)));
    } else {
      masked.push({ pattern, action: resolveRow(row, inForce, pattern.value, undefined) });
    }
  }

  // Private attributes: the row's Basic Profile action (X), unless retain-safe-private is in force
  // and its column says C (keep the safe ones, E.3.10) or K (keep all).
  const privateBasic: ProfileAction = privateRow
    ? resolveBasicAction({ action: privateRow.basicProfileAction, tag: 0, vr: undefined })
    : 'X';
  const privateOption = inForce.includes('retain-safe-private')
    ? privateRow?.retainSafePrivateOption
    : undefined;
  const safeUid: ProfileAction = inForce.includes('retain-uids') ? 'K' : 'U';

  function privateAction(tag: number, creator: string | undefined): ProfileAction {
    if (privateOption === 'K') return 'K';
    if (privateOption !== 'C' || creator === undefined) return privateBasic;
    const element = tag & 0xffff;
    if (element >= 0x1000) {
      const safe = findSafePrivateAttribute(tag, creator);
      if (!safe) return privateBasic;
      return safe.vr === 'UI' ? safeUid : 'K';
    }
    if (element >= 0x0010 && element <= 0x00ff) {
      return SAFE_CREATOR_GROUPS.has(`${tag >>> 16}|${creator.trim()}`) ? 'K' : privateBasic;
    }
    return privateBasic;
  }

  const codeValues = new Set([BASIC_PROFILE_CODE_VALUE, ...inForce.map((o) => OPTION_METHOD_CODE[o])]);
  const codes = DEID_METHOD_CODES.filter((c) => codeValues.has(c.value));
  const meanings = codes.map((c) => c.meaning);
  const method = `PS3.15 E.1 ${meanings[0]}${meanings.length > 1 ? `; options: ${meanings.slice(1).join(', ')}` : ''}`;
  const frozenOptions = Object.freeze([...inForce]);

  return Object.freeze({
    options: frozenOptions,
    actionFor(tag: number, privateCreator?: string | undefined): ProfileAction | undefined {
      const t = tag >>> 0;
      const group = t >>> 16;
      if (group === 0x0002) return undefined;
      const hit = exact.get(t);
      if (hit !== undefined) return hit;
      if ((group & 1) === 1) return privateAction(t, privateCreator);
      for (const m of masked) if (matchTagPattern(m.pattern, t)) return m.action;
      return 'K';
    },
    describe: (): ProfileDescription => ({
      profile: 'PS3.15 Annex E Basic Application Level Confidentiality Profile (Table E.1-1, 2024b)',
      options: [...inForce],
      codes: codes.map((c) => ({ ...c })),
      method,
      methodValues: [...meanings],
    }),
  });
}
