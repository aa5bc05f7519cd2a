import type { z } from 'zod';
import { type ErrorCode, SchemaError } from './errors/index.js';

/**
 * Validates a value read at a boundary (file, flag, YAML, env) against its schema.
 * On failure throws a SchemaError naming each offending field; zod's messages never quote the
 * input value, and neither does this.
 *
 * @example
 * const cfg = parseWith(WorkspaceConfigSchema, JSON.parse(text), { what: 'workspace config' });
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: { what: string; fix?: string; code?: ErrorCode; prefix?: string },
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new SchemaError(`The ${options.what} is not valid.`, {
    code: options.code,
    fix: options.fix,
    cause: r.error,
    issues: r.error.issues.map((i) => ({
      path: [options.prefix, ...i.path.map(String)].filter(Boolean).join('.'),
      message: safeIssueMessage(i),
    })),
  });
}

/** zod messages are generic; for unknown keys they name the key (a field name, not a value). */
function safeIssueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field(s): ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}
