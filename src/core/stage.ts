import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { Logger } from './log.js';
import type { Progress } from './progress.js';
import type { Workspace } from './workspace.js';

/**
 * A secret a stage reads, resolved by the runner before the stage runs (so no stage opens the
 * keystore or re-checks for a workspace itself).
 */
export type SecretRequest = {
  /** Keystore name: `pseudonym-secret`, or `datasetKeyName(id)`. */
  key: string;
  /** Create it on first use. Only stages that commit or encrypt with it set this; readers never do. */
  create?: boolean | undefined;
  /** An operator's file that replaces the keystore (`--secret-file`): 64 hex digits or ≥ 32 bytes. */
  file?: string | undefined;
};

/** What a stage needs before it can run; the context type is narrowed to match. */
export type StageRequirements<O, W extends boolean, K extends string> = {
  /** `true`: the stage cannot run without a workspace, and `ctx.workspace` is one. */
  workspace?: W;
  /**
   * The secrets the stage reads, by slot name, as a function of its options: `ctx.secrets[slot]`.
   * A secret without `file` needs a workspace (the runner says so once, the same way everywhere).
   */
  secrets?: ((options: O) => { readonly [slot in K]: SecretRequest }) | undefined;
};

/** What every stage gets from its caller (the CLI or the pipeline runner). */
export type StageContext<W extends boolean = boolean, K extends string = string> = {
  /** The open workspace: always there for stages that require one, else when the caller has one. */
  workspace: W extends true ? Workspace : Workspace | undefined;
  /** The secrets the stage declared, already read (never print, log or write them). */
  secrets: { readonly [slot in K]: Uint8Array };
  clock: Clock;
  log: Logger;
  progress: Progress;
  signal?: AbortSignal | undefined;
};

/** A rejected input, by ordinal (inputs are numbered from 1 in the order they were walked). */
export type Rejection = { ordinal: number; reason: string; path?: string | undefined };

/** What a stage returns: its typed summary (counts and safe facts), and rejected inputs (exit 2). */
export type StageResult<T = Record<string, unknown>> = {
  /** Counts and safe facts only, never a data value; validated by the stage's `result` schema. */
  summary: T;
  rejected?: readonly Rejection[];
};

export type VerifyOutputsResult = { ok: boolean; detail: string };

/**
 * How the runner treats a stage's outputs: deterministic outputs are recorded by hash; a stage
 * whose outputs legitimately differ between runs (proofs, signatures) gives a verifier instead,
 * and the lock records the verification result.
 */
export type OutputPolicy =
  | { deterministic: true }
  | {
      deterministic: false;
      /** Name and version of the check, recorded in the lock. */
      verifier: string;
      verify(
        ctx: Omit<StageContext, 'secrets'>,
        outputs: Readonly<Record<string, string>>,
      ): Promise<VerifyOutputsResult>;
    };

/**
 * The file that marks a folder as this stage's output (e.g. `tables.json`). A CLI run replaces
 * an existing non-empty output folder only when it holds this file and the file matches the
 * schema: anything else may be the operator's own files.
 */
export type OutputMarker = { file: string; schema: z.ZodType };

/** How the stage appears on the command line (`sinso <name words>`). */
export type StageCli<O, T> = {
  /** The option that takes the positional arguments, e.g. `{ key: 'inputs', name: 'IN...', many: true }`. */
  positional?: { key: keyof O & string; name: string; many: boolean } | undefined;
  /** A paragraph for `--help`. */
  description?: string | undefined;
  examples: readonly string[];
  /**
   * Defaults of a CLI run that depend on other options (e.g. an output folder named after the
   * input): filled in for options the command line left out. Pipelines give every option.
   */
  defaults?: ((options: O) => Partial<O>) | undefined;
  /** Human output instead of the default table of the summary's labelled fields. */
  render?: ((result: StageResult<T>, options: O) => string) | undefined;
};

/**
 * A stage as the author writes it: the one definition behind its CLI command, its pipeline
 * `uses:` key and its `--json` output. `inputs` and `outputs` name the option keys that hold
 * paths; the runner fills them from a pipeline stage's `deps` and `outs`, and stages outputs to
 * temporary paths before renaming them into place.
 */
export type StageSpec<
  S extends z.ZodObject,
  R extends z.ZodObject,
  W extends boolean = false,
  K extends string = never,
