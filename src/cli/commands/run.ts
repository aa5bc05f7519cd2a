import { z } from 'zod';
import { ExitCode } from '../../core/errors/index.js';
import { type RunPipelineReturnType, runPipeline } from '../../pipeline/index.js';
import { defineCommand, requireWorkspace } from '../command.js';
import type { CliContext } from '../context.js';
import { formatTable } from '../format.js';

export const runCommand = defineCommand({
  path: ['run'],
  summary: 'Run a pipeline: only stages whose deps, params or version changed rerun; writes the lock file',
  options: z.strictObject({
    pipeline: z.string().min(1).describe('Pipeline YAML file'),
    force: z.boolean().default(false).describe('Rerun every stage'),
    from: z
      .string()
      .optional()
      .describe(
        'Rerun this stage and every stage after it (a foreach/matrix stage: all its items; STAGE@ITEM: one)',
      ),
    dryRun: z.boolean().default(false).describe('Show what would run; run nothing'),
  }),
  positional: { key: 'pipeline', name: 'PIPELINE.yaml', many: false },
  examples: [
    'sinso run pipelines/demo.yaml',
    'sinso run pipelines/demo.yaml --from inventory',
    'sinso run pipelines/demo.yaml --dry-run',
  ],
  async run(ctx, o) {
    const workspace = await requireWorkspace(ctx);
    const r = await runPipeline(
      { workspace, clock: ctx.clock, log: ctx.log, progress: ctx.progress },
      { file: o.pipeline, force: o.force, from: o.from, dryRun: o.dryRun },
    );
    return printRun(ctx, r);
  },
});

/** Prints a run's outcome; rejected inputs by path on stderr; exit 2 when any. */
export function printRun(ctx: CliContext, r: RunPipelineReturnType): number {
  for (const x of r.rejected)
    ctx.io.stderr(`rejected (stage ${x.stage}) #${x.ordinal}${x.path ? ` ${x.path}` : ''}: ${x.reason}\n`);
  const rows = r.stages.map((s) => [
    s.id,
    s.uses,
    s.status === 'ran'
      ? `ran in ${(s.seconds ?? 0).toFixed(1)} s`
      : s.status === 'skipped'
        ? 'up to date'
        : 'would run',
    s.reason ?? '',
  ]);
  ctx.print(`${formatTable(rows, ['stage', 'uses', 'status', 'why'])}lock: ${r.lockFile}\n`, {
    pipeline: r.pipeline,
    runId: r.runId,
    lockFile: r.lockFile,
    stages: r.stages.map((s) => ({
      id: s.id,
      uses: s.uses,
      status: s.status,
      reason: s.reason,
      seconds: s.seconds,
      summary: s.result?.summary,
    })),
    rejected: r.rejected.map((x) => ({ stage: x.stage, ordinal: x.ordinal, reason: x.reason })),
  });
  return r.rejected.length > 0 ? ExitCode.partial : ExitCode.ok;
}
