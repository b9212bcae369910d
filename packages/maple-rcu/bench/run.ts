/**
 * Benchmarks for @maple-tree/rcu, seeded so every run sees the same work,
 * each figure the median of several timed runs, contenders timed side by side
 * (round by round) so that a busy machine slows them alike:
 *
 * 1. read throughput of one reader worker on a SharedMapleTree, with the
 *    writer idle and with the writer writing as fast as it can;
 * 2. snapshot cost: VersionedMapleTree.snapshot() against sorted-btree's
 *    clone() and functional-red-black-tree (a persistent tree: a version is
 *    just its root), and MapleTree.clone() (__mt_dup) for scale;
 * 3. writes while a snapshot is held, in rounds of one snapshot and 100 writes;
 * 4. copy-on-write writes against plain writes.
 *
 * Run: `pnpm --filter @maple-tree/rcu bench` (tsx, against src/). `--quick` for a short run.
 */

import { MapleTree } from '@maple-tree/core';
import createRBTree from 'functional-red-black-tree';
import BTreeImport from 'sorted-btree';
import { SharedMapleTree, VersionedMapleTree } from '../src/index.js';
import { prng } from '../test/prng.js';
import { tsWorker } from '../test/workers/spawn.js';

// sorted-btree is CommonJS with `exports.default`: under plain Node ESM the
// default import is the whole module object, under a bundler it is the class.
const BTree: typeof BTreeImport =
  (BTreeImport as unknown as { default?: typeof BTreeImport }).default ?? BTreeImport;

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
const N = 100_000;
const READ_MS = quick ? 300 : 1000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
};

/** Median ns per operation of `run` (which performs `ops` operations), after one warm-up run. */
function nsPerOp(ops: number, run: () => void): number {
  return race({ only: [ops, run] }).only as number;
}

/**
 * Median ns per operation of each task, timed side by side: after a warm-up
 * of each, every round times each task once, so that a busy machine slows
 * them all alike.
 */
function race(tasks: Record<string, [ops: number, run: () => void]>): Record<string, number> {
  const names = Object.keys(tasks);
  for (const name of names) (tasks[name] as [number, () => void])[1]();
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const name of names) {
      const [ops, run] = tasks[name] as [number, () => void];
      const t0 = performance.now();
      run();
      (times[name] as number[]).push(((performance.now() - t0) * 1e6) / ops);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n] as number[])]));
}

const rows: string[][] = [];
function row(...cells: (string | number)[]): void {
  rows.push(cells.map((c) => (typeof c === 'number' ? (c >= 100 ? c.toFixed(0) : c.toPrecision(3)) : c)));
}
function flush(title: string, head: string[]): void {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  console.log(`\n${title}`);
  for (const r of all) console.log(r.map((c, i) => c.padEnd(widths[i] as number)).join('  '));
  rows.length = 0;
}

// ---- 1. reader worker throughput ------------------------------------------------

