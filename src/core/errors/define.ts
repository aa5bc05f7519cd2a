import type { ErrorCode } from './codes.js';

/**
 * What an error field may hold: names, counts, flags and short lists of them (a table or column
 * name, a step, an ordinal, an HTTP status). Never a data value, a path of a data file or PHI.
 */
export type ErrorFieldValue = string | number | boolean | readonly string[] | readonly number[] | undefined;

/** The fields of a code that has none. */
export type NoFields = Record<never, never>;

/** The fields of one error code. */
export type ErrorFields = { readonly [name: string]: ErrorFieldValue };

/** One field of a boundary value that does not match its schema (never its value). */
export type SchemaIssue = { path: string; message: string; line?: number | undefined };

/**
 * How one error code is shown. Each part is a function of the code's typed fields, so the text is
 * written once, here, and every place that raises the code passes only the fields.
 */
export type ErrorEntry<F> = {
  /** The first line: what went wrong. */
  message: (fields: F) => string;
  /** Further lines (e.g. the allowed values); the issues of a schema error follow them. */
  meta?: ((fields: F) => readonly string[]) | undefined;
  /** How to fix it. */
  fix?: string | ((fields: F) => string | undefined) | undefined;
  /** Safe technical detail (a byte offset, a count). */
  details?: ((fields: F) => string | undefined) | undefined;
  docsPath?: string | undefined;
};

/** A catalogue: error code → entry. Build one with {@link defineErrorCodes}. */
export type ErrorCatalogue = { readonly [code: string]: ErrorEntry<never> };

/** The fields of `code` in catalogue `C`. */
export type FieldsOf<C, K extends keyof C> = C[K] extends ErrorEntry<infer F> ? F : never;

/** One sample of fields per code of a catalogue (for the tests that render every entry). */
export type ErrorSamples<C> = { readonly [K in keyof C]: FieldsOf<C, K> };

/**
 * Declares the error codes of one error class: each code once, with its message, fix and typed
 * fields. The fields are typed by annotating the parameter of `message`; a code without fields
 * writes `message: () => '…'`. Keys must be members of {@link ErrorCode}, and fields may hold
 * only {@link ErrorFieldValue}s.
 *
 * @example
 * export const commitErrors = defineErrorCodes({
 *   COMMIT_ROW_NOT_FOUND: {
 *     message: (f: { table: string; row: number; rows: number }) =>
 *       `Row ${f.row} is outside table ${f.table}, which has ${f.rows} rows.`,
 *     fix: 'Pass a row index below the row count.',
 *   },
 * });
 * export class CommitError extends errorClass(commitErrors) {
 *   override name = 'CommitError';
 * }
 * throw new CommitError('COMMIT_ROW_NOT_FOUND', { table: 'patients', row: 9, rows: 3 });
 */
export function defineErrorCodes<F>(
  catalogue: {
    [K in keyof F]: K extends ErrorCode
      ? unknown extends F[K]
        ? ErrorEntry<F[K]>
        : F[K] extends ErrorFields
          ? ErrorEntry<F[K]>
          : 'error fields may hold only names, counts and flags (ErrorFieldValue)'
      : `not a member of ErrorCode: ${K & string}`;
  },
): { readonly [K in keyof F]: ErrorEntry<unknown extends F[K] ? NoFields : F[K]> } {
  return catalogue as never;
}

/** What a catalogue error takes besides its fields. */
export type ErrorOptions = {
  /** The underlying error; its message is not shown unless it is itself a SinsoError. */
  cause?: unknown;
  /** For a value that does not match its schema: the fields that are wrong. */
  issues?: readonly SchemaIssue[] | undefined;
};

/** The arguments of a catalogue error's constructor: a code, its fields (optional when it has none), options. */
export type CatalogueErrorArgs<C> = {
  [K in keyof C]: NoFields extends FieldsOf<C, K>
    ? [code: K, fields?: FieldsOf<C, K>, options?: ErrorOptions]
    : [code: K, fields: FieldsOf<C, K>, options?: ErrorOptions];
}[keyof C];

/** The parts a SinsoError is assembled from (see `SinsoError`). */
export type RenderedError = {
  shortMessage: string;
  metaMessages: readonly string[];
  fix: string | undefined;
  details: string | undefined;
  docsPath: string | undefined;
};

/** Renders one catalogue entry with its fields (the issues of a schema error become meta lines). */
export function renderErrorEntry(
  entry: ErrorEntry<never>,
  fields: object,
  issues: readonly SchemaIssue[] = [],
): RenderedError {
  // the entry was looked up by the same code the fields were typed by, so they match
  const e = entry as unknown as ErrorEntry<object>;
  return {
    shortMessage: e.message(fields),
    metaMessages: [...(e.meta?.(fields) ?? []), ...issues.map(issueLine)],
    fix: typeof e.fix === 'function' ? e.fix(fields) : e.fix,
    details: e.details?.(fields),
    docsPath: e.docsPath,
  };
}

/** `- path: message (line N)`, one line per schema issue. */
export function issueLine(i: SchemaIssue): string {
  return `- ${i.path || '(root)'}: ${i.message}${i.line === undefined ? '' : ` (line ${i.line})`}`;
}
