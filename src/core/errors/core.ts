import { errorClass, SinsoError, type SinsoErrorParameters } from './base.js';
import { defineErrorCodes, type FieldsOf, renderErrorEntry } from './define.js';

const REPORT = 'This is a bug in sinso; please report it.';

/** USAGE: the operator's command line or options. The problem is a sentence about the usage. */
export const usageErrors = defineErrorCodes({
  USAGE: {
    message: (f: { problem: string; hint?: string | undefined }) => f.problem,
    fix: (f) => f.hint ?? 'Run `sinso COMMAND --help` for the usage.',
  },
});

/**
 * Thrown for bad usage: a flag, an argument or an option the operator gave. Unlike the other
 * classes it takes its problem as a sentence (usage has many one-off shapes); the sentence names
 * flags and options, never a data value. Its code is always `USAGE` and its fields
 * `{ problem, hint }`.
 *
 * @example
 * throw new UsageError('Too many arguments.', { fix: 'See `sinso synth --help`.' });
 */
export class UsageError extends SinsoError {
  override name = 'UsageError';
  static readonly catalogue = usageErrors;
  declare readonly code: 'USAGE';
  declare readonly fields: FieldsOf<typeof usageErrors, 'USAGE'>;
  constructor(problem: string, params: Omit<SinsoErrorParameters, 'code' | 'fields'> = {}) {
    const fields = { problem, hint: params.fix };
    super(problem, {
      ...params,
      code: 'USAGE',
      fields,
      fix: renderErrorEntry(usageErrors.USAGE, fields).fix,
    });
  }
}
export type UsageErrorType = UsageError & { name: 'UsageError' };

/** SCHEMA_INVALID: a value read at a boundary does not match its schema (the issues say where). */
export const schemaErrors = defineErrorCodes({
  SCHEMA_INVALID: {
    message: (f: { what: string; hint?: string | undefined }) => `The ${f.what} is not valid.`,
    fix: (f) => f.hint ?? 'Correct the fields listed above.',
  },
});

/** Codes that call sites not yet converted still raise as a SchemaError (deprecated constructor). */
type LegacySchemaErrorCode =
  | 'COMMIT_TABLES_INVALID'
  | 'PUBLISH_INPUT_INVALID'
  | 'PIPELINE_INVALID'
  | 'PIPELINE_UNKNOWN_STAGE';

/**
 * Thrown when a value read at a boundary (file, flag, YAML) does not match its schema. `issues`
 * names each offending field; zod's messages never quote the input value.
 *
 * @example
 * throw new SchemaError('SCHEMA_INVALID', { what: 'pixel rule' }, { issues: [{ path: 'box', message: 'expected 4 numbers' }] });
 */
export class SchemaError extends errorClass<typeof schemaErrors, LegacySchemaErrorCode>(schemaErrors) {
  override name = 'SchemaError';
}
export type SchemaErrorType = SchemaError & { name: 'SchemaError' };

/** IO_FAILED: a file-system operation failed (the operation is named, never the path's content). */
export const ioErrors = defineErrorCodes({
  IO_FAILED: {
    message: (f: { operation: string; system?: string | undefined; hint?: string | undefined }) =>
      `${f.operation} failed${f.system ? ` (${f.system})` : ''}.`,
    fix: (f) => f.hint ?? 'Check that the path exists, its permissions, and free disk space.',
  },
});

/** File-system failures, wrapped with the operation (not the data). */
export class IoError extends errorClass(ioErrors) {
  override name = 'IoError';
}
export type IoErrorType = IoError & { name: 'IoError' };

/**
 * Wraps a foreign error (fs, DuckDB, RPC) as a SinsoError, keeping it as `cause`. Only the
 * foreign error's `code` (e.g. ENOENT) is surfaced, never its message, which may hold a path.
 */
export function wrapIoError(err: unknown, what: string, fix?: string): IoError {
  const sys = (err as { code?: unknown } | undefined)?.code;
  return new IoError(
    'IO_FAILED',
    { operation: what, system: typeof sys === 'string' ? sys : undefined, hint: fix },
    { cause: err },
  );
}

