import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { ExitCode, WorkspaceError } from '../core/errors/index.js';
import type { StageContext, StageDefinition, StageResult } from '../core/stage.js';
import { isWorkspace, openWorkspace, type Workspace } from '../core/workspace.js';
import { executeStage } from '../pipeline/executeStage.js';
import type { CliContext } from './context.js';
import { formatTable } from './format.js';

/** A CLI command: its words, options schema (flags are derived from it) and what it does. */
export type Command<S extends z.ZodObject = z.ZodObject> = {
  path: readonly string[];
  summary: string;
  description?: string;
  options: S;
  positional?: { key: keyof z.output<S> & string; name: string; many: boolean } | undefined;
  /** Flags that are not options of the stage (e.g. --fresh); raw parseArgs config. */
  extra?: ParseArgsConfig['options'];
  extraHelp?: readonly string[];
  examples: readonly string[];
  run(ctx: CliContext, options: z.output<S>, extra: Record<string, unknown>): Promise<number>;
};

export function defineCommand<S extends z.ZodObject>(c: Command<S>): Command<S> {
  return c;
}

/** Opens the workspace the global flags point at (errors clearly when there is none). */
export async function requireWorkspace(ctx: CliContext): Promise<Workspace> {
  return openWorkspace({ dir: ctx.globals.workspace, passphrase: ctx.passphrase });
}

/**
 * The CLI face of a registered stage: same options schema, same code path (executeStage, with
 * staged atomic outputs) as the pipeline runner, so the two cannot drift apart.
 */
export function stageCommand<S extends z.ZodObject>(
  stage: StageDefinition<S>,
  c: {
    positional?: Command<S>['positional'];
    examples: readonly string[];
    description?: string;
    render?: (result: StageResult, options: z.output<S>) => string;
  },
): Command<S> {
  return defineCommand({
    path: stage.name.split('.'),
    summary: stage.summary,
    ...(c.description === undefined ? {} : { description: c.description }),
    options: stage.options,
    positional: c.positional,
    examples: c.examples,
    async run(ctx, options) {
      let workspace: Workspace | undefined;
      if (stage.needsKeys) workspace = await requireWorkspace(ctx);
      else if (await isWorkspace(ctx.globals.workspace)) workspace = await requireWorkspace(ctx);
      if (stage.needsKeys && !workspace) {
        throw new WorkspaceError('This command needs a workspace.', {
          code: 'WORKSPACE_NOT_FOUND',
          fix: 'Run `sinso init`.',
        });
      }
      const opts = options as Record<string, unknown>;
      const outs = stage.outputs.map((key) => ({
        key,
        display: String(opts[key]),
        abs: resolve(String(opts[key])),
      }));
      const sctx: StageContext = { workspace, clock: ctx.clock, log: ctx.log, progress: ctx.progress };
      const { result } = await executeStage(sctx, {
        stage: stage as unknown as StageDefinition,
        options: opts,
        outs,
        protectExisting: true,
        hashOutputs: false,
      });
      return reportResult(ctx, stage.name, result, c.render?.(result, options));
    },
  });
}

/** Prints a stage result; rejected inputs go to stderr by path with their reason (exit 2). */
export function reportResult(ctx: CliContext, name: string, result: StageResult, human?: string): number {
  for (const r of result.rejected ?? []) {
    ctx.io.stderr(`rejected #${r.ordinal}${r.path === undefined ? '' : ` ${r.path}`}: ${r.reason}\n`);
  }
  ctx.print(human ?? formatTable(Object.entries(result.summary).map(([k, v]) => [k, String(v)])), {
    stage: name,
    summary: result.summary,
    rejected: (result.rejected ?? []).map((r) => ({ ordinal: r.ordinal, reason: r.reason })),
  });
  return (result.rejected ?? []).length > 0 ? ExitCode.partial : ExitCode.ok;
}
