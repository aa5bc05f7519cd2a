/**
 * PS3.15 Annex E Basic Application Level Confidentiality Profile, table-driven: every row of
 * Table E.1-1 (2024b), its ten options, the compound-action choices, Table E.3.10-1 safe private
 * attributes, and VR-consistent dummy values.
 */

export { dictionaryVr } from './adapters/dictionaryVr.js';
export {
  ANNEX_E_TABLE_URL,
  type LoadAnnexETableErrorType,
  type LoadAnnexETableParameters,
  type LoadAnnexETableReturnType,
  loadAnnexETable,
} from './adapters/loadAnnexETable.js';
export { type AttributeTypeInfo, attributeType, COMPOUND_ATTRIBUTE_TYPES } from './attributeType.js';
export {
  type BuildProfileErrorType,
  type BuildProfileParameters,
  type BuildProfileReturnType,
  buildProfile,
  type Profile,
  type ProfileDescription,
} from './buildProfile.js';
export { type DummyValueErrorType, type DummyValueReturnType, dummyValue } from './dummyValue.js';
export { matchTagPattern } from './matchTagPattern.js';
export { type ParseTagPatternErrorType, parseTagPattern, type TagPattern } from './parseTagPattern.js';
export { privateCreatorTag } from './privateCreatorTag.js';
export {
  type ResolveBasicActionParameters,
  type ResolveBasicActionReturnType,
  resolveBasicAction,
} from './resolveBasicAction.js';
export {
  findSafePrivateAttribute,
  SAFE_PRIVATE_ATTRIBUTES,
  type SafePrivateAttribute,
} from './safePrivate.js';
export {
  type AnnexERow,
  AnnexERowSchema,
  type AnnexETable,
  AnnexETableSchema,
  BASIC_PROFILE_CODE_VALUE,
  type BasicProfileAction,
  BasicProfileActionSchema,
  DEID_METHOD_CODES,
  type DeidAction,
  type DeidDicomOption,
  DeidDicomOptionSchema,
  type DeidMethodCode,
  OPTION_COLUMN,
  OPTION_METHOD_CODE,
  type OptionColumn,
  type OptionColumnAction,
  OptionColumnActionSchema,
  PROFILE_ACTIONS,
  type ProfileAction,
  TagPatternTextSchema,
} from './schema.js';