> = {
  /** `synth`, `ingest.scan`, `deid.dicom`: the pipeline `uses:` key; dots map to CLI words. */
  name: string;
  /** Bump whenever the same inputs and params would give different output bytes. */
  version: string;
  summary: string;
  options: S;
  /** The summary's schema; each field's `.describe()` is its label in human output. */
  result: R;
  inputs: readonly (keyof z.output<S> & string)[];
  outputs: readonly (keyof z.output<S> & string)[];
  requires?: StageRequirements<z.output<S>, W, K> | undefined;
  marker?: OutputMarker | undefined;
  output: OutputPolicy;
  /**
   * On failure, keep what the stage wrote (renamed to `<out>.partial`) instead of discarding it:
   * for stages whose work is costly to redo and loses nothing by being partial (network fetches).
   */
  keepsPartialOutput?: boolean | undefined;
  cli: StageCli<z.output<S>, z.output<R>>;
  run(ctx: StageContext<W, K>, options: z.output<S>): Promise<StageResult<z.output<R>>>;
};

/**
 * A registered stage, with its types erased so stages of any options can sit in one registry.
 * Made only by `defineStage`, which keeps the typed spec beside it.
 */
export type StageDefinition = {
  readonly name: string;
  readonly version: string;
  readonly summary: string;
  readonly options: z.ZodObject;
  readonly result: z.ZodObject;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly requiresWorkspace: boolean;
  secrets(options: Record<string, unknown>): Readonly<Record<string, SecretRequest>>;
  readonly marker: OutputMarker | undefined;
  readonly output: OutputPolicy;
  readonly keepsPartialOutput: boolean;
  readonly cli: StageCli<Record<string, unknown>, Record<string, unknown>>;
  run(ctx: StageContext, options: Record<string, unknown>): Promise<StageResult>;
};

/** A stage with its typed spec, for callers that want typed options and results (the demo). */
export type Stage<S extends z.ZodObject, R extends z.ZodObject> = StageDefinition & {
  readonly options: S;
  readonly result: R;
};

/**
 * Defines a stage. The runner validates options with `options` before `run` and the summary
 * with `result` after it, resolves `requires` into `ctx.workspace` and `ctx.secrets`, and uses
 * `marker` to decide whether a CLI run may replace an existing output folder.
 *
 * @example
 * export const echoStage = defineStage({
 *   name: 'echo',
 *   version: '1',
 *   summary: 'Write a greeting',
 *   options: z.strictObject({ out: z.string() }),
 *   result: z.strictObject({ bytes: z.number().describe('bytes written') }),
 *   inputs: [],
 *   outputs: ['out'],
 *   output: { deterministic: true },
 *   cli: { examples: ['sinso echo --out hello.txt'] },
 *   async run(_ctx, o) {
 *     await writeFile(o.out, 'hello\n');
 *     return { summary: { bytes: 6 } };
 *   },
 * });
 */
export function defineStage<
  S extends z.ZodObject,
  R extends z.ZodObject,
  W extends boolean = false,
  K extends string = never,
>(spec: StageSpec<S, R, W, K>): Stage<S, R> {
  const secrets = spec.requires?.secrets;
  const render = spec.cli.render;
  return {
    name: spec.name,
    version: spec.version,
    summary: spec.summary,
    options: spec.options,
    result: spec.result,
    inputs: spec.inputs,
    outputs: spec.outputs,
    requiresWorkspace: spec.requires?.workspace === true,
    marker: spec.marker,
    output: spec.output,
    keepsPartialOutput: spec.keepsPartialOutput === true,
    // Type erasure happens here, once: the runner parses every options object with
    // `spec.options` and builds the context from `spec.requires` before calling these, so the
    // narrowed types hold at run time. TypeScript cannot see that through the erased registry.
    secrets: (options) => secrets?.(options as z.output<S>) ?? {},
    cli: {
      ...spec.cli,
      defaults: spec.cli.defaults && ((options) => spec.cli.defaults?.(options as z.output<S>) ?? {}),
      render:
        render && ((result, options) => render(result as StageResult<z.output<R>>, options as z.output<S>)),
    },
    run: (ctx, options) => spec.run(ctx as StageContext<W, K>, options as z.output<S>),
  };
}
