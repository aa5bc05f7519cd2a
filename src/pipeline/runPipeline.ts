import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PipelineError, SinsoError, UsageError } from '../core/errors/index.js';
import { exists } from '../core/fs.js';
import { canonicalJson, digestPath } from '../core/hash.js';
import { takePidLock } from '../core/pidLock.js';
import type { LockedHash, LockedOut, LockedStage } from '../core/schemas/pipeline.js';
import type { Rejection, StageContext, StageResult } from '../core/stage.js';
import { version } from '../core/version.js';
import type { Workspace } from '../core/workspace.js';
import { type CallerContext, executeStage } from './executeStage.js';
import { openHashMemo } from './hashMemo.js';
import { createLineageWriter } from './lineage.js';
import { loadPipeline } from './loadPipeline.js';
import { lockPathFor, readLock, writeLock } from './lock.js';
import { type PlannedStage, planPipeline } from './planPipeline.js';
import { builtinRegistry, type StageRegistry } from './registry.js';

export type RunPipelineParameters = {
  /** Path of the pipeline YAML. */
  file: string;
  /** Rerun every stage. */
  force?: boolean | undefined;
  /**
   * Rerun this stage and every stage after it. An expansion's id (`deid@owner-001`) reruns that one
   * expansion; the key of a foreach/matrix stage (`deid`) reruns all its expansions.
   */
  from?: string | undefined;
  /** Report what would run, run nothing. */
  dryRun?: boolean | undefined;
  registry?: StageRegistry | undefined;
  /** Where the lock is written; `<pipeline>.lock.json` beside the YAML by default. */
  lockFile?: string | undefined;
};

export type StageOutcome = {
  id: string;
  uses: string;
  status: 'ran' | 'skipped' | 'would-run';
  /** Why it ran (or would): 'forced', 'no lock entry', 'params changed', … */
  reason?: string | undefined;
  seconds?: number | undefined;
  result?: StageResult | undefined;
};

export type RunPipelineReturnType = {
  pipeline: string;
  runId: string;
  lockFile: string;
  stages: StageOutcome[];
  rejected: (Rejection & { stage: string })[];
};

/**
 * Runs a pipeline like `dvc repro`: stages in DAG order; a stage is skipped when its stage
 * version, params and dep hashes equal the lock's and its outputs are present and intact
 * (or, for non-deterministic outputs, still verify). The lock is rewritten after each stage, so
 * a run killed at any moment resumes where it stopped.
 *
 * @example
 * const r = await runPipeline(ctx, { file: 'pipelines/demo.yaml' });
 */
