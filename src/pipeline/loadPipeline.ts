import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { PipelineError } from '../core/errors/index.js';
import { type PipelineSpec, PipelineSpecSchema } from '../core/schemas/pipeline.js';
import { type ExpandedStages, expandStages } from './expandStages.js';

/** A pipeline read from disk, with what is needed to point errors at YAML lines. */
export type LoadedPipeline = {
  /** The pipeline as written (foreach/matrix stages unexpanded). */
  spec: PipelineSpec;
  /** Its stages after fan-out (`deid@owner-001`…), in order: what planning and the lock see. */
  stages: ExpandedStages;
  name: string;
  file: string;
  dir: string;
  /** 1-based line of a node at a path such as ['stages', 'cohort', 'with', 'owners'], if known. */
  lineOf(path: readonly (string | number)[]): number | undefined;
};

/**
 * Reads and validates a pipeline YAML file, and expands its foreach/matrix stages (see
 * expandStages). Errors name the stage and field, with the line.
 *
 * @example
 * const p = await loadPipeline('pipelines/demo.yaml');
 */
export async function loadPipeline(file: string): Promise<LoadedPipeline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PipelineError('PIPELINE_NOT_FOUND', { file }, { cause: err });
  }
  return parsePipeline(text, file);
}

/** Parses pipeline YAML text (see loadPipeline). */
export function parsePipeline(text: string, file: string): LoadedPipeline {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PipelineError(
      'PIPELINE_INVALID',
      { problem: 'yaml', file },
      {
        issues: doc.errors.map((e) => ({
          path: '',
          message: e.code === 'DUPLICATE_KEY' ? 'a key appears twice' : (e.message.split('\n')[0] ?? e.code),
          line: lineCounter.linePos(e.pos[0]).line,
        })),
      },
    );
  }
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    // the line of the deepest key (or sequence item) on the path that exists in the document
    let node: unknown = doc.contents;
    let line: number | undefined = rangeLine(node);
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (it) => String((it.key as { value?: unknown } | null)?.value ?? it.key) === String(step),
        );
        if (!pair) break;
        line = rangeLine(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
        line = rangeLine(node) ?? line;
      } else break;
    }
    return line;
  };
  const r = PipelineSpecSchema.safeParse(doc.toJS());
  if (!r.success) {
    throw new PipelineError(
      'PIPELINE_INVALID',
      { problem: 'schema', file },
      {
        issues: r.error.issues.map((i) => {
          const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
          return {
            path: path.join('.'),
            message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
            line: lineOf(i.code === 'unrecognized_keys' ? [...path, i.keys[0] ?? ''] : path),
          };
        }),
      },
    );
  }
  const abs = resolve(file);
  function rangeLine(n: unknown): number | undefined {
    const range = (n as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  }
  const stages = expandStages(r.data.stages, { file, lineOf });
  return {
    spec: r.data,
    stages,
    name: r.data.name ?? basename(abs).replace(/\.ya?ml$/, ''),
    file: abs,
    dir: dirname(abs),
    lineOf,
  };
}
