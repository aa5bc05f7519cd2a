import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { ExitCode } from '../core/errors/index.js';
import type { StageDefinition, StageResult } from '../core/stage.js';
import { isWorkspace, openWorkspace, type Workspace } from '../core/workspace.js';
import { executeStage, stageNeedsWorkspace } from '../pipeline/index.js';
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
 * The CLI face of a registered stage: its words, flags, positional arguments, help and examples
 * all come from the stage definition, and it runs through the same code path (executeStage:
 * requirements, staged atomic outputs, result schema) as the pipeline runner, so the two cannot
 * drift apart.
 */
export function stageCommand(stage: StageDefinition): Command {
  return defineCommand({
    path: stage.name.split('.'),
    summary: stage.summary,
    ...(stage.cli.description === undefined ? {} : { description: stage.cli.description }),
    options: stage.options,
    positional: stage.cli.positional,
    examples: stage.cli.examples,
    async run(ctx, options) {
      const opts = { ...(options as Record<string, unknown>) };
      for (const [k, v] of Object.entries(stage.cli.defaults?.(opts) ?? {})) {
        if (opts[k] === undefined) opts[k] = v;
      }
      const workspace =
        stageNeedsWorkspace(stage, opts) || (await isWorkspace(ctx.globals.workspace))
          ? await requireWorkspace(ctx)
          : undefined;
      const outs = stage.outputs.map((key) => ({
        key,
        display: String(opts[key]),
        abs: resolve(String(opts[key])),
      }));
      const { result } = await executeStage(
        { workspace, clock: ctx.clock, log: ctx.log, progress: ctx.progress },
        { stage, options: opts, outs, protectExisting: true, hashOutputs: false },
      );
      return reportResult(ctx, stage, result, stage.cli.render?.(result, opts));
    },
  });
}

/** Prints a stage result; rejected inputs go to stderr by path with their reason (exit 2). */
export function reportResult(
  ctx: CliContext,
  stage: Pick<StageDefinition, 'name' | 'result'>,
  result: StageResult,
  human?: string,
): number {
  for (const r of result.rejected ?? []) {
    ctx.io.stderr(`rejected #${r.ordinal}${r.path === undefined ? '' : ` ${r.path}`}: ${r.reason}\n`);
  }
  ctx.print(human ?? formatTable(summaryRows(stage.result, result.summary)), {
    stage: stage.name,
    summary: result.summary,
    rejected: (result.rejected ?? []).map((r) => ({ ordinal: r.ordinal, reason: r.reason })),
  });
  return (result.rejected ?? []).length > 0 ? ExitCode.partial : ExitCode.ok;
}

/**
 * The summary as label/value rows, labels from the result schema's descriptions: scalars one row
 * each, a record of scalars one row per entry, lists of scalars joined; lists of objects are left
 * to `--json`.
 */
export function summaryRows(schema: z.ZodObject, summary: Record<string, unknown>): string[][] {
  const rows: string[][] = [];
  for (const [key, value] of Object.entries(summary)) {
    const label = (schema.shape[key] as z.ZodType | undefined)?.description ?? key;
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v !== 'object' || v === null)) rows.push([label, value.join(', ')]);
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) rows.push([`${label} ${k}`, String(v)]);
    } else rows.push([label, String(value)]);
  }
  return rows;
}
