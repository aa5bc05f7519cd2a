import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { InternalError, PipelineError, UsageError, WorkspaceError } from '../core/errors/index.js';
import { abortStaged, beginStaged, commitStaged, exists } from '../core/fs.js';
import { digestPath, type HashMemo } from '../core/hash.js';
import type { Logger } from '../core/log.js';
import type { Progress } from '../core/progress.js';
import type { LockedOut } from '../core/schemas/pipeline.js';
import { readSecretFile } from '../core/secretFile.js';
import type { OutputMarker, StageContext, StageDefinition, StageResult } from '../core/stage.js';
import type { Workspace } from '../core/workspace.js';

/** What the caller (CLI or runner) has; `executeStage` narrows it to what the stage requires. */
export type CallerContext = {
  workspace: Workspace | undefined;
  clock: Clock;
  log: Logger;
  progress: Progress;
  signal?: AbortSignal | undefined;
};

/** Whether a stage, with these options, needs a workspace (it says so, or reads a keystore secret). */
export function stageNeedsWorkspace(stage: StageDefinition, options: Record<string, unknown>): boolean {
  return stage.requiresWorkspace || Object.values(stage.secrets(options)).some((s) => s.file === undefined);
}

/**
 * The context a stage runs with: its requirements checked once, here, the same way for every
 * stage, and its secrets read (from `--secret-file` where given, else the keystore; only
 * `create` requests make a missing key).
 */
export async function stageContext(
  caller: CallerContext,
  stage: StageDefinition,
  options: Record<string, unknown>,
): Promise<StageContext> {
  const { workspace } = caller;
  if (!workspace && stageNeedsWorkspace(stage, options)) {
    throw new WorkspaceError('WORKSPACE_NOT_FOUND', { stage: stage.name });
  }
  const secrets: Record<string, Uint8Array> = {};
  for (const [slot, req] of Object.entries(stage.secrets(options))) {
    if (req.file !== undefined) secrets[slot] = await readSecretFile(req.file);
    else {
      // checked above: a keystore secret implies a workspace
      const keys = await (workspace as Workspace).keys();
      secrets[slot] = req.create ? await keys.ensureSecret(req.key) : await keys.secret(req.key);
    }
  }
  return { ...caller, workspace, secrets };
}

export type ExecuteStageParameters = {
  stage: StageDefinition;
  /** Validated options; output keys hold the final paths. */
  options: Record<string, unknown>;
  /** Output paths as they should be recorded (display form), by option key and position. */
  outs: readonly { key: string; display: string; abs: string }[];
  memo?: HashMemo | undefined;
  /**
   * Refuse to replace an existing non-empty folder unless the stage recognises it as its own
   * earlier output (CLI runs: `--out` may point at the operator's files by mistake).
   */
  protectExisting?: boolean | undefined;
  /** Hash deterministic outputs for the lock (pipeline runs); a CLI run records none. */
  hashOutputs?: boolean | undefined;
};

export type ExecuteStageReturnType = { result: StageResult; outs: LockedOut[] };

/**
 * Runs one stage with atomic outputs: every output is written to a temporary sibling, checked
 * (hashed, or verified for non-deterministic stages), and only then renamed into place. A
 * failure or a kill leaves the previous outputs (or none), never a half-written one.
 * Used by the pipeline runner and by every CLI command that runs a stage, so they cannot drift.
 */
export async function executeStage(
  caller: CallerContext,
  p: ExecuteStageParameters,
): Promise<ExecuteStageReturnType> {
  const ctx = await stageContext(caller, p.stage, p.options);
  if (p.protectExisting) {
    for (const o of p.outs) {
      if (await isNonEmptyDir(o.abs)) {
        if (!(await holdsMarker(p.stage.marker, o.abs))) {
          throw new UsageError(
            `The output path ${o.display} is a folder that holds files this command did not write.`,
            { fix: 'Choose a new or empty folder, or remove this one first; nothing was changed.' },
          );
        }
      }
    }
  }
  const staged: Record<string, unknown> = { ...p.options };
  const stagedPaths: Record<string, string> = {};
  for (const o of p.outs) {
    const tmp = await beginStaged(o.abs);
    staged[o.key] = tmp;
    stagedPaths[o.key] = tmp;
  }
  try {
    const result = checkResult(p.stage, await p.stage.run(ctx, staged));
    for (const o of p.outs) {
      if (!(await exists(stagedPaths[o.key] as string))) {
        throw new PipelineError('PIPELINE_OUTPUT_MISSING', { stage: p.stage.name, output: o.display });
      }
    }
    const locked: LockedOut[] = [];
    const policy = p.stage.output;
    if (policy.deterministic) {
      for (const o of p.hashOutputs === false ? [] : p.outs) {
        const task = ctx.progress.start(`hash ${p.stage.name} outputs`, 0);
        const d = await digestPath(stagedPaths[o.key] as string, p.memo, () => task.tick());
        task.done();
        locked.push({ path: o.display, ...d });
      }
    } else {
      const v = await policy.verify(ctx, stagedPaths);
      if (!v.ok) {
        throw new PipelineError('PIPELINE_OUTPUT_UNVERIFIED', {
          stage: p.stage.name,
          verifier: policy.verifier,
          detail: v.detail,
        });
      }
      for (const o of p.outs) locked.push({ path: o.display, verified: true, verifier: policy.verifier });
    }
    for (const o of p.outs) await commitStaged(o.abs);
    return { result, outs: locked };
  } catch (err) {
    if (p.stage.keepsPartialOutput) {
      const kept: string[] = [];
      for (const o of p.outs) {
        const staged = stagedPaths[o.key] as string;
        if (await exists(staged)) {
          await rm(`${o.abs}.partial`, { recursive: true, force: true });
          await rename(staged, `${o.abs}.partial`);
          kept.push(`${o.display}.partial`);
        }
      }
      if (kept.length > 0) {
        throw new PipelineError('PIPELINE_STAGE_FAILED', { stage: p.stage.name, kept }, { cause: err });
      }
    }
    for (const o of p.outs) await abortStaged(o.abs);
    throw err;
  }
}

/** Whether `dir` holds the stage's marker file and it matches its schema. */
async function holdsMarker(marker: OutputMarker | undefined, dir: string): Promise<boolean> {
  if (!marker) return false;
  try {
    return marker.schema.safeParse(JSON.parse(await readFile(join(dir, marker.file), 'utf8'))).success;
  } catch {
    return false;
  }
}

/** A stage's summary must match its result schema (a mismatch is a bug in the stage). */
function checkResult(stage: StageDefinition, result: StageResult): StageResult {
  const r = stage.result.safeParse(result.summary);
  if (!r.success) {
    throw new InternalError('INTERNAL', {
      what: `stage ${stage.name} returned a summary that does not match its result schema`,
      detail: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  return { ...result, summary: r.data as Record<string, unknown> };
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isDirectory()) return false;
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}
