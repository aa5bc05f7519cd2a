import { PipelineError } from '../core/errors/index.js';
import type { PipelineSpec, PipelineStageSpec } from '../core/schemas/pipeline.js';

/** One stage after fan-out: as written, with `${item}` substituted and without foreach/matrix. */
export type ExpandedStage = Omit<PipelineStageSpec, 'foreach' | 'matrix'> & {
  /** The stage's key in the YAML: the id itself, or the part before `@` of an expansion. */
  group: string;
};

/** Expanded stages by id (`deid`, `deid@owner-001`), in YAML order, then item order. */
export type ExpandedStages = Record<string, ExpandedStage>;

export type ExpandStagesOptions = {
  /** The pipeline file, named in error messages. */
  file?: string | undefined;
  /** The YAML line of a path such as ['stages', 'deid', 'with', 'owner'], for error messages. */
  lineOf?: ((path: readonly (string | number)[]) => number | undefined) | undefined;
};

type Scalar = string | number | boolean;
type ItemValue = Scalar | Record<string, Scalar>;
/** What one expansion binds: its name suffix, `${item}` and, for a foreach map, `${key}`. */
type Binding = { suffix: string; item: ItemValue; key?: string | undefined };
type Path = (string | number)[];
type Issue = { path: Path; message: string };

/** The most expansions one stage may have (a matrix's product grows fast). */
const MAX_EXPANSIONS = 10_000;
/** `${item}`, `${item.NAME}`, `${key}`; anything else after `item`/`key` is reported, not ignored. */
const REF = /\$\{\s*(item|key)\b([^}]*)\}/g;
const REF_NAME = /^\.([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Expands the foreach and matrix stages of a pipeline into one stage per item (DVC style):
 * `foreach: [a, b]` on stage `deid` gives `deid@a` and `deid@b`; `matrix: { owner: [a, b],
 * size: [1, 2] }` on `train` gives `train@a-1`, `train@a-2`, `train@b-1`, `train@b-2` (variables in
 * YAML order, the last varying fastest). `${item}`, `${key}` (a foreach map) and `${item.NAME}` (a
 * matrix, or a foreach map of maps) are substituted in every string of `with` (deeply), `deps`,
 * `outs` and `description`; a `with` value that is exactly one reference takes the referenced
 * value with its type. `${workspace}` is left for planning. Pure: the same stages give the same
 * result.
 *
 * Errors (a SchemaError naming the stage and field, never a value): a reference in a stage without
 * foreach/matrix or in `uses`, an unknown `${item.NAME}`, `${key}` outside a foreach map, a map
 * item inside a string, and two expansions with one name.
 *
 * @example
 * const stages = expandStages({
 *   deid: { uses: 'deid.dicom', foreach: ['owner-001', 'owner-002'], with: {},
 *           deps: ['data/${item}/dicom'], outs: ['owners/${item}/dicom'] },
 * });
 * // Object.keys(stages) → ['deid@owner-001', 'deid@owner-002']
 * // stages['deid@owner-002'].deps → ['data/owner-002/dicom']
 */
export function expandStages(stages: PipelineSpec['stages'], o: ExpandStagesOptions = {}): ExpandedStages {
  const out: ExpandedStages = {};
  const issues: Issue[] = [];
  const origin = new Map<string, number>();
  for (const [group, spec] of Object.entries(stages)) {
    const at = (...path: Path): Path => ['stages', group, ...path];
    const { foreach: _foreach, matrix: _matrix, ...rest } = spec;
    if (referencesIn(spec.uses).length > 0) {
      issues.push({
        path: at('uses'),
        message: '${item} and ${key} are substituted only in with, deps, outs and description',
      });
    }
    const fanout = spec.matrix !== undefined ? 'matrix' : spec.foreach !== undefined ? 'foreach' : undefined;
    if (fanout === undefined) {
      // a plain stage: its strings must not reference an item it does not have
      expandOne(spec, undefined, at, issues);
      out[group] = { ...rest, group };
      continue;
    }
    const bindings = bindingsOf(spec, at, issues);
    if (bindings === undefined) continue;
    for (const [index, b] of bindings.entries()) {
      const id = `${group}@${b.suffix}`;
      const seen = origin.get(id);
      if (seen !== undefined) {
        issues.push({
          path: fanout === 'foreach' ? at('foreach', index) : at('matrix'),
          message:
            fanout === 'foreach'
              ? `gives the same stage name as foreach.${seen}`
              : `combinations #${seen + 1} and #${index + 1} give the same stage name (values are joined with -)`,
        });
        continue;
      }
      origin.set(id, index);
      out[id] = { ...rest, ...expandOne(spec, b, at, issues), group };
    }
  }
  if (issues.length > 0) {
    // one issue per place and message: a bad reference fails the same way for every item
    const unique = [
      ...new Map(issues.map((i) => [`${i.path.join('.')}\n${i.message}`, i] as const)).values(),
    ];
    throw new PipelineError(
      'PIPELINE_INVALID',
      { problem: 'expand', file: o.file },
      {
        issues: unique.map((i) => ({ path: i.path.join('.'), message: i.message, line: o.lineOf?.(i.path) })),
      },
    );
  }
  return out;
}

/** The bindings of a foreach or matrix stage, in order; undefined (with an issue) when too many. */
function bindingsOf(
  spec: PipelineStageSpec,
  at: (...path: Path) => Path,
  issues: Issue[],
): Binding[] | undefined {
  if (spec.matrix !== undefined) {
    const entries = Object.entries(spec.matrix);
    const count = entries.reduce((n, [, values]) => n * values.length, 1);
    if (count > MAX_EXPANSIONS || entries.length === 0 || count === 0) {
      issues.push({
        path: at('matrix'),
        message:
          count > MAX_EXPANSIONS
            ? `gives ${count} combinations; at most ${MAX_EXPANSIONS} are allowed`
            : 'needs at least one variable, each with at least one value',
      });
      return undefined;
    }
    let combos: { vars: Record<string, Scalar>; parts: string[] }[] = [{ vars: {}, parts: [] }];
    for (const [name, values] of entries) {
      combos = combos.flatMap((c) =>
        values.map((v) => ({ vars: { ...c.vars, [name]: v }, parts: [...c.parts, String(v)] })),
      );
    }
    return combos.map((c) => ({ suffix: c.parts.join('-'), item: c.vars }));
  }
  const f = spec.foreach;
  const bindings: Binding[] = Array.isArray(f)
    ? f.map((v) => ({ suffix: String(v), item: v }))
    : Object.entries(f ?? {}).map(([key, v]) => ({ suffix: key, item: v, key }));
  if (bindings.length === 0 || bindings.length > MAX_EXPANSIONS) {
    issues.push({
      path: at('foreach'),
      message:
        bindings.length === 0
          ? 'needs at least one item'
          : `has ${bindings.length} items; at most ${MAX_EXPANSIONS} are allowed`,
    });
    return undefined;
  }
  return bindings;
}

/** The substituted fields of one expansion (or, with no binding, a check that none are needed). */
function expandOne(
  spec: PipelineStageSpec,
  b: Binding | undefined,
  at: (...path: Path) => Path,
  issues: Issue[],
): Pick<PipelineStageSpec, 'with' | 'deps' | 'outs' | 'description'> {
  const withOut: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.with)) withOut[k] = substDeep(v, b, at('with', k), issues);
  const r: Pick<PipelineStageSpec, 'with' | 'deps' | 'outs' | 'description'> = { with: withOut };
  const deps = substIo(spec.deps, b, at('deps'), issues);
  const outs = substIo(spec.outs, b, at('outs'), issues);
  if (deps !== undefined) r.deps = deps;
  if (outs !== undefined) r.outs = outs;
  if (spec.description !== undefined)
    r.description = interpolate(spec.description, b, at('description'), issues);
  return r;
}