async function readThroughput(): Promise<void> {
  // A reader descheduled while pinned holds back everything retired meanwhile: room, and a wait.
  const tree = new SharedMapleTree({ maxNodes: 1 << 17, synchronizeMs: 10_000 });
  for (let i = 0; i < N; i++) tree.storeRange(i * 10, i * 10 + 4, i);
  const keys = N * 10;
  const control = new SharedArrayBuffer(4);
  const flags = new Int32Array(control);
  const worker = tsWorker(new URL('./read-worker.ts', import.meta.url), {
    handle: tree.handle,
    control,
    keys,
  });
  const messages: ((m: unknown) => void)[] = [];
  worker.on('message', (m) => messages.shift()?.(m));
  const next = () => new Promise<unknown>((resolve) => messages.push(resolve));
  await next(); // ready
  const rnd = prng(99);
  type Result = { ops: number; ms: number; restarts: number; freed: number };
  const idle: number[] = [];
  const busy: number[] = [];
  const writes: number[] = [];
  let restarts = 0;
  let freed = 0;
  for (let r = 0; r < RUNS + 1; r++) {
    for (const writing of [false, true]) {
      Atomics.store(flags, 0, 0);
      const answer = next();
      worker.postMessage({ go: { ms: READ_MS, seed: r } });
      let w = 0;
      const t0 = performance.now();
      if (writing) {
        // The writer overwrites ranges (the tree keeps its size) until the reader says it is done.
        while (Atomics.load(flags, 0) === 0) {
          const a = rnd(N);
          tree.storeRange(a * 10, a * 10 + 4, w);
          w++;
        }
      }
      const wMs = performance.now() - t0;
      const res = (await answer) as Result;
      if (r === 0) continue; // warm-up
      (writing ? busy : idle).push((res.ops / res.ms) * 1000);
      if (writing) writes.push((w / wMs) * 1000);
      // The reader's counters are cumulative.
      restarts = res.restarts;
      freed = res.freed;
    }
  }
  worker.postMessage({ stop: true });
  // In-thread reference: the same loads on a reader and on the writer's own tree, no worker.
  const local = SharedMapleTree.attach(tree.handle);
  const lr = prng(5);
  const inThreadReader =
    1e9 /
    nsPerOp(100_000, () => {
      for (let i = 0; i < 100_000; i++) local.load(lr(keys));
    });
  const plain = new MapleTree<number>();
  for (let i = 0; i < N; i++) plain.storeRange(i * 10, i * 10 + 4, i);
  const plainLoads =
    1e9 /
    nsPerOp(100_000, () => {
      for (let i = 0; i < 100_000; i++) plain.load(lr(keys));
    });
  local.close();
  const mIdle = median(idle);
  const mBusy = median(busy);
  row('reader worker, writer idle', mIdle / 1e6, '1.00');
  row('reader worker, writer writing', mBusy / 1e6, (mBusy / mIdle).toFixed(2));
  row('  (writer meanwhile, writes/s)', median(writes) / 1e6, '');
  row('SharedMapleReader.load in the main thread', inThreadReader / 1e6, (inThreadReader / mIdle).toFixed(2));
  row('MapleTree.load (plain, main thread)', plainLoads / 1e6, (plainLoads / mIdle).toFixed(2));
  flush(
    `1. Read throughput, ${N} ranges, random loads (median of ${RUNS} × ${READ_MS} ms; dead-node restarts ${restarts}, freed-node reads ${freed})`,
    ['', 'M loads/s', 'vs idle'],
  );
}

// ---- 2 and 3. snapshots --------------------------------------------------------

