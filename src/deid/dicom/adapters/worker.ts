import { workerData } from 'node:worker_threads';
import { serveTasks } from '../../../core/workerPool.js';
import { type DeidJobSettings, type DeidTaskResult, makeProcessContext, processOne } from './processOne.js';

// A de-identification worker: builds the profile once, then processes paths as they come.
const settings = workerData as DeidJobSettings;
const ctx = makeProcessContext(settings);
serveTasks<{ id: number; path: string }, DeidTaskResult>((task) =>
  processOne(ctx, settings.outDir, task.id, task.path),
);
