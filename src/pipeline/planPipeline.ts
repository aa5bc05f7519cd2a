import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../core/errors/index.js';
import { canonicalJson } from '../core/hash.js';
import { flagSpecs } from '../core/optionSpecs.js';
import type { StageDefinition } from '../core/stage.js';
import type { LoadedPipeline } from './loadPipeline.js';
import type { StageRegistry } from './registry.js';

/** A path of a stage as written in the YAML (`display`) and resolved on disk (`abs`). */
export type PlannedPath = { key: string; display: string; abs: string };

export type PlannedStage = {
  /** The stage id: its YAML key, or `key@item` for an expansion of a foreach/matrix stage. */
  id: string;
  /** The YAML key it comes from (equal to `id` unless it is an expansion). */
  group: string;
  stage: StageDefinition;
  /** Validated options with io keys filled with absolute paths. */
  options: Record<string, unknown>;
  /** Options without io keys: what the lock records as params. */
  params: Record<string, unknown>;
  deps: PlannedPath[];
  outs: PlannedPath[];
  /** Ids of stages this one depends on. */
  after: string[];
};

export type PipelinePlan = { name: string; stages: PlannedStage[] };

/** `${sinso}` in a path: the sinso package's own folder (its built-in models/, datasets/). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Resolves a loaded pipeline against the registry: binds deps/outs to stage options, validates
 * options with each stage's schema (errors name the stage, field and line), and orders the DAG.
 * It plans the expanded stages (`deid@owner-001`…), so each expansion is a stage of its own.
 *
 * @example
 * const plan = planPipeline(await loadPipeline('pipelines/demo.yaml'), builtinRegistry, ws.paths.root);
 */
