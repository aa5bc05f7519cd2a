import { isAbsolute, relative, resolve, sep } from 'node:path';
import { NotebookError } from './errors.js';
import type { Notebook } from './schema.js';

/** A parameter's value. */
export type ParamValue = number | string | boolean;

/** An input with its path resolved: absolute for reading, and as the report shows it. */
export type ResolvedInput = {
  name: string;
  kind: 'tables' | 'file' | 'folder';
  label: string;
  optional: boolean;
  /** Absolute path (never written into the report). */
  path: string;
  /** Relative to the workspace, `sinso:` + relative to the package, or `(given path)`. */
  display: string;
};

export type ResolveParamsParameters = {
  notebook: Notebook;
  /** `NAME=VALUE` overrides, as `--param` gives them. */
  overrides: readonly string[];
  /** The workspace folder (`${workspace}`), if there is one. */
  workspace: string | undefined;
  /** The sinso package's folder (`${sinso}`). */
  packageRoot: string;
  /** Where relative paths given by `--param` start (the caller's working folder). */
  cwd: string;
};

export type ResolveParamsReturnType = {
  /** Every parameter that is not an input, with its value (defaults, then overrides). */
  params: Record<string, ParamValue>;
  inputs: ResolvedInput[];
};

/** `NAME=VALUE` → [name, value]. */
function splitOverride(s: string): [string, string] {
  const i = s.indexOf('=');
  if (i <= 0) {
    throw new NotebookError('NOTEBOOK_PARAM_INVALID', {
      param: i === 0 ? '(empty)' : s.slice(0, 40),
      problem: 'it is not NAME=VALUE',
    });
  }
  return [s.slice(0, i), s.slice(i + 1)];
}

/** A `--param` value, of the type of the parameter's default. */
function coerce(name: string, def: ParamValue, text: string): ParamValue {
  if (typeof def === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n))
      throw new NotebookError('NOTEBOOK_PARAM_INVALID', { param: name, problem: 'it is not a number' });
    return n;
  }
  if (typeof def === 'boolean') {
    if (text !== 'true' && text !== 'false')
      throw new NotebookError('NOTEBOOK_PARAM_INVALID', { param: name, problem: 'it is not true or false' });
    return text === 'true';
  }
  return text;
}

/** Whether `path` lies inside `dir` (or is it). */
function inside(dir: string, path: string): boolean {
  const r = relative(dir, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

const posix = (p: string) => p.split(sep).join('/');

/**
 * How the report names a path: relative to the workspace, else `sinso:` and relative to the
 * package, else `(given path)`; never absolute (paths can hold identifiers, and a report must
 * read the same wherever its inputs lie).
 *
 * @example
 * displayPath('/ws/owners/owner-001/tables-k5', { workspace: '/ws', packageRoot: '/opt/sinso' }); // 'owners/owner-001/tables-k5'
 */
export function displayPath(
  path: string,
  roots: { workspace: string | undefined; packageRoot: string },
): string {
  if (roots.workspace !== undefined && inside(resolve(roots.workspace), path))
    return posix(relative(resolve(roots.workspace), path)) || '.';
  if (inside(resolve(roots.packageRoot), path))
    return `sinso:${posix(relative(resolve(roots.packageRoot), path))}`;
  return '(given path)';
}

/**
 * Expands `${name}` in a template from `values`; NOTEBOOK_INVALID naming an unknown one.
 *
 * @example
 * expandTemplate('${workspace}/models', { workspace: '/ws' }, 'input model'); // '/ws/models'
 */
export function expandTemplate(
  template: string,
  values: Readonly<Record<string, string | undefined>>,
  where: string,
): string {
  return template.replace(/\$\{([a-z][a-z0-9-]*)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined && name === 'workspace')
      throw new NotebookError('NOTEBOOK_INPUT_INVALID', {
        input: where,
        problem: 'its default path is in the workspace, and there is none',
      });
    if (v === undefined)
      throw new NotebookError('NOTEBOOK_INVALID', {
        problem: `${where} refers to \${${name}}, which is no parameter`,
      });
    return v;
  });
}

/**
 * The parameters' values and the inputs' paths of a run: defaults, then `--param NAME=VALUE`
 * overrides (typed like the default; an input's value is its path, relative to `cwd`). Input
 * path templates expand `${workspace}`, `${sinso}` and the other parameters. Pure.
 *
 * @example
 * const { params, inputs } = resolveParams({ notebook, overrides: ['min-cell=10'], workspace: '.sinso', packageRoot, cwd });
 */
export function resolveParams(p: ResolveParamsParameters): ResolveParamsReturnType {
  const { notebook } = p;
  const params: Record<string, ParamValue> = { ...notebook.params };
  const given = new Map<string, string>();
  for (const o of p.overrides) {
    const [name, value] = splitOverride(o);
    if (!(name in notebook.params) && !(name in notebook.inputs))
      throw new NotebookError('NOTEBOOK_PARAM_INVALID', {
        param: name.slice(0, 64),
        problem: `the notebook has no such parameter (it has ${[...Object.keys(notebook.params), ...Object.keys(notebook.inputs)].join(', ') || 'none'})`,
      });
    if (given.has(name))
      throw new NotebookError('NOTEBOOK_PARAM_INVALID', { param: name, problem: 'it is given twice' });
    given.set(name, value);
    const def = notebook.params[name];
    if (def !== undefined) params[name] = coerce(name, def, value);
  }
  const values: Record<string, string | undefined> = {
    workspace: p.workspace === undefined ? undefined : resolve(p.workspace),
    sinso: resolve(p.packageRoot),
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
  };
  const inputs = Object.entries(notebook.inputs).map(([name, input]): ResolvedInput => {
    const override = given.get(name);
    if (override === '')
      throw new NotebookError('NOTEBOOK_PARAM_INVALID', { param: name, problem: 'the path is empty' });
    const path =
      override === undefined
        ? resolve(p.cwd, expandTemplate(input.path, values, name))
        : resolve(p.cwd, override);
    return {
      name,
      kind: input.kind,
      label: input.label ?? name,
      optional: input.optional,
      path,
      display: displayPath(path, p),
    };
  });
  return { params, inputs };
}
