import { type Clock, systemClock } from '../core/clock.js';
import { UsageError } from '../core/errors/index.js';
import { createLogger, type Logger, type LogLevel } from '../core/log.js';
import { defaultPassphraseSource, type PassphraseSource } from '../core/passphrase.js';
import { createProgress, type Progress } from '../core/progress.js';

/** Flags every command takes. */
export type GlobalOptions = {
  workspace: string;
  /** Whether --workspace (or SINSO_WORKSPACE) was given, rather than defaulted. */
  workspaceGiven: boolean;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  help: boolean;
  version: boolean;
};

/** Where a command writes: data to stdout, everything else to stderr. */
export type CliIO = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
  stdoutIsTTY: boolean;
};

export type CliContext = {
  globals: GlobalOptions;
  io: CliIO;
  log: Logger;
  progress: Progress;
  clock: Clock;
  passphrase: PassphraseSource;
  /** Prints a result: JSON with --json, else the human text. */
  print(human: string, json: unknown): void;
};

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
};

/**
 * Takes the global flags out of argv, wherever they appear; the rest goes to the command.
 * `--workspace` defaults to SINSO_WORKSPACE, then ./.sinso.
 */
export function splitGlobals(argv: readonly string[]): { globals: GlobalOptions; rest: string[] } {
  const env = process.env['SINSO_WORKSPACE'];
  const globals: GlobalOptions = {
    workspace: env || '.sinso',
    workspaceGiven: Boolean(env),
    json: false,
    quiet: false,
    verbose: false,
    help: false,
    version: false,
  };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--workspace' || a === '-w') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('-'))
        throw new UsageError('--workspace needs a folder.', { fix: 'Write --workspace DIR.' });
      globals.workspace = v;
      globals.workspaceGiven = true;
    } else if (a.startsWith('--workspace=')) {
      globals.workspace = a.slice('--workspace='.length);
      globals.workspaceGiven = true;
    } else if (a === '--json') globals.json = true;
    else if (a === '--quiet' || a === '-q') globals.quiet = true;
    else if (a === '--verbose' || a === '-v') globals.verbose = true;
    else if (a === '--help' || a === '-h') globals.help = true;
    // before the command only: after it, `--version` is a command's own flag (`sinso commit --version 1`)
    else if ((a === '--version' || a === '-V') && rest.length === 0) globals.version = true;
    else rest.push(a);
  }
  return { globals, rest };
}

export function createCliContext(globals: GlobalOptions, io: CliIO = processIO): CliContext {
  const level: LogLevel = globals.quiet
    ? 'error'
    : globals.verbose
      ? 'debug'
      : globals.json
        ? 'warn'
        : 'info';
  return {
    globals,
    io,
    log: createLogger({ level, write: io.stderr }),
    progress: createProgress({ quiet: globals.json || globals.quiet }),
    clock: systemClock,
    passphrase: defaultPassphraseSource,
    print(human, json) {
      if (globals.json) io.stdout(`${JSON.stringify(json, null, 2)}\n`);
      else if (human) io.stdout(human.endsWith('\n') ? human : `${human}\n`);
    },
  };
}