export function planPipeline(
  p: LoadedPipeline,
  registry: StageRegistry,
  workspaceRoot: string,
): PipelinePlan {
  const expand = (raw: string): string => {
    const s = raw.replaceAll('${workspace}', workspaceRoot).replaceAll('${sinso}', PACKAGE_ROOT);
    return isAbsolute(s) ? resolve(s) : resolve(p.dir, s);
  };
  const planned: PlannedStage[] = [];
  for (const [id, spec] of Object.entries(p.stages)) {
    // an expansion points at the lines of the stage it expands
    const at = (...path: (string | number)[]) => p.lineOf(['stages', spec.group, ...path]);
    const stage = registry.get(spec.uses);
    if (!stage) {
      throw new PipelineError(
        'PIPELINE_UNKNOWN_STAGE',
        { stage: id, uses: spec.uses, known: [...registry.keys()] },
        { issues: [{ path: `stages.${id}.uses`, message: 'no such built-in stage', line: at('uses') }] },
      );
    }
    const bindings: Record<string, unknown> = {};
    const deps: PlannedPath[] = [];
    const outs: PlannedPath[] = [];
    const bind = (field: 'deps' | 'outs', slots: readonly string[], into: PlannedPath[]) => {
      const raw = spec[field];
      if (raw === undefined) return;
      const specs = flagSpecs(stage.options);
      let map: Record<string, string | string[]>;
      if (typeof raw === 'string' || Array.isArray(raw)) {
        // a plain list binds to the stage's first slot (its main inputs or output)
        if (slots.length === 0) {
          throw new PipelineError(
            'PIPELINE_INVALID',
            { problem: 'slots' },
            {
              issues: [
                {
                  path: `stages.${id}.${field}`,
                  message: `stage ${stage.name} has no ${field === 'deps' ? 'input' : 'output'} slots`,
                  line: at(field),
                },
              ],
            },
          );
        }
        map = { [slots[0] as string]: raw };
      } else map = raw;
      for (const [key, value] of Object.entries(map)) {
        if (!slots.includes(key)) {
          throw new PipelineError(
            'PIPELINE_INVALID',
            { problem: 'slots' },
            {
              issues: [
                {
                  path: `stages.${id}.${field}.${key}`,
                  message: `stage ${stage.name} has ${field === 'deps' ? 'input' : 'output'} slots: ${slots.join(', ') || 'none'}`,
                  line: at(field, key),
                },
              ],
            },
          );
        }
        const list = typeof value === 'string' ? [value] : value;
        const many = specs.find((s) => s.key === key)?.kind === 'list';
        if (!many && list.length !== 1) {
          throw new PipelineError(
            'PIPELINE_INVALID',
            { problem: 'slots' },
            {
              issues: [
                { path: `stages.${id}.${field}.${key}`, message: 'takes exactly one path', line: at(field) },
              ],
            },
          );
        }
        const abs = list.map(expand);
        for (const [i, display] of list.entries()) into.push({ key, display, abs: abs[i] as string });
        bindings[key] = many ? abs : abs[0];
      }
    };
    bind('deps', stage.inputs, deps);
    bind('outs', stage.outputs, outs);
    for (const key of [...stage.inputs, ...stage.outputs]) {
      if (key in spec.with) {
        throw new PipelineError(
          'PIPELINE_INVALID',
          { problem: 'slots' },
          {
            issues: [
              {
                path: `stages.${id}.with.${key}`,
                message: `${key} is a path slot: declare it under ${stage.inputs.includes(key) ? 'deps' : 'outs'}`,
                line: at('with', key),
              },
            ],
          },
        );
      }
    }
    for (const key of stage.outputs) {
      if (!(key in bindings)) {
        throw new PipelineError(
          'PIPELINE_INVALID',
          { problem: 'slots' },
          { issues: [{ path: `stages.${id}.outs`, message: `missing output slot: ${key}`, line: at() }] },
        );
      }
    }
    const r = stage.options.safeParse({ ...spec.with, ...bindings });
    if (!r.success) {
      throw new PipelineError(
        'PIPELINE_INVALID',
        { problem: 'params', uses: stage.name },
        {
          issues: r.error.issues.map((i) => {
            const path = i.path.map(String);
            const key = i.code === 'unrecognized_keys' ? (i.keys[0] ?? '') : (path[0] ?? '');
            const where =
              key in spec.with
                ? 'with'
                : stage.inputs.includes(key)
                  ? 'deps'
                  : stage.outputs.includes(key)
                    ? 'outs'
                    : 'with';
            return {
              path: `stages.${id}.${where}${i.code === 'unrecognized_keys' ? '' : `.${path.join('.')}`}`,
              message:
                i.code === 'unrecognized_keys' ? `unknown parameter(s): ${i.keys.join(', ')}` : i.message,
              line: at(where, ...(i.code === 'unrecognized_keys' ? [key] : path)),
            };
          }),
        },
      );
    }
    const options = r.data as Record<string, unknown>;
    const params = Object.fromEntries(
      Object.entries(options).filter(([k]) => !stage.inputs.includes(k) && !stage.outputs.includes(k)),
    );
    planned.push({
      id,
      group: spec.group,
      stage,
      options,
      params: JSON.parse(canonicalJson(params)),
      deps,
      outs,
      after: [],
    });
  }
  // edges: B after A when a dep of B is at, inside or above an out of A
  const within = (a: string, b: string) => a === b || a.startsWith(b + sep) || b.startsWith(a + sep);
  for (const a of planned) {
    for (const b of planned) {
      if (a === b) continue;
      for (const oa of a.outs) {
        for (const ob of b.outs) {
          if (within(oa.abs, ob.abs)) {
            throw new PipelineError('PIPELINE_INVALID', {
              problem: 'shared-output',
              stages: [a.id, b.id],
              output: relative(p.dir, oa.abs) || oa.display,
            });
          }
        }
      }
      if (b.deps.some((d) => a.outs.some((o) => within(d.abs, o.abs)))) b.after.push(a.id);
    }
  }
  return { name: p.name, stages: topoSort(planned) };
}

function topoSort(stages: PlannedStage[]): PlannedStage[] {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const out: PlannedStage[] = [];
  const visit = (s: PlannedStage, trail: string[]) => {
    const st = state.get(s.id);
    if (st === 'done') return;
    if (st === 'visiting') {
      throw new PipelineError('PIPELINE_CYCLE', { cycle: [...trail.slice(trail.indexOf(s.id)), s.id] });
    }
    state.set(s.id, 'visiting');
    for (const a of s.after) visit(byId.get(a) as PlannedStage, [...trail, s.id]);
    state.set(s.id, 'done');
    out.push(s);
  };
  for (const s of stages) visit(s, []);
  return out;
}
