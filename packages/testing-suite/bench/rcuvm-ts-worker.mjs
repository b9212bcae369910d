// Runs a TypeScript worker module from source: registers tsx's loader in this
// worker thread, then imports the module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