export async function runPipeline(
  ctx: CallerContext & { workspace: Workspace },
  p: RunPipelineParameters,
): Promise<RunPipelineReturnType> {
  const registry = p.registry ?? builtinRegistry;
  const loaded = await loadPipeline(p.file);
  const plan = planPipeline(loaded, registry, ctx.workspace.paths.root);
  const forced = new Set<string>();
  if (p.force) for (const s of plan.stages) forced.add(s.id);
  if (p.from !== undefined) {
    // an expanded id (`deid@owner-001`) names one stage; a foreach/matrix stage's key all of them
    const from = plan.stages.filter((s) => s.id === p.from || s.group === p.from);
    if (from.length === 0) {
      const groups = [...new Set(plan.stages.filter((s) => s.group !== s.id).map((s) => s.group))];
      throw new UsageError('--from names a stage the pipeline does not have.', {
        fix: `Give one of the stages: ${plan.stages.map((s) => s.id).join(', ')}${
          groups.length > 0 ? `; or a foreach/matrix stage, for all its items: ${groups.join(', ')}` : ''
        }.`,
      });
    }
    for (const s of from) forced.add(s.id);
    for (const s of plan.stages) if (s.after.some((a) => forced.has(a))) forced.add(s.id);
  }
  const lockFile = p.lockFile ?? lockPathFor(loaded.file);
  const lock = await readLock(lockFile, plan.name, version);
  const lockBefore = canonicalJson(lock);
  lock.tool = { name: 'sinso', version };
  const runId = randomUUID();
  const outcomes: StageOutcome[] = [];
  const rejected: RunPipelineReturnType['rejected'] = [];

  if (p.dryRun) {
    const willRun = new Set<string>();
    for (const s of plan.stages) {
      const upstream = s.after.some((a) => willRun.has(a));
      const reason = forced.has(s.id)
        ? 'forced'
        : upstream
          ? 'an upstream stage will run'
          : await staleReason(s, lock.stages[s.id], ctx);
      if (reason) willRun.add(s.id);
      outcomes.push({ id: s.id, uses: s.stage.name, status: reason ? 'would-run' : 'skipped', reason });
    }
    return { pipeline: plan.name, runId, lockFile, stages: outcomes, rejected };
  }

  const release = await acquireRunLock(ctx.workspace.paths.runs);
  const memo = await openHashMemo(ctx.workspace.paths.runs);
  const lineage = createLineageWriter(ctx.workspace.paths.runs, ctx.clock);
  const job = (name: string) => ({ namespace: 'sinso', name });
  const datasets = (paths: readonly { display: string }[]) =>
    paths.map((x) => ({ namespace: 'file', name: x.display }));
  await lineage.emit({ eventType: 'START', run: { runId }, job: job(plan.name), inputs: [], outputs: [] });
  try {
    for (const s of plan.stages) {
      const reason = forced.has(s.id) ? 'forced' : await staleReason(s, lock.stages[s.id], ctx, memo);
      if (!reason) {
        const summary = lock.stages[s.id]?.summary;
        const parsed = summary === undefined ? undefined : s.stage.result.safeParse(summary);
        outcomes.push({
          id: s.id,
          uses: s.stage.name,
          status: 'skipped',
          ...(parsed?.success ? { result: { summary: parsed.data as Record<string, unknown> } } : {}),
        });
        continue;
      }
      const deps = await digestDeps(s, memo, ctx);
      const stageRunId = randomUUID();
      const parent = { parent: { run: { runId }, job: job(plan.name) } };
      const started = performance.now();
      await lineage.emit({
        eventType: 'START',
        run: { runId: stageRunId, facets: parent },
        job: job(`${plan.name}.${s.id}`),
        inputs: datasets(s.deps),
        outputs: datasets(s.outs),
      });
      ctx.log.info(`stage ${s.id} (${s.stage.name}): running — ${reason}`);
      let executed: { result: StageResult; outs: LockedOut[] };
      try {
        executed = await executeStage(ctx, { stage: s.stage, options: s.options, outs: s.outs, memo });
      } catch (err) {
        await lineage.emit({
          eventType: 'FAIL',
          run: {
            runId: stageRunId,
            facets: {
              ...parent,
              errorMessage: { message: errorSummary(err), programmingLanguage: 'TypeScript' },
            },
          },
          job: job(`${plan.name}.${s.id}`),
          inputs: datasets(s.deps),
          outputs: datasets(s.outs),
        });
        throw new PipelineError(
          'PIPELINE_STAGE_FAILED',
          { stage: s.id, uses: s.stage.name, summary: errorSummary(err) },
          { cause: err },
        );
      }
      const entry: LockedStage = {
        uses: s.stage.name,
        version: s.stage.version,
        params: s.params,
        deps,
        outs: executed.outs,
        // the typed summary, so a later run that skips the stage still has its result
        summary: executed.result.summary,
      };
      lock.stages[s.id] = entry;
      await writeLock(
        lockFile,
        pruned(lock, plan.stages),
        plan.stages.map((x) => x.id),
      );
      await memo.save();
      const seconds = (performance.now() - started) / 1000;
      for (const r of executed.result.rejected ?? []) rejected.push({ ...r, stage: s.id });
      await lineage.emit({
        eventType: 'COMPLETE',
        run: { runId: stageRunId, facets: parent },
        job: job(`${plan.name}.${s.id}`),
        inputs: datasets(s.deps),
        outputs: datasets(s.outs),
      });
      outcomes.push({
        id: s.id,
        uses: s.stage.name,
        status: 'ran',
        reason,
        seconds,
        result: executed.result,
      });
    }
    const final = pruned(lock, plan.stages);
    if (canonicalJson(final) !== lockBefore)
      await writeLock(
        lockFile,
        final,
        plan.stages.map((x) => x.id),
      );
    await memo.save();
    await lineage.emit({
      eventType: 'COMPLETE',
      run: { runId },
      job: job(plan.name),
      inputs: [],
      outputs: [],
    });
  } catch (err) {
    await memo.save();
    await lineage.emit({ eventType: 'FAIL', run: { runId }, job: job(plan.name), inputs: [], outputs: [] });
    throw err;
  } finally {
    await release();
  }
  return { pipeline: plan.name, runId, lockFile, stages: outcomes, rejected };
}

