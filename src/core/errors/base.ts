import { version } from '../version.js';
import type { ErrorCode } from './codes.js';

/** Parameters shared by every sinso error. None of them may hold a data value (PHI, secrets). */
export type SinsoErrorParameters = {
  code: ErrorCode;
  /** What else the reader should know, one line each (e.g. the field or stage concerned). */
  metaMessages?: readonly string[] | undefined;
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
 * data values, and ends with the version.
 *
 * @example
 * throw new SinsoError('The workspace does not exist.', {
 *   code: 'WORKSPACE_NOT_FOUND',
 *   fix: 'Run `sinso init` first, or pass --workspace DIR.',
 * });
 */
export class SinsoError extends Error {
  override name = 'SinsoError';
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly metaMessages: readonly string[];
  readonly fix: string | undefined;
  readonly details: string | undefined;
  readonly docsPath: string | undefined;

  constructor(shortMessage: string, params: SinsoErrorParameters) {
    const lines = [shortMessage];
    if (params.metaMessages?.length) lines.push('', ...params.metaMessages);
    if (params.fix) lines.push('', `Fix: ${params.fix}`);
    if (params.details) lines.push(`Details: ${params.details}`);
    if (params.docsPath) lines.push(`Docs: ${params.docsPath}`);
    lines.push(`Version: sinso@${version}`);
    super(lines.join('\n'), params.cause === undefined ? undefined : { cause: params.cause });
    this.code = params.code;
    this.shortMessage = shortMessage;
    this.metaMessages = params.metaMessages ?? [];
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

/** Thrown for bad command-line usage. */
export class UsageError extends SinsoError {
  override name = 'UsageError';
  constructor(shortMessage: string, params: Omit<SinsoErrorParameters, 'code'> = {}) {
    super(shortMessage, { ...params, code: 'USAGE' });
  }
}
export type UsageErrorType = UsageError & { name: 'UsageError' };

/** Thrown when a value read at a boundary (file, flag, YAML) does not match its schema. */
export class SchemaError extends SinsoError {
  override name = 'SchemaError';
  /** Path + message per issue; messages come from zod and never quote the input value. */
  readonly issues: readonly { path: string; message: string; line?: number | undefined }[];
  constructor(
    shortMessage: string,
    params: Omit<SinsoErrorParameters, 'code'> & {
      issues: readonly { path: string; message: string; line?: number | undefined }[];
      code?: ErrorCode | undefined;
    },
  ) {
    const meta = params.issues.map(
      (i) => `- ${i.path || '(root)'}: ${i.message}${i.line === undefined ? '' : ` (line ${i.line})`}`,
    );
    super(shortMessage, {
      ...params,
      code: params.code ?? 'SCHEMA_INVALID',
      metaMessages: [...(params.metaMessages ?? []), ...meta],
    });
    this.issues = params.issues;
  }
}
export type SchemaErrorType = SchemaError & { name: 'SchemaError' };

/** Workspace and keystore errors. */
export class KeystoreError extends SinsoError {
  override name = 'KeystoreError';
}
export type KeystoreErrorType = KeystoreError & { name: 'KeystoreError' };

export class WorkspaceError extends SinsoError {
  override name = 'WorkspaceError';
}
export type WorkspaceErrorType = WorkspaceError & { name: 'WorkspaceError' };

/** Pipeline spec, lock and runner errors. */
export class PipelineError extends SinsoError {
  override name = 'PipelineError';
}
export type PipelineErrorType = PipelineError & { name: 'PipelineError' };

/** File-system failures, wrapped with the operation (not the data). */
export class IoError extends SinsoError {
  override name = 'IoError';
}
export type IoErrorType = IoError & { name: 'IoError' };

/** Narrowing helper. */
export function isSinsoError(err: unknown): err is SinsoError {
  return err instanceof SinsoError;
}

/**
 * Wraps a foreign error (fs, DuckDB, RPC) as a SinsoError, keeping it as `cause`. Only the
 * foreign error's `code` (e.g. ENOENT) is surfaced, never its message, which may hold a path.
 */
export function wrapIoError(err: unknown, what: string, fix?: string): IoError {
  const sys = (err as { code?: unknown } | undefined)?.code;
  return new IoError(`${what} failed${typeof sys === 'string' ? ` (${sys})` : ''}.`, {
    code: 'IO_FAILED',
    cause: err,
    fix,
  });
}
