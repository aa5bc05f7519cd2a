import type { z } from 'zod';

/** How one option key of a zod object becomes a command-line flag. */
export type FlagSpec = {
  key: string;
  flag: string;
  kind: 'string' | 'number' | 'boolean' | 'list';
  integer: boolean;
  choices?: readonly string[] | undefined;
  description: string;
  defaultValue?: unknown;
  required: boolean;
};

type Def = {
  type: string;
  innerType?: ZodLike;
  defaultValue?: unknown;
  element?: ZodLike;
  entries?: Record<string, unknown>;
  checks?: { _zod: { def: { check: string; format?: string } } }[];
  values?: unknown[];
};
type ZodLike = { _zod: { def: Def }; description?: string };

/** camelCase → kebab-case. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Derives flag specs from a zod object schema, so a command's flags and its stage's options can
 * never drift apart. Descriptions come from `.describe()`.
 */
export function flagSpecs(schema: z.ZodObject, positional?: string): FlagSpec[] {
  const out: FlagSpec[] = [];
  for (const [key, field] of Object.entries(schema.shape) as [string, ZodLike][]) {
    if (key === positional) continue;
    let node: ZodLike = field;
    let description = field.description;
    let defaultValue: unknown;
    let required = true;
    for (;;) {
      const d = node._zod.def;
      if (d.type === 'default' || d.type === 'prefault') {
        defaultValue = d.defaultValue;
        required = false;
      } else if (d.type === 'optional') required = false;
      else break;
      node = d.innerType as ZodLike;
      description ??= node.description;
    }
    const d = node._zod.def;
    let kind: FlagSpec['kind'] = 'string';
    let choices: string[] | undefined;
    if (d.type === 'number') kind = 'number';
    else if (d.type === 'boolean') kind = 'boolean';
    else if (d.type === 'array') {
      kind = 'list';
      const e = d.element?._zod.def;
      if (e?.type === 'enum') choices = Object.values(e.entries ?? {}).map(String);
    } else if (d.type === 'enum') choices = Object.values(d.entries ?? {}).map(String);
    else if (d.type === 'literal') choices = (d.values ?? []).map(String);
    const integer = kind === 'number' && (d.checks ?? []).some((c) => c._zod.def.format === 'safeint');
    out.push({
      key,
      flag: kebab(key),
      kind,
      integer,
      choices,
      description: description ?? '',
      defaultValue,
      required,
    });
  }
  return out;
}
