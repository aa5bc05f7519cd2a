export {
  type BuildFhirDeidEngineErrorType,
  type BuildFhirDeidEngineParameters,
  type BuildFhirDeidEngineReturnType,
  buildFhirDeidEngine,
  type FhirDeidEngine,
  type FhirDeidResult,
} from './buildFhirDeidEngine.js';
export type { IdentifyingValue } from './context.js';
export { daysBetween, isFhirDateLike, shiftFhirDate } from './dates.js';
export { FhirDeidError, type FhirDeidErrorType } from './errors.js';
export {
  type FindFhirLeaksParameters,
  type FindFhirLeaksReturnType,
  findFhirLeaks,
} from './findFhirLeaks.js';
export {
  type ParseFhirRulesErrorType,
  type ParseFhirRulesParameters,
  type ParseFhirRulesReturnType,
  parseFhirRules,
} from './parseFhirRules.js';
export { SAFE_EXTENSION_URLS } from './safeHarbor.js';
export {
  FHIR_RULE_METHODS,
  type FhirRule,
  type FhirRuleMethod,
  FhirRuleSchema,
  type FhirRulesFile,
  FhirRulesFileSchema,
} from './schema.js';
export { RESTRICTED_ZIP3, safeHarborZip } from './zip3.js';
