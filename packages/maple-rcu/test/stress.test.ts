/**
 * Lock-free readers in worker threads against one writer, for real: the
 * writer stores, erases, splits and spans ranges as fast as it can while two
 * reader workers load, find and scan. Every answer is checked against the
 * exact version it came from (rebuilt from the op log), no reader may touch a
 * freed node, and the writer must reclaim nodes while the readers run.
 *
 * Workers run the TypeScript sources through tsx's loader (test/workers/ts-worker.mjs),
 * so no build is needed. MAPLE_RCU_STRESS_MS sets the writer's run time (default 3000); on a
 * busy machine the writer keeps going (up to ten times longer) until every reader has
 * answered from enough versions to prove they ran concurrently with it.
 */

import type { Worker } from 'node:worker_threads';
import { MapleTree } from '@maple-tree/core';
import { storeStats } from '@maple-tree/core/internal';
import { describe, expect, it } from 'vitest';
import { SharedMapleTree } from '../src/index.js';
import { prng } from './prng.js';
import {
  applyOp,
  C_LOG_LENGTH,
  C_PROGRESS,
  C_STOP,
  CONTROL_WORDS,
  OP_CLEAR,
  OP_ERASE,
  OP_STORE,
  OP_WORDS,
} from './stress-protocol.js';
import { tsWorker } from './workers/spawn.js';

const RUN_MS = Number(process.env.MAPLE_RCU_STRESS_MS ?? 3000);
const KEYS = 100_000;
const MAX_OPS = 1_500_000;
const READERS = 2;
/** Distinct versions each reader must have answered from. */
const MIN_VERSIONS = 50;

interface ReaderResult {
  loads: number;
  finds: number;
  scans: number;
  scanned: number;
  inconsistent: number;
  implausible: number;
  backwards: number;
  versions: number;
  firstFailure: string;
  restarts: number;
  freedNodeReads: number;
  pinRetries: number;
}

function startReader(
  handle: SharedMapleTree['handle'],
  log: SharedArrayBuffer,
  control: SharedArrayBuffer,
  seed: number,
): { ready: Promise<void>; result: Promise<ReaderResult>; worker: Worker } {
  const worker = tsWorker(new URL('./workers/stress-reader.ts', import.meta.url), {
    handle,
    log,
    control,
    seed,
    keys: KEYS,
  });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const result = new Promise<ReaderResult>((resolve, reject) => {
    worker.on('message', (m: { ready?: boolean; result?: ReaderResult }) => {
      if (m.ready) onReady();
      if (m.result) resolve(m.result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`reader exited with ${code} before reporting`)));
  });
  return { ready, result, worker };
}

