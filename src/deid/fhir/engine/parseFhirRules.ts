import { z } from 'zod';
import type { SchemaIssue } from '../../../core/errors/index.js';
import { parseWith } from '../../../core/parse.js';
import { compileRules } from './compileRules.js';
import { FhirDeidError } from './errors.js';
import { FHIR_RULE_METHODS, type FhirRulesFile, FhirRulesFileSchema } from './schema.js';

export type ParseFhirRulesParameters = unknown;
export type ParseFhirRulesReturnType = FhirRulesFile;
export type ParseFhirRulesErrorType = FhirDeidError;

/** First pass: the method of every rule, so a bad method is reported as `rules.N.method: must be one of …`. */
const MethodsSchema = z.looseObject({
  rules: z.array(z.looseObject({ method: z.enum(FHIR_RULE_METHODS) })),
});

/**
 * Validates a FHIR de-identification rules file (parsed JSON) and compiles every rule's FHIRPath,
 * so a file that parses here runs. Errors name the rule index and field, e.g.
 * `rules.3.method: must be one of: "keep", "redact", …`, and never quote values.
 *
 * @example
 * const rules = parseFhirRules(JSON.parse(await readFile('rules.json', 'utf8')));
 * const engine = buildFhirDeidEngine({ secret, rules, asOfYear: 2025 });
 */
export function parseFhirRules(json: unknown): ParseFhirRulesReturnType {
  const opts = {
    what: 'FHIR de-identification rules file',
    error: (issues: readonly SchemaIssue[], cause: unknown) =>
      new FhirDeidError('DEID_FHIR_RULES_INVALID', { problem: 'invalid' }, { issues, cause }),
  };
  const first = MethodsSchema.safeParse(json);
  if (!first.success && first.error.issues.some((i) => i.path.at(-1) === 'method')) {
    parseWith(MethodsSchema, json, opts);
  }
  const rules = parseWith(FhirRulesFileSchema, json, opts);
  compileRules(rules); // throws DEID_FHIR_RULES_INVALID naming rules.N.path for a bad expression
  return rules;
}
