import { createRequire } from 'node:module';
import { FhirDeidError } from './errors.js';
import type { FhirRule, FhirRulesFile } from './schema.js';

/** A rule with its FHIRPath compiled once (evaluation returns fhirpath.js ResourceNodes). */
export type CompiledRule = {
  rule: FhirRule;
  index: number;
  select: (resource: Record<string, unknown>) => unknown[];
};

/**
 * Microsoft's tool offers `nodesByType('HumanName')`; in standard FHIRPath that is
 * `descendants().ofType(HumanName)`, which this rewrites it to.
 */
function rewriteExtensions(expr: string): string {
  return expr.replace(/nodesByType\(\s*'([A-Za-z]+)'\s*\)/g, 'descendants().ofType($1)');
}

type Fhirpath = typeof import('fhirpath');
type R4Model = NonNullable<Parameters<Fhirpath['compile']>[1]>;
let loaded: { fhirpath: Fhirpath; r4: R4Model } | undefined;
/**
 * fhirpath.js and its R4 model, loaded on the first rules file: the Safe Harbor profile never
 * needs them, and they are most of what a worker thread would otherwise load at start.
 */
function fhirpathR4(): { fhirpath: Fhirpath; r4: R4Model } {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    loaded = { fhirpath: require('fhirpath'), r4: require('fhirpath/fhir-context/r4') };
  }
  return loaded;
}

/**
 * Compiles every rule's FHIRPath against the R4 model. A bad expression throws a FhirDeidError
 * naming `rules.N.path` (fhirpath's message is kept as `cause`, never shown: it quotes the input).
 */
export function compileRules(rules: FhirRulesFile): CompiledRule[] {
  const { fhirpath, r4 } = fhirpathR4();
  return rules.rules.map((rule, index) => {
    try {
      const f = fhirpath.compile(rewriteExtensions(rule.path), r4, {
        resolveInternalTypes: false,
        async: false,
      });
      return { rule, index, select: (resource) => f(resource) as unknown[] };
    } catch (err) {
      throw new FhirDeidError(
        'DEID_FHIR_RULES_INVALID',
        { problem: 'fhirpath' },
        {
          cause: err,
          issues: [{ path: `rules.${index}.path`, message: 'is not a valid FHIRPath expression' }],
        },
      );
    }
  });
}
