import { z } from 'zod';

/**
 * The action codes of PS3.15 Table E.1-1 (legend in Table E.1-1a), as the table's Basic Profile
 * column writes them:
 *
 * - `X` remove; `Z` replace with a zero-length value (or a dummy); `D` replace with a non-zero-length
 *   dummy consistent with the VR; `K` keep (for a sequence: keep and clean its items);
 *   `C` clean (replace with values of similar meaning known not to identify); `U` replace a UID
 *   with one that is internally consistent within the set of instances.
 * - Compound codes leave the choice to what the IOD requires: `Z/D` (Type 2 vs 1), `X/Z`
 *   (Type 3 vs 2), `X/D` (Type 3 vs 1), `X/Z/D` (Type 3 vs 2 vs 1), and `X/Z/U*` (Type 3 vs 2 vs 1
 *   sequences holding UID references, whose instance UIDs are replaced). `resolveBasicAction`
 *   makes the choice.
 *
 * @example
 * BasicProfileActionSchema.parse('X/Z/D'); // 'X/Z/D'
 */
export const BasicProfileActionSchema = z.enum([
  'X',
  'Z',
  'D',
  'K',
  'C',
  'U',
  'Z/D',
  'X/Z',
  'X/D',
  'X/Z/D',
  'X/Z/U*',
]);
export type BasicProfileAction = z.output<typeof BasicProfileActionSchema>;

/**
 * What an option column of Table E.1-1 may hold: `K` keep, `C` clean (for the Retain Longitudinal
 * Temporal Information with Modified Dates column, `C` means "modify": the dates are shifted; for
 * the Retain Safe Private column, `C` means "keep the private attributes known to be safe",
 * PS3.15 E.3.10).
 *
 * @example
 * OptionColumnActionSchema.parse('K'); // 'K'
 */
export const OptionColumnActionSchema = z.enum(['K', 'C']);
export type OptionColumnAction = z.output<typeof OptionColumnActionSchema>;

/**
 * A tag pattern as Table E.1-1 writes it: `(gggg,eeee)` in upper-case hexadecimal, where `X` stands
 * for any hexadecimal digit of a repeating group (`(60XX,3000)`, `(50XX,XXXX)`), or the row for
 * every private attribute, `(GGGG,EEEE) WHERE GGGG IS ODD`.
 *
 * @example
 * TagPatternTextSchema.parse('(60XX,3000)'); // '(60XX,3000)'
 */
export const TagPatternTextSchema = z
  .string()
  .regex(
    /^(\([0-9A-FX]{4},[0-9A-FX]{4}\)|\(GGGG,EEEE\) WHERE GGGG IS ODD)$/,
    'must be a tag pattern like (0010,0010)',
  );

const optionColumn = OptionColumnActionSchema.optional();

/**
 * One row of PS3.15 2024b Table E.1-1, as stored in `datasets/annexE-2024b.json` (see
 * datasets/SOURCES.md): an option column is present only when the table gives it an action.
 *
 * @example
 * AnnexERowSchema.parse({ tag: '(0010,0010)', name: "Patient's Name", basicProfileAction: 'Z', inStdCompIOD: 'Y' });
 */
export const AnnexERowSchema = z.strictObject({
  tag: TagPatternTextSchema,
  name: z.string().min(1),
  basicProfileAction: BasicProfileActionSchema,
  /** Whether PS3.3 uses the attribute in a standard composite IOD (Y/N). */
  inStdCompIOD: z.enum(['Y', 'N']),
  retainSafePrivateOption: optionColumn,
  retainUIDsOption: optionColumn,
  retainDeviceIdentityOption: optionColumn,
  retainInstitutionIdentityOption: optionColumn,
  retainPatientCharacteristicsOption: optionColumn,
  retainLongitudinalFullDatesOption: optionColumn,
  retainLongitudinalModifiedDatesOption: optionColumn,
  cleanDescriptorsOption: optionColumn,
  cleanStructuredContentOption: optionColumn,
  cleanGraphicsOption: optionColumn,
});
export type AnnexERow = z.output<typeof AnnexERowSchema>;

/**
 * The whole table: every row, each tag pattern once.
 *
 * @example
 * AnnexETableSchema.safeParse(JSON.parse(text)).success; // true for datasets/annexE-2024b.json
 */
export const AnnexETableSchema = z
  .array(AnnexERowSchema)
  .min(1)
  .refine(
    (rows) => new Set(rows.map((r) => r.tag)).size === rows.length,
    'each tag pattern must appear once',
  );
export type AnnexETable = z.output<typeof AnnexETableSchema>;

/** The option column names of Table E.1-1, as the JSON file names them. */
export type OptionColumn = Exclude<keyof AnnexERow, 'tag' | 'name' | 'basicProfileAction' | 'inStdCompIOD'>;

/**
 * The options of `sinso deid dicom --option NAME` (DESIGN.md): the option columns of PS3.15
 * Table E.1-1 in kebab case. The two longitudinal-temporal options are mutually exclusive
 * (PS3.15 E.3.6); `buildProfile` rejects both together.
 *
 * @example
 * DeidDicomOptionSchema.parse('retain-uids'); // 'retain-uids'
 */
export const DeidDicomOptionSchema = z.enum([
  'retain-longitudinal-full-dates',
  'retain-longitudinal-modified-dates',
  'retain-patient-characteristics',
  'retain-device-identity',
  'retain-institution-identity',
  'retain-uids',
  'retain-safe-private',
  'clean-descriptors',
  'clean-structured-content',
  'clean-graphics',
]);
export type DeidDicomOption = z.output<typeof DeidDicomOptionSchema>;

