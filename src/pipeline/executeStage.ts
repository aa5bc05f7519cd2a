import { readdir, rename, rm, stat } from 'node:fs/promises';
import { SinsoError, UsageError } from '../core/errors/index.js';
import { abortStaged, beginStaged, commitStaged, exists } from '../core/fs.js';
import { digestPath, type HashMemo } from '../core/hash.js';
import type { LockedOut } from '../core/schemas/pipeline.js';
import type { StageContext, StageDefinition, StageResult } from '../core/stage.js';

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
  ctx: StageContext,
  p: ExecuteStageParameters,
): Promise<ExecuteStageReturnType> {
  if (p.protectExisting) {
    for (const o of p.outs) {
      if (await isNonEmptyDir(o.abs)) {
        if (!(await p.stage.ownsOutput?.(o.key, o.abs))) {
          throw new UsageError('The output path is a folder that holds files this command did not write.', {
            metaMessages: [`Output: ${o.display}`],
            fix: 'Choose a new or empty folder, or remove this one first; nothing was changed.',
          });
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
    const result = await p.stage.run(ctx, staged as never);
    for (const o of p.outs) {
      if (!(await exists(stagedPaths[o.key] as string))) {
        throw new SinsoError('A stage finished without writing one of its outputs.', {
          code: 'PIPELINE_OUTPUT_MISSING',
          metaMessages: [`Stage: ${p.stage.name}`, `Output: ${o.display}`],
          fix: 'This is a bug in the stage; please report it.',
        });
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
        throw new SinsoError('A stage wrote outputs that failed their verification.', {
          code: 'PIPELINE_OUTPUT_UNVERIFIED',
          metaMessages: [`Stage: ${p.stage.name}`, `Check: ${policy.verifier}`, v.detail],
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
        throw new SinsoError(`Stage ${p.stage.name} failed; what it had written is kept.`, {
          code: 'PIPELINE_STAGE_FAILED',
          cause: err,
          metaMessages: kept.map((k) => `Kept: ${k}`),
          fix: 'See the cause below; run again to redo the stage (the kept copy is not reused).',
        });
      }
    }
    for (const o of p.outs) await abortStaged(o.abs);
    throw err;
  }
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isDirectory()) return false;
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}