/** INTERNAL: a state sinso should never reach (a bug), or a broken installation. */
export const internalErrors = defineErrorCodes({
  INTERNAL: {
    message: (f: {
      what: string;
      detail?: string | undefined;
      remedy?: 'report' | 'build' | 'reinstall' | undefined;
    }) => `Internal error: ${f.what}.`,
    details: (f) => f.detail,
    fix: (f) =>
      f.remedy === 'build'
        ? 'Run `npm run build` first.'
        : f.remedy === 'reinstall'
          ? 'Reinstall sinso and its dependencies (`npm ci` in a checkout).'
          : REPORT,
  },
});

/**
 * A bug or a broken installation: `what` says in a few words what should not have happened
 * (never a data value), `detail` may add a count or a tag.
 *
 * @example
 * throw new InternalError('INTERNAL', { what: 'a hash chain needs at least one element' });
 */
export class InternalError extends errorClass(internalErrors) {
  override name = 'InternalError';
}
export type InternalErrorType = InternalError & { name: 'InternalError' };

/** INTERRUPTED: the caller aborted (Ctrl-C, an AbortSignal). */
export const interruptedErrors = defineErrorCodes({
  INTERRUPTED: {
    message: (f: { activity: string; nothingWritten?: boolean | undefined }) =>
      `Interrupted while ${f.activity}${f.nothingWritten ? '; nothing was written' : ''}.`,
    fix: 'Run the command again.',
  },
});

/**
 * The operation was cancelled by its caller; `activity` names what was going on.
 *
 * @example
 * if (signal.aborted) throw new InterruptedError('INTERRUPTED', { activity: 'synthesizing' }, { cause: signal.reason });
 */
export class InterruptedError extends errorClass(interruptedErrors) {
  override name = 'InterruptedError';
}
export type InterruptedErrorType = InterruptedError & { name: 'InterruptedError' };

const NEEDS_WORKSPACE = {
  command: 'This command needs a workspace.',
  commit: 'Committing needs a workspace (the salt key lives there).',
  publish: 'Publishing needs a workspace (the dataset key and the blockstore live there).',
} as const;

/** WORKSPACE_*: the workspace folder and its config. */
export const workspaceErrors = defineErrorCodes({
  WORKSPACE_NOT_FOUND: {
    message: (f: {
      lookedFor?: string | undefined;
      needs?: keyof typeof NEEDS_WORKSPACE | undefined;
      stage?: string | undefined;
    }) =>
      f.stage
        ? `The ${f.stage} stage needs a workspace (its keys live there).`
        : f.needs
          ? NEEDS_WORKSPACE[f.needs]
          : 'No sinso workspace found.',
    meta: (f) => (f.lookedFor ? [`Looked for: ${f.lookedFor}`] : []),
    fix: 'Run `sinso init` to create one, or pass --workspace DIR.',
  },
  WORKSPACE_EXISTS: {
    message: () => 'A workspace already exists in this folder.',
    fix: 'Use it as it is, or choose another folder with --workspace DIR.',
  },
  WORKSPACE_INVALID: {
    message: (f: { file: string }) => `The workspace file ${f.file} is not valid.`,
    fix: 'Restore it from a backup, or create a new workspace with `sinso init`.',
  },
});

/** Workspace errors. */
export class WorkspaceError extends errorClass(workspaceErrors) {
  override name = 'WorkspaceError';
}
export type WorkspaceErrorType = WorkspaceError & { name: 'WorkspaceError' };

const SECRET_FILE_PROBLEMS = {
  unreadable: ['The secret file could not be read.', 'Check the path given to --secret-file.'],
  'too-short': [
    'The secret file holds too little key material.',
    'Use at least 32 random bytes, or 64 hex characters (e.g. `openssl rand -hex 32 > secret.hex`).',
  ],
} as const;

const PASSPHRASE_PROBLEMS = {
  missing: [
    'No passphrase given for the workspace keystore.',
    'Set SINSO_PASSPHRASE, or run the command in a terminal to be prompted.',
  ],
  'too-short': ['The passphrase is too short.', 'Choose a passphrase of at least 8 characters.'],
  mismatch: ['The two passphrases differ.', 'Run the command again and type the same passphrase twice.'],
} as const;