/**
 * The Table E.1-1 column each option reads.
 *
 * @example
 * OPTION_COLUMN['retain-uids']; // 'retainUIDsOption'
 */
export const OPTION_COLUMN: Readonly<Record<DeidDicomOption, OptionColumn>> = {
  'retain-longitudinal-full-dates': 'retainLongitudinalFullDatesOption',
  'retain-longitudinal-modified-dates': 'retainLongitudinalModifiedDatesOption',
  'retain-patient-characteristics': 'retainPatientCharacteristicsOption',
  'retain-device-identity': 'retainDeviceIdentityOption',
  'retain-institution-identity': 'retainInstitutionIdentityOption',
  'retain-uids': 'retainUIDsOption',
  'retain-safe-private': 'retainSafePrivateOption',
  'clean-descriptors': 'cleanDescriptorsOption',
  'clean-structured-content': 'cleanStructuredContentOption',
  'clean-graphics': 'cleanGraphicsOption',
};

/**
 * A resolved action, one per tag, for the caller to apply:
 *
 * - `X` remove the attribute.
 * - `Z` replace with a zero-length value (a sequence: with no items).
 * - `D` replace with a non-zero-length dummy consistent with the VR (`dummyValue`). For a sequence
 *   (SQ): keep its items' structure and replace every value inside with a dummy, recursively, with
 *   UI values mapped as for `U` (so the result stays valid and references stay consistent).
 * - `K` keep. For a sequence: keep it and apply the profile to the attributes of its items
 *   (PS3.15: "unchanged for non-sequence attributes, cleaned for sequences").
 * - `C` keep the attribute but clean its content (text: remove identifying information; sequences:
 *   clean the items; overlays and curves: remove burned-in identifying information).
 * - `U` replace the UID with a keyed mapping (the same input and secret always give the same UID).
 *   For a sequence (the `X/Z/U*` rows, sequences of references): keep it and apply the profile to
 *   its items, whose instance UIDs are themselves `U` rows.
 * - `S` shift the date, time or date-time by the caller's per-patient offset (Retain Longitudinal
 *   Temporal Information with Modified Dates).
 */
export type ProfileAction = 'X' | 'Z' | 'D' | 'K' | 'C' | 'U' | 'S';

/** The same union under the name the de-identifier uses. */
export type DeidAction = ProfileAction;

/**
 * Every resolved action, for validation and tests.
 *
 * @example
 * PROFILE_ACTIONS.includes(profile.actionFor(0x00100010)!); // true
 */
export const PROFILE_ACTIONS: readonly ProfileAction[] = ['X', 'Z', 'D', 'K', 'C', 'U', 'S'];

/**
 * One code of PS3.16 CID 7050 De-identification Method, as an item of De-identification Method
 * Code Sequence (0012,0064) holds it: Code Value, Coding Scheme Designator (always DCM), Code
 * Meaning.
 */
export type DeidMethodCode = {
  value: string;
  scheme: 'DCM';
  meaning: string;
};

/**
 * PS3.16 CID 7050 "De-identification Method", every code, in code order, with the Code Meaning as
 * CID 7050 prints it. 113101 and 113102 (pixel data) are not options of this profile but are listed
 * for completeness.
 *
 * @example
 * DEID_METHOD_CODES[0]; // { value: '113100', scheme: 'DCM', meaning: 'Basic Application Confidentiality Profile' }
 */
export const DEID_METHOD_CODES: readonly DeidMethodCode[] = [
  ['113100', 'Basic Application Confidentiality Profile'],
  ['113101', 'Clean Pixel Data Option'],
  ['113102', 'Clean Recognizable Visual Features Option'],
  ['113103', 'Clean Graphics Option'],
  ['113104', 'Clean Structured Content Option'],
  ['113105', 'Clean Descriptors Option'],
  ['113106', 'Retain Longitudinal Temporal Information Full Dates Option'],
  ['113107', 'Retain Longitudinal Temporal Information Modified Dates Option'],
  ['113108', 'Retain Patient Characteristics Option'],
  ['113109', 'Retain Device Identity Option'],
  ['113110', 'Retain UIDs Option'],
  ['113111', 'Retain Safe Private Option'],
  ['113112', 'Retain Institution Identity Option'],
].map(([value, meaning]) =>
  Object.freeze({ value: value as string, scheme: 'DCM' as const, meaning: meaning as string }),
);

/**
 * The CID 7050 code of the profile itself (113100), always the first item of De-identification
 * Method Code Sequence.
 *
 * @example
 * BASIC_PROFILE_CODE_VALUE; // '113100'
 */
export const BASIC_PROFILE_CODE_VALUE = '113100';

/**
 * The CID 7050 code value that records each option in De-identification Method Code Sequence
 * (0012,0064).
 *
 * @example
 * OPTION_METHOD_CODE['retain-uids']; // '113110'
 */
export const OPTION_METHOD_CODE: Readonly<Record<DeidDicomOption, string>> = {
  'clean-graphics': '113103',
  'clean-structured-content': '113104',
  'clean-descriptors': '113105',
  'retain-longitudinal-full-dates': '113106',
  'retain-longitudinal-modified-dates': '113107',
  'retain-patient-characteristics': '113108',
  'retain-device-identity': '113109',
  'retain-uids': '113110',
  'retain-safe-private': '113111',
  'retain-institution-identity': '113112',
};