describe('SharedMapleTree with reader workers', () => {
  it('readers see only whole versions, never a freed node, while the writer writes and reclaims', async () => {
    const tree = new SharedMapleTree({ maxNodes: 1 << 16, synchronizeMs: 10_000 });
    const logBuffer = new SharedArrayBuffer(MAX_OPS * OP_WORDS * 8);
    const log = new Float64Array(logBuffer);
    const controlBuffer = new SharedArrayBuffer(CONTROL_WORDS * 4);
    const control = new Int32Array(controlBuffer);
    const shadow = new MapleTree<number>();
    const rnd = prng(2024);
    // Some contents before the readers start.
    let ops = 0;
    const cases = { splitStore: 0, spanningStore: 0, rebalance: 0 };
    const write = (kind: number, a: number, b: number) => {
      log[ops * OP_WORDS] = kind;
      log[ops * OP_WORDS + 1] = a;
      log[ops * OP_WORDS + 2] = b;
      Atomics.store(control, C_LOG_LENGTH, ops + 1);
      const before = tree.version;
      applyOp(shadow, log, ops);
      // Store cases of the shared tree's own writes (the counters are module-wide).
      const split = storeStats.splitStore;
      const spanning = storeStats.spanningStore;
      const rebalance = storeStats.rebalance;
      if (kind === OP_ERASE) tree.erase(a);
      else if (kind === OP_CLEAR) tree.storeRange(a, b, undefined);
      else tree.storeRange(a, b, shadow.load(a) as number);
      cases.splitStore += storeStats.splitStore - split;
      cases.spanningStore += storeStats.spanningStore - spanning;
      cases.rebalance += storeStats.rebalance - rebalance;
      if (tree.version !== before + 1) throw new Error(`op ${ops} did not publish exactly one version`);
      ops++;
    };
    const randomWrite = () => {
      const a = rnd(KEYS);
      const r = rnd(100);
      if (r < 70) write(OP_STORE, a, a + rnd(8));
      else if (r < 80) {
        if (shadow.load(a) !== undefined) write(OP_ERASE, a, 0);
      } else if (r < 92) write(OP_CLEAR, a, a + rnd(40));
      else write(OP_STORE, a, a + rnd(6000)); // spanning stores
    };
    for (let i = 0; i < 20_000; i++) randomWrite();

    const readers = [1, 2]
      .slice(0, READERS)
      .map((seed) => startReader(tree.handle, logBuffer, controlBuffer, seed));
    await Promise.all(readers.map((r) => r.ready));
    cases.splitStore = 0;
    cases.spanningStore = 0;
    cases.rebalance = 0;
    const reclaimedBefore = tree.reclaimedNodes;
    const versionBefore = tree.version;
    let maxHeldBack = 0;
    const start = performance.now();
    const end = start + RUN_MS;
    const hardEnd = start + RUN_MS * 10;
    const readersBehind = () => {
      for (let n = 0; n < READERS; n++)
        if (Atomics.load(control, C_PROGRESS + n) <= MIN_VERSIONS) return true;
      return false;
    };
    for (let now = start; (now < end || (readersBehind() && now < hardEnd)) && ops < MAX_OPS - 64; ) {
      for (let i = 0; i < 64; i++) randomWrite();
      maxHeldBack = Math.max(maxHeldBack, tree.retiredNodes);
      now = performance.now();
    }
    const reclaimedWhileReading = tree.reclaimedNodes - reclaimedBefore;
    const written = tree.version - versionBefore;
    Atomics.store(control, C_STOP, 1);
    const results = await Promise.all(readers.map((r) => r.result));

    const sum = (f: (r: ReaderResult) => number) => results.reduce((s, r) => s + f(r), 0);
    const summary = {
      written,
      splits: cases.splitStore,
      spanning: cases.spanningStore,
      rebalances: cases.rebalance,
      reclaimedWhileReading,
      maxHeldBack,
      loads: sum((r) => r.loads),
      finds: sum((r) => r.finds),
      scans: sum((r) => r.scans),
      scanned: sum((r) => r.scanned),
      versionsChecked: sum((r) => r.versions),
      restarts: sum((r) => r.restarts),
      pinRetries: sum((r) => r.pinRetries),
    };
    console.log('stress:', JSON.stringify(summary));
    for (const r of results) {
      expect(r.firstFailure).toBe('');
      expect(r.inconsistent).toBe(0);
      expect(r.implausible).toBe(0);
      expect(r.backwards).toBe(0);
      expect(r.freedNodeReads).toBe(0);
      // Real concurrency: each reader answered from many versions, with many answers.
      expect(r.versions).toBeGreaterThan(MIN_VERSIONS);
      expect(r.loads + r.finds + r.scans).toBeGreaterThan(1000);
    }
    expect(written).toBeGreaterThan(1000);
    // The writer went through the store cases that rebuild more than a leaf.
    expect(cases.splitStore).toBeGreaterThan(10);
    expect(cases.spanningStore).toBeGreaterThan(10);
    expect(cases.rebalance).toBeGreaterThan(0);
    // Nodes went back to the allocator while readers were reading, and readers held some back.
    expect(reclaimedWhileReading).toBeGreaterThan(1000);
    expect(maxHeldBack).toBeGreaterThan(0);
    // Point reads did run into nodes retired under them (dead: parent points to self) and walked again.
    expect(summary.restarts).toBeGreaterThan(0);
    tree.validate();
    expect([...tree.entries()]).toEqual([...shadow.entries()]);
  }, 120_000);
});
