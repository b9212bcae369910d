/**
 * The range-map operations the benchmarks time. Each runs a batch of
 * operations per call so that timer overhead stays out of the figures; the
 * report divides by `batch` to give nanoseconds per operation.
 *
 * Writes are paired so that the structure keeps its shape however many
 * times a task runs: a store that splits a range in three is followed by
 * one that covers it again; an erase is followed by a store putting the
 * range back.
 */
import { MAPLE_MAX } from '@maple-tree/core';
import type { Layout } from './layout.js';
import type { RangeMap } from './peers/range-map.js';

/** One timed operation. */
export interface Workload {
  readonly name: string;
  /** Operations per call. */
  readonly batch: number;
  /** Needs a writable map. */
  readonly writes: boolean;
  /** Makes the call to time, over a map built from `layout`. */
  prepare(map: RangeMap, layout: Layout): () => unknown;
}

let sink = 0;
/** Keeps results alive so that no call can be optimised away. */
export function consume(): number {
  return sink;
}

const loads = (name: string, pick: (l: Layout) => Float64Array): Workload => ({
  name,
  batch: 1024,
  writes: false,
  prepare: (map, layout) => {
    const q = pick(layout);
    return () => {
      let found = 0;
      for (let i = 0; i < q.length; i++) if (map.load(q[i]!) !== undefined) found++;
      sink += found;
    };
  },
});

/** Every workload, in report order. */
export const WORKLOADS: Workload[] = [
  loads('load (hit)', (l) => l.hits),
  loads('load (miss)', (l) => l.misses),
  {
    name: 'store: split in 3, then cover',
    batch: 256,
    writes: true,
    prepare: (map, layout) => () => {
      for (let q = 0; q < 256; q++) {
        const r = layout.ranges[layout.picks[q]!]!;
        map.store(r.first + 2, r.first + 3, -1);
        map.store(r.first, r.last, r.value);
      }
    },
  },
  {
    name: 'erase, then store back',
    batch: 256,
    writes: true,
    prepare: (map, layout) => () => {
      for (let q = 0; q < 256; q++) {
        const r = layout.ranges[layout.picks[q]!]!;
        map.erase(r.first + 1);
        map.store(r.first, r.last, r.value);
      }
    },
  },
  {
    name: 'scan, whole map',
    batch: 1,
    writes: false,
    prepare: (map) => () => {
      sink += map.scan(0, MAPLE_MAX);
    },
  },
  {
    name: 'scan, 100 ranges',
    batch: 64,
    writes: false,
    prepare: (map, layout) => () => {
      for (let q = 0; q < 64; q++) {
        const first = layout.hits[q]!;
        sink += map.scan(first, first + 1000);
      }
    },
  },
  {
    name: 'next from an index',
    batch: 1024,
    writes: false,
    prepare: (map, layout) => () => {
      const q = layout.hits;
      for (let i = 0; i < q.length; i++) sink += map.next(q[i]!) ?? 0;
    },
  },
  {
    name: 'prev from an index',
    batch: 1024,
    writes: false,
    prepare: (map, layout) => () => {
      const q = layout.misses;
      for (let i = 0; i < q.length; i++) sink += map.prev(q[i]!) ?? 0;
    },
  },
  {
    name: 'gap search, first fit (20)',
    batch: 64,
    writes: false,
    prepare: (map, layout) => () => {
      for (let q = 0; q < 64; q++) sink += map.emptyArea(layout.hits[q]!, MAPLE_MAX, 20) ?? 0;
    },
  },
  {
    name: 'gap search, top down (20)',
    batch: 64,
    writes: false,
    prepare: (map, layout) => () => {
      for (let q = 0; q < 64; q++) sink += map.emptyAreaRev(0, Math.max(64, layout.hits[q]!), 20) ?? 0;
    },
  },
  {
    name: 'gap search, no fit (30)',
    batch: 1,
    writes: false,
    prepare: (map, layout) => () => {
      sink += map.emptyArea(0, layout.top, 30) ?? 1;
    },
  },
  {
    name: 'clone, then one write',
    batch: 1,
    writes: true,
    prepare: (map, layout) => () => {
      const copy = map.clone();
      const r = layout.ranges[layout.picks[0]!]!;
      copy.store(r.first + 1, r.first + 2, -1);
      sink += copy.size;
    },
  },
];
