import { parentPort, workerData } from 'node:worker_threads';
import { type DeidJobSettings, makeProcessContext, processOne } from './processOne.js';

// A de-identification worker: builds the profile once, then processes paths as they come.
const settings = workerData as DeidJobSettings;
const ctx = makeProcessContext(settings);
parentPort?.on('message', (task: { id: number; path: string }) => {
  parentPort?.postMessage(processOne(ctx, settings.outDir, task.id, task.path));
});
