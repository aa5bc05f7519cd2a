import { readFile } from 'node:fs/promises';
import { PipelineError } from '../core/errors/index.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import { NOT_JSON, parseWith } from '../core/parse.js';
import { type PipelineLock, PipelineLockSchema } from '../core/schemas/pipeline.js';

/** `pipelines/demo.yaml` → `pipelines/demo.lock.json`. */
export function lockPathFor(pipelineFile: string): string {
  return pipelineFile.replace(/\.ya?ml$/, '') + '.lock.json';
}

/** Reads a lock file; a missing one is an empty lock. */
export async function readLock(path: string, pipeline: string, toolVersion: string): Promise<PipelineLock> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { schema: '1', pipeline, tool: { name: 'sinso', version: toolVersion }, stages: {} };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PipelineError('PIPELINE_LOCK_INVALID', { file: path }, { issues: NOT_JSON, cause: err });
  }
  return parseWith(PipelineLockSchema, json, {
    what: 'pipeline lock file',
    error: (issues, cause) => new PipelineError('PIPELINE_LOCK_INVALID', { file: path }, { issues, cause }),
  });
}

/** Writes a lock file atomically, in canonical form, so equal locks are equal bytes. */
export async function writeLock(
  path: string,
  lock: PipelineLock,
  stageOrder: readonly string[],
): Promise<void> {
  const stages: PipelineLock['stages'] = {};
  for (const id of stageOrder) if (lock.stages[id]) stages[id] = lock.stages[id];
  const body = canonicalJson({ ...lock, stages }, 2);
  await writeFileAtomic(path, `${body}\n`);
}
