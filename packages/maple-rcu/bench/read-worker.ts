/**
 * Benchmark reader worker: attaches to the shared tree and, on each `go`
 * message, runs seeded random loads for the given time, then reports how
 * many it did and raises the DONE flag so that a busy writer can stop.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedMapleTree, type SharedMapleTreeHandle } from '../src/index.js';
import { prng } from '../test/prng.js';

const { handle, control, keys } = workerData as {
  handle: SharedMapleTreeHandle;
  control: SharedArrayBuffer;
  keys: number;
};
const flags = new Int32Array(control);
const reader = SharedMapleTree.attach(handle);

parentPort?.on('message', (m: { go?: { ms: number; seed: number }; stop?: boolean }) => {
  if (m.stop) {
    reader.close();
    parentPort?.close();
    return;
  }
  if (!m.go) return;
  const rnd = prng(m.go.seed);
  const end = performance.now() + m.go.ms;
  let ops = 0;
  let hits = 0;
  const t0 = performance.now();
  while (true) {
    for (let i = 0; i < 1024; i++) if (reader.load(rnd(keys)) !== undefined) hits++;
    ops += 1024;
    if (performance.now() >= end) break;
  }
  const ms = performance.now() - t0;
  Atomics.store(flags, 0, 1);
  parentPort?.postMessage({
    ops,
    ms,
    hits,
    restarts: reader.stats.restarts,
    freed: reader.stats.freedNodeReads,
  });
});
parentPort?.postMessage({ ready: true });
