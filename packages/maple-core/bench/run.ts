/**
 * Benchmarks for @maple-tree/core, seeded so that every run sees the same
 * data, interleaved so that every contestant sees the same machine load, and
 * timed in CPU time (`process.cpuUsage`), which a busy machine disturbs less
 * than wall time. Each figure is the median of the rounds.
 *
 * 1. point lookup: `load` and `MapleState.walk` against the floor (binary
 *    search over a sorted Float64Array of range ends) and sorted-btree 2.1.0;
 * 2. gap search: `emptyArea` / `emptyAreaRev` on a gap-tracking tree;
 * 3. stepping: cursor `next` / `prev` and `entries()` per entry, at 10^3..10^6
 *    entries (flat per-step time: O(1) amortised);
 * 4. building: random-order `storeRange` against sorted-btree `set` (at 10^5,
 *    and at 10^6 in fewer rounds); `from()` and `clone()` against the same
 *    entries stored one by one;
 * 5. memory: bytes per range of `from()` trees, array by array (`memory.ts`).
 *
 * Layout: ranges six indices wide, gaps of four, every 97th gap 24 wide.
 *
 * Run: `pnpm --filter @maple-tree/core bench` (bench/run.mjs bundles this file
 * and src/ with esbuild and runs the bundle); `--quick` for a short run;
 * `--only=lookup,gap,step,build,churn,memory` to pick sections.
 */

import BTreeImport from 'sorted-btree';
import { MAPLE_MAX, MapleTree } from '../src/index.js';
import { prng } from '../test/prng.js';
import { memory } from './memory.js';

// sorted-btree is CommonJS with `exports.default`: under plain Node ESM the
// default import is the whole module object, under a bundler it is the class.
const BTree: typeof BTreeImport =
  (BTreeImport as unknown as { default?: typeof BTreeImport }).default ?? BTreeImport;

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice(7).split(',') : ['lookup', 'gap', 'step', 'build', 'churn', 'memory'];
const ROUNDS = quick ? 5 : 15;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
};

let sink = 0;

/** CPU nanoseconds per operation of one call of `run` (which performs `ops` operations). */
function cpuNs(ops: number, run: () => unknown): number {
  const c0 = process.cpuUsage();
  const kept = run();
  const c = process.cpuUsage(c0);
  if (kept === null) sink++;
  return ((c.user + c.system) * 1e3) / ops;
}

type Task = [name: string, ops: number, run: () => unknown];

/** Runs the tasks in interleaved rounds (warm-up calls first) and prints medians and ratios to the first. */
function report(title: string, tasks: Task[], reps = 4, rounds = ROUNDS): number[] {
  const samples = tasks.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < tasks.length; k++) {
      const [, ops, run] = tasks[k] as Task;
      if (round === 0) for (let w = 0; w < Math.max(2, Math.round(2e5 / ops)); w++) run();
      samples[k]?.push(
        cpuNs(ops * reps, () => {
          for (let j = 0; j < reps; j++) run();
          return true;
        }),
      );
    }
  }
  const medians = samples.map(median);
  const base = medians[0] as number;
  console.log(`\n${title}`);
  tasks.forEach(([name], k) => {
    const m = medians[k] as number;
    console.log(`  ${name.padEnd(44)} ${m.toFixed(1).padStart(9)} ns   x${(m / base).toFixed(2)}`);
  });
  return medians;
}

interface Layout {
  firsts: Float64Array;
  lasts: Float64Array;
  /** Range numbers in a seeded random order. */
  order: number[];
  /** Query indices, in ranges and in gaps alike. */
  queries: Float64Array;
}

function layout(n: number, seed: number): Layout {
  const firsts = new Float64Array(n);
  const lasts = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    firsts[i] = at;
    lasts[i] = at + 5;
    at += 6 + (i % 97 === 96 ? 24 : 4);
  }
  const r = prng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const queries = new Float64Array(4096);
  for (let i = 0; i < queries.length; i++) {
    queries[i] = (firsts[Math.floor(r() * n)] as number) + Math.floor(r() * 10);
  }
  return { firsts, lasts, order, queries };
}

function mapleRandom(l: Layout, allocRange: boolean): MapleTree<number> {
  const t = new MapleTree<number>({ allocRange });
  for (const i of l.order) t.storeRange(l.firsts[i] as number, l.lasts[i] as number, i);
  return t;
}

function btreeRandom(l: Layout): BTreeImport<number, { last: number; value: number }> {
  const t = new BTree<number, { last: number; value: number }>();
  for (const i of l.order) t.set(l.firsts[i] as number, { last: l.lasts[i] as number, value: i });
  return t;
}

function floorTask(l: Layout): Task {
  const { firsts, lasts, queries } = l;
  const n = firsts.length;
  return [
    'floor: binary search over range ends',
    queries.length,
    () => {
      let found = 0;
      for (let i = 0; i < queries.length; i++) {
        const x = queries[i] as number;
        let lo = 0;
        let hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((lasts[mid] as number) < x) lo = mid + 1;
          else hi = mid;
        }
        if (lo < n && (firsts[lo] as number) <= x) found += lo;
      }
      sink += found;
    },
  ];
}

