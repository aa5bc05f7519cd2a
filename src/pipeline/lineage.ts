import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { LineageEvent } from '../core/schemas/pipeline.js';
import { version } from '../core/version.js';

export const LINEAGE_PRODUCER = `https://github.com/sinso/sinso/tree/v${version}`;
export const LINEAGE_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent';

export type LineageWriter = {
  emit(e: Omit<LineageEvent, 'eventTime' | 'producer' | 'schemaURL'>): Promise<void>;
};

/**
 * Appends OpenLineage run events as JSON lines to `runs/lineage.jsonl` in the workspace.
 * Dataset names are the paths as written in the pipeline: the operator's own, never data.
 */
export function createLineageWriter(runsDir: string, clock: Clock): LineageWriter {
  const file = join(runsDir, 'lineage.jsonl');
  return {
    async emit(e) {
      const event: LineageEvent = {
        eventType: e.eventType,
        eventTime: clock.now().toISOString(),
        producer: LINEAGE_PRODUCER,
        schemaURL: LINEAGE_SCHEMA_URL,
        run: e.run,
        job: e.job,
        inputs: e.inputs,
        outputs: e.outputs,
      };
      await mkdir(dirname(file), { recursive: true });
      // one write of one whole line: a kill leaves at worst a missing last event, never a torn one
      await appendFile(file, `${JSON.stringify(event)}\n`);
    },
  };
}
