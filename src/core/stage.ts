import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { Logger } from './log.js';
import type { Progress } from './progress.js';
import type { Workspace } from './workspace.js';

/** What every stage gets from its caller (the CLI or the pipeline runner). */
export type StageContext = {
  /**
   * The open workspace; stages that need keys call `workspace.keys()`. Absent only when a stage
   * that declares `needsKeys: false` runs from the CLI without a workspace.
   */
  workspace: Workspace | undefined;
  clock: Clock;
  log: Logger;
  progress: Progress;
  signal?: AbortSignal | undefined;
};

/** A rejected input, by ordinal (inputs are numbered from 1 in the order they were walked). */
export type Rejection = { ordinal: number; reason: string; path?: string | undefined };

/** What a stage returns: a short summary for people, and rejected inputs (which make exit 2). */
export type StageResult = {
  /** Counts and safe facts only, never a data value. */
  summary: Record<string, string | number | boolean>;
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
      verify(ctx: StageContext, outputs: Readonly<Record<string, string>>): Promise<VerifyOutputsResult>;
    };

/**
 * A built-in stage: the one definition behind both its CLI command and its pipeline `uses:` key.
 * `inputs` and `outputs` name the option keys that hold paths; the runner fills them from a
 * pipeline stage's `deps` and `outs`, and stages outputs to temporary paths before renaming them.
 */
export type StageDefinition<S extends z.ZodObject = z.ZodObject> = {
  /** `synth`, `ingest.scan`, `deid.dicom`: the pipeline `uses:` key; dots map to CLI words. */
  name: string;
  /** Bump whenever the same inputs and params would give different output bytes. */
  version: string;
  summary: string;
  options: S;
  inputs: readonly (keyof z.output<S> & string)[];
  outputs: readonly (keyof z.output<S> & string)[];
  /** Whether the stage needs the keystore (so the runner asks for the passphrase up front). */
  needsKeys: boolean;
  output: OutputPolicy;
  /**
   * Whether an existing folder at an output path is an earlier output of this stage, which a
   * CLI run may replace. Without it, the CLI never replaces a non-empty folder (the operator's
   * own files would be lost); a pipeline owns its declared outs and always may.
   */
  ownsOutput?: ((key: string, path: string) => Promise<boolean>) | undefined;
  /**
   * On failure, keep what the stage wrote (renamed to `<out>.partial`) instead of discarding it:
   * for stages whose work is costly to redo and loses nothing by being partial (network fetches).
   */
  keepsPartialOutput?: boolean | undefined;
  run(ctx: StageContext, options: z.output<S>): Promise<StageResult>;
};

/** Identity helper that keeps the options type precise. */
export function defineStage<S extends z.ZodObject>(def: StageDefinition<S>): StageDefinition<S> {
  return def;
}
