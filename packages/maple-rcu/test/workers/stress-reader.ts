/**
 * A stress-test reader: attaches to the shared tree and, until told to stop,
 * runs loads, finds and range scans with no lock. Each answer carries the
 * version it came from; the worker rebuilds that version from the op log in a
 * private tree and checks the answer against it exactly.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { type MapleEntry, MapleTree } from '@maple-tree/core';
import { SharedMapleTree, type SharedMapleTreeHandle } from '../../src/index.js';
import { prng } from '../prng.js';
import { applyOp, C_LOG_LENGTH, C_PROGRESS, C_STOP, plausible } from '../stress-protocol.js';

const data = workerData as {
  handle: SharedMapleTreeHandle;
  log: SharedArrayBuffer;
  control: SharedArrayBuffer;
  seed: number;
  keys: number;
};
const log = new Float64Array(data.log);
const control = new Int32Array(data.control);
const reader = SharedMapleTree.attach(data.handle);
const model = new MapleTree<number>();
const rnd = prng(data.seed);
let applied = 0;

const result = {
  loads: 0,
  finds: 0,
  scans: 0,
  scanned: 0,
  inconsistent: 0,
  implausible: 0,
  backwards: 0,
  versions: 0,
  firstFailure: '',
  restarts: 0,
  freedNodeReads: 0,
  pinRetries: 0,
};

function fail(what: string): void {
  result.inconsistent++;
  if (result.firstFailure === '') result.firstFailure = `${what} at version ${reader.version}`;
}

/** Brings the private tree to `version` (answers come in non-decreasing versions). */
function reach(version: number): boolean {
  if (version < applied) {
    result.backwards++;
    return false;
  }
  if (Atomics.load(control, C_LOG_LENGTH) < version) {
    fail(`version ${version} published before its log entry`);
    return false;
  }
  if (version > applied) {
    result.versions++;
    Atomics.store(control, C_PROGRESS + data.seed - 1, result.versions);
  }
  while (applied < version) applyOp(model, log, applied++);
  return true;
}

const same = (a: MapleEntry<number> | undefined, b: MapleEntry<number> | undefined) =>
  a === b ||
  (a !== undefined && b !== undefined && a.first === b.first && a.last === b.last && a.value === b.value);

parentPort?.postMessage({ ready: true });
while (Atomics.load(control, C_STOP) === 0) {
  const kind = rnd(10);
  const at = rnd(data.keys);
  if (kind < 6) {
    const value = reader.load(at);
    result.loads++;
    if (!reach(reader.version)) continue;
    if (value !== model.load(at)) fail(`load(${at}) = ${value}, expected ${model.load(at)}`);
    else if (value !== undefined && !plausible(value, at, at)) result.implausible++;
  } else if (kind < 9) {
    const max = at + rnd(2000);
    const found = reader.find(at, max);
    result.finds++;
    if (!reach(reader.version)) continue;
    const want = model.find(at, max);
    if (!same(found, want))
      fail(`find(${at}, ${max}) = ${JSON.stringify(found)}, expected ${JSON.stringify(want)}`);
    else if (found !== undefined && !plausible(found.value, found.first, found.last)) result.implausible++;
  } else {
    const last = at + rnd(4000);
    const got = [...reader.entries(at, last)];
    result.scans++;
    result.scanned += got.length;
    if (!reach(reader.version)) continue;
    const want = [...model.entries(at, last)];
    if (got.length !== want.length || got.some((e, i) => !same(e, want[i]))) {
      fail(`entries(${at}, ${last}): ${got.length} entries, expected ${want.length}`);
    }
    for (const e of got) if (!plausible(e.value, e.first, e.last)) result.implausible++;
  }
}
result.restarts = reader.stats.restarts;
result.freedNodeReads = reader.stats.freedNodeReads;
result.pinRetries = reader.stats.pinRetries;
reader.close();
parentPort?.postMessage({ result });