function lookups(n: number): void {
  const l = layout(n, 42);
  const q = l.queries;
  const plain = mapleRandom(l, false);
  const alloc = mapleRandom(l, true);
  const bt = btreeRandom(l);
  const mp = plain.state(0);
  const ma = alloc.state(0);
  const loads = (t: MapleTree<number>) => () => {
    let f = 0;
    for (let i = 0; i < q.length; i++) f += t.load(q[i] as number) ?? 0;
    sink += f;
  };
  const walks = (m: typeof mp) => () => {
    let f = 0;
    for (let i = 0; i < q.length; i++) f += m.set(q[i] as number).walk() ?? 0;
    sink += f;
  };
  report(`point lookup, ${n} ranges (height ${plain.height}, ${alloc.height} with gaps)`, [
    floorTask(l),
    ['load', q.length, loads(plain)],
    ['load, gap-tracking tree', q.length, loads(alloc)],
    [
      'find(q) (allocates an entry)',
      q.length,
      () => {
        let f = 0;
        for (let i = 0; i < q.length; i++) f += plain.find(q[i] as number)?.value ?? 0;
        sink += f;
      },
    ],
    ['MapleState.walk', q.length, walks(mp)],
    ['MapleState.walk, gap-tracking tree', q.length, walks(ma)],
    [
      'sorted-btree nextLowerPair',
      q.length,
      () => {
        let f = 0;
        for (let i = 0; i < q.length; i++) {
          const x = q[i] as number;
          const p = bt.nextLowerPair(x + 1);
          if (p !== undefined && p[1].last >= x) f += p[1].value;
        }
        sink += f;
      },
    ],
  ]);
}

function gaps(n: number): void {
  const l = layout(n, 43);
  const q = l.queries;
  const alloc = mapleRandom(l, true);
  const G = 256;
  report(`gap search, ${n} ranges, gap-tracking tree`, [
    floorTask(l),
    [
      'emptyArea(q, MAX, 20): past ~48 ranges',
      G,
      () => sumArea((i) => alloc.emptyArea(q[i] as number, MAPLE_MAX, 20), G),
    ],
    [
      'emptyAreaRev(0, q, 20)',
      G,
      () => sumArea((i) => alloc.emptyAreaRev(0, Math.max(64, q[i] as number), 20), G),
    ],
    [
      'emptyArea(q, MAX, 2): the next gap',
      G,
      () => sumArea((i) => alloc.emptyArea(q[i] as number, MAPLE_MAX, 2), G),
    ],
    [
      'emptyAreaRev(0, q, 2)',
      G,
      () => sumArea((i) => alloc.emptyAreaRev(0, Math.max(64, q[i] as number), 2), G),
    ],
    [
      'emptyAreaRev(0, q, 25): no fit',
      G,
      () => sumArea((i) => alloc.emptyAreaRev(0, Math.max(64, q[i] as number), 25), G),
    ],
    [
      'emptyArea(q, q + 5000, 25): no fit',
      G,
      () => sumArea((i) => alloc.emptyArea(q[i] as number, (q[i] as number) + 5000, 25), G),
    ],
  ]);
}

function sumArea(search: (i: number) => number | undefined, count: number): void {
  let s = 0;
  for (let i = 0; i < count; i++) s += search(i) ?? 0;
  sink += s;
}

function stepping(sizes: number[]): void {
  for (const n of sizes) {
    const l = layout(n, 44);
    // Built in random order, leaves and value indices are scattered in memory;
    // built by from(), they are laid out in key order. The step is the same work.
    const t = mapleRandom(l, false);
    const packed = MapleTree.from(
      Array.from({ length: n }, (_, i) => ({
        first: l.firsts[i] as number,
        last: l.lasts[i] as number,
        value: i,
      })),
    );
    const bt = btreeRandom(l);
    const forward = (m: MapleTree<number>) => {
      const mas = m.state(0);
      return () => {
        let s = 0;
        mas.set(0);
        for (let v = mas.find(MAPLE_MAX); v !== undefined; v = mas.next(MAPLE_MAX)) s += v;
        sink += s;
      };
    };
    const backward = (m: MapleTree<number>) => {
      const mas = m.state(0);
      return () => {
        let s = 0;
        mas.set(MAPLE_MAX);
        for (let v = mas.findRev(0); v !== undefined; v = mas.prev(0)) s += v;
        sink += s;
      };
    };
    report(
      `stepping, ${n} entries (ns per entry)`,
      [
        [
          'sorted-btree forEachPair',
          n,
          () => {
            let s = 0;
            bt.forEachPair((_k, v) => {
              s += v.value;
            });
            sink += s;
          },
        ],
        ['cursor next()', n, forward(t)],
        ['cursor prev()', n, backward(t)],
        ['cursor next(), tree from from()', n, forward(packed)],
        ['cursor prev(), tree from from()', n, backward(packed)],
        [
          'entries() (allocates an entry per step)',
          n,
          () => {
            let s = 0;
            for (const e of t.entries()) s += e.value;
            sink += s;
          },
        ],
      ],
      Math.max(1, Math.round(1e6 / n)),
    );
  }
}