/** KEYSTORE_*: the encrypted keys of a workspace. */
export const keystoreErrors = defineErrorCodes({
  KEYSTORE_NO_PASSPHRASE: {
    message: (f: { problem: keyof typeof PASSPHRASE_PROBLEMS }) => PASSPHRASE_PROBLEMS[f.problem][0],
    fix: (f) => PASSPHRASE_PROBLEMS[f.problem][1],
  },
  KEYSTORE_WRONG_PASSPHRASE: {
    message: () => 'Wrong passphrase: the keystore could not be unlocked.',
    fix: 'Set SINSO_PASSPHRASE to the passphrase the workspace was created with (or type it at the prompt).',
  },
  KEYSTORE_CORRUPT: {
    message: (f: { problem?: string | undefined }) =>
      `The keystore file is damaged${f.problem ? `: ${f.problem}` : ''}.`,
    fix: 'Restore the key file from a backup; a keystore must be Ethereum keystore v3 JSON.',
  },
  KEYSTORE_KEY_NOT_FOUND: {
    message: (f: {
      key: string;
      kind?: string | undefined;
      wanted?: string | undefined;
      dataset?: string | undefined;
    }) =>
      f.kind && f.wanted
        ? `The key is of kind ${f.kind}, not ${f.wanted}.`
        : f.dataset
          ? 'The workspace has no key for this dataset.'
          : 'The workspace has no key with this name.',
    meta: (f) => [f.dataset ? `Dataset: ${f.dataset}` : `Key: ${f.key}`],
    fix: (f) =>
      f.dataset
        ? 'Check --dataset: it must be the id the dataset was committed or published with (see `sinso keys list`).'
        : 'See `sinso keys list`; add one with `sinso keys new --name NAME --kind evm|secret`.',
  },
  SECRET_FILE_INVALID: {
    message: (f: { problem: keyof typeof SECRET_FILE_PROBLEMS }) => SECRET_FILE_PROBLEMS[f.problem][0],
    fix: (f) => SECRET_FILE_PROBLEMS[f.problem][1],
  },
  KEYSTORE_KEY_EXISTS: {
    message: (f: { key: string }) => `A key named ${f.key} already exists.`,
    fix: 'Choose another --name; `sinso keys list` shows the names in use.',
  },
});

/** Keystore errors. */
export class KeystoreError extends errorClass(keystoreErrors) {
  override name = 'KeystoreError';
}
export type KeystoreErrorType = KeystoreError & { name: 'KeystoreError' };

const PIPELINE_PROBLEMS = {
  yaml: 'The pipeline file is not valid YAML.',
  schema: 'The pipeline file does not match the pipeline schema.',
  stage: 'A pipeline stage is not valid.',
  slots: 'A pipeline stage binds its deps or outs to slots the stage does not have.',
  params: 'A pipeline stage has invalid parameters.',
  expand: 'A pipeline stage with foreach or matrix does not expand.',
  'shared-output': 'Two pipeline stages write the same output.',
} as const;

