/**
 * A reader worker that holds one version for a while: it opens a scan (which
 * pins the version it starts in), reports that, waits until word 0 of
 * `release` is set (or `holdMs` passes), then ends the scan and reports how
 * many entries it saw.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedMapleTree, type SharedMapleTreeHandle } from '../../src/index.js';

const { handle, holdMs, release } = workerData as {
  handle: SharedMapleTreeHandle;
  holdMs: number;
  release: SharedArrayBuffer;
};
const reader = SharedMapleTree.attach(handle);
const scan = reader.entries();
let seen = scan.next().done ? 0 : 1;
parentPort?.postMessage({ pinned: true });
Atomics.wait(new Int32Array(release), 0, 0, holdMs);
for (let r = scan.next(); !r.done; r = scan.next()) seen++;
reader.close();
parentPort?.postMessage({ seen });
