import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { SchemaError, type SchemaIssue, type SinsoError, wrapIoError } from './errors/index.js';

export type ParseWithOptions = {
  /** What the value is, for messages: `workspace config (workspace.json)`. */
  what: string;
  /** Prefixed to every issue path. */
  prefix?: string | undefined;
  /** How to fix a bad value (the fix of the default `SCHEMA_INVALID` error). */
  hint?: string | undefined;
  /**
   * The error to throw instead of `SCHEMA_INVALID`: a stage's own code, with the issues.
   *
   * @example
   * error: (issues, cause) => new CommitError('COMMIT_INVALID', { problem: 'file' }, { issues, cause })
   */
  error?: ((issues: readonly SchemaIssue[], cause: z.ZodError) => SinsoError) | undefined;
};

/**
 * Validates a value read at a boundary (file, flag, YAML, env) against its schema.
 * On failure throws `options.error(issues)`, or a SchemaError (`SCHEMA_INVALID`) naming each
 * offending field; zod's messages never quote the input value, and neither does this.
 *
 * @example
 * const cfg = parseWith(WorkspaceConfigSchema, JSON.parse(text), { what: 'workspace config' });
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: ParseWithOptions,
): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: [options.prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: safeIssueMessage(i),
  }));
  if (options.error) throw options.error(issues, r.error);
  throw new SchemaError(
    'SCHEMA_INVALID',
    { what: options.what, hint: options.hint },
    { issues, cause: r.error },
  );
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

/** The one issue of a file that is not JSON at all. */
export const NOT_JSON: readonly SchemaIssue[] = [{ path: '', message: 'not valid JSON' }];

export type ReadJsonFileOptions = {
  /** What the file is, for messages: `tables.json`, `commitment file`. */
  what: string;
  /**
   * The error for a file that is not JSON (`issues` is {@link NOT_JSON}) or does not match the
   * schema.
   */
  invalid: (issues: readonly SchemaIssue[], cause: unknown) => SinsoError;
  /** The error for a file that cannot be read; by default an `IO_FAILED` naming `what`. */
  unreadable?: ((cause: unknown) => SinsoError) | undefined;
};

/**
 * @deprecated Pass `invalid` (and `unreadable`) to raise the stage's own error class. With this
 * form a bad file raises a SchemaError with `code`, through SchemaError's deprecated constructor.
 */
export type LegacyReadJsonFileOptions = {
  what: string;
  code: 'COMMIT_TABLES_INVALID' | 'PUBLISH_INPUT_INVALID';
  fix: string;
};

/**
 * Reads a JSON file written by sinso (or given by the user) and validates it, returning the value
 * and the exact text (for hashing). Errors name the file's role, never its content.
 *
 * @example
 * const { value, text } = await readJsonFileText('out/tables.json', TablesManifestSchema, {
 *   what: 'tables.json',
 *   invalid: (issues, cause) => new TablesError('TABLES_INVALID', { problem: 'file' }, { issues, cause }),
 * });
 */
export async function readJsonFileText<S extends z.ZodType>(
  path: string,
  schema: S,
  o: ReadJsonFileOptions | LegacyReadJsonFileOptions,
): Promise<{ value: z.infer<S>; text: string }> {
  const invalid =
    'invalid' in o
      ? o.invalid
      : (issues: readonly SchemaIssue[], cause: unknown) =>
          new SchemaError(`The ${o.what} is not valid.`, { code: o.code, fix: o.fix, issues, cause });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ('unreadable' in o && o.unreadable) throw o.unreadable(err);
    throw wrapIoError(err, `Reading the ${o.what}`, 'invalid' in o ? undefined : o.fix);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(NOT_JSON, err);
  }
  return { value: parseWith(schema, json, { what: o.what, error: invalid }), text };
}

/** {@link readJsonFileText} without the text. */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  o: ReadJsonFileOptions | LegacyReadJsonFileOptions,
): Promise<z.infer<S>> {
  return (await readJsonFileText(path, schema, o)).value;
}