type Io = NonNullable<PipelineStageSpec['deps']>;

function substIo(io: Io | undefined, b: Binding | undefined, at: Path, issues: Issue[]): Io | undefined {
  if (io === undefined) return undefined;
  const list = (v: string | string[], path: Path): string | string[] =>
    typeof v === 'string'
      ? interpolate(v, b, path, issues)
      : v.map((s, i) => interpolate(s, b, [...path, i], issues));
  if (typeof io === 'string' || Array.isArray(io)) return list(io, at);
  return Object.fromEntries(Object.entries(io).map(([slot, v]) => [slot, list(v, [...at, slot])]));
}

/** Substitutes in every string of a `with` value, deeply; a whole-string reference keeps its type. */
function substDeep(v: unknown, b: Binding | undefined, at: Path, issues: Issue[]): unknown {
  if (typeof v === 'string') {
    const refs = referencesIn(v);
    const only = refs[0];
    if (b !== undefined && refs.length === 1 && only !== undefined && only.whole === v) {
      const value = resolve(only, b, at, issues);
      return value === undefined ? v : value;
    }
    return interpolate(v, b, at, issues);
  }
  if (Array.isArray(v)) return v.map((x, i) => substDeep(x, b, [...at, i], issues));
  if (isPlainObject(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = substDeep(x, b, [...at, k], issues);
    return o;
  }
  return v;
}

/** Substitutes references inside a string; the result is a string. */
function interpolate(s: string, b: Binding | undefined, at: Path, issues: Issue[]): string {
  if (referencesIn(s).length === 0) return s;
  if (b === undefined) {
    issues.push({ path: at, message: '${item} and ${key} are set only in a stage with foreach or matrix' });
    return s;
  }
  return s.replace(REF, (whole: string, name: string, rest: string) => {
    const value = resolve({ whole, name, rest }, b, at, issues);
    if (value === undefined) return whole;
    if (typeof value === 'object') {
      issues.push({
        path: at,
        message: `${whole} is a map here, which cannot go inside a string: use \${item.NAME}`,
      });
      return whole;
    }
    return String(value);
  });
}

type Ref = { whole: string; name: string; rest: string };

function referencesIn(s: string): Ref[] {
  return [...s.matchAll(REF)].map((m) => ({ whole: m[0], name: m[1] ?? '', rest: m[2] ?? '' }));
}

/** The value of one reference, or undefined (with an issue) when it does not resolve. */
function resolve(ref: Ref, b: Binding, at: Path, issues: Issue[]): ItemValue | undefined {
  const rest = ref.rest.trim();
  if (ref.name === 'key') {
    if (rest !== '') issues.push({ path: at, message: 'unsupported reference: ${key} takes no .NAME' });
    else if (b.key === undefined)
      issues.push({ path: at, message: '${key} is set only when foreach is a map' });
    else return b.key;
    return undefined;
  }
  if (rest === '') return b.item;
  const name = REF_NAME.exec(rest)?.[1];
  if (name === undefined) {
    issues.push({ path: at, message: 'unsupported reference: use ${item} or ${item.NAME}' });
    return undefined;
  }
  if (typeof b.item !== 'object') {
    issues.push({ path: at, message: `\${item.${name}}: the items are not maps; use \${item}` });
    return undefined;
  }
  if (!Object.hasOwn(b.item, name)) {
    issues.push({
      path: at,
      message: `unknown name in \${item.${name}}; the names are: ${Object.keys(b.item).join(', ')}`,
    });
    return undefined;
  }
  return b.item[name];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
