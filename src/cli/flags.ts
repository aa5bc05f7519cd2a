import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';
import { UsageError } from '../core/errors/index.js';
import { type FlagSpec, flagSpecs } from '../core/optionSpecs.js';
import { parseWith } from '../core/parse.js';

/**
 * Parses argv against flag specs (strict: unknown flags are usage errors), then validates the
 * result with the schema. Numbers are converted here; zod checks ranges and enums.
 */
export function parseFlags<S extends z.ZodObject>(
  schema: S,
  argv: readonly string[],
  opts: {
    positional?: { key: string; many: boolean } | undefined;
    extra?: ParseArgsConfig['options'];
    command: string;
  },
): { options: z.output<S>; extra: Record<string, unknown> } {
  const specs = flagSpecs(schema, opts.positional?.key);
  const config: NonNullable<ParseArgsConfig['options']> = { ...(opts.extra ?? {}) };
  for (const s of specs) {
    config[s.flag] = { type: s.kind === 'boolean' ? 'boolean' : 'string', multiple: s.kind === 'list' };
    if (s.kind === 'boolean') config[`no-${s.flag}`] = { type: 'boolean' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as { code?: string }).code;
    throw new UsageError(describeParseArgsError(err), {
      details: msg,
      fix: `See \`sinso ${opts.command} --help\`.`,
    });
  }
  const values: Record<string, unknown> = {};
  for (const s of specs) {
    const v = parsed.values[s.flag];
    if (s.kind === 'boolean') {
      if (parsed.values[`no-${s.flag}`] === true) values[s.key] = false;
      else if (v !== undefined) values[s.key] = v;
    } else if (s.kind === 'number' && typeof v === 'string') {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) {
        throw new UsageError(`--${s.flag} must be a number.`, {
          fix: `See \`sinso ${opts.command} --help\`.`,
        });
      }
      values[s.key] = n;
    } else if (v !== undefined) values[s.key] = v;
  }
  if (opts.positional) {
    const pos = parsed.positionals;
    if (opts.positional.many) values[opts.positional.key] = pos;
    else {
      if (pos.length > 1)
        throw new UsageError('Too many arguments.', { fix: `See \`sinso ${opts.command} --help\`.` });
      if (pos[0] !== undefined) values[opts.positional.key] = pos[0];
    }
  } else if (parsed.positionals.length > 0) {
    throw new UsageError('This command takes no arguments besides flags.', {
      fix: `See \`sinso ${opts.command} --help\`.`,
    });
  }
  const extra: Record<string, unknown> = {};
  for (const k of Object.keys(opts.extra ?? {})) extra[k] = parsed.values[k];
  const what = `set of options for \`sinso ${opts.command}\``;
  const options = parseWith(schema, values, {
    what,
    error: (issues, cause) =>
      new UsageError(`The ${what} is not valid.`, {
        issues,
        cause,
        fix: `See \`sinso ${opts.command} --help\`.`,
      }),
  });
  return { options, extra };
}

function describeParseArgsError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : '';
  // node's messages name the flag (the operator's own input, never data); keep the first sentence
  const first = message.split('\n')[0] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return first.replace(/\. To specify.*$/, '.') || 'Unknown option.';
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return first || 'An option is missing its value.';
    default:
      return first || 'The command line could not be parsed.';
  }
}

export { type FlagSpec, flagSpecs };

/** Help lines for a set of flags. */
export function formatFlags(specs: readonly FlagSpec[]): string[] {
  const rows = specs.map((s) => {
    const value =
      s.kind === 'boolean'
        ? ''
        : s.choices
          ? ` ${s.choices.join('|')}`
          : s.kind === 'number'
            ? ' N'
            : s.kind === 'list'
              ? ' VALUE (repeatable)'
              : ' VALUE';
    const dflt =
      s.defaultValue !== undefined &&
      !(Array.isArray(s.defaultValue) && s.defaultValue.length === 0) &&
      s.defaultValue !== false
        ? ` (default: ${String(s.defaultValue)})`
        : s.required
          ? ' (required)'
          : '';
    return [`  --${s.flag}${value}`, `${s.description}${dflt}`] as const;
  });
  const width = Math.min(36, Math.max(0, ...rows.map((r) => r[0].length)) + 2);
  return rows.map(([a, b]) =>
    a.length + 2 > width ? `${a}\n${' '.repeat(width)}${b}` : `${a.padEnd(width)}${b}`,
  );
}
