import { ExitCode, isSinsoError, SinsoError, UsageError } from '../core/errors/index.js';
import { version } from '../core/version.js';
import type { StageRegistry } from '../pipeline/index.js';
import { builtinRegistry } from '../pipeline/index.js';
import { type Command, stageCommand } from './command.js';
import { auditCommand } from './commands/audit.js';
import { chainCommands } from './commands/chain.js';
import { proveInclusionCommand, verifyInclusionCommand } from './commands/commit.js';
import { deidVerifyCommand } from './commands/deid.js';
import { demoCommand } from './commands/demo.js';
import { initCommand } from './commands/init.js';
import { keysListCommand, keysNewCommand } from './commands/keys.js';
import { runCommand } from './commands/run.js';
import { carCommand, cidCommand } from './commands/storage.js';
import { riskCommand, sqlCommand } from './commands/tables.js';
import { predictCommand } from './commands/train.js';
import { verifyCommand, zkBuildCommand } from './commands/zk.js';
import { type CliIO, createCliContext, processIO, splitGlobals } from './context.js';
import { flagSpecs, formatFlags, parseFlags } from './flags.js';

/** Commands that are not a stage: workspace, keys, queries, proofs, pipelines. */
const toolCommands: readonly Command[] = [
  initCommand,
  keysListCommand,
  keysNewCommand,
  deidVerifyCommand,
  sqlCommand,
  riskCommand,
  proveInclusionCommand,
  verifyInclusionCommand,
  verifyCommand,
  zkBuildCommand,
  predictCommand,
  cidCommand,
  carCommand,
  runCommand,
  demoCommand,
  ...chainCommands,
  auditCommand,
];

/**
 * Every command: one per registered stage (from the registry, in data-flow order) and the tool
 * commands, grouped by their first word in the order `sinso --help` lists them.
 */
export function commandsOf(registry: StageRegistry): readonly Command[] {
  const all = [
    ...toolCommands.slice(0, 3),
    ...[...registry.values()].map(stageCommand),
    ...toolCommands.slice(3),
  ];
  const groups = new Map<string, Command[]>();
  for (const c of all) {
    const g = groups.get(c.path[0] as string) ?? [];
    g.push(c);
    groups.set(c.path[0] as string, g);
  }
  return [...groups.values()].flat();
}

/** The built-in commands. */
export const commands: readonly Command[] = commandsOf(builtinRegistry);

const GLOBAL_HELP = [
  '  --workspace DIR   Workspace folder (default: $SINSO_WORKSPACE or ./.sinso)',
  '  --json            Machine-readable output on stdout; no progress',
  '  --quiet           Errors only on stderr',
  '  --verbose         Debug logging (and stack traces of unexpected errors)',
  '  --help            Help for a command',
  '  --version         Print the version',
];

/**
 * The CLI entry point. Returns the exit code (0 ok, 1 usage or fatal error, 2 some inputs
 * rejected) instead of exiting, so it can be tested in-process.
 */
export async function main(
  argv: readonly string[],
  io: CliIO = processIO,
  o: { registry?: StageRegistry } = {},
): Promise<number> {
  const cmds = o.registry ? commandsOf(o.registry) : commands;
  let verbose = false;
  try {
    const { globals, rest } = splitGlobals(argv);
    verbose = globals.verbose;
    if (globals.version) {
      io.stdout(`sinso ${version}\n`);
      return ExitCode.ok;
    }
    const words = rest[0] === 'help' ? rest.slice(1) : rest;
    const cmd = findCommand(cmds, words);
    if (!cmd) {
      if (rest.length === 0 || globals.help || rest[0] === 'help') {
        io.stdout(topHelp(cmds));
        return rest.length === 0 && !globals.help ? ExitCode.fatal : ExitCode.ok;
      }
      const group = cmds.filter((c) => c.path[0] === rest[0]);
      if (group.length > 0 && (rest.length === 1 || rest[1]?.startsWith('-'))) {
        io.stderr(
          `sinso ${rest[0]}: choose one of:\n${group.map((c) => `  sinso ${c.path.join(' ')}  ${c.summary}`).join('\n')}\n`,
        );
        return ExitCode.fatal;
      }
      throw new UsageError('Unknown command.', { fix: 'Run `sinso --help` to see the commands.' });
    }
    if (globals.help || rest[0] === 'help') {
      io.stdout(commandHelp(cmd));
      return ExitCode.ok;
    }
    const ctx = createCliContext(globals, io);
    const { options, extra } = parseFlags(cmd.options, rest.slice(cmd.path.length), {
      positional: cmd.positional,
      extra: cmd.extra,
      command: cmd.path.join(' '),
    });
    return await cmd.run(ctx, options, extra);
  } catch (err) {
    io.stderr(formatError(err, verbose));
    return ExitCode.fatal;
  }
}

function findCommand(cmds: readonly Command[], words: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of cmds) {
    if (c.path.every((w, i) => words[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best;
}

/**
 * An error for people: a SinsoError's message and those of SinsoErrors in its cause chain.
 * A foreign error's message may quote a data value, so only its type is shown (its stack
 * with --verbose).
 */
export function formatError(err: unknown, verbose: boolean): string {
  if (isSinsoError(err)) {
    const parts = [`error: ${err.message}`];
    let cause: unknown = err.cause;
    while (cause !== undefined) {
      if (cause instanceof SinsoError) parts.push(`caused by: ${cause.message}`);
      else if (verbose && cause instanceof Error) parts.push(`caused by: ${cause.stack ?? cause.name}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    return `${parts.join('\n\n')}\n`;
  }
  const name = err instanceof Error ? err.name : typeof err;
  return (
    `error: sinso hit an unexpected ${name}. This is a bug; please report it.\n` +
    (verbose && err instanceof Error
      ? `${err.stack}\n`
      : 'Run again with --verbose to see the stack trace.\n') +
    `Version: sinso@${version}\n`
  );
}

function topHelp(cmds: readonly Command[]): string {
  const width = Math.max(...cmds.map((c) => c.path.join(' ').length)) + 2;
  return [
    `sinso ${version} — privacy-compute toolkit for health data`,
    '',
    'Usage: sinso COMMAND [options]',
    '',
    'Commands:',
    ...cmds.map((c) => `  ${c.path.join(' ').padEnd(width)}${c.summary}`),
    '',
    'Global options:',
    ...GLOBAL_HELP,
    '',
    'Exit codes: 0 ok, 1 usage or fatal error, 2 finished but some inputs were rejected.',
    'Run `sinso COMMAND --help` for a command’s options and examples.',
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const pos = c.positional ? ` ${c.positional.name}` : '';
  return [
    `Usage: sinso ${c.path.join(' ')}${pos} [options]`,
    '',
    c.summary + '.',
    ...(c.description ? ['', c.description] : []),
    '',
    'Options:',
    ...formatFlags(flagSpecs(c.options, c.positional?.key)),
    ...(c.extraHelp ?? []),
    '',
    'Global options:',
    ...GLOBAL_HELP,
    '',
    'Examples:',
    ...c.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