/** PIPELINE_*: pipeline files, plans, locks and runs. */
export const pipelineErrors = defineErrorCodes({
  PIPELINE_NOT_FOUND: {
    message: () => 'The pipeline file could not be read.',
    meta: (f: { file: string }) => [`File: ${f.file}`],
    fix: 'Check the path; pipelines live in pipelines/*.yaml.',
  },
  PIPELINE_INVALID: {
    message: (f: {
      problem: keyof typeof PIPELINE_PROBLEMS;
      file?: string | undefined;
      stages?: readonly string[] | undefined;
      output?: string | undefined;
      /** The registered stage a `params` problem is about (its name, e.g. deid.dicom). */
      uses?: string | undefined;
    }) => PIPELINE_PROBLEMS[f.problem],
    meta: (f) => [
      ...(f.file ? [`File: ${f.file}`] : []),
      ...(f.stages ? [`Stages: ${f.stages.join(', ')}`] : []),
      ...(f.output ? [`Output: ${f.output}`] : []),
    ],
    fix: (f) => {
      switch (f.problem) {
        case 'shared-output':
          return 'Give each stage its own output path.';
        case 'yaml':
          return 'Fix the YAML syntax at the line shown.';
        case 'params':
          return `See \`sinso ${(f.uses ?? 'COMMAND').replaceAll('.', ' ')} --help\` for the parameters.`;
        case 'slots':
          return "Bind paths under deps and outs to the stage's own slots (a list binds to its one slot); see README → Pipelines.";
        case 'expand':
          return 'Use ${item} (a foreach list), ${key} and ${item} (a foreach map) or ${item.NAME} (a matrix, or a foreach map of maps) in with, deps, outs and description of a stage with foreach or matrix, and give each item its own name.';
        default:
          return 'Each stage needs `uses:` and may have `with:`, `deps:`, `outs:`, `description:`, and `foreach:` or `matrix:`. See README → Pipelines.';
      }
    },
  },
  PIPELINE_CYCLE: {
    message: () => 'The pipeline has a cycle.',
    meta: (f: { cycle: readonly string[] }) => [`Cycle: ${f.cycle.join(' → ')}`],
    fix: 'A stage cannot depend, directly or not, on its own outputs.',
  },
  PIPELINE_UNKNOWN_STAGE: {
    message: (f: { stage: string; uses: string; known: readonly string[] }) =>
      `Pipeline stage ${f.stage} uses an unknown stage (${f.uses}).`,
    fix: (f) => `Use one of: ${f.known.join(', ')}.`,
  },
  PIPELINE_DEP_MISSING: {
    message: () => 'A pipeline stage depends on a path that does not exist.',
    meta: (f: { stage: string; dependency: string }) => [`Stage: ${f.stage}`, `Dependency: ${f.dependency}`],
    fix: 'Create it, or add the stage that produces it (with the path under its outs).',
  },
  PIPELINE_OUTPUT_MISSING: {
    message: () => 'A stage finished without writing one of its outputs.',
    meta: (f: { stage: string; output: string }) => [`Stage: ${f.stage}`, `Output: ${f.output}`],
    fix: REPORT,
  },
  PIPELINE_OUTPUT_UNVERIFIED: {
    message: () => 'A stage wrote outputs that failed their verification.',
    meta: (f: { stage: string; verifier: string; detail?: string | undefined }) => [
      `Stage: ${f.stage}`,
      `Check: ${f.verifier}`,
      ...(f.detail ? [f.detail] : []),
    ],
    fix: 'See the check above; run the stage again, or report it if it persists.',
  },
  PIPELINE_STAGE_FAILED: {
    message: (f: {
      stage: string;
      uses?: string | undefined;
      summary?: string | undefined;
      kept?: readonly string[] | undefined;
    }) =>
      `Stage ${f.stage}${f.uses ? ` (${f.uses})` : ''} failed${f.kept?.length ? '; what it had written is kept' : ''}.`,
    meta: (f) => [...(f.summary ? [f.summary] : []), ...(f.kept ?? []).map((k) => `Kept: ${k}`)],
    fix: (f) =>
      f.kept?.length
        ? 'See the cause below; run again to redo the stage (the kept copy is not reused).'
        : 'Fix the cause above and run again: finished stages are kept and not rerun.',
  },
  PIPELINE_LOCK_INVALID: {
    message: () => 'The pipeline lock file is not valid.',
    meta: (f: { file: string }) => [`File: ${f.file}`],
    fix: 'Delete the lock file; the next run rebuilds it (and reruns every stage).',
  },
  PIPELINE_BUSY: {
    message: () => 'Another pipeline run is using this workspace.',
    meta: (f: { pid: number }) => [`Process: ${f.pid}`],
    fix: 'Wait for it to finish, or stop it; a killed run’s lock is taken over automatically.',
  },
});

/** Pipeline spec, lock and runner errors. `INTERNAL` still comes from one unconverted call site. */
export class PipelineError extends errorClass<typeof pipelineErrors, 'INTERNAL'>(pipelineErrors) {
  override name = 'PipelineError';
}
export type PipelineErrorType = PipelineError & { name: 'PipelineError' };

/** Every catalogue of core, for the tests. */
export const coreErrorClasses = [
  UsageError,
  SchemaError,
  IoError,
  InternalError,
  InterruptedError,
  WorkspaceError,
  KeystoreError,
  PipelineError,
] as const;
