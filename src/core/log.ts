/**
 * Logging to stderr with levels. Log lines carry counts, stage names, ordinals and the operator's
 * own paths only: never a data value read from an input (names, IDs, dates, UIDs, free text).
 */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

const rank: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export type Logger = {
  readonly level: LogLevel;
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
};

export type CreateLoggerParameters = {
  level?: LogLevel;
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
};

/**
 * @example
 * const log = createLogger({ level: 'info' });
 * log.info('wrote 12 files');
 */
export function createLogger({ level = 'info', write }: CreateLoggerParameters = {}): Logger {
  const out = write ?? ((line: string) => process.stderr.write(line));
  const at = (l: Exclude<LogLevel, 'silent'>, prefix: string) => (msg: string) => {
    if (rank[level] >= rank[l]) out(`${prefix}${msg}\n`);
  };
  return {
    level,
    error: at('error', 'error: '),
    warn: at('warn', 'warning: '),
    info: at('info', ''),
    debug: at('debug', 'debug: '),
  };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
