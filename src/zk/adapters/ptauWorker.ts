import { workerData } from 'node:worker_threads';
import { serveTasks } from '../../core/workerPool.js';
import { createFixedBaseEngine, type FixedBaseEngineParameters, type PtauGroup } from './ptauEngine.js';

/** One chunk of a ptau section: scalars (32 bytes each, standard form) to multiply G by. */
export type PtauTask = { group: PtauGroup; scalars: Uint8Array };

// listen before anything is awaited, so no task posted early is missed
const ready = createFixedBaseEngine(workerData as FixedBaseEngineParameters);
serveTasks<PtauTask, Uint8Array>(
  async (task) => (await ready).multiplyGenerator(task.group, task.scalars),
  (points) => [points.buffer as ArrayBuffer],
);
