import { serveTasks } from '../../core/workerPool.js';
import { loadPoseidon } from '../poseidon.js';
import { type ChunkTask, hashChunkTask } from './chunkTask.js';

// listen before anything is awaited, so no task posted early is missed
const ready = loadPoseidon();
serveTasks<ChunkTask, Uint8Array>(async (task) => hashChunkTask(await ready, task));
