/**
 * The `issue[].code` values of an OperationOutcome (FHIR's closed list of issue types such as
 * `not-found`, `processing`), sorted and unique. Anything else in it (diagnostics, details) is
 * free text that may hold PHI and is never read. Non-OperationOutcome input gives [].
 *
 * @example
 * operationOutcomeCodes({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
 * // ['not-found']
 */
export function operationOutcomeCodes(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  const { resourceType, issue } = value as { resourceType?: unknown; issue?: unknown };
  if (resourceType !== 'OperationOutcome' || !Array.isArray(issue)) return [];
  const codes = new Set<string>();
  for (const i of issue) {
    const code = (i as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^[a-z][a-z-]{0,39}$/.test(code)) codes.add(code);
  }
  return [...codes].sort();
}