function snapshots(): void {
  const maple = new VersionedMapleTree<number>();
  const btree = new BTree<number, number>();
  let rb = createRBTree<number, number>();
  for (let i = 0; i < N; i++) {
    maple.store(i * 2, i);
    btree.set(i * 2, i);
    rb = rb.insert(i * 2, i);
  }
  const plain = new MapleTree<number>();
  for (let i = 0; i < N; i++) plain.store(i * 2, i);

  let keep: unknown;
  const snap = race({
    maple: [
      10_000,
      () => {
        for (let i = 0; i < 10_000; i++) maple.snapshot().release();
      },
    ],
    btree: [
      10_000,
      () => {
        for (let i = 0; i < 10_000; i++) keep = btree.clone();
      },
    ],
    rb: [
      10_000,
      () => {
        for (let i = 0; i < 10_000; i++) keep = rb;
      },
    ],
  });
  const snapMaple = snap.maple as number;
  const snapBtree = snap.btree as number;
  const snapRb = snap.rb as number;
  const clonePlain = nsPerOp(1, () => {
    keep = plain.clone();
  });
  row('VersionedMapleTree.snapshot() + release()', snapMaple, '1.00');
  row('sorted-btree clone()', snapBtree, (snapBtree / snapMaple).toFixed(2));
  row('functional-red-black-tree (keep the root)', snapRb, (snapRb / snapMaple).toFixed(2));
  row('MapleTree.clone() (__mt_dup, O(n))', clonePlain, (clonePlain / snapMaple).toFixed(0));
  flush(`2. Snapshot cost, ${N} point entries (median ns per snapshot)`, ['', 'ns', 'vs maple']);

  // Rounds of: take a snapshot, 100 random point overwrites, drop the snapshot.
  const W = 100;
  const ROUNDS = 500;
  const keysOf = (seed: number) => {
    const r = prng(seed);
    return Array.from({ length: ROUNDS * W }, () => r(N) * 2);
  };
  const ks = keysOf(7);
  const writes = race({
    heldMaple: [
      ROUNDS * W,
      () => {
        let k = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const s = maple.snapshot();
          for (let i = 0; i < W; i++, k++) maple.store(ks[k] as number, k);
          s.release();
        }
      },
    ],
    heldBtree: [
      ROUNDS * W,
      () => {
        let k = 0;
        for (let round = 0; round < ROUNDS; round++) {
          keep = btree.clone();
          for (let i = 0; i < W; i++, k++) btree.set(ks[k] as number, k);
        }
      },
    ],
    heldRb: [
      ROUNDS * W,
      () => {
        let k = 0;
        for (let round = 0; round < ROUNDS; round++) {
          keep = rb;
          for (let i = 0; i < W; i++, k++) rb = rb.find(ks[k] as number).update(k);
        }
      },
    ],
    noSnapMaple: [
      ROUNDS * W,
      () => {
        for (let k = 0; k < ROUNDS * W; k++) maple.store(ks[k] as number, k);
      },
    ],
    noSnapBtree: [
      ROUNDS * W,
      () => {
        for (let k = 0; k < ROUNDS * W; k++) btree.set(ks[k] as number, k);
      },
    ],
  });
  const heldMaple = writes.heldMaple as number;
  const heldBtree = writes.heldBtree as number;
  const heldRb = writes.heldRb as number;
  const noSnapMaple = writes.noSnapMaple as number;
  const noSnapBtree = writes.noSnapBtree as number;
  row('VersionedMapleTree', heldMaple, noSnapMaple, (heldMaple / noSnapMaple).toFixed(2), '1.00');
  row(
    'sorted-btree (clone, then set)',
    heldBtree,
    noSnapBtree,
    (heldBtree / noSnapBtree).toFixed(2),
    (heldBtree / heldMaple).toFixed(2),
  );
  row('functional-red-black-tree (update)', heldRb, '', '', (heldRb / heldMaple).toFixed(2));
  flush(
    `3. Writes with a snapshot held (rounds of 1 snapshot + ${W} overwrites, ${N} entries; median ns per write)`,
    ['', 'held', 'none held', 'held/none', 'vs maple'],
  );
  if (keep === undefined) throw new Error('unreachable');
}

// ---- 4. copy-on-write against plain writes ---------------------------------------

function cowWrites(): void {
  const make = {
    'MapleTree (plain)': () => new MapleTree<number>(),
    'MapleTree { rcu: true }': () => new MapleTree<number>({ rcu: true }),
    'VersionedMapleTree (no snapshot)': () => new VersionedMapleTree<number>(),
    'SharedMapleTree (no reader)': () => new SharedMapleTree({ maxNodes: 1 << 18 }),
  } as const;
  const ks = (() => {
    const r = prng(11);
    return Array.from({ length: 100_000 }, () => r(N * 10));
  })();
  const trees = Object.entries(make).map(([name, mk]) => {
    const t = mk();
    for (let i = 0; i < N; i++) t.storeRange(i * 10, i * 10 + 4, i);
    return [name, t] as const;
  });
  const point = race(
    Object.fromEntries(
      trees.map(([name, t]) => [
        name,
        [
          ks.length,
          () => {
            for (let k = 0; k < ks.length; k++) t.storeRange(ks[k] as number, ks[k] as number, k);
          },
        ],
      ]),
    ),
  );
  const range = race(
    Object.fromEntries(
      trees.map(([name, t]) => [
        name,
        [
          ks.length,
          () => {
            for (let k = 0; k < ks.length; k++) t.storeRange(ks[k] as number, (ks[k] as number) + 23, k);
          },
        ],
      ]),
    ),
  );
  const base = point['MapleTree (plain)'] as number;
  const baseRange = range['MapleTree (plain)'] as number;
  for (const [name] of trees) {
    const p = point[name] as number;
    const r = range[name] as number;
    row(name, p, (p / base).toFixed(2), r, (r / baseRange).toFixed(2));
  }
  flush(`4. Copy-on-write writes, ${N} ranges (median ns per write)`, [
    '',
    'point store',
    'vs plain',
    'range store (24)',
    'vs plain',
  ]);
}

console.log(`@maple-tree/rcu benchmarks (node ${process.version}${quick ? ', quick' : ''})`);
await readThroughput();
snapshots();
cowWrites();
