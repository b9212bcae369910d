/**
 * Starting a TypeScript worker thread from source, for the tests and the
 * benchmark: the worker runs ts-worker.mjs (tsx's loader) with the
 * `@maple-tree/source` condition, which then imports `entry`. No build needed.
 */
import { Worker } from 'node:worker_threads';

/**
 * A worker running the TypeScript module `entry`; `data` reaches it as
 * workerData alongside `entry` (the href ts-worker.mjs imports).
 */
export function tsWorker(entry: URL, data: Record<string, unknown>): Worker {
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), {
    execArgv: ['--conditions=@maple-tree/source'],
    workerData: { entry: entry.href, ...data },
  });
}
