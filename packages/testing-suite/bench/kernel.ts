/**
 * The kernel's own maple tree benchmarks (lib/test_maple_tree.c, the
 * `bench_*` functions), with the same trees and loops, run on a
 * gap-tracking tree. `count` is the kernel's iteration count; the runner
 * scales it down unless `--scale 1` is given. One "op" is one pass of the
 * kernel's loop body.
 */
import { MAPLE_MAX, type MapleState, type MapleTree } from '@maple-tree/core';

/** A kernel benchmark: its full-scale count, and a setup returning one batch of loop passes. */
export interface KernelBench {
  readonly name: string;
  /** The kernel's iteration count (full scale). */
  readonly count: number;
  /** Loop passes per timed call. */
  readonly batch: number;
  setup(make: () => MapleTree<number>): () => void;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`kernel bench: ${what}`);
}

/** [i, i+5] for i < limit step 10, each holding i (the tens layout most kernel benchmarks start from). */
function tens(tree: MapleTree<number>, limit: number): void {
  for (let i = 0; i < limit; i += 10) tree.storeRange(i, i + 5, i);
}

/** [i, i+gap] with gap 4, or 3 when i % 30 == 0, for i < 2500 step 5 (bench_mas_for_each, bench_mas_prev). */
function fives(tree: MapleTree<number>): void {
  for (let i = 0; i < 2500; i += 5) tree.storeRange(i, i + (i % 30 === 0 ? 3 : 4), i);
}

/** Every kernel benchmark, in the kernel's order. */
export const KERNEL_BENCHES: KernelBench[] = [
  {
    name: 'bench_slot_store',
    count: 20_000_000,
    batch: 1000,
    setup: (make) => {
      const tree = make();
      tens(tree, 1040);
      return () => {
        for (let n = 0; n < 1000; n++) {
          tree.storeRange(105, 105, undefined);
          tree.storeRange(100, 105, 105);
        }
      };
    },
  },
  {
    name: 'bench_node_store',
    count: 20_000_000,
    batch: 1000,
    setup: (make) => {
      const tree = make();
      tens(tree, 240);
      let overwrite = 76;
      return () => {
        for (let n = 0; n < 1000; n++) {
          tree.storeRange(overwrite, overwrite + 15, overwrite);
          overwrite += 5;
          if (overwrite >= 135) overwrite = 76;
        }
      };
    },
  },
  {
    name: 'bench_awalk',
    count: 50_000_000,
    batch: 1000,
    setup: (make) => {
      const tree = make();
      tens(tree, 2500);
      tree.storeRange(1470, 1475, undefined);
      const mas = tree.state(1470, 1470);
      return () => {
        for (let n = 0; n < 1000; n++) {
          mas.emptyAreaRev(0, 2000, 10);
          mas.reset();
        }
      };
    },
  },
  {
    name: 'bench_walk',
    count: 550_000_000,
    batch: 10_000,
    setup: (make) => {
      const tree = make();
      tens(tree, 2500);
      const mas = tree.state(1470, 1470);
      return () => {
        for (let n = 0; n < 10_000; n++) {
          mas.walk();
          mas.reset();
        }
      };
    },
  },
  {
    name: 'bench_load',
    count: 550_000_000,
    batch: 10_000,
    setup: (make) => {
      const tree = make();
      tens(tree, 2500);
      return () => {
        for (let n = 0; n < 10_000; n++) tree.load(1470);
      };
    },
  },
  {
    name: 'bench_mt_for_each',
    count: 1_000_000,
    batch: 10,
    setup: (make) => {
      const tree = make();
      for (let i = 0; i < 2500; i += 5) tree.storeRange(i, i + 4, i);
      return () => {
        for (let n = 0; n < 10; n++) {
          let j = 0;
          for (const e of tree.entries(0, 2500)) {
            check(e.value === j, `mt_for_each saw ${e.value}, wanted ${j}`);
            j += 5;
          }
        }
      };
    },
  },
  {
    name: 'bench_mas_for_each',
    count: 1_000_000,
    batch: 10,
    setup: (make) => {
      const tree = make();
      fives(tree);
      const mas: MapleState<number> = tree.state(0, 0);
      return () => {
        for (let n = 0; n < 10; n++) {
          let j = 0;
          for (let v = mas.find(2500); v !== undefined; v = mas.find(2500)) {
            check(v === j, `mas_for_each saw ${v}, wanted ${j}`);
            j += 5;
          }
          mas.set(0);
        }
      };
    },
  },
  {
    name: 'bench_mas_prev',
    count: 1_000_000,
    batch: 10,
    setup: (make) => {
      const tree = make();
      fives(tree);
      const mas: MapleState<number> = tree.state(0, 0);
      return () => {
        for (let n = 0; n < 10; n++) {
          let j = 2495;
          mas.set(MAPLE_MAX);
          for (let v = mas.prev(0); v !== undefined; v = mas.prev(0)) {
            check(v === j, `mas_prev saw ${v}, wanted ${j}`);
            j -= 5;
          }
        }
      };
    },
  },
  {
    name: 'bench_forking',
    count: 80_000,
    batch: 1,
    setup: (make) => {
      const tree = make();
      const mas = tree.state(0, 0);
      for (let i = 0; i <= 134; i++) {
        mas.setRange(i * 10, i * 10 + 5);
        mas.store(i);
      }
      return () => {
        const copy = tree.clone();
        const cur = copy.state(0, 0);
        let stores = 0;
        for (let v = cur.find(MAPLE_MAX); v !== undefined; v = cur.find(MAPLE_MAX)) {
          cur.store(v);
          // after mas_store the kernel's cursor stays on the stored range, so find moves on
          check(++stores <= 135, 'mas_find after mas_store returned the stored range again');
        }
        copy.validate();
        copy.clear();
      };
    },
  },
];
