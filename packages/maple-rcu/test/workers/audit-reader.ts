/**
 * The api-audit worker: attaches to a shared tree through the package entry
 * point and records what it is answered, for the main thread to check
 * against the version each answer names.
 *
 * mode 'read': until control[0] is set, loads, finds and scans keys in
 * [0, keys) with no lock, recording each answer with `reader.version`, and
 * counts its answers in control[1 + id]. Records (a flat number list; NaN
 * stands for undefined, which the writer never stores):
 *   [1, version, index, value]                  load
 *   [2, version, index, max, first, last, value] find (first -1: none)
 *   [3, version, first, last, n, (first, last, value) x n] a whole scan
 * mode 'attach': tries each handle in `tries` and reports the error codes.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { MapleError } from '@maple-tree/core';
import { SharedMapleTree, type SharedMapleTreeHandle } from '@maple-tree/rcu';
import { prng } from '../prng.js';

interface Data {
  mode: 'read' | 'attach';
  handle: SharedMapleTreeHandle;
  control: SharedArrayBuffer;
  id: number;
  seed: number;
  keys: number;
  tries?: unknown[];
}

const data = workerData as Data;

function readLoop(): void {
  const control = new Int32Array(data.control);
  const reader = SharedMapleTree.attach(data.handle);
  const rand = prng(data.seed);
  const out: number[] = [];
  let answers = 0;
  const versions = new Set<number>();
  parentPort?.postMessage({ ready: true });
  while (Atomics.load(control, 0) === 0 && out.length < 3_000_000) {
    const op = rand(10);
    const k = rand(data.keys);
    if (op < 5) {
      const v = reader.load(k);
      out.push(1, reader.version, k, v ?? Number.NaN);
    } else if (op < 8) {
      const max = k + rand(100);
      const e = reader.find(k, max);
      out.push(2, reader.version, k, max, e?.first ?? -1, e?.last ?? -1, e?.value ?? Number.NaN);
    } else {
      const last = k + rand(300);
      const found: number[] = [];
      for (const e of reader.entries(k, last)) found.push(e.first, e.last, e.value);
      out.push(3, reader.version, k, last, found.length / 3, ...found);
    }
    answers++;
    versions.add(reader.version);
    if ((answers & 63) === 0) {
      Atomics.store(control, 1 + 2 * data.id, answers);
      Atomics.store(control, 2 + 2 * data.id, versions.size);
    }
  }
  const stats = { ...reader.stats };
  reader.close();
  const records = Float64Array.from(out);
  parentPort?.postMessage({ records, stats, answers }, [records.buffer]);
}

function attachTries(): void {
  const codes = (data.tries ?? []).map((handle) => {
    try {
      const reader = SharedMapleTree.attach(handle as SharedMapleTreeHandle);
      const value = reader.load(0);
      reader.close();
      return `ok:${String(value)}`;
    } catch (error) {
      return error instanceof MapleError ? error.code : String(error);
    }
  });
  parentPort?.postMessage({ codes });
}

if (data.mode === 'read') readLoop();
else attachTries();
