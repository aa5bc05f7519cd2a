/**
 * Whether a CapabilityStatement advertises the system-level Bulk Data `export` operation
 * (`rest[].operation[]` named `export`, or defined by the `…/OperationDefinition/export`
 * OperationDefinition). Patient- and Group-level exports are not used by sinso..
 *
 * @example
 * advertisesExport(await client.capabilityStatement()); // true for a Bulk Data server
 */
export function advertisesExport(capabilityStatement: unknown): boolean {
  const rest = (capabilityStatement as { rest?: unknown } | null)?.rest;
  if (!Array.isArray(rest)) return false;
  return rest.some((r: unknown) => {
    const ops = (r as { operation?: unknown } | null)?.operation;
    if (!Array.isArray(ops)) return false;
    return ops.some((op: unknown) => {
      const { name, definition } = (op ?? {}) as { name?: unknown; definition?: unknown };
      const n = typeof name === 'string' ? name.replace(/^\$/, '') : '';
      const d = typeof definition === 'string' ? definition : '';
      return n === 'export' || d.endsWith('/OperationDefinition/export');
    });
  });
}