function pruned(lock: Awaited<ReturnType<typeof readLock>>, stages: readonly PlannedStage[]) {
  const ids = new Set(stages.map((s) => s.id));
  return { ...lock, stages: Object.fromEntries(Object.entries(lock.stages).filter(([id]) => ids.has(id))) };
}

async function digestDeps(
  s: PlannedStage,
  memo: Parameters<typeof digestPath>[1],
  ctx: Pick<StageContext, 'progress'>,
): Promise<LockedHash[]> {
  const out: LockedHash[] = [];
  for (const d of s.deps) {
    if (!(await exists(d.abs))) {
      throw new PipelineError('PIPELINE_DEP_MISSING', { stage: s.id, dependency: d.display });
    }
    const task = ctx.progress.start(`hash ${s.id} deps`, 0);
    out.push({ path: d.display, ...(await digestPath(d.abs, memo, () => task.tick())) });
    task.done();
  }
  return out;
}

/** Why a stage must run, or undefined when it is up to date. */
async function staleReason(
  s: PlannedStage,
  entry: LockedStage | undefined,
  ctx: CallerContext,
  memo?: Parameters<typeof digestPath>[1],
): Promise<string | undefined> {
  if (!entry) return 'not in the lock file';
  if (entry.uses !== s.stage.name || entry.version !== s.stage.version) return 'stage version changed';
  if (canonicalJson(entry.params) !== canonicalJson(s.params)) return 'params changed';
  const depsNow = await digestDeps(s, memo, ctx);
  if (canonicalJson(depsNow) !== canonicalJson(entry.deps)) return 'deps changed';
  if (entry.outs.length !== s.outs.length) return 'outs changed';
  for (const [i, o] of s.outs.entries()) {
    const locked = entry.outs[i] as LockedOut;
    if (locked.path !== o.display) return 'outs changed';
    if (!(await exists(o.abs))) return 'an output is missing';
    if ('sha256' in locked) {
      const task = ctx.progress.start(`hash ${s.id} outs`, 0);
      const now = await digestPath(o.abs, memo, () => task.tick());
      task.done();
      if (now.sha256 !== locked.sha256) return 'an output was modified';
    }
  }
  const policy = s.stage.output;
  if (!policy.deterministic) {
    const v = await policy.verify(ctx, Object.fromEntries(s.outs.map((o) => [o.key, o.abs])));
    if (!v.ok) return 'an output no longer verifies';
  }
  return undefined;
}

function errorSummary(err: unknown): string {
  if (err instanceof SinsoError) return `${err.code}: ${err.shortMessage}`;
  // foreign errors may quote data values: name the type only
  return `unexpected ${err instanceof Error ? err.name : 'error'}`;
}

/** One run per workspace at a time; a lock left by a killed run is taken over. */
async function acquireRunLock(runsDir: string): Promise<() => Promise<void>> {
  const lock = await takePidLock(join(runsDir, 'run.pid'), { waitMs: 0, ownPid: 'stale' });
  if ('heldBy' in lock) throw new PipelineError('PIPELINE_BUSY', { pid: lock.heldBy });
  return lock.release;
}