function builds(n: number): void {
  const l = layout(n, 45);
  const sorted = Array.from({ length: n }, (_, i) => i);
  const entries = sorted.map((i) => ({ first: l.firsts[i] as number, last: l.lasts[i] as number, value: i }));
  const plain = mapleRandom(l, false);
  const alloc = mapleRandom(l, true);
  const inOrder = (allocRange: boolean) => () => {
    const t = new MapleTree<number>({ allocRange });
    for (const e of entries) t.storeRange(e.first, e.last, e.value);
    return t;
  };
  const m = report(
    `building, ${n} ranges (ns per range)`,
    [
      ['sorted-btree set, random order', n, () => btreeRandom(l)],
      ['storeRange, random order', n, () => mapleRandom(l, false)],
      ['storeRange, random order, gap-tracking', n, () => mapleRandom(l, true)],
      ['storeRange, in order', n, inOrder(false)],
      ['storeRange, in order, gap-tracking', n, inOrder(true)],
      ['from()', n, () => MapleTree.from(entries)],
      ['from(), gap-tracking', n, () => MapleTree.from(entries, { allocRange: true })],
      ['clone() of the random-order tree', n, () => plain.clone()],
      ['clone() of the random-order tree, gap-tracking', n, () => alloc.clone()],
    ],
    1,
  );
  const [, rnd, rndA, ord, ordA, from, fromA, clone, cloneA] = m as number[];
  const x = (a: number | undefined, b: number | undefined) => ((a as number) / (b as number)).toFixed(1);
  console.log(`  from() vs in-order storeRange: ${x(ord, from)}x faster (${x(ordA, fromA)}x with gaps)`);
  console.log(
    `  clone() vs random-order storeRange rebuild: ${x(rnd, clone)}x faster (${x(rndA, cloneA)}x with gaps)`,
  );
  console.log(
    `  clone() vs in-order storeRange rebuild: ${x(ord, clone)}x faster (${x(ordA, cloneA)}x with gaps)`,
  );
}

/**
 * Random-order builds only (sorted-btree `set`, `storeRange` plain and
 * gap-tracking), for sizes where the whole build section would take too long:
 * fewer rounds, each a whole build.
 */
function randomBuilds(n: number): void {
  const l = layout(n, 45);
  report(
    `building in random order, ${n} ranges (ns per range)`,
    [
      ['sorted-btree set, random order', n, () => btreeRandom(l)],
      ['storeRange, random order', n, () => mapleRandom(l, false)],
      ['storeRange, random order, gap-tracking', n, () => mapleRandom(l, true)],
    ],
    1,
    quick ? 3 : 7,
  );
}

/**
 * munmap/mmap storm: erase `k` random entries one at a time (each erase has
 * empty neighbours and merges with them), then store them back (each store
 * carves a range out of an empty one). Times per erase and per store.
 */
function churn(n: number): void {
  const l = layout(n, 46);
  const t = mapleRandom(l, true);
  const k = Math.min(n >> 2, 4096);
  const pick = l.order.slice(0, k);
  const erase = () => {
    for (const i of pick) t.storeRange(l.firsts[i] as number, l.lasts[i] as number, undefined);
  };
  const store = () => {
    for (const i of pick) t.storeRange(l.firsts[i] as number, l.lasts[i] as number, i);
  };
  const samples: [number[], number[], number[]] = [[], [], []];
  const base = new Float64Array(4096);
  for (let round = 0; round < ROUNDS * 2; round++) {
    samples[0].push(cpuNs(k, erase));
    samples[1].push(cpuNs(k, store));
    samples[2].push(
      cpuNs(base.length, () => {
        let f = 0;
        for (let i = 0; i < base.length; i++) f += t.load(l.firsts[pick[i % k] as number] as number) ?? 0;
        return f;
      }),
    );
  }
  console.log(`\nmunmap/mmap churn, ${n} ranges, gap-tracking tree (${k} per phase; median / min ns)`);
  const names = [
    'storeRange(.., undefined) over one entry',
    'storeRange into an empty range',
    'load (reference)',
  ];
  samples.forEach((xs, j) => {
    console.log(
      `  ${(names[j] as string).padEnd(44)} ${median(xs).toFixed(1).padStart(9)} / ${Math.min(...xs).toFixed(1)}`,
    );
  });
}

if (only.includes('churn')) for (const n of [1e3, 1e4, 65536]) churn(n);
if (only.includes('lookup')) for (const n of [1e5, 1e6]) lookups(n);
if (only.includes('gap')) for (const n of quick ? [1e5] : [1e3, 1e4, 65536, 1e5]) gaps(n);
if (only.includes('step')) stepping(quick ? [1e3, 1e5] : [1e3, 1e4, 1e5, 1e6]);
if (only.includes('build')) {
  builds(1e5);
  if (!quick) randomBuilds(1e6);
}
if (only.includes('memory')) memory(quick ? [1e5] : [1e5, 1e6]);
if (sink === 0.5) console.log('');
