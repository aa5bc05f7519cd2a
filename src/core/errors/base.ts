import { version } from '../version.js';
import type { ErrorCode } from './codes.js';
import {
  type CatalogueErrorArgs,
  type ErrorCatalogue,
  type ErrorFields,
  type FieldsOf,
  issueLine,
  renderErrorEntry,
  type SchemaIssue,
} from './define.js';

/** Parameters shared by every sinso error. None of them may hold a data value (PHI, secrets). */
export type SinsoErrorParameters = {
  code: ErrorCode;
  /** The code's typed fields (set by catalogue errors; see `errorClass`). */
  fields?: ErrorFields | undefined;
  /** What else the reader should know, one line each (e.g. the field or stage concerned). */
  metaMessages?: readonly string[] | undefined;
  /** For a value that does not match its schema: the fields that are wrong (shown after the meta lines). */
  issues?: readonly SchemaIssue[] | undefined;
  /** How to fix it. Always say it when there is a fix. */
  fix?: string | undefined;
  /** Underlying error; its message is not shown unless it is itself a SinsoError. */
  cause?: unknown;
  /** Safe technical detail (never a data value). */
  details?: string | undefined;
  docsPath?: string | undefined;
};

/**
 * The root of sinso's one error hierarchy. The message is assembled from parts that never hold
 * data values, and ends with the version. Do not construct it directly: raise the error class
 * whose catalogue defines the code (`new CommitError('COMMIT_ROW_NOT_FOUND', { … })`).
 */
export class SinsoError extends Error {
  override name = 'SinsoError';
  readonly code: ErrorCode;
  /** The code's fields: names and counts, never a data value. Empty for errors made from a message. */
  readonly fields: ErrorFields;
  readonly shortMessage: string;
  readonly metaMessages: readonly string[];
  /** For a value that does not match its schema: the fields that are wrong. */
  readonly issues: readonly SchemaIssue[];
  readonly fix: string | undefined;
  readonly details: string | undefined;
  readonly docsPath: string | undefined;

  /**
   * @deprecated Raise a catalogue error class instead (`new StorageError('STORAGE_…', fields)`);
   * this constructor is kept for call sites not yet converted.
   */
  constructor(shortMessage: string, params: SinsoErrorParameters) {
    const issues = params.issues ?? [];
    const meta = [...(params.metaMessages ?? []), ...issues.map(issueLine)];
    const lines = [shortMessage];
    if (meta.length) lines.push('', ...meta);
    if (params.fix) lines.push('', `Fix: ${params.fix}`);
    if (params.details) lines.push(`Details: ${params.details}`);
    if (params.docsPath) lines.push(`Docs: ${params.docsPath}`);
    lines.push(`Version: sinso@${version}`);
    super(lines.join('\n'), params.cause === undefined ? undefined : { cause: params.cause });
    this.code = params.code;
    this.fields = params.fields ?? {};
    this.shortMessage = shortMessage;
    this.metaMessages = meta;
    this.issues = issues;
    this.fix = params.fix;
    this.details = params.details;
    this.docsPath = params.docsPath;
  }

  /** Walks the cause chain; returns the first error for which `fn` is true, or the deepest one. */
  walk(fn?: (err: unknown) => boolean): unknown {
    let err: unknown = this;
    for (;;) {
      if (fn?.(err)) return err;
      const next = err instanceof Error ? err.cause : undefined;
      if (next === undefined) return fn ? undefined : err;
      err = next;
    }
  }
}

/** Narrowing helper. */
export function isSinsoError(err: unknown): err is SinsoError {
  return err instanceof SinsoError;
}

/** The parameters of the deprecated message-first constructor of a catalogue error class. */
export type LegacyErrorParameters<Code extends ErrorCode> = Omit<SinsoErrorParameters, 'code' | 'fields'> & {
  code: Code;
};

/**
 * An error of a catalogue class: `code` is one of the class's codes, `fields` the fields of one
 * of them; `is(code)` narrows both.
 */
export interface CatalogueError<C, Legacy extends ErrorCode = never> extends SinsoError {
  readonly code: (keyof C & ErrorCode) | Legacy;
  readonly fields: { [K in keyof C]: FieldsOf<C, K> }[keyof C] & ErrorFields;
  /**
   * Whether this error has `code`; narrows `fields` to that code's fields.
   *
   * @example
   * if (err instanceof CommitError && err.is('COMMIT_PROOF_INVALID')) console.log(err.fields.step);
   */
  is<K extends keyof C & ErrorCode>(code: K): this is { readonly code: K; readonly fields: FieldsOf<C, K> };
}

/** The constructor {@link errorClass} returns: typed by the catalogue `C`. */
export type CatalogueErrorClass<C, Legacy extends ErrorCode = never> = {
  /** `new XError(code, fields, { cause, issues })`: the message, fix and details come from the catalogue. */
  new (...args: CatalogueErrorArgs<C>): CatalogueError<C, Legacy>;
  /**
   * @deprecated Pass a code and its fields: `new XError('CODE', fields, { cause })`. This
   * message-first form is kept only for call sites not yet converted; errors made with it have
   * empty `fields`.
   */
  new (
    shortMessage: string,
    params: LegacyErrorParameters<(keyof C & ErrorCode) | Legacy>,
  ): CatalogueError<C, Legacy>;
  /** The catalogue the class raises (each code's message, fix and fields). */
  readonly catalogue: C;
};

/**
 * The base class of an error class whose codes are declared by a catalogue
 * ({@link defineErrorCodes}). The constructor takes a code of the catalogue and that code's
 * fields; the message, meta lines, fix and details are rendered from the catalogue entry.
 * `Legacy` lists codes of other catalogues that not-yet-converted call sites still pass to the
 * deprecated message-first constructor (so that `code` stays truthful).
 *
 * @example
 * export class StorageError extends errorClass(storageErrors) {
 *   override name = 'StorageError';
 * }
 * throw new StorageError('STORAGE_BLOCK_NOT_FOUND', { cid: cid.toString() });
 */
export function errorClass<C extends ErrorCatalogue, Legacy extends ErrorCode = never>(
  catalogue: C,
): CatalogueErrorClass<C, Legacy> {
  class CatalogueErrorBase extends SinsoError {
    static readonly catalogue = catalogue;
    constructor(
      codeOrMessage: string,
      second?: unknown,
      options?: { cause?: unknown; issues?: readonly SchemaIssue[] },
    ) {
      const entry = Object.hasOwn(catalogue, codeOrMessage) ? catalogue[codeOrMessage] : undefined;
      if (!entry) {
        super(codeOrMessage, second as SinsoErrorParameters);
        return;
      }
      const fields = (second ?? {}) as ErrorFields;
      const { shortMessage, ...rendered } = renderErrorEntry(entry, fields);
      super(shortMessage, {
        ...rendered,
        code: codeOrMessage as ErrorCode,
        fields,
        cause: options?.cause,
        issues: options?.issues,
      });
    }
    is(code: string): boolean {
      return this.code === code;
    }
  }
  // the class's constructor overloads are typed per catalogue code, which a class expression
  // cannot declare; the runtime constructor accepts exactly those argument shapes
  return CatalogueErrorBase as unknown as CatalogueErrorClass<C, Legacy>;
}
