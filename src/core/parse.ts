import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { type ErrorCode, SchemaError, SinsoError, wrapIoError } from './errors/index.js';

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

export type ReadJsonFileOptions = {
  /** What the file is, for messages: `tables.json`, `commitment file`. */
  what: string;
  /** The code for a file that is not JSON or does not match the schema. */
  code: ErrorCode;
  /** How to fix a bad file. */
  fix: string;
  /** When the file cannot be read: this code and fix instead of a generic I/O error. */
  missing?: { code: ErrorCode; message: string; fix: string } | undefined;
};

/**
 * Reads a JSON file written by sinso (or given by the user) and validates it, returning the value
 * and the exact text (for hashing). Errors name the file's role, never its content.
 *
 * @example
 * const { value, text } = await readJsonFileText('out/tables.json', TablesManifestSchema, {
 *   what: 'tables.json', code: 'TABLES_INVALID', fix: 'Rebuild it with `sinso tables`.' });
 */
export async function readJsonFileText<S extends z.ZodType>(
  path: string,
  schema: S,
  o: ReadJsonFileOptions,
): Promise<{ value: z.infer<S>; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (o.missing)
      throw new SinsoError(o.missing.message, { code: o.missing.code, fix: o.missing.fix, cause: err });
    throw wrapIoError(err, `Reading the ${o.what}`, o.fix);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SinsoError(`The ${o.what} is not valid JSON.`, { code: o.code, cause: err, fix: o.fix });
  }
  return { value: parseWith(schema, json, { what: o.what, code: o.code, fix: o.fix }), text };
}

/** {@link readJsonFileText} without the text. */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  o: ReadJsonFileOptions,
): Promise<z.infer<S>> {
  return (await readJsonFileText(path, schema, o)).value;
}
